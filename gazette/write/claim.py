"""Whether two sentences make one claim: the same figures, the same names, and mostly the same
thing said of them, whatever the embedding similarity.

The chooser's other repeat tests (`choose.py`) lean on sentence embeddings, which judge a short
sentence beside a long one as far apart even when every word of the short one is in the long one
("Construction will be spread over four years" after "...40 kilometres of protected cycle lanes,
to be built over the next four years"). A reader sees the fact twice all the same. This test
reads only what the two sentences say, from the side of either one:

- every number it gives is in the other, years aside (a year dates a claim more than it makes
  one: "construction will start in the spring of 2027" and "work on the site starts in spring
  2027 and production is planned for 2028" tell one start);
- at least NAMES_SHARED of the names it is about (capitalised words not opening it, and an
  opening one the other sentence names inside it; not a name in the possessive, which places
  or owns what is told: "tsunamis into Japan's southeastern coast") are in the other;
- at least CLAIM_SHARED of what it says of them (its words less names and numbers: the verb and
  its objects) and ALL_SHARED of all its words are in the other.

A sentence of fewer than FEWEST_WORDS such words ("No injuries have been reported") is too
short for shares: it is told in the other only when every word of it is there, figures too, and
both turn the same way (the same `polarity_words`: "nobody had been injured" tells it; "two
people were injured" does not).

Words are compared by crude stems ("charged" and "charges", "injured" and "injuries" meet);
function words and words of saying do not count (FUNCTION_WORDS). A quotation and a sentence that
says most of its words (QUOTE_RESTATED) are one claim too. The shares are set so that the test
catches at least the pairs a reader labelled as the same claim
(bench/labels/near-duplicate-pairs.jsonl): too eager, it costs a sentence that the next in rank
replaces; too lax, a fact is told twice.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gazette.sentences import polarity_words
from gazette.text import normalise_for_matching

NAMES_SHARED = 0.5
CLAIM_SHARED = 0.25
ALL_SHARED = 0.3
QUOTE_RESTATED = 0.55
FEWEST_WORDS = 3
QUOTE_FEWEST_WORDS = 4
# Function words and words of saying, which tell nothing of the claim itself. Kept short on
# purpose: "both sides" and "before" say something.
FUNCTION_WORDS = frozenset(
    re.findall(
        r"[\w']+",
        """a an the and or but nor of to in on at by for with from as into onto about over up out
    off than then so if is are was were be been has have had it its this that
    these those he she they his her their them him i me my we us our you your it's which who whom
    whose what when where while said says say saying told tell tells will would can could may
    might also there here not no""",
    )
)
TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
NUMBER = re.compile(r"\d+(?:[,.]\d+)*")
YEAR = re.compile(r"^(?:19|20)\d\d$")
QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
# Where a capitalised word only opens the sentence, a quotation or a clause after a colon.
OPENS = re.compile(r"(?:^|[.!?:;]\s+|[\"“‘(]\s*)$")
SUFFIXES = ("ings", "ing", "ied", "ies", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A word without its possessive, its commonest ending and a final "e" or "y", so forms of
    one word meet: "charge", "charged", "charges" and "charging"; "injury" and "injuries"."""
    word = re.sub(r"['’]s?$", "", word.casefold())
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 3 and word.endswith(("e", "y")) else word


Reading = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]]


@lru_cache(maxsize=65536)
def _reading(text: str) -> Reading:
    """(all stems, stems of capitalised words, stems of opening capitalised words, numbers,
    the words that turn it around: `polarity_words`)."""
    written = normalise_for_matching(text)
    words: set[str] = set()
    names: set[str] = set()
    openers: set[str] = set()
    for match in TOKEN.finditer(written):
        token = match.group()
        if token.casefold() in FUNCTION_WORDS:
            continue
        stemmed = stem(token)
        words.add(stemmed)
        # a name in the possessive places what the claim is about ("Japan's coast") rather
        # than naming who it is about
        possessive = token.endswith(("'s", "’s"))
        if token[0].isupper() and not possessive:
            (openers if OPENS.search(written[: match.start()]) else names).add(stemmed)
    numbers = {n.replace(",", "").rstrip(".") for n in NUMBER.findall(written)}
    numbers = {n for n in numbers if not YEAR.match(n)}
    turns = polarity_words(text)
    return frozenset(words), frozenset(names), frozenset(openers), frozenset(numbers), turns


def _share(part: frozenset[str], whole: frozenset[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def same_claim(first: str, second: str) -> bool:
    """Whether the two sentences make one claim (see the module docstring)."""
    a, b = _reading(first), _reading(second)
    return (
        _told_in(a, b)
        or _told_in(b, a)
        or quotation_restated(first, second)
        or quotation_restated(second, first)
    )


def _told_in(reading: Reading, other_reading: Reading) -> bool:
    """Whether the claim of one sentence (read by `_reading`) is all told in the other."""
    words, names, openers, numbers, turns = reading
    other, other_names, _, other_numbers, other_turns = other_reading
    if not numbers <= other_numbers:
        return False
    if len(words) < FEWEST_WORDS:  # too short for shares: every word, the same way round
        return len(words) >= 2 and words <= other and turns == other_turns
    about = names | (openers & other_names)
    claim = words - about - numbers
    named = not about or _share(about, other) >= NAMES_SHARED
    return (
        named
        and bool(claim)
        and _share(claim, other) >= CLAIM_SHARED
        and _share(words, other) >= ALL_SHARED
    )


def quotation_restated(quoting: str, other: str) -> bool:
    """Whether `other` says most of the words of a quotation in `quoting` without quoting it."""
    told = _reading(other)[0]
    for quotation in QUOTED.findall(quoting):
        said = _reading(quotation)[0]
        if len(said) < QUOTE_FEWEST_WORDS or quotation in other:
            continue
        smaller = said if len(said) <= len(told) else told
        if smaller and len(said & told) / len(smaller) >= QUOTE_RESTATED:
            return True
    return False
