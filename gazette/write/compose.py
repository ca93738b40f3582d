"""The default writer: an extractive, grounded article from a story's sources.

Every printed sentence is a sentence of a source, cleaned of the outlet's own markers (`clean`),
at most trimmed of a dateline, a connective, its writer's attitude ("Sadly, ...", `stance`) or a
side clause that tells again what the article said before it (`trim`), or with a pronoun
replaced by the name the source gives for it (`standalone`); each is cited to every independent
source that supports it (see `facts`). Facts are ranked by how many sources report them, how
early and how centrally; the summary takes the best two or three, the body the next ones without
repeating the summary or itself (`choose`), in news order (`order`). Where sources give different
figures, a sentence says so and names each side's authority where the sources give one
(`attribution`).

Inputs it does not take as they come: an article is written in one language, that of most of the
story's independent sources (the sentence model and splitter are English-centred, and a sentence
is only supported by reports in its own language), so reports in another language are left out;
a story with very many sources is read by its leads, each source giving at most its share of
MAX_SENTENCES (never fewer than LEAD_SENTENCES); and a story whose sources hold no complete
sentence of usable length (feed items with a title and a cut-off standfirst) gets a brief
article from their complete short sentences and titles.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from gazette.embedding import Embedder, small_matrices
from gazette.errors import InputError, NothingToWrite
from gazette.language import language_of
from gazette.records import SourceArticle, WrittenArticle, independent_sources
from gazette.remember import remembered
from gazette.sentences import MAX_WORDS, is_usable, split_sentences, trim_sentence
from gazette.write.article import print_article
from gazette.write.choose import (
    DISAGREEMENT_WORDS,
    SUMMARY_MAX_SENTENCES,
    SUMMARY_MAX_WORDS,
    SUMMARY_MIN_SENTENCES,
    SUMMARY_REDUNDANT,
    Chooser,
)
from gazette.write.clean import (
    is_clean,
    is_fragment,
    strip_signpost,
    strip_source_markers,
    unglued,
    without_glued_title,
)
from gazette.write.facts import (
    Fact,
    SourceFacts,
    SourceSentence,
    build_facts,
    describe_source,
    find_disagreement,
    states,
)
from gazette.write.headline import clean_headline, is_news_headline
from gazette.write.order import body_order, introduced_first, latest_year, summary_order
from gazette.write.quotes import FoundQuote, find_quotes
from gazette.write.stance import is_unattributed_judgement, without_attitude
from gazette.write.standalone import has_speakerless_quote, stand_alone
from gazette.write.trim import without_told_clauses

# Sentences read from all sources together, and the fewest read from each one.
MAX_SENTENCES = 600
LEAD_SENTENCES = 3
BRIEF_MIN_WORDS = 3
# News order puts deaths and injuries first: a sentence that reports them ranks this much higher.
CASUALTIES = re.compile(
    r"\b(?:killed|killing|died|dead|deaths?|death toll|injured|injuring|wounded|casualties)\b",
    re.IGNORECASE,
)
CASUALTIES_FIRST = 0.5
END = re.compile(r"[.!?][\"'”’)]?$")


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
    brief: bool = False  # written from short sentences and titles: the sources are thin


def source_sentences(source: SourceArticle, brief: bool = False) -> list[tuple[int, str, bool]]:
    """The source's printable sentences: (index in its split, text, needs the one before).

    `brief`: for thin sources, every complete sentence of a few words and, when there is none,
    the title as a sentence."""
    return list(printable_sentences(source.title, source.text, brief))


def read_sentence(raw: str) -> str:
    """A source sentence as the writer reads it: without the outlet's citation markers, a
    dateline or a leading connective, an explainer's signpost or its writer's attitude."""
    return without_attitude(strip_signpost(trim_sentence(strip_source_markers(raw))))


# Read once per report (and stored with its memos, gazette/write/memory.py): a story is written
# again at every report that joins it.
@remembered(size=4096)
def printable_sentences(title: str, text: str, brief: bool) -> tuple[tuple[int, str, bool], ...]:
    source = SourceArticle(key="", title=title, text=text, url="")
    split = unglued(without_glued_title(split_sentences(source.text)))
    quotes = find_quotes(source.text)
    found = []
    for index, raw in enumerate(split):
        text = read_sentence(raw)
        if brief:
            usable = BRIEF_MIN_WORDS <= len(text.split()) <= MAX_WORDS and bool(END.search(text))
        else:
            usable = is_usable(text, source.title)
        if not usable or not is_clean(text) or is_fragment(split, index):
            continue
        if is_unattributed_judgement(text):  # the writer's verdict, not a fact: see `stance`
            continue
        reading = stand_alone(text, split[:index], quotes)
        if reading.usable:
            found.append((index, reading.text, reading.needs_previous))
    # A feed's standfirst often goes on from its headline ("The former president was
    # convicted..." under "Syria sentences al-Assad to death"): what its first sentence points
    # back to is the title, printed before it as the sentence before (split index -1).
    if brief and (not found or (found[0][0] == 0 and found[0][2])):
        title = clean_headline(strip_source_markers(source.title))
        # a question or an explainer's title ("Why the probe won't stop at ...", "Is jalebi not
        # Indian? Its history...") tells no fact
        whole = (
            is_news_headline(title)
            and "?" not in title
            and not title.endswith(("...", "…"))
            and not has_speakerless_quote(title)
        )
        judged = is_unattributed_judgement(title)
        if len(title.split()) >= BRIEF_MIN_WORDS and is_clean(title) and whole and not judged:
            found.insert(0, (-1, title.rstrip(".!") + ".", False))
    return tuple(found)


def _read(originals: list[SourceArticle], brief: bool) -> tuple[list[SourceSentence], list]:
    share = max(LEAD_SENTENCES, MAX_SENTENCES // len(originals))
    sentences: list[SourceSentence] = []
    rows_by_source: list[list[int]] = []
    for index, source in enumerate(originals):
        readings = source_sentences(source, brief)[:share]
        rows: list[int] = []
        row_of_split: dict[int, int] = {}
        for position, (split_index, text, needs_previous) in enumerate(readings):
            after = row_of_split.get(split_index - 1) if needs_previous else None
            if needs_previous and after is None:
                continue  # what it points back to is not printable
            relative = position / max(len(readings), 1)
            row = len(sentences)
            row_of_split[split_index] = row
            rows.append(row)
            sentences.append(SourceSentence(row, index, position, relative, text, after))
        rows_by_source.append(rows)
    return sentences, rows_by_source


def _gather(sources: list[SourceArticle], embedder: Embedder) -> _Material:
    if not sources:
        raise InputError("a story needs at least one source")
    duplicates = sorted(key for key, n in Counter(s.key for s in sources).items() if n > 1)
    if duplicates:
        raise InputError(f"source keys must be unique; given twice: {', '.join(duplicates)}")
    originals = in_story_language(independent_sources(sources))
    sentences, rows_by_source = _read(originals, brief=False)
    brief = not sentences
    if brief:
        sentences, rows_by_source = _read(originals, brief=True)
    if not sentences:
        raise NothingToWrite("none of the story's sources has a sentence or a title to write from")
    encoded = embedder.encode([s.text for s in sentences] + [s.title for s in originals])
    vectors, title_vectors = encoded[: len(sentences)], encoded[len(sentences) :]
    facts_by_source = [
        describe_source(i, rows_by_source[i], s.text if not brief else s.title + "\n" + s.text)
        for i, s in enumerate(originals)
    ]
    similarity = vectors @ vectors.T
    return _Material(
        originals, sentences, facts_by_source, similarity, vectors, title_vectors, brief
    )


def _score(facts: list[Fact], material: _Material) -> None:
    """How many sources tell the fact, how early, how central to the story; and whether it
    reports deaths or injuries, which news order puts first."""
    centroid = material.vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    total = len(material.originals)
    for fact in facts:
        row = fact.sentence.row
        centrality = float(material.vectors[row] @ centroid)
        fact.score = (
            2.0 * len(fact.supporters) / total
            + (1.0 - fact.position)
            + centrality
            + (CASUALTIES_FIRST if CASUALTIES.search(fact.sentence.text) else 0.0)
            - (0.5 if fact.sentence.after is not None else 0.0)
        )


@dataclass
class Plan:
    """What the story's sources say, read and weighed: the facts of the summary and of the body,
    in the order they are printed. The extractive article is written from it; the LLM writer
    hands the same facts to a model and falls back on this article's sentences."""

    material: _Material
    summary: list[Fact]
    body: list[Fact]
    quotes: list[tuple[int, FoundQuote]]  # the sources' attributed quotations (source index)

    @property
    def originals(self) -> list[SourceArticle]:
        return self.material.originals

    @property
    def brief(self) -> bool:
        """Whether the sources are thin: read by their titles and short sentences, or holding
        too little for a body after the summary. Readers are told the article is brief."""
        return self.material.brief or not self.body

    @property
    def chosen(self) -> list[Fact]:
        """Every fact of the article, the summary's first."""
        return [*self.summary, *self.body]


def plan_article(sources: list[SourceArticle], embedder: Embedder, max_words: int) -> Plan:
    material = _gather(sources, embedder)
    facts = build_facts(material.sentences, material.facts_by_source, material.similarity)
    _score(facts, material)
    ranked = sorted(facts, key=lambda f: -f.score)
    chooser = Chooser(
        material.similarity,
        lambda fact: find_disagreement(
            fact, material.facts_by_source, material.similarity, material.sentences
        ),
        lambda fact, source: states(fact.sentence.text, material.facts_by_source[source]),
    )
    # a story of three sentences or more keeps one for the body: no standfirst without a story
    available = len(material.sentences)
    most = min(SUMMARY_MAX_SENTENCES, available - 1 if available >= 3 else available)
    summary = chooser.section(
        ranked,
        SUMMARY_MAX_WORDS,
        most,
        least=min(SUMMARY_MIN_SENTENCES, most),
        redundant=SUMMARY_REDUNDANT,
    )
    # a figure the summary gives and other sources dispute is set out in the body
    disputed = sum(DISAGREEMENT_WORDS for fact in summary if fact.disagreement)
    body = chooser.section(ranked, max(0, max_words - disputed), len(ranked))
    if not body and len(summary) > SUMMARY_MIN_SENTENCES:
        # every other fact repeats these: the weakest goes to the body, which has a story to tell
        weakest = min(summary[1:], key=lambda f: f.score)
        # neither pointed back to nor pointing back ("He will visit..."): either would be
        # parted from the sentence it goes with
        if weakest.sentence.after is None and not any(
            f.sentence.after == weakest.sentence.row for f in summary
        ):
            summary.remove(weakest)
            body = [weakest]
    summary = introduced_first(summary_order(summary))
    body = introduced_first(
        body_order(body, latest_year([*summary, *body])),
        before=" ".join(fact.sentence.text for fact in summary),
    )
    _trim_told([*summary, *body], material.facts_by_source)
    quotes = [(i, q) for i, s in enumerate(material.originals) for q in find_quotes(s.text)]
    return Plan(material, summary, body, quotes)


def _trim_told(chosen: list[Fact], facts_by_source: list[SourceFacts]) -> None:
    """Cut from each chosen sentence, in the order printed, a side clause that tells again what
    the ones before it told (`trim`). Not from a sentence another one points back to ("She
    said..." needs the name it follows), nor from one that opens a disagreement.

    The shorter sentence is cited to the sources that state it: the support check weighs the
    share of a sentence's words in one passage of a source, and a cut can lower it for an outlet
    that told the sentence in other words (that outlet is still cited where the clause was told
    before)."""
    anchors = {f.sentence.after for f in chosen if f.sentence.after is not None}
    printed: list[str] = []
    for fact in chosen:
        if fact.sentence.row not in anchors and not fact.disagreement:
            text = without_told_clauses(fact.sentence.text, printed)
            if text != fact.sentence.text:
                stating = [s for s in fact.supporters if states(text, facts_by_source[s])]
                if fact.sentence.source in stating:
                    fact.sentence = dataclasses.replace(fact.sentence, text=text)
                    fact.supporters = stating
        printed.append(fact.sentence.text)


def extractive_article(plan: Plan) -> WrittenArticle:
    return print_article(plan)


def write_article(
    sources: list[SourceArticle], embedder: Embedder, max_words: int = 250
) -> WrittenArticle:
    """One grounded article from a story's sources (see the module docstring)."""
    with small_matrices():
        return extractive_article(plan_article(sources, embedder, max_words))
