"""Names that are not one entity a reader could navigate by, whatever kind the recogniser gave.

A tag is a page that gathers every story about one person, organisation or place. Some names the
recogniser marks do not pick out one: an institution named by its common nouns alone
("Parliament", "Foreign Ministry", "Supreme Court": every country has one), a nationality
("Ukrainian", which the small model sometimes labels a person), a surname that two people in the
same story share ("Castro" beside "Raúl Castro" and "Raúl G. Rodríguez Castro"), or a word that
only modifies the name of a law or a work after it ("FCRA" in "FCRA Bill"); nor is a clause
that the recogniser took whole from a headline ("Israeli Settlers Are Out of Control"), nor
initials the text spells out in lower-case words, a thing's ("respiratory syncytial virus
(RSV)"), which the recogniser marks as an organisation's.
"""

from __future__ import annotations

import re

from gazette.lexicon.gazetteer import known_place, nations
from gazette.sentences import STOPWORDS

# Nouns that name a kind of institution every country has, and the words that narrow one down
# without naming whose it is: made only of these, a name is a description ("Foreign Ministry").
# "Congress", "State Department", "Home Office" and "White House" name one body each and are
# left out on purpose.
GENERIC_INSTITUTIONS = {
    "parliament", "assembly", "senate", "government", "cabinet", "ministry", "court", "police",
    "army", "navy", "council", "department", "judiciary", "legislature", "military",
    "opposition", "embassy", "consulate", "bank", "regime",
}  # fmt: skip
GENERIC_QUALIFIERS = {
    "supreme", "high", "central", "federal", "national", "foreign", "interior", "defence",
    "defense", "finance", "justice", "health", "education", "environment", "external",
    "affairs", "of", "the", "and", "for", "upper", "lower", "house", "ministry",
}  # fmt: skip
# Endings of demonyms, and what may be added to the stem to get the place: "Ukrainian" - "ian"
# + "e", "Chinese" - "ese" + "a", "Pakistani" - "i" (nothing added: "Adani" is no "Adana"'s).
DEMONYM_PLACE_TAILS = {
    "ian": ("", "a", "e", "ia", "y"),
    "ean": ("", "a", "e"),
    "ese": ("", "a", "on"),
    "ish": ("", "a", "ia"),
    "an": ("", "a", "ia", "e"),
    "i": ("",),
}


def a_generic_institution(name: str) -> bool:
    """Whether a name is only common nouns of an institution that every country has
    ("Parliament", "Supreme Court", "Foreign Ministry", "Department of Environment"): it names
    no one body, so a tag of it would gather every country's."""
    words = [w.strip(".,'’").casefold() for w in name.split()]
    return bool(words) and (
        any(w in GENERIC_INSTITUTIONS for w in words)
        and all(w in GENERIC_INSTITUTIONS | GENERIC_QUALIFIERS for w in words)
    )


def a_demonym(name: str) -> bool:
    """Whether a one-word name is the demonym of a known place ("Ukrainian", "Pakistani",
    "Israeli"): a nationality, which the labels leave out, not a person or a place."""
    if " " in name or known_place(name):
        return False
    lower = name.casefold()
    for ending, tails in DEMONYM_PLACE_TAILS.items():
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            stem = lower[: -len(ending)]
            if any(stem + tail in nations() for tail in tails):
                return True
    return False


# Function words that join the words of a name ("Bank of America", "Save the Children",
# "Council on Foreign Relations"); other function words are a sentence's.
CONNECTORS = {"of", "the", "and", "for", "on", "at", "in"}


def a_clause(name: str) -> bool:
    """Whether a name is part of a sentence: a function word such as "Are", "Will", "That"
    capitalised after its first word ("Israeli Settlers Are Out of Control", "Trump Declares
    That..."; a first word may be a given name: "Will Smith"), or a contraction ("DOESN'T")."""
    words = name.split()
    return any(
        w[:1].isupper() and not w.isupper() and w.casefold() in STOPWORDS - CONNECTORS
        for w in words[1:]
    ) or any(c in name.casefold() for c in ("n't", "n’t"))


# Initials in brackets after the words they stand for, or before them: "respiratory syncytial
# virus (RSV)", "RSV (respiratory syncytial virus)".
BRACKETED_INITIALS = re.compile(r"\(([A-Z]{2,6})s?\)")
INITIALS_BEFORE_WORDS = re.compile(r"\b([A-Z]{2,6})s?\s+\(([^()]{3,80})\)")
LOWER_CASE_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")  # "syncytial", "non-fungible"


def spelled_out(text: str) -> set[str]:
    """Initials that the text spells out in lower-case words beside them in brackets
    ("respiratory syncytial virus (RSV)", "liquefied natural gas (LNG)", "weapons of mass
    destruction (WMD)"): a thing's initials, a disease's or a fuel's, not an organisation's,
    whose words would be capitalised ("World Health Organization (WHO)")."""
    found = set()
    for match in BRACKETED_INITIALS.finditer(text):
        words = text[: match.start()].split()[-3 * len(match.group(1)) :]
        if _spells(match.group(1), _words_before(words)):
            found.add(match.group(1))
    for match in INITIALS_BEFORE_WORDS.finditer(text):
        if _spells(match.group(1), match.group(2).split()):
            found.add(match.group(1))
    return found


def _words_before(words: list[str]) -> list[str]:
    """The words just before a bracket that may spell initials: from the last word back to the
    first that is not a lower-case word or a hyphenated one."""
    kept: list[str] = []
    for word in reversed(words):
        word = word.strip(",;:\"'“”‘’")
        if not LOWER_CASE_WORD.fullmatch(word):
            break
        kept.insert(0, word)
    return kept


def _spells(initials: str, words: list[str]) -> bool:
    """Whether the last of these lower-case words spell the initials with their first letters,
    and those of their hyphenated parts ("non-fungible token", NFT), joining words such as "of"
    counted or not ("weapons of mass destruction", WMD)."""
    letters = initials.lower()
    for word in reversed(words):
        if not letters:
            return True
        if not LOWER_CASE_WORD.fullmatch(word):
            return False
        heads = "".join(part[0] for part in word.split("-"))
        if letters.endswith(heads):
            letters = letters[: -len(heads)]
        elif letters.endswith(word[0]):
            letters = letters[:-1]
        elif word not in CONNECTORS:
            return False
    return not letters
