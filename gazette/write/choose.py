"""Which facts the article tells: the summary's, then the body's, each fact once.

The summary takes the best facts (SUMMARY_MIN_SENTENCES to SUMMARY_MAX_SENTENCES, within
SUMMARY_MAX_WORDS); the body takes the next best within the word budget, and never repeats the
summary or itself. A candidate repeats a chosen fact when
- its embedding is close to the chosen sentence's (REDUNDANT), or fewer than MIN_NOVELTY of its
  content words are new to the article;
- it gives a value of a figure the sources dispute, which the disagreement sentence already
  gives with each side;
- it gives the same figures (a year alone does not count), or names the same people and places
  (all of one sentence's names among the other's, SAME_NAMES at least), and shares
  SAME_FACT_WORDS of its content words (less the names): "180,000 passengers use the trams"
  and "the strike affected 180,000 passengers";
- or one is a quotation and the other says it in most of the same words ("Varga said she
  wanted both sides back at the table by Friday" beside the quotation itself: of the shorter
  of the two, less the speaker's name, QUOTE_RESTATED of the words are shared). The quotation
  is kept: it takes the paraphrase's place in the body when it fits.
- or it counts the same thing with the same number as a chosen fact, whatever else it says:
  "600 jobs" in "The factory will produce battery packs..., and it is expected to create 600
  jobs" after "Halvorsen Robotics will build a battery plant..., creating 600 jobs" (a number
  with the noun it counts; not a year, nor a number inside a name such as "Covid-19"). A
  figure is told once; the sentence next in rank takes the place.
- or it makes the same claim as a chosen fact in other words: their embeddings are close
  (SAME_CLAIM_SIMILARITY) and SAME_CLAIM_WORDS of the content words of the one with fewer are
  in the other ("Kofi Mensah had cancelled out Emil Strand's first-half goal for Forge" after
  "Forge took the lead through Emil Strand in the 34th minute, and Kofi Mensah equalised").
  The chosen fact is the better-worded one (it ranked first), and the outlets of the left-out
  one are cited with it when their text supports it (`confirms`). Not between two summary
  sentences: there, as with SUMMARY_REDUNDANT, outlets' leads that share much of their meaning
  each add their own angle, and the editors' summaries keep them (applied there too, it cost
  0.3 points of ROUGE-2 on neus-val, leaving less than the 1 point asked over the baselines).
  Close in meaning, they are one claim too when they tell a detail in the very same words: a
  run of SAME_PASSAGE words, SAME_PASSAGE_CONTENT of them content words, in both ("The plant
  will be built on the site of the former Kessler steelworks" and "The factory will rise on
  the site of the former Kessler steelworks on the east bank", similarity 0.55).
- or, in the summary as in the body, it makes the same claim by what the two sentences say:
  the same numbers, the same names and mostly the same words of what is said of them
  (`gazette.write.claim.same_claim`), however far apart their embeddings ("Construction will
  be spread over four years" after "...cycle lanes, to be built over the next four years").
A sentence that points back to the one before it in its source is taken only with that one, in
the same section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from gazette.figures import figures
from gazette.sentences import content_words as _content_words
from gazette.sentences import proper_names as _proper_names
from gazette.text import normalise_for_matching
from gazette.write.claim import same_claim
from gazette.write.facts import Fact
from gazette.write.standalone import QUOTATION

REDUNDANT = 0.62
# Within the summary, sentences from different outlets' leads often share much of their meaning
# while each adds its own angle; there only close paraphrases count as repeats (the other tests
# still apply). Chosen on the even-numbered neus-val stories as the highest similarity at which
# at most 2 pairs per 100 articles say the same thing (bench/readability.py), keeping ROUGE
# against the editors' summaries; checked on the odd-numbered ones (docs/writing.md).
SUMMARY_REDUNDANT = 0.75
MIN_NOVELTY = 0.35
SAME_FACT_WORDS = 0.4
SAME_NAMES = 1
QUOTE_RESTATED = 0.6
# The same claim in other words: close in meaning and mostly in the same words. Chosen on the
# even-numbered neus-val stories and the even ECB+ topics (bench/readability.py), checked on
# the others (docs/writing.md).
SAME_CLAIM_SIMILARITY = 0.5
SAME_CLAIM_WORDS = 0.45
SAME_PASSAGE = 6
SAME_PASSAGE_CONTENT = 4
TOKEN = re.compile(r"[\w’'-]+")
SUMMARY_MIN_SENTENCES = 2
SUMMARY_MAX_SENTENCES = 3
SUMMARY_MAX_WORDS = 85
DISAGREEMENT_WORDS = 25
YEAR = re.compile(r"^(?:19|20)\d\d$")


# A story's sentences are compared with each chosen one many times: what each says is read once.
@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    return frozenset(_content_words(text))


@lru_cache(maxsize=65536)
def proper_names(text: str) -> frozenset[str]:
    return frozenset(_proper_names(text))


@lru_cache(maxsize=65536)
def _figure_values(text: str) -> frozenset[str]:
    return frozenset(f.value for f in figures(text) if not YEAR.match(f.value))


@lru_cache(maxsize=65536)
def counts(text: str) -> frozenset[tuple[str, str]]:
    """The things the sentence counts, as (number, noun): "creating 600 jobs" -> (600, job).
    Years, ages ("10-year-old"), numbers without a noun and numbers inside a name ("Covid-19
    cases") are left out."""
    written = normalise_for_matching(text)
    return frozenset(
        (f.value, f.unit)
        for f in figures(text)
        if len(f.unit) > 2
        and content_words(f.unit)
        and not YEAR.match(f.value)
        and re.search(r"(?<![\w.-])(?<!\d, )" + re.escape(f.phrase) + r"(?![-\s]old\b)", written)
    )


def _disputed(fact: Fact) -> frozenset[str]:
    """The values of a figure the sources dispute, which the disagreement sentence gives."""
    return frozenset(side.figure.value for side in fact.disagreement)


@lru_cache(maxsize=65536)
def _quoted_words(text: str) -> frozenset[str]:
    quoted = [q for q in QUOTATION.findall(text) if len(q.split()) >= 4]
    return content_words(" ".join(quoted)) if quoted else frozenset()


def _share(small: set[str], large: set[str]) -> float:
    if len(small) > len(large):
        small, large = large, small
    return len(small & large) / len(small) if small else 0.0


def same_fact(first: str, second: str) -> bool:
    """Whether two sentences state one fact by figures, names or quotation, or count the same
    thing (see the docstring)."""
    a, b = content_words(first), content_words(second)
    shared = _figure_values(first) & _figure_values(second)
    if shared and _share(a, b) >= SAME_FACT_WORDS:
        return True
    names, other_names = proper_names(first), proper_names(second)
    same_names = len(names & other_names) >= SAME_NAMES and (
        names <= other_names or other_names <= names
    )
    # what they say of those names: the names themselves are not shared content
    named = {n.casefold() for n in names | other_names}
    if same_names and _share(a - named, b - named) >= SAME_FACT_WORDS:
        return True
    if counts(first) & counts(second):
        return True
    return quote_restated(first, second) or quote_restated(second, first)


@lru_cache(maxsize=65536)
def _passages(text: str) -> frozenset[tuple[str, ...]]:
    """The sentence's runs of SAME_PASSAGE words that hold SAME_PASSAGE_CONTENT content words."""
    words = [w.casefold() for w in TOKEN.findall(normalise_for_matching(text))]
    return frozenset(
        run
        for run in (tuple(words[i : i + SAME_PASSAGE]) for i in range(len(words)))
        if len(run) == SAME_PASSAGE
        and sum(bool(content_words(w)) for w in run) >= SAME_PASSAGE_CONTENT
    )


def same_passage(first: str, second: str) -> bool:
    """Whether the two sentences tell a detail in the very same words (see the docstring)."""
    return bool(_passages(first) & _passages(second))


def quote_restated(quoting: str, other: str) -> bool:
    """Whether `other` says most of the words of `quoting`'s quotation (and is not a quotation
    of it itself)."""
    said = _quoted_words(quoting)
    if len(said) < 3 or _quoted_words(other) >= said:
        return False
    # what the other says, less who said it
    told = content_words(other) - {name.casefold() for name in proper_names(other)}
    return _share(said, told) >= QUOTE_RESTATED


class Chooser:
    """Facts taken so far, and what the article has said."""

    def __init__(
        self,
        similarity: np.ndarray,
        disagreement: Callable[[Fact], list],
        confirms: Callable[[Fact, int], bool] | None = None,
    ) -> None:
        self.similarity = similarity
        self.disagreement = disagreement
        # whether a source's text supports a chosen fact's sentence (the support check)
        self.confirms = confirms
        self.taken: list[Fact] = []
        self.said: set[str] = set()
        self._looked: set[int] = set()  # facts whose disagreement was looked for
        self._confirmed: set[tuple[int, int]] = set()  # (chosen fact's row, source) checked

    def repeats(
        self, fact: Fact, ignoring: Fact | None = None, redundant: float = REDUNDANT
    ) -> list[Fact]:
        """The chosen facts that `fact` repeats (`redundant`: the embedding similarity that
        makes a repeat)."""
        vocabulary = content_words(fact.sentence.text)
        others = [f for f in self.taken if f is not ignoring]
        said = (
            set().union(*(content_words(f.sentence.text) for f in others))
            if ignoring
            else self.said
        )
        if vocabulary and len(vocabulary - said) / len(vocabulary) < MIN_NOVELTY:
            return others or [fact]
        row = fact.sentence.row
        figures_given = _figure_values(fact.sentence.text)
        return [
            chosen
            for chosen in others
            if figures_given & _disputed(chosen)
            or float(self.similarity[row, chosen.sentence.row]) >= redundant
            or same_fact(fact.sentence.text, chosen.sentence.text)
            or same_claim(fact.sentence.text, chosen.sentence.text)
            or (redundant < SUMMARY_REDUNDANT and self.same_claim(fact, chosen))
        ]

    def same_claim(self, fact: Fact, chosen: Fact) -> bool:
        """Whether the two sentences make one claim in other words (see the docstring)."""
        if float(self.similarity[fact.sentence.row, chosen.sentence.row]) < SAME_CLAIM_SIMILARITY:
            return False
        if same_passage(fact.sentence.text, chosen.sentence.text):
            return True
        a, b = content_words(fact.sentence.text), content_words(chosen.sentence.text)
        return min(len(a), len(b)) >= 3 and _share(a, b) >= SAME_CLAIM_WORDS

    def merge(self, fact: Fact, repeated: list[Fact]) -> None:
        """Cite with the chosen fact the outlets of a sentence left out as its repeat, where their
        text supports the chosen sentence: a fact several outlets report cites all of them."""
        if self.confirms is None:
            return
        for chosen in repeated:
            if chosen is fact or chosen.disagreement:
                continue
            for source in fact.supporters:
                key = (chosen.sentence.row, source)
                if source in chosen.supporters or key in self._confirmed:
                    continue
                self._confirmed.add(key)
                if self.confirms(chosen, source):
                    chosen.supporters.append(source)

    def take(self, fact: Fact) -> None:
        self.taken.append(fact)
        self.said |= content_words(fact.sentence.text)

    def section(
        self,
        ranked: list[Fact],
        words: int,
        most: int,
        least: int = 0,
        redundant: float = REDUNDANT,
    ) -> list[Fact]:
        """Up to `most` facts of `ranked` within `words` (always `least` of them when there are),
        none repeating a fact taken before."""
        chosen: list[Fact] = []
        used = 0
        for _ in range(2):  # a second pass takes sentences whose predecessor came later
            for fact in ranked:
                if len(chosen) >= most or fact in self.taken:
                    continue
                if fact.sentence.after is not None and fact.sentence.after not in {
                    f.sentence.row for f in chosen
                }:
                    continue
                length = self._length(fact)
                if used + length > words and len(chosen) >= least:
                    continue
                repeated = self.repeats(fact, redundant=redundant)
                if repeated:
                    self.merge(fact, repeated)
                    used += self._quote_instead(fact, repeated, chosen, words - used)
                    continue
                chosen.append(fact)
                self.take(fact)
                used += length
        return chosen

    def _length(self, fact: Fact) -> int:
        if id(fact) not in self._looked:
            self._looked.add(id(fact))
            fact.disagreement = self.disagreement(fact)
        return len(fact.sentence.text.split()) + (DISAGREEMENT_WORDS if fact.disagreement else 0)

    def _quote_instead(
        self, fact: Fact, repeated: list[Fact], chosen: list[Fact], room: int
    ) -> int:
        """Put a quotation in the place of the one paraphrase of it chosen in this section;
        returns the words it adds."""
        if len(repeated) != 1 or repeated[0] not in chosen:
            return 0
        paraphrase = repeated[0]
        if not quote_restated(fact.sentence.text, paraphrase.sentence.text):
            return 0
        if self.repeats(fact, ignoring=paraphrase):
            return 0
        if any(f.sentence.after == paraphrase.sentence.row for f in chosen):
            return 0
        extra = self._length(fact) - self._length(paraphrase)
        if extra > room:
            return 0
        chosen[chosen.index(paraphrase)] = fact
        self.taken[self.taken.index(paraphrase)] = fact
        self.said |= content_words(fact.sentence.text)
        return extra
