"""Direct quotes and who said them, read from the sources' own words.

Only quotations with an explicit attribution are taken ("...," Varga said; said Erik Sandoval;
Feld said: "..."). A surname is expanded to the full name the same source uses, and "he said"
or "she said" is resolved to the person named in the sentence before, when there is exactly one
candidate. The quoted text is kept verbatim; only a trailing comma inside the marks is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gazette.remember import remembered
from gazette.sentences import split_sentences
from gazette.text import normalise_for_matching

MIN_QUOTE_WORDS = 6
SAY = r"(?:said|says|told|added|explained|warned|wrote|insisted|admitted)"
QUOTE = r"[\"“](?P<quote>[^\"“”]+)[\"”]"
NAME = r"(?:[A-Z][a-z'’-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]\.))*"
TITLES = {
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Prof",
    "Professor",
    "Sir",
    "Dame",
    "Governor",
    "Mayor",
    "President",
    "Minister",
    "Chief",
    "Councillor",
    "Coach",
    "Senator",
    "Judge",
    "Captain",
    "General",
    "Director",
    "Rev",
    "Reverend",
    "Father",
    "Bishop",
    "Sheriff",
    "Officer",
    "Sergeant",
    "Sgt",
    "Lieutenant",
    "Lt",
    "Detective",
    "Inspector",
    "Commissioner",
    "Superintendent",
    "Secretary",
    "Chairman",
    "Chairwoman",
    "Spokesman",
    "Spokeswoman",
    "Editor",
    "Executive",
    "Attorney",
    "Deputy",
}
# A name right after these is what the speaker speaks for: "the Rev. Larry Kroon of the
# Wasilla Bible Church", "Lena Holt, a spokeswoman for the Orrin Port Authority".
AFFILIATED = re.compile(r"\b(?:of|from|at|for|with)(?:\s+the)?\s+$")
# The last word of a name that is an organisation's, not a person's.
ORGANISATION = frozenset(
    re.findall(
        r"\w+",
        "Lab Labs Church Department Council Agency University College School Company Inc Corp "
        "Corporation Group Bank Police Office Committee Court Association Institute Commission "
        "Ministry Party Network Times News Post Journal Service Services Foundation Center "
        "Centre Board Authority Union House Administration",
    )
)
PRONOUNS = {"he", "she", "they"}

QUOTE_THEN_SPEAKER = re.compile(QUOTE + r",?\s+(?P<after>[^\"“”]{0,120})")
# Sentences without a quotation mark cannot hold a quote: the patterns are not tried on them.
QUOTE_MARK = re.compile(r"[\"“”]")
SPEAKER_THEN_QUOTE = re.compile(
    r"(?P<before>[^\"“”.]{0,120}?)\s" + SAY + r"[^\"“”]{0,40}?[:,]\s*" + QUOTE
)


@dataclass(frozen=True)
class FoundQuote:
    text: str
    speaker: str


def _name_runs(phrase: str) -> list[tuple[int, str]]:
    """Runs of capitalised words in a phrase with where they start, each without the titles and
    what precedes them: "Palmer Public Safety Director Jon Owen" is Jon Owen."""
    runs = []
    for match in re.finditer(NAME, phrase):
        words = [re.sub(r"['’]s$", "", w) for w in match.group(0).split()]
        titled = [i for i, w in enumerate(words) if w.rstrip(".") in TITLES]
        if titled and titled[-1] < len(words) - 1:
            words = words[titled[-1] + 1 :]
        words = [w for w in words if w.rstrip(".") not in TITLES]
        if words:
            runs.append((match.start(), " ".join(words)))
    return runs


def _names(phrase: str) -> list[str]:
    return [name for _, name in _name_runs(phrase)]


def _speaker_in(phrase: str) -> str | None:
    """The speaker a phrase names: its last name that is not what the speaker speaks for, that
    is neither after "of", "for", "at"... ("the Rev. Larry Kroon of the Wasilla Bible Church" is
    Larry Kroon) nor an organisation's ("said Indeed Hiring Lab director of research Nick
    Bunker" is Nick Bunker); else its last name."""
    runs = _name_runs(phrase)
    people = [
        name
        for start, name in runs
        if not AFFILIATED.search(phrase[:start]) and name.split()[-1] not in ORGANISATION
    ]
    if people:
        return people[-1]
    return runs[-1][1] if runs else None


def _speaker_after(after: str) -> str | None:
    after = after.split(",")[0] if re.match(SAY + r"\s", after) else after
    said_first = re.match(SAY + r"\s+(?P<who>.+)", after)
    if said_first:
        return _speaker_in(said_first.group("who").split(",")[0])
    before_said = re.match(r"(?P<who>.{1,80}?)\s+" + SAY + r"\b", after)
    if before_said:
        who = before_said.group("who").strip()
        if who.lower() in PRONOUNS:
            return who.lower()
        return _speaker_in(who)
    return None


def _full_name(name: str, names_in_text: list[str]) -> str:
    """Expand a surname to the longest name in the text that ends with it."""
    if " " in name:
        return name
    candidates = [n for n in names_in_text if n.endswith(" " + name)]
    return max(candidates, key=len) if candidates else name


def person_named_in(previous: list[str]) -> str | None:
    """The one person (a name of two words or more) named in the last sentence or two before a
    "he" or "she"; None when there is none, or more than one."""
    return _resolve_pronoun(previous)


def _resolve_pronoun(previous: list[str]) -> str | None:
    for sentence in reversed(previous[-2:]):
        people = {n for n in _names(sentence[1:]) if " " in n}
        if len(people) == 1:
            return people.pop()
        if people:
            return None
    return None


@remembered(size=2048)
def find_quotes(text: str) -> tuple[FoundQuote, ...]:
    """Every attributed direct quote in a text, in order (read once per text: a story's
    sources are read for their sentences and for their quotes, at every version)."""
    found: list[FoundQuote] = []
    sentences = split_sentences(text)
    names_in_text: list[str] | None = None
    for index, sentence in enumerate(sentences):
        if not QUOTE_MARK.search(sentence):
            continue
        for pattern in (QUOTE_THEN_SPEAKER, SPEAKER_THEN_QUOTE):
            for match in pattern.finditer(sentence):
                quote = match.group("quote").strip().rstrip(",").strip()
                if len(quote.split()) < MIN_QUOTE_WORDS:
                    continue
                if pattern is QUOTE_THEN_SPEAKER:
                    speaker = _speaker_after(match.group("after"))
                else:
                    speaker = _speaker_in(match.group("before"))
                if speaker in PRONOUNS:
                    speaker = _resolve_pronoun(sentences[:index])
                if speaker:
                    if names_in_text is None:
                        names_in_text = _names(text)
                    found.append(FoundQuote(quote, _full_name(speaker, names_in_text)))
    return tuple(_unique(found))


def _unique(quotes: list[FoundQuote]) -> list[FoundQuote]:
    seen, unique = set(), []
    for quote in quotes:
        key = normalise_for_matching(quote.text).casefold()
        if key not in seen:
            seen.add(key)
            unique.append(quote)
    return unique


def quote_key(text: str) -> str:
    """The form in which quotes from different sources are compared."""
    return normalise_for_matching(text).casefold().rstrip(".,!?")
