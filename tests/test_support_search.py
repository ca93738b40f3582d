"""The support search's short cuts give the answers of the plain check they stand for."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

from gazette.figures import figures
from gazette.sentences import split_sentences
from gazette.write.facts import (
    COVERAGE,
    SourceSentence,
    build_facts,
    claims_of,
    coverage,
    describe_source,
    figures_of,
    is_covered,
    is_supported_by,
)

EVENTS = Path(__file__).parent.parent / "demo" / "events"


def _texts(name: str) -> list[str]:
    return [a["body"] for a in tomllib.loads((EVENTS / name).read_text())["articles"]]


def test_covered_exactly_when_one_passage_holds_enough_of_the_sentence() -> None:
    checked = covered = 0
    for name in ("04-transit-strike.toml", "05-ravel-floods.toml", "12-coal-law.toml"):
        texts = _texts(name)
        sources = [describe_source(i, [], text) for i, text in enumerate(texts)]
        for text in texts:
            for sentence in split_sentences(text):
                claims = claims_of(sentence)
                for source in sources:
                    expected = coverage(claims, source) >= COVERAGE
                    assert is_covered(claims, source) == expected, (sentence, source.index)
                    checked += 1
                    covered += expected
    # both answers occur many times: the comparison means something
    assert checked > 300 and 20 < covered < checked - 20


def test_facts_cite_the_sources_the_pairwise_check_accepts() -> None:
    """build_facts finds each source's closest sentence once for all sentences; its supporters
    are those that the one-pair check accepts, sentence by sentence."""
    texts = _texts("05-ravel-floods.toml")
    sentences: list[SourceSentence] = []
    rows: list[list[int]] = []
    for index, text in enumerate(texts):
        own = split_sentences(text)
        rows.append(list(range(len(sentences), len(sentences) + len(own))))
        sentences += [
            SourceSentence(len(sentences) + p, index, p, p / len(own), s) for p, s in enumerate(own)
        ]
    sources = [describe_source(i, rows[i], text) for i, text in enumerate(texts)]
    # a similarity that puts sentences sharing words close: enough to reach the lexical checks
    words = [claims_of(s.text).words for s in sentences]
    similarity = np.array(
        [[len(a & b) / max(1, min(len(a), len(b))) for b in words] for a in words],
        dtype=np.float32,
    )
    facts = build_facts(sentences, sources, similarity)
    cited_elsewhere = 0
    for fact in facts:
        claims = claims_of(fact.sentence.text)
        expected = [fact.sentence.source] + [
            s.index
            for s in sources
            if s.index != fact.sentence.source
            and is_supported_by(fact.sentence, claims, s, similarity)
        ]
        assert fact.supporters == expected
        cited_elsewhere += len(expected) > 1
    assert cited_elsewhere >= 3


def test_remembered_figures_are_the_sentence_s_figures() -> None:
    sentence = "The agency put the toll at 12,000 people, up 4% on Friday's 9,500."
    assert list(figures_of(sentence)) == figures(sentence)
    assert figures_of(sentence) is figures_of(sentence)
