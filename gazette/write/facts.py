"""Facts: candidate sentences with the sources that support them, and where sources disagree.

A source supports a sentence when six things hold:
- one of its own sentences says nearly the same thing (embedding similarity >= SUPPORT);
- one of its passages (a sentence or two adjacent ones) holds at least COVERAGE of the
  sentence's content words;
- every figure in the sentence (numbers, amounts, percentages) appears in the source;
- every proper name in the sentence appears in the source;
- every direct quotation in the sentence appears in the source word for word;
- every word that turns the statement around ("not", "denied", "rejected") is in the source too.
The first finds the source's sentence on the same point; the others stop a loose paraphrase, a
different number, a different person, a reworded quotation or the opposite claim from counting
as confirmation. The last five are also the check any written sentence must pass (see
`verify`). Each source is checked on its own, so a fact reported by four independent outlets
cites all four.

Two sources disagree on a fact when their closest sentences are similar (>= DISAGREE) and give
different values for a figure of the same kind ("12,000 people" against "9,500 people").
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from gazette.figures import Figure, figures
from gazette.remember import remembered
from gazette.sentences import (
    POLARITY,
    content_words,
    polarity_words,
    proper_names,
    split_sentences,
)
from gazette.text import normalise_for_matching
from gazette.write.clean import without_glued_title

SUPPORT = 0.66
COVERAGE = 0.6
DISAGREE = 0.70
# A sentence restates a clause when it has this share of the clause's content words.
REVERSED_CLAUSE = 0.6
# Where a sentence's clauses break: punctuation (not a thousands separator or a time) and the
# conjunctions that join opposed statements.
CLAUSE_BREAK = re.compile(r"[,;:](?!\d)|[—–]|\b(?:but|while|although|though|whereas)\b")


@dataclass(frozen=True)
class SourceSentence:
    row: int  # row in the similarity matrix
    source: int  # index of the independent source it comes from
    position: int  # index among the source's usable sentences
    relative_position: float  # 0 for the first sentence of the source, towards 1 for the last
    text: str
    # The row of the sentence it points back to ("He said..."): printed only right after it.
    after: int | None = None


QUOTED = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")


@dataclass(frozen=True)
class Clause:
    """A clause of a source sentence that holds turning words ("did not say which chemistry")."""

    words: frozenset[str]
    polarity: frozenset[str]


def turned_clauses(sentence: str) -> list[Clause]:
    clauses = []
    for part in CLAUSE_BREAK.split(sentence):
        turning = polarity_words(part)
        if turning:
            # the turning words themselves are what differs, not what the clause is about
            words = {w for w in content_words(part) if w not in POLARITY}
            clauses.append(Clause(frozenset(words), turning))
    return clauses


@dataclass
class SourceFacts:
    """What is known about one independent source, for checking support."""

    index: int
    rows: list[int]
    figure_values: set[str]
    words: set[str]
    text: str  # normalised, for verbatim quotation checks
    polarity: frozenset[str]  # its turning words ("not", "deny", "reject"...)
    passages: list[set[str]]  # content words of each sentence and of two adjacent ones
    passage_polarity: list[frozenset[str]]  # the turning words of each passage
    passage_turns: list[list[Clause]]  # the clauses of each passage that hold turning words


@dataclass
class Side:
    figure: Figure
    sources: list[int]


@dataclass
class Fact:
    sentence: SourceSentence
    supporters: list[int]  # source indexes, the sentence's own first
    position: float  # where the fact sits in the reports that carry it
    disagreement: list[Side] = field(default_factory=list)
    score: float = 0.0


def describe_source(index: int, rows: list[int], text: str) -> SourceFacts:
    """What a source states (read once per text: a story is written again as reports join)."""
    return dataclasses.replace(read_source(text), index=index, rows=rows)


@remembered(size=2048)
def read_source(text: str) -> SourceFacts:
    normalised = normalise_for_matching(text)
    # a source's sentences are mostly the article's candidates too: what they claim is read once;
    # a title glued to the first sentence is no part of its claim ("...Victory Against Jaguars
    # Keiwan Ratliff scored..." does not turn the sentence with its "Against")
    return assemble_source(
        text,
        [claims_of(s) for s in without_glued_title(split_sentences(text))],
        figure_values={f.value for f in figures(normalised)},
        words=_words(normalised),
        polarity=polarity_words(normalised),
    )


def assemble_source(
    text: str,
    claims: list[Claims],
    figure_values: set[str],
    words: set[str],
    polarity: frozenset[str],
) -> SourceFacts:
    """A source's facts from what its sentences claim and what the whole text holds: the parts
    `read_source` works out, and that a new process reads back from the database instead
    (`gazette.write.memory`)."""
    own = [set(c.words) for c in claims]
    turning = [c.polarity for c in claims]
    turns = [list(c.turns) for c in claims]
    return SourceFacts(
        index=0,
        rows=[],
        figure_values=figure_values,
        words=words,
        text=normalise_for_matching(text).casefold(),
        polarity=polarity,
        passages=[*own, *(a | b for a, b in itertools.pairwise(own))],
        # two sentences together turn a claim around only if both do: a "not" in the sentence
        # next door does not deny what this one says
        passage_polarity=[*turning, *(a & b for a, b in itertools.pairwise(turning))],
        passage_turns=[*turns, *(a + b for a, b in itertools.pairwise(turns))],
    )


def _words(normalised: str) -> set[str]:
    """Every word of the text, as it stands ("R-Ky.", "U.S."), without a final full stop
    ("R-Ky", as a name is read from a sentence), and in its parts ("R", "Ky")."""
    whole = re.findall(r"[\w'’.-]+", normalised)
    return {*whole, *(w.rstrip(".") for w in whole), *re.findall(r"\w+", normalised)}


def coverage(claims: Claims, source: SourceFacts, turning: bool = True) -> float:
    """The largest share of the sentence's content words that one passage of the source holds.

    With `turning`, only passages that say it the same way round count: "the ferry was not
    suspended" is said by a passage with both the suspension and the "not" in one clause (not by
    one with a "not" elsewhere), and "Holt gave the cost" is not said by "Holt did not give the
    cost", where a clause on the same words has a "not" the sentence lacks."""
    words = claims.words
    if not words:
        return 1.0
    shares = []
    for passage, polarity, turns in zip(
        source.passages, source.passage_polarity, source.passage_turns, strict=True
    ):
        if turning and not _same_way_round(claims, polarity, turns):
            continue
        shares.append(len(words & passage) / len(words))
    return max(shares, default=0.0)


def is_covered(claims: Claims, source: SourceFacts) -> bool:
    """Whether `coverage(claims, source) >= COVERAGE`: the cheap count of shared words first,
    and whether a passage says it the same way round only for the passages that share enough."""
    words = claims.words
    if not words:
        return True
    return any(
        len(words & passage) / len(words) >= COVERAGE and _same_way_round(claims, polarity, turns)
        for passage, polarity, turns in zip(
            source.passages, source.passage_polarity, source.passage_turns, strict=True
        )
    )


def _same_way_round(claims: Claims, polarity: frozenset[str], turns: list[Clause]) -> bool:
    if not claims.polarity <= polarity:
        return False
    # no clause of the passage restates the sentence's words with a turning word it lacks...
    for clause in turns:
        shared = len(claims.words & clause.words)
        if clause.polarity - claims.polarity and shared >= max(
            2, REVERSED_CLAUSE * len(clause.words)
        ):
            return False
    # ...and each turned clause of the sentence has a clause of the passage turned the same way
    # on some of its words
    return all(
        any(
            mine.polarity <= theirs.polarity
            and len(mine.words & theirs.words) * 2 >= len(mine.words)
            for theirs in turns
        )
        for mine in claims.turns
    )


@dataclass(frozen=True)
class Claims:
    """What a sentence asserts that a source must also contain to support it: its figures, its
    proper names and its quotations (worked out once per sentence, then checked per source)."""

    figure_values: frozenset[str]
    names: frozenset[str]
    quotations: tuple[str, ...]
    polarity: frozenset[str]
    turns: tuple[Clause, ...]  # its clauses that hold turning words
    words: frozenset[str]  # content words


@remembered(size=65536)
def claims_of(text: str) -> Claims:
    """What a sentence claims (remembered: a story's sentences are read again at each version)."""
    polarity = polarity_words(text)
    normalised = normalise_for_matching(text)
    return Claims(
        words=frozenset(content_words(text)),
        figure_values=frozenset(f.value for f in figures(text)),
        names=frozenset(proper_names(text)),
        quotations=tuple(q.strip(" ,.").casefold() for q in QUOTED.findall(normalised))
        if '"' in normalised
        else (),
        polarity=polarity,
        # a clause holds turning words only where the sentence does
        turns=tuple(turned_clauses(text)) if polarity else (),
    )


def is_supported_by(
    sentence: SourceSentence, claims: Claims, source: SourceFacts, similarity: np.ndarray
) -> bool:
    if sentence.source == source.index:
        return True
    if not source.rows:
        return False
    closest = float(similarity[sentence.row, source.rows].max())
    return closest >= SUPPORT and _lexically_supported(claims, source)


def _lexically_supported(claims: Claims, source: SourceFacts) -> bool:
    return (
        claims.figure_values <= source.figure_values
        and claims.names <= source.words
        and all(quotation in source.text for quotation in claims.quotations)
        and claims.polarity <= source.polarity
        and is_covered(claims, source)
    )


def build_facts(
    sentences: list[SourceSentence], sources: list[SourceFacts], similarity: np.ndarray
) -> list[Fact]:
    """Every sentence as a fact, with the sources that support it (see the module docstring).
    Each source's closest sentence to every sentence is found once, for all of them."""
    closest = {s.index: _closest_rows(s, similarity) for s in sources if s.rows}
    facts = []
    for sentence in sentences:
        claims = claims_of(sentence.text)
        supporters = [sentence.source] + [
            s.index
            for s in sources
            if s.index != sentence.source
            and s.index in closest
            and float(similarity[sentence.row, closest[s.index][sentence.row]]) >= SUPPORT
            and _lexically_supported(claims, s)
        ]
        positions = [sentence.relative_position] + [
            sentences[closest[i][sentence.row]].relative_position for i in supporters[1:]
        ]
        # np.mean's own sum and division, without its checks (1,500 small means a story)
        mean = np.add.reduce(np.array(positions)) / len(positions)
        facts.append(Fact(sentence, supporters, float(mean)))
    return facts


def _closest_rows(source: SourceFacts, similarity: np.ndarray) -> np.ndarray:
    """For every row, the source's row closest to it (the first of equals, as `max` gives)."""
    rows = np.asarray(source.rows)
    return rows[np.argmax(similarity[:, rows], axis=1)]


def _closest(
    sentence: SourceSentence,
    source: SourceFacts,
    similarity: np.ndarray,
    sentences: list[SourceSentence],
) -> SourceSentence:
    best_row = max(source.rows, key=lambda row: similarity[sentence.row, row])
    return sentences[best_row]


@remembered(size=65536)
def figures_of(text: str) -> tuple[Figure, ...]:
    """The figures of a sentence (remembered: each fact's closest sentences are read again for
    every fact the chooser looks at)."""
    return tuple(figures(text))


def find_disagreement(
    fact: Fact,
    sources: list[SourceFacts],
    similarity: np.ndarray,
    sentences: list[SourceSentence],
) -> list[Side]:
    """Sides of a disagreement over one figure of the fact; empty when no source contradicts it.

    The first side is the fact's own value with the sources that give it; each other side is a
    different value of the same kind of figure, from sources that do not mention the fact's value.
    """
    if not claims_of(fact.sentence.text).figure_values:
        return []  # no figure at all (known without reading the sentence again)
    own = {f.unit: f for f in figures_of(fact.sentence.text) if f.unit}
    if not own:
        return []
    disputed: Figure | None = None
    other_sides: dict[str, Side] = {}
    for source in sources:
        if source.index in fact.supporters or not source.rows:
            continue
        closest = _closest(fact.sentence, source, similarity, sentences)
        if similarity[fact.sentence.row, closest.row] < DISAGREE:
            continue
        for theirs in figures_of(closest.text):
            mine = own.get(theirs.unit)
            if mine is None or mine.value == theirs.value or mine.value in source.figure_values:
                continue
            if disputed is not None and mine != disputed:
                continue
            disputed = mine
            other_sides.setdefault(theirs.value, Side(theirs, [])).sources.append(source.index)
            break
    if disputed is None:
        return []
    agreeing = [s for s in fact.supporters if disputed.value in sources[s].figure_values]
    return [Side(disputed, agreeing), *other_sides.values()]


def states(text: str, source: SourceFacts) -> bool:
    """Whether the source states the sentence by the lexical checks alone (figures, names,
    quotations, turning words, one passage with COVERAGE of its words): how an outlet whose own
    sentence was left out as a repeat is cited for the sentence kept in its place, without the
    embedding closeness `is_supported_by` also asks for."""
    claims = claims_of(text)
    return (
        claims.figure_values <= source.figure_values
        and claims.names <= source.words
        and all(quotation in source.text for quotation in claims.quotations)
        and claims.polarity <= source.polarity
        and coverage(claims, source) >= COVERAGE
    )
