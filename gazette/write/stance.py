"""Whose voice a sentence speaks in: a report's facts, or its writer's judgement.

A news article states what happened and who says what. A source may also judge in its own voice
("Joe Biden is a career liar", "The ruling is a disgrace"), speak as its writer ("I think", "we
must", "we asked one of the organisation's experts"), or ask the reader a rhetorical question.
Lifted into Gazette's article, such a sentence would read as Gazette's own verdict, stated as
fact. It is used only where the sentence itself says whose words or judgement it tells ("Critics
called the ruling a disgrace", "..., the senator said"); otherwise it is not used (the report's
facts are still cited from its other sentences).

What marks a judgement, outside quotation marks (a quotation is someone's words, and the
quotation rules see that it has a speaker):
- a word that judges rather than describes (`JUDGING_WORDS`): insults and verdicts ("liar",
  "hypocrite", "disgrace", "shameful", "pathetic", "absurd"...). The list is kept small and
  general: words whose news use is almost always someone's judgement. Words with a plain news
  sense are left out ("disgraced", a former title; "corrupt", a court's finding; "lies", of a
  town or a body lying in state; "garbage", "rubbish" and "clown", things and trades;
  "disastrous", "terrible", said of floods);
- the first person (`FIRST_PERSON`): "I", "me", "my", "we", "us", "our", "let's". A news report
  speaks in the third person; the first person outside quotation marks is its writer speaking
  ("I think", "we must", "in my view", "as we reported") or a speaker's words printed without
  marks, whom the sentence does not name. Named before it with a colon ("Kelly said in a
  briefing: We are pleased...") or after it, it is reported speech;
- a question the sentence asks in its own voice (it ends in "?" outside a quotation).

Second-person advice ("If you bought a Tidy 3, stop charging it") is refused earlier, by
`gazette.write.clean.is_clean`.

A judging word is attributed when a word of saying or judging comes before it in the sentence
(reported speech: "Critics said the plan was absurd", "Trump called Biden a liar"); any of the
three is when the sentence ends in a short attribution clause ("..., the union said.", "...,
according to critics.").

Not caught: a judgement in words of plain sense ("The ruling is a victory for free speech"), and
a prescription in the third person ("The government should bring the closure forward"), which
reads like the expectation news states in the same words ("Production should begin in 2028").
"""

from __future__ import annotations

import re

from gazette.remember import remembered
from gazette.sentences import split_sentences, trim_sentence
from gazette.write.clean import outside_quotations, quotation_marks_pair, strip_source_markers

# Words that judge: insults, and verdicts on people, deeds and claims. Whole words, any case.
JUDGING_WORDS = frozenset(
    re.findall(
        r"\w+",
        # what a person is called
        "liar liars hypocrite hypocrites crook crooks idiot idiots moron morons imbecile "
        "imbeciles buffoon buffoons charlatan charlatans scoundrel scoundrels "
        # what a deed or a claim is called
        "disgrace disgraceful shameful shameless disgusting despicable deplorable pathetic "
        "outrageous appalling abhorrent reprehensible contemptible vile idiotic stupid absurd "
        "ridiculous ludicrous laughable preposterous hypocritical dishonest deceitful "
        "mendacious warped unhinged travesty hogwash "
        # how the writer feels about it
        "shamefully disgracefully outrageously absurdly ridiculously laughably pathetically",
    )
)
JUDGING = re.compile(r"\b(?:" + "|".join(sorted(JUDGING_WORDS)) + r")\b", re.IGNORECASE)
# The first person outside quotation marks: the writer (or a speaker the sentence does not name)
# speaking. "I" only as a pronoun: before a contraction or a word in small letters, and not after
# a capitalised word inside the sentence ("World War I", "Class I felony", "(I-Vt.)", "I/O").
FIRST_PERSON = re.compile(
    r"\b(?:me|my|My|mine|myself|we|We|us|our|Our|ours|ourselves|[Ll]et['’]s|[Ll]et us)\b|"
    r"(?<![-–/])\bI(?=['’](?:m|ve|ll|d)\b|\s+[a-z])"
)
CLAUSE_OPENS = re.compile(r"(?:^|[.!?:;—–(\"“‘'])\s*$")
ROMAN_BEFORE = re.compile(r"\S\s+[A-Z][\w.-]*\s+$")  # a capitalised word, not the first
# Words that say whose words or judgement follow: reported speech and its verbs of judging.
ATTRIBUTING = re.compile(
    r"\b(?:said|says|say|saying|told|tells|tell|added|adds|wrote|writes|write|explained|warned|"
    r"insisted|admitted|asked|according to|stated|declared|tweeted|argued|argues|noted|claimed|"
    r"claims|acknowledged|announced|replied|urged|called|calls|calling|described|describes|"
    r"describing|accused|accuses|accusing|branded|brands|denounced|denounces|condemned|"
    r"condemns|slammed|slams|criticised|criticized|criticises|criticizes|blasted|dismissed|"
    r"dismisses|labelled|labeled|labels|deemed|deems|believes|believe|believed|thinks|think|"
    r"thought|considers|considered|insists|charged|alleged|alleges|complained|complains|"
    r"decried|decries|lamented|quipped|joked|conceded|stressed|posted|mocked|ridiculed|"
    r"commented|comments)\b",
    re.IGNORECASE,
)
# Words of saying and a colon just before the speaker's words: "..., said in a briefing: We are".
SPEAKER_INTRODUCED = re.compile(
    r"(?i:" + ATTRIBUTING.pattern + r"[^.:;]{0,60}"
    # or a name opening the sentence, as headlines give a speaker: "Trump: Muslim judges..."
    r"|^\W*(?:[A-Z][\w.'’-]*\s+){0,2}[A-Z][\w.'’-]*)"
    r":\s*['‘\"“]?\s*$"
)
# A quotation in marks the sentence does not pair (single ones, or marks a source spaced) closed
# by its speaker: "'When my son and I were on the floor...,' said Una Armstead".
SPEAKER_AFTER = re.compile(
    r"[,!?.]\s?['’\"”]\s+(?:(?:[A-Z][\w.'’-]*|the|a|an|he|she|they)\s+){0,5}?"
    + ATTRIBUTING.pattern,
    re.IGNORECASE,
)
# A short attribution closing the sentence: "..., the union said." / "..., according to X."
TAIL_WORDS = 8


def judgement_in(sentence: str) -> str | None:
    """What makes the sentence a judgement in its writer's own voice (see the module docstring):
    "question", "first person" or "judging word", with the word; None when there is none, or
    when the sentence says whose words or judgement it tells."""
    own = outside_quotations(sentence)
    if _ends_attributed(own):
        return None
    if _asks(sentence):
        return "question"
    person = _first_person(own)
    if person is not None and not _reported(own, person):
        return f"first person: {person.group(0)}"
    judging = JUDGING.search(own)
    if judging is None or ATTRIBUTING.search(own[: judging.start()]):
        return None
    return f"judging word: {judging.group(0)}"


def _reported(own: str, person: re.Match[str]) -> bool:
    """Whether the first person is a speaker's, named before it with a colon or after it as a
    quotation's speaker."""
    before, after = own[: person.start()], own[person.end() :]
    return bool(SPEAKER_INTRODUCED.search(before) or SPEAKER_AFTER.search(after))


def _first_person(own: str) -> re.Match[str] | None:
    for found in FIRST_PERSON.finditer(own):
        word, before = found.group(0), own[: found.start()]
        if word == "I" and ROMAN_BEFORE.search(before):
            continue
        # "We", "Our", "My" in capitals inside a sentence are a title's ("Notes on the Future of
        # Our Democracy"); as pronouns they open the sentence or a clause
        if word != "I" and word[0].isupper() and not CLAUSE_OPENS.search(before):
            continue
        return found
    return None


def is_unattributed_judgement(sentence: str) -> bool:
    """Whether the sentence judges in its writer's own voice, as no news fact is told."""
    return judgement_in(sentence) is not None


def _asks(sentence: str) -> bool:
    """A question in the sentence's own voice: it ends in "?" that no quotation holds."""
    return sentence.rstrip().endswith("?")


def _ends_attributed(own: str) -> bool:
    """Whether the sentence's last clause is a short attribution to someone other than its
    writer: "..., the minister said.", not "..., and we asked its director why."."""
    last = re.split(r"[,;:]['’]?\s+|\s+[—–]\s+", own.strip().rstrip(".!?\"”’' "))[-1]
    short = len(last.split()) <= TAIL_WORDS
    return short and bool(ATTRIBUTING.search(last)) and _first_person(last) is None


# Asked of every report at every writing of its story (the headline's choice): read once.
@remembered(size=4096)
def judges_in_own_voice(title: str, text: str) -> bool:
    """Whether a report judges in its own voice somewhere (its title or a sentence): the mark of
    an opinion piece that no label gave away, whose title makes no news headline."""
    sentences = [trim_sentence(strip_source_markers(s)) for s in split_sentences(text)]
    # a piece of a quotation that runs over several sentences is someone's words, not the report's
    whole = [s for s in [title, *sentences] if s and quotation_marks_pair(s)]
    return any(is_unattributed_judgement(s) for s in whole)
