"""Direct quotes and who said them, read from the sources' own words.

Only quotations with an explicit attribution are taken ("...," Varga said; said Erik Sandoval;
Feld said: "..."). A surname is expanded to the full name the same source uses, and "he said"
or "she said" is resolved to the person named in the sentence before, when there is exactly one
candidate (a person, not an organisation). The quoted text is kept verbatim; only a trailing comma
inside the marks is dropped.

The speaker is a name, never the words around it: not an office before it ("House Speaker",
"Senate Majority Leader", "President-elect"), a party tag ("(D-Calif.)", ", R-Ky.,"), an
apposition after a comma (", a New York Democrat,"), a word that opens the sentence ("But King",
"The Biden"), nor a name that only qualifies a noun ("a prominent Democratic official", "the
Biden administration"): an unnamed speaker is no speaker, and the quotation is not taken. A
quotation that closes its sentence with a full stop is not attributed by the sentence after it
('"...from the angle I was at." A woman who ... told').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gazette.remember import remembered
from gazette.sentences import STOPWORDS, split_sentences
from gazette.text import normalise_for_matching

MIN_QUOTE_WORDS = 6
SAY = r"(?:said|says|told|added|explained|warned|wrote|insisted|admitted)"
QUOTE = r"[\"“](?P<quote>[^\"“”]+)[\"”]"
# A capitalised word, capitals inside it too ("McConnell", "O’Rourke", "DeWine"), or an initial.
NAME_WORD = r"(?<![\w'’-])(?:[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*|[A-Z]\.)"
NAME = NAME_WORD + r"(?:\s+" + NAME_WORD + r")*"
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
    "Speaker",
    "Leader",
    "Justice",
    "Rep",
    "Reps",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Sen",
    "Sens",
    "Gov",
    "Adm",
    "Gen",
    "Col",
    "Maj",
    "Capt",
    "Cmdr",
    "Ambassador",
    "Chancellor",
    "Premier",
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
        "Centre Board Authority Union House Administration Hospital Clinic Club",
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


# A day or a month, which is no one's name ('said Alexandria Ocasio-Cortez on Monday').
CALENDAR = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December)(?: \d{1,2})?"
)
# What a phrase says of a person besides the name: anything in brackets, a party tag ("(D-Calif.)",
# ", R-Ky.,"), and an apposition between commas that opens with a small letter (", a New York
# Democrat,", ", both Democrats from Virginia,"; not the rest of a clause: "However, his
# relatives are skeptical—his sister Mahnefah Gray said").
ASIDE = re.compile(r"\([^()]*\)|\b[DRI]-[A-Z][A-Za-z.]*|,\s+[a-z][^,]*(?=,)")
# Words that may follow a speaker's name ("Varga also said", "Moore himself told") without the
# name qualifying a noun ("a Democratic official", "the Biden administration").
AFTER_A_NAME = frozenset(re.findall(r"\w+", "also himself herself themselves later earlier again"))


def _qualifies_noun(rest: str) -> bool:
    """Whether the words after a name show it qualifying the noun that follows: "Democratic" in
    "a prominent Democratic official", "Biden" in "the Biden administration"."""
    following = re.match(r"\s*([a-z][a-z'’-]*)\b", rest)
    if following is None:
        return False
    word = following.group(1)
    saying = re.fullmatch(SAY, word)
    return not (word in STOPWORDS or word in AFTER_A_NAME or word.endswith("ly") or saying)


def _name_runs(
    phrase: str, attribution: bool = False, owners: bool = True
) -> list[tuple[int, str]]:
    """Runs of capitalised words in a phrase with where they start, each without the titles and
    what precedes them ("Palmer Public Safety Director Jon Owen" is Jon Owen) and without a
    word that opens a sentence ("But King" is King). In an `attribution` (the words that name a
    quotation's speaker), not a run that qualifies a noun ("a Democratic official"): elsewhere
    the word after a name is as often its verb ("Moore decided"). Without `owners`, not a name
    in the possessive ("Gov. Mike DeWine’s orders"), which is no sentence's subject."""
    runs = []
    for match in re.finditer(NAME, phrase):
        if attribution and _qualifies_noun(phrase[match.end() :]):
            continue
        if not owners and match.group(0).endswith(("'s", "’s")):
            continue
        words = [re.sub(r"['’]s$", "", w) for w in match.group(0).split()]
        titled = [i for i, w in enumerate(words) if is_office(w)]
        if titled and titled[-1] < len(words) - 1:
            words = words[titled[-1] + 1 :]
        words = [w for w in words if not is_office(w)]
        while words and words[0].casefold() in STOPWORDS:
            words = words[1:]
        if words and not CALENDAR.fullmatch(" ".join(words)):
            runs.append((match.start(), " ".join(words)))
    return runs


def is_office(word: str) -> bool:
    """ "Sen.", "Speaker", "President-elect", "Director-General": an office or an honorific, not
    a name."""
    return any(part in TITLES for part in word.rstrip(".").split("-"))


def _names(phrase: str) -> list[str]:
    return [name for _, name in _name_runs(phrase)]


def _speaker_in(phrase: str) -> str | None:
    """The speaker a phrase names: its last name that is not what the speaker speaks for, that
    is neither after "of", "for", "at"... ("the Rev. Larry Kroon of the Wasilla Bible Church" is
    Larry Kroon) nor an organisation's ("said Indeed Hiring Lab director of research Nick
    Bunker" is Nick Bunker), nor in an aside ("Chuck Schumer, a New York Democrat,"); two
    people named together are both ("Donald McEachin and Jennifer Wexton"); else its last
    name."""
    phrase = ASIDE.sub("", phrase)
    runs = _name_runs(phrase, attribution=True)
    people = [
        (start, name)
        for start, name in runs
        if not AFFILIATED.search(phrase[:start]) and name.split()[-1] not in ORGANISATION
    ]
    if len(people) >= 2:
        (_, first), (start, last) = people[-2:]
        if re.search(re.escape(first) + r"\s+and\s+$", phrase[:start]):
            return f"{first} and {last}"
    if people:
        return people[-1][1]
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


# A person's full name as a first mention gives it: a given name, perhaps an initial, the surname
# ("Rand Paul", "James G. Bodiford"); not a run with more before it ("Englishman Robert Buckley",
# "Internet Explorer Microsoft") nor an office run into it ("Then-President-elect Trump").
FULL_NAME = re.compile(r"[A-Z][a-z'’]+(?: [A-Z]\.)? [A-Z][A-Za-z'’-]+")


def full_name_in(surname: str, text: str) -> str | None:
    """The one full name of a person (`FULL_NAME`, titles aside) that ends in `surname` in the
    text; None when the text gives none, or two ("Jon Owen" and "John Owen")."""
    if surname in ORGANISATION or surname.casefold() in STOPWORDS:
        return None
    names = {
        name for name in _names(text) if name.endswith(" " + surname) and FULL_NAME.fullmatch(name)
    }
    return names.pop() if len(names) == 1 else None


def person_named_in(previous: list[str], pronoun: str = "") -> str | None:
    """The one person (a name of two words or more) named in the last sentence or two before a
    "he" or "she"; None when there is none, or more than one."""
    return _resolve_pronoun(previous, pronoun)


# The pronouns that tell whom a sentence speaks of as "he" and whom as "she".
GENDERED = {
    "he": re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE),
    "she": re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE),
}


def _resolve_pronoun(previous: list[str], pronoun: str = "") -> str | None:
    """The one person the last sentence or two name, unless the sentence that names them speaks
    of someone only by the other pronoun ("Tara Reid checked herself in, her rep told People."
    before "..., he said": the rep spoke, unnamed). A name in the possessive is no subject but
    makes the one person uncertain ("Peyton Manning's start against the Jacksonville Jaguars. He
    completed..." is Manning; "..., who protested Gov. Mike DeWine’s orders. She has..." is not
    DeWine): with one, the pronoun stays."""
    other = {"he": "she", "she": "he"}.get(pronoun.casefold())
    for sentence in reversed(previous[-2:]):
        named = [name for _, name in _name_runs(sentence[1:])]
        people = {n for n in named if " " in n and n.split()[-1] not in ORGANISATION}
        subjects = {name for _, name in _name_runs(sentence[1:], owners=False)} & people
        if len(people) == 1 and subjects:
            mismatched = other and GENDERED[other].search(sentence)
            if mismatched and not GENDERED[pronoun.casefold()].search(sentence):
                return None
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
                    if _closes_sentence(match):
                        continue
                    speaker = _speaker_after(match.group("after"))
                else:
                    speaker = _speaker_in(match.group("before"))
                if speaker in PRONOUNS:
                    speaker = _resolve_pronoun(sentences[:index], speaker)
                if speaker:
                    if names_in_text is None:
                        names_in_text = _names(text)
                    found.append(FoundQuote(quote, _full_name(speaker, names_in_text)))
    return tuple(_unique(found))


def _closes_sentence(match: re.Match[str]) -> bool:
    """Whether a quotation ends its sentence with a full stop and another sentence follows: that
    one does not attribute it ('"...from the angle I was at." But King told The News...')."""
    ended = match.group("quote").rstrip(" '‘’").endswith(".")  # "...He said, 'Thank you. '"
    return ended and match.group("after")[:1].isupper()


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
