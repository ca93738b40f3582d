"""Every sentence stands on its own where it stands.

A sentence lifted from a report may point back to the one before it: "He highlighted...", "They
said...", "This is the third rise", "The remarks drew...", "But the evidence...", or a quotation
closed by "she said". Printed elsewhere it points at nothing. Each such sentence is either
- rewritten with its referent from the source, when the source names it unambiguously: the
  pronoun that opens it, or that attributes its quotation, becomes the person's name ("He
  highlighted" -> "Erik Sandoval highlighted"; '"...," she said' -> '"...," Anneli Brask said');
  the rewrite holds only words of the source, and the support check still judges it; "he" and
  "she" become only a person's name (one the recogniser reads as a person's, one after a
  person's title, or a given name and a surname), never an organisation's or a place's ('"The
  ground comes at you very, very quickly," he said.' after "Andy Green, a retired Royal Air
  Force pilot" is not Royal Air Force's);
- or kept only right after the sentence it follows in its source (`Reading.after`);
- and a quotation with no speaker at all ('"We are not done yet."') is not used, nor a sentence
  that is only an attribution ("Brown said in a prepared statement."), what was said being in
  another sentence (a splitter's cut after a quotation, or a quotation over several sentences).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gazette.lexicon.people import a_persons_name, recogniser
from gazette.lexicon.vocabulary import HONORIFICS, PERSON_TITLES, TITLES
from gazette.sentences import content_words, proper_names
from gazette.write.clean import SAYING_WORDS, any_of, outside_quotations
from gazette.write.quotes import ORGANISATION, FoundQuote, full_name_in, person_named_in

# Words that open a sentence by pointing back to an earlier one.
REFERENCE_OPENER = re.compile(
    r"^[\"“‘']?(?:He|She|They|It|His|Her|Their|Its|Them|This|That|These|Those|Such|Both|"
    r"Neither|Either|But|And|Yet|So|Also|Still|Instead|Then|Thus|Hence|The same|"
    r"The (?:company|firm|move|remarks|comments|decision|announcement|statement|promise|"
    r"incident|pair|couple|two|three|latter|former|group|official|spokesman|spokeswoman|"
    r"spokesperson|star|actor|actress|singer|victim|suspect|man|woman|measure|plan|idea|"
    r"news|report|letter|bill|deal|proposal|change|changes|claim|claims|attack|case)\b)\b"
)
# A phrase inside the sentence that points back: "hold the government to that promise".
POINTING_BACK = re.compile(
    r"\b(?:these|those)\s+(?!days\b|years\b|months\b|weeks\b)[a-z]+|"
    r"\bthis\s+(?!year\b|week\b|month\b|morning\b|afternoon\b|evening\b|weekend\b|time\b)"
    r"(?:promise|pledge|decision|plan|move|statement|claim|deal|case|issue|news|announcement|"
    r"incident|attack|proposal|measure|bill|law|policy|step|idea|report|letter)\b|"
    r"\bthat\s+(?:promise|pledge|decision|plan|move|statement|claim|deal|case|issue|"
    r"announcement|incident|attack|proposal|measure|bill|policy|step|idea|report|letter|point|"
    r"moment)\b|"
    # a person known by their age, not named: "pulled the 32-year-old from the rubble", "The
    # 32-year-old woman was..." (not "the 50-year-old bridge", "the 32-year-old nurse Ana Ruiz")
    r"\b[Tt]he\s+\d{1,3}-year-old(?:\s+(?:man|woman|boy|girl|child|teenager|victim|suspect))?"
    r"(?=\s+(?:was|is|has|had|who|from|of|in|on|at|to|with|and|after|before|said|told)\b|[,.;])|"
    # a demonstrative that ends the sentence as what it is about: "There's no evidence of that."
    r"\b(?:of|about|for|with|on|from|like|against|by)\s+(?:that|this|these|those)\s*[.!?]*[\"”]?$"
)
# A subject pronoun after what is set before the sentence's subject, one or two phrases and a
# comma: "After all, he faced...", "On Monday, it implemented...", "Later that day, as he
# attempted to elude police, he shot...". Not "it" as a placeholder ("In 2019, it was announced
# that...").
FRONTED_PRONOUN = re.compile(
    r"^(?P<fronted>[^,\"“]{2,60},\s+(?:[^,\"“]{1,80},\s+)?)(?P<pronoun>he|she|they|it)\s+"
    r"(?!(?:is|was|’s|'s|has been|had been|will be|would be|seems|seemed|appears|appeared)\b)"
)
# What, set before the pronoun, can be what it stands for: a name (not a day's or a month's),
# and for "it" and "they" also a thing named with "the" ("When the officers turned around, they
# saw...").
NAMED_BEFORE = re.compile(
    r"(?<=\s)(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\b)[A-Z][a-z]"
)
DESCRIBED_BEFORE = re.compile(r"\bthe\s+[a-z]", re.IGNORECASE)
SUBJECT_PRONOUN = re.compile(r"^(?P<pronoun>He|She)\s+(?=[a-z])")
QUOTATION = re.compile(r"[\"“]([^\"“”]+)[\"”]")
SAYING = any_of(SAYING_WORDS)
PRONOUN_SAYS = re.compile(
    r"(?P<before>[,!?]?[\"”]\s*)(?P<pronoun>he|she)\s+(?P<verb>said|says|added|told|explained|"
    r"warned|insisted|admitted|wrote)\b"
)
# "Of the gunman, she said, “He's a menace.”": a pronoun that introduces the quotation it speaks,
# which says who spoke only beside the sentence that names her.
PRONOUN_INTRODUCES = re.compile(
    r"\b(?:[Hh]e|[Ss]he|[Tt]hey)\s+(?:said|says|added|told\s+\w+|explained|warned|insisted|"
    r"admitted|wrote)[,:]?\s*[\"“]"
)
MIN_QUOTED_WORDS = 4
# What an attribution says besides who said it: the words of saying and of where, when and how.
ATTRIBUTION_WORDS = frozenset(
    word.removesuffix("s")  # as content_words gives them
    for word in re.findall(
        r"\w+",
        "said say says told tell tells added adds explained stated wrote writes statement "
        "prepared written released release interview conference news press briefing email mail "
        "phone telephone reporters journalists later earlier also today yesterday tonight "
        "morning afternoon evening night week weekend monday tuesday wednesday thursday friday "
        "saturday sunday spokesman spokeswoman spokesperson official officials post message "
        "tweet twitter facebook video televised radio television tv so police authorities "
        "company mayor governor",
    )
)


@dataclass(frozen=True)
class Reading:
    """A source sentence made to stand alone, or what it still needs."""

    text: str
    # True: printed only right after the sentence before it in its source.
    needs_previous: bool
    # False: not to be used anywhere (a quotation nobody is named as saying).
    usable: bool = True


def has_speakerless_quote(sentence: str) -> bool:
    """A quotation of a few words or more with no word of saying outside the quotation marks."""
    quoted = [q for q in QUOTATION.findall(sentence) if len(q.split()) >= MIN_QUOTED_WORDS]
    return bool(quoted) and not SAYING.search(outside_quotations(sentence))


def is_attribution_only(sentence: str) -> bool:
    """Whether the sentence says only that someone said something, not what: "Brown said in a
    prepared statement.", "She told reporters on Tuesday." (no quotation, no claim)."""
    if QUOTATION.search(sentence) or not SAYING.search(sentence):
        return False
    names = {name.casefold().removesuffix("s") for name in proper_names(sentence)}
    first = sentence.split()[0].strip("\"'“‘").casefold().removesuffix("s") if sentence else ""
    said = {w for w in content_words(sentence) if w not in names and w != first}
    return said <= ATTRIBUTION_WORDS


def stand_alone(sentence: str, previous: list[str], quotes: Sequence[FoundQuote]) -> Reading:
    """The sentence as it can be printed on its own, given the source sentences before it and
    the source's attributed quotations (whose speakers are already resolved)."""
    if has_speakerless_quote(sentence) or is_attribution_only(sentence):
        return Reading(sentence, needs_previous=False, usable=False)
    text = _name_the_speaker(sentence, quotes, previous)
    opener = SUBJECT_PRONOUN.match(text)
    if opener:
        person = person_named_in(previous[-1:], opener.group("pronoun"))
        if person and is_a_person(person, previous):
            text = person + " " + text[opener.end() :]
    if PRONOUN_SAYS.search(text) or PRONOUN_INTRODUCES.search(text):
        return Reading(text, needs_previous=True)
    pointing = REFERENCE_OPENER.match(text) or POINTING_BACK.search(outside_quotations(text))
    return Reading(text, needs_previous=bool(pointing) or _fronted_pronoun(text))


def _fronted_pronoun(sentence: str) -> bool:
    """Whether the sentence's subject is a pronoun set after an opening phrase that names
    nothing it could stand for ("After all, he faced allegations...", "On Monday, it
    implemented a policy..."): like "He faced...", it points back to the sentence before."""
    found = FRONTED_PRONOUN.match(sentence)
    if found is None:
        return False
    fronted = found.group("fronted")
    if NAMED_BEFORE.search(fronted):
        return False
    return found.group("pronoun") in ("he", "she") or not DESCRIBED_BEFORE.search(fronted)


def _name_the_speaker(sentence: str, quotes: Sequence[FoundQuote], previous: list[str]) -> str:
    """'"...," she said.' with the speaker the source's quotation was attributed to, when that
    speaker is a person."""
    said = PRONOUN_SAYS.search(sentence)
    if said is None:
        return sentence
    quoted = QUOTATION.findall(sentence[: said.end()])
    if not quoted:
        return sentence
    wanted = _key(quoted[-1])
    speaker = next((q.speaker for q in quotes if _key(q.text) == wanted and q.speaker), None)
    if not speaker or speaker.lower() in ("he", "she", "they"):
        return sentence
    if not all(is_a_person(name, previous) for name in speaker.split(" and ")):
        return sentence
    return sentence[: said.start("pronoun")] + speaker + sentence[said.end("pronoun") :]


PERSONS_TITLE = re.compile(
    r"\b(?:"
    + "|".join(map(re.escape, sorted(TITLES | PERSON_TITLES | HONORIFICS, key=len, reverse=True)))
    + r")\.?\s+$",
    re.IGNORECASE,
)


def is_a_person(name: str, previous: list[str]) -> bool:
    """Whether a name that "he" or "she" was read as is a person's, read in the last source
    sentence before that writes it: the recogniser reads it as a person's, or a person's title
    stands before it ("Gov. Mike DeWine"), or its words are a given name and a surname that the
    recogniser misread ("Emil Strand"). Never a name whose last word is an organisation's
    ("Wasilla Bible Church"); and "Royal Air Force", which the recogniser reads as an
    organisation's, is none, though "Royal" is a given name too."""
    if name.split()[-1] in ORGANISATION:
        return False
    context = next((s for s in reversed(previous) if name in s), "")
    if not context:
        return a_persons_name(name, "organisation")
    kinds = {e.label_ for e in recogniser()(context).ents if name in e.text or e.text in name}
    if "PERSON" in kinds:
        return True
    if any(
        PERSONS_TITLE.search(context[: m.start()]) for m in re.finditer(re.escape(name), context)
    ):
        return True
    return a_persons_name(name, "organisation")


def _key(quotation: str) -> str:
    return re.sub(r"\W+", " ", quotation).strip().casefold()


# Where a surname alone names a person: as the sentence's subject ("Paul added that...", "Bright
# warned lawmakers..."), or as the speaker of an attribution (", Owen said", "said Gallagher",
# "according to Smith").
SURNAME = r"[A-Z][a-z]+(?:['’-][A-Za-z]+)?"
SAYS = r"(?:said|says|added|told|wrote|insisted|argued|noted|stressed|warned|explained)"
SURNAME_ALONE = re.compile(
    rf"^(?P<subject>{SURNAME})(?= (?:also |later )?[a-z])|, (?P<speaker>{SURNAME})(?= {SAYS}\b)|"
    rf"\b{SAYS} (?P<named>{SURNAME})(?=[ .,])|according to (?P<cited>{SURNAME})(?=[ .,])"
)


def named_in_full(sentence: str, told: str, source: str, cited: Sequence[str]) -> str:
    """The sentence with a person it names by surname alone, whom the article has not named
    before (`told`), named in full as its source names them ("Paul added that..." -> "Rand Paul
    added that..." after a summary that never named him): a reader meets a person by their whole
    name first. Only when the source gives one full name for the surname (not "Jon Owen" and
    "John Owen"), and every cited source writes it, so that each still supports the sentence."""
    for match in SURNAME_ALONE.finditer(sentence):
        surname = match.group(match.lastgroup or 0)
        if re.search(rf"\b{re.escape(surname)}\b", told):
            continue
        full = full_name_in(surname, source)
        if full and full not in sentence and all(full in text for text in cited):
            start, end = match.span(match.lastgroup or 0)
            return sentence[:start] + full + sentence[end:]
    return sentence
