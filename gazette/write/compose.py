"""The default writer: an extractive, grounded article from a story's sources.

Every body sentence is a sentence of a source (at most trimmed of a dateline or a connective),
cited to every independent source that supports it (see `facts`). Sentences are ranked by how
many sources carry them, how early they come in those reports and how central they are to the
story; the best are chosen without repeating each other until the word budget is spent, then
put in the order the reports themselves use, which is the news order: what happened, details,
reactions, background. Where sources give different figures, a sentence says so and cites each.

Inputs it does not take as they come: an article is written in one language, that of most of the
story's independent sources (the sentence model and splitter are English-centred, and a sentence
is only supported by reports in its own language), so reports in another language are left out;
and a story with very many sources is read by its leads, each source giving at most its share of
MAX_SENTENCES (never fewer than LEAD_SENTENCES), so that every outlet stays citable for what it
reported first while the work stays bounded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from gazette.embedding import Embedder
from gazette.errors import InputError
from gazette.language import language_of
from gazette.records import (
    CitedSentence,
    Quote,
    Reference,
    SourceArticle,
    WrittenArticle,
    independent_sources,
)
from gazette.sentences import (
    content_words,
    is_usable,
    split_sentences,
    starts_with_pronoun,
    trim_sentence,
)
from gazette.urls import domain_of
from gazette.write.facts import (
    Fact,
    Side,
    SourceFacts,
    SourceSentence,
    build_facts,
    describe_source,
    find_disagreement,
)
from gazette.write.headline import clean_headline, is_news_headline
from gazette.write.quotes import FoundQuote, find_quotes, quote_key

# A sentence repeats the article when it is this similar to a chosen one, or when fewer than
# MIN_NOVELTY of its content words are new.
REDUNDANT = 0.62
MIN_NOVELTY = 0.35
# The summary: the best facts, at least SUMMARY_MIN_SENTENCES (when the body has them), then
# more while they fit in SUMMARY_MAX_WORDS, up to SUMMARY_MAX_SENTENCES.
SUMMARY_MIN_SENTENCES = 2
SUMMARY_MAX_SENTENCES = 3
SUMMARY_MAX_WORDS = 75
# Sentences read from all sources together, and the fewest read from each one.
MAX_SENTENCES = 600
LEAD_SENTENCES = 3


def in_story_language(sources: list[SourceArticle]) -> list[SourceArticle]:
    """The sources in the language most of them use (ties: the earliest source's)."""
    languages = [language_of(s.language, s.title, s.text, default="") for s in sources]
    known = [code for code in languages if code]
    if not known:
        return sources
    counts = Counter(known)
    story = max(counts, key=lambda code: (counts[code], -known.index(code)))
    return [s for s, code in zip(sources, languages, strict=True) if code in (story, "")]


@dataclass
class _Material:
    """The sources' sentences, their embeddings and what each source states."""

    originals: list[SourceArticle]
    sentences: list[SourceSentence]
    facts_by_source: list[SourceFacts]
    similarity: np.ndarray
    vectors: np.ndarray
    title_vectors: np.ndarray


def _gather(sources: list[SourceArticle], embedder: Embedder) -> _Material:
    if not sources:
        raise InputError("a story needs at least one source")
    duplicates = sorted(key for key, n in Counter(s.key for s in sources).items() if n > 1)
    if duplicates:
        raise InputError(f"source keys must be unique; given twice: {', '.join(duplicates)}")
    originals = in_story_language(independent_sources(sources))
    share = max(LEAD_SENTENCES, MAX_SENTENCES // len(originals))
    sentences: list[SourceSentence] = []
    rows_by_source: list[list[int]] = []
    split_by_source = [split_sentences(source.text) for source in originals]
    for index, source in enumerate(originals):
        usable = [trim_sentence(s) for s in split_by_source[index]]
        usable = [s for s in usable if is_usable(s, source.title)][:share]
        rows = []
        for position, text in enumerate(usable):
            rows.append(len(sentences))
            relative = position / max(len(usable), 1)
            sentences.append(SourceSentence(len(sentences), index, position, relative, text))
        rows_by_source.append(rows)
    if not sentences:
        raise InputError("none of the story's sources has a complete sentence to write from")
    encoded = embedder.encode([s.text for s in sentences] + [s.title for s in originals])
    vectors, title_vectors = encoded[: len(sentences)], encoded[len(sentences) :]
    facts_by_source = [
        describe_source(i, rows_by_source[i], s.text) for i, s in enumerate(originals)
    ]
    return _Material(
        originals, sentences, facts_by_source, vectors @ vectors.T, vectors, title_vectors
    )


def _score(facts: list[Fact], material: _Material) -> None:
    centroid = material.vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    total = len(material.originals)
    for fact in facts:
        centrality = float(material.vectors[fact.sentence.row] @ centroid)
        fact.score = (
            2.0 * len(fact.supporters) / total
            + (1.0 - fact.position)
            + centrality
            - (0.5 if starts_with_pronoun(fact.sentence.text) else 0.0)
        )


def _select(facts: list[Fact], material: _Material, max_words: int) -> list[Fact]:
    chosen: list[Fact] = []
    said: set[str] = set()
    words = 0
    for fact in sorted(facts, key=lambda f: -f.score):
        rows = [c.sentence.row for c in chosen]
        if rows and float(material.similarity[fact.sentence.row, rows].max()) >= REDUNDANT:
            continue
        vocabulary = content_words(fact.sentence.text)
        if vocabulary and len(vocabulary - said) / len(vocabulary) < MIN_NOVELTY:
            continue
        fact.disagreement = find_disagreement(
            fact, material.facts_by_source, material.similarity, material.sentences
        )
        length = len(fact.sentence.text.split()) + (25 if fact.disagreement else 0)
        if words + length > max_words:
            continue
        chosen.append(fact)
        said |= vocabulary
        words += length
    return _news_order(chosen)


def _news_order(chosen: list[Fact]) -> list[Fact]:
    """The strongest early fact leads; the rest follow in the order the reports tell them."""
    if not chosen:
        return []
    lead = max(
        chosen,
        key=lambda f: (not starts_with_pronoun(f.sentence.text), f.score + 1.0 - f.position),
    )
    rest = sorted((f for f in chosen if f is not lead), key=lambda f: (f.position, -f.score))
    return [lead, *rest]


class References:
    """Reference numbers in order of first citation."""

    def __init__(self, originals: list[SourceArticle]) -> None:
        self.originals = originals
        self.numbers: dict[int, int] = {}

    def cite(self, source_indexes: list[int]) -> tuple[int, ...]:
        for index in source_indexes:
            self.numbers.setdefault(index, len(self.numbers) + 1)
        return tuple(sorted(self.numbers[i] for i in source_indexes))

    def outlet(self, index: int) -> str:
        source = self.originals[index]
        return source.outlet or domain_of(source.url) or f"source {self.numbers.get(index, '?')}"

    def references(self) -> list[Reference]:
        return [
            Reference(
                number=number,
                key=self.originals[index].key,
                url=self.originals[index].url,
                title=self.originals[index].title,
                outlet=self.outlet(index),
                published=self.originals[index].published,
            )
            for index, number in sorted(self.numbers.items(), key=lambda item: item[1])
        ]


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def disagreement_sentence(sides: list[Side], refs: References, paragraph: int) -> CitedSentence:
    """'A put the figure at X [1], while B reported Y [2].' from the sources' own values."""
    parts = []
    for number, side in enumerate(sides):
        outlets = _join_names(list(dict.fromkeys(refs.outlet(i) for i in side.sources)))
        markers = "".join(f"[{n}]" for n in refs.cite(side.sources))
        verb = "put the figure at" if number == 0 else "reported"
        parts.append(f"{outlets} {verb} {side.figure.phrase} {markers}")
    text = parts[0] + ", while " + _join_names(parts[1:]) + "."
    citations = refs.cite([i for side in sides for i in side.sources])
    return CitedSentence(text, citations, paragraph, kind="disagreement")


def _body(chosen: list[Fact], refs: References) -> list[CitedSentence]:
    body: list[CitedSentence] = []
    for index, fact in enumerate(chosen):
        paragraph = 0 if index == 0 else (index + 1) // 2
        body.append(CitedSentence(fact.sentence.text, refs.cite(fact.supporters), paragraph))
        if fact.disagreement:
            body.append(disagreement_sentence(fact.disagreement, refs, paragraph))
    return body


def summary_facts(chosen: list[Fact]) -> list[Fact]:
    """The best facts for a 2 to 3 sentence summary, within SUMMARY_MAX_WORDS."""
    picked: list[Fact] = []
    words = 0
    for fact in sorted(chosen, key=lambda f: -f.score):
        length = len(fact.sentence.text.split())
        if len(picked) >= SUMMARY_MAX_SENTENCES:
            break
        if len(picked) >= SUMMARY_MIN_SENTENCES and words + length > SUMMARY_MAX_WORDS:
            continue
        picked.append(fact)
        words += length
    return picked


def _summary(chosen: list[Fact], body: list[CitedSentence]) -> list[CitedSentence]:
    texts = {f.sentence.text for f in summary_facts(chosen)}
    return [
        CitedSentence(s.text, s.citations, 0) for s in body if s.kind == "fact" and s.text in texts
    ]


def source_quotes(originals: list[SourceArticle]) -> list[tuple[int, FoundQuote]]:
    """Every attributed quotation of the sources, with the index of the source that has it."""
    return [(index, q) for index, s in enumerate(originals) for q in find_quotes(s.text)]


def pick_quote(quotes: list[tuple[int, FoundQuote]], refs: References) -> Quote | None:
    """The direct quote carried by the most sources, verbatim, with its most complete speaker."""
    occurrences: dict[str, list[tuple[int, str, str]]] = {}
    for index, found in quotes:
        occurrences.setdefault(quote_key(found.text), []).append((index, found.text, found.speaker))
    if not occurrences:
        return None
    best = max(
        occurrences.values(),
        key=lambda occ: (len({i for i, _, _ in occ}), -min(i for i, _, _ in occ)),
    )
    cited = [i for i, _, _ in best if i in refs.numbers]
    index, text, _ = next((o for o in best if o[0] in cited), best[0])
    speaker = max((speaker for _, _, speaker in best), key=len)
    return Quote(text=text, speaker=speaker, citation=refs.cite([index])[0])


def pick_headline(material: _Material, chosen: list[Fact]) -> str:
    """The source title closest to the story's main facts, preferring news-style titles."""
    main = sorted(chosen, key=lambda f: -f.score)[:3]
    focus = material.vectors[[fact.sentence.row for fact in main]].mean(axis=0)
    scores = material.title_vectors @ focus
    candidates = []
    for index in np.argsort(-scores):
        source = material.originals[int(index)]
        headline = clean_headline(source.title, source.outlet, domain_of(source.url))
        if len(headline.split()) >= 3:
            candidates.append(headline)
    news_style = [h for h in candidates if is_news_headline(h)]
    if news_style or candidates:
        return (news_style or candidates)[0]
    return chosen[0].sentence.text.rstrip(".")


@dataclass
class Plan:
    """What the story's sources say, read and weighed: the facts chosen for the article under
    the word budget, in news order. The extractive article is written from it; the LLM writer
    hands the same facts to a model and falls back on this article's sentences."""

    material: _Material
    chosen: list[Fact]
    quotes: list[tuple[int, FoundQuote]]  # the sources' attributed quotations (source index)

    @property
    def originals(self) -> list[SourceArticle]:
        return self.material.originals


def plan_article(sources: list[SourceArticle], embedder: Embedder, max_words: int) -> Plan:
    material = _gather(sources, embedder)
    facts = build_facts(material.sentences, material.facts_by_source, material.similarity)
    _score(facts, material)
    return Plan(material, _select(facts, material, max_words), source_quotes(material.originals))


def extractive_article(plan: Plan) -> WrittenArticle:
    refs = References(plan.originals)
    body = _body(plan.chosen, refs)
    quote = pick_quote(plan.quotes, refs)  # may add a reference, so before the list is made
    return WrittenArticle(
        headline=pick_headline(plan.material, plan.chosen),
        summary=_summary(plan.chosen, body),
        body=body,
        references=refs.references(),
        quote=quote,
    )


def write_article(
    sources: list[SourceArticle], embedder: Embedder, max_words: int = 250
) -> WrittenArticle:
    """One grounded article from a story's sources (see the module docstring)."""
    return extractive_article(plan_article(sources, embedder, max_words))
