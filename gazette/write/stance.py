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
- a question the sentence asks in its own voice (it ends in "?" outside a quotation);
- a word or phrase whose grammar is the writer's stance, whatever the sentence tells
  (`ATTITUDE`, `INTENSIFYING`, `VERDICT`): an attitude adverbial, the class of adverbs by which a
  writer says how they feel about what the sentence tells ("Unfortunately, that is not true",
  "Predictably, ..."), and the frames that do the same ("The good news is...", "It's no secret
  that...", "Needless to say"), set at the head of the sentence or between commas, where they
  speak of the whole; a degree adverb that only ever grades a judgement ("downright low energy",
  "woefully behind"); and a verdict of winning or losing given by a copula ("The decision is a
  victory for the First Amendment"), where news tells who dealt or handed whom a blow ("The
  court dealt a blow to the law"). Epistemic adverbs ("of course", "clearly", "probably") are
  left out: they say how sure the writer is, as news also does, not how the writer judges.

An attitude set apart from what the sentence tells (at its head before a comma, between commas,
or a frame at its head: "Sadly, the mother of two died...") is lifted off before the sentence is
judged (`without_attitude`): the fact is news, the sorrow the writer's. Not a hope ("Hopefully,
..."), which without the word would read as a fact.

Second-person advice ("If you bought a Tidy 3, stop charging it") is refused earlier, by
`gazette.write.clean.is_clean`.

A judging word or a stance's words are attributed when a word of saying or judging comes before
them in the sentence (reported speech: "Critics said the plan was absurd", "Trump called Biden a
liar", "She said that, unfortunately, the money had run out"); any judgement is when the sentence
ends in a short attribution clause ("..., the union said.", "..., according to critics.").

Not caught: a judgement in words of plain sense outside those forms ("Trump was forced to
disband councils that were disintegrating around him", "a huge win for Republicans" in
apposition), and a prescription in the third person ("The government should bring the closure
forward"), which reads like the obligations and expectations news states in the same words
("the government must consider each case", "Production should begin in 2028"). A subjectivity or
sentiment lexicon does not tell them apart either: TextBlob's and VADER's lexicons score the words
of plain disaster news ("deadly", "violent", "grim", "worst", "killed") as subjective or strongly
felt, and on a hand-labelled sample of neus-val they refused more facts than judgements at every
threshold (docs/writing.md, "Judgements").
"""

from __future__ import annotations

import re

from gazette.remember import remembered
from gazette.sentences import split_sentences, trim_sentence
from gazette.write.clean import (
    SAYING_WORDS,
    any_of,
    outside_quotations,
    quotation_marks_pair,
    strip_source_markers,
)

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
# The writer's attitude to what the sentence tells: attitude adverbials (Biber et al., Longman
# Grammar of Spoken and Written English, 1999, "attitude stance adverbials") and the frames that do
# their work. Set at the head of the sentence (after "And"/"But" too) or between commas or dashes,
# where they speak of the whole sentence: "incredibly rare" is a degree, "Incredibly, ..." a stance.
# At the head, the clause must follow (a comma, or the next word a subject's): "Remarkably few
# people" grades a number. "Happily" is left out, a manner more often than a stance ("happily
# married").
# Of them, those that can be lifted off the sentence leaving what it tells true as told
# (`without_attitude`); not "hopefully", whose sentence tells a hope, not a fact.
LIFTABLE_ATTITUDE_WORDS = (
    r"(?:un)?fortunately|sadly|thankfully|mercifully|(?:un)?luckily|regrettably|"
    r"ironically|predictably|tellingly|curiously|remarkably|astonishingly|amazingly|"
    r"(?:un)?surprisingly|incredibly|alas|(?:even )?worse|better yet|needless to say|"
    r"it goes without saying|make no mistake"
)
ATTITUDE_WORDS = LIFTABLE_ATTITUDE_WORDS + r"|hopefully"
# The frame that gives the writer's view of the news it introduces: "The good news is (that)...".
NEWS_FRAME = r"the (?:good|bad|sad) (?:news|part|thing) (?:is|was)"
ATTITUDE = re.compile(
    r"^\W*(?i:(?:(?:and|but|yet|so)\s+)?(?:" + ATTITUDE_WORDS + r"))(?=\s*[,—–]|\s+(?:(?i:the|a|"
    r"an|this|that|these|those|it|he|she|they|we|there|his|her|its|their|some|many|most|no|"
    r"for)\b|[A-Z]))"
    r"|(?i:[,;:—–(]\s*(?:" + ATTITUDE_WORDS + r")(?=\s*[,;—–)]))"
    r"|(?i:\b" + NEWS_FRAME + r"\b)"
    r"|(?i:\bit(?:['’]s| is| was) no secret\b)"
)
# The writer's attitude where it can be lifted off what the sentence tells: at the head before a
# comma ("Sadly, the mother of two died..."), between commas ("The money, unfortunately, had run
# out"), or a frame at the head ("The good news is that ..."). Not "It's no secret that ...": what
# it frames is mostly the writer's view ("Twitter is Trump's soap box du jour"), and the frame's
# "no" would leave the support check reading a denial dropped.
ATTITUDE_AT_HEAD = re.compile(
    r"^(?i:(?:(?:and|but|yet|so)\s+)?(?:" + LIFTABLE_ATTITUDE_WORDS + r")\s*,\s+"
    r"|" + NEWS_FRAME + r"(?: that)?\s+)"
)
ATTITUDE_BETWEEN = re.compile(r"(?i:,\s*(?:" + LIFTABLE_ATTITUDE_WORDS + r")\s*,)")
# Degree adverbs that grade only a judgement: "downright low energy", "woefully behind".
INTENSIFYING = re.compile(
    r"\b(?:downright|oh-so|woefully|egregiously|blatantly|shamelessly)\b", re.IGNORECASE
)
# A verdict of winning or losing given by a copula: "The decision is a victory for the First
# Amendment". News tells the same outcome as a deed ("The court dealt a blow to the law",
# "handed Trump a win", "a win for the Bulldogs" after a score), which this leaves alone.
VERDICT = re.compile(
    r"\b(?:is|was|are|were|be|been|marks|marked|represents|represented)\s+"
    # an indefinite verdict, graded by at most two words but not counted ("the 10th win for
    # Indianapolis", "a 31-24 win for the Colts" are results)
    r"(?:a|an|another)\s+(?:yet\s+)?(?:(?![\w-]*\d|first\b|second\b|third\b|\w+th\b)[\w-]+\s+){0,2}"
    r"(?:victory|win|triumph|boon|blow|setback|defeat)\s+(?:for|to)\b",
    re.IGNORECASE,
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
# What judges, by kind, in the order judgement_in names them.
STANCE = (
    ("judging word", JUDGING),
    ("attitude", ATTITUDE),
    ("intensifier", INTENSIFYING),
    ("verdict", VERDICT),
)
# Words that say whose words or judgement follow: reported speech and its verbs of judging.
ATTRIBUTING = any_of(
    SAYING_WORDS,
    "claims, calls, comments, accused, accuses, accusing, branded, brands, denounced, "
    "denounces, condemned, condemns, slammed, slams, criticised, criticized, criticises, "
    "criticizes, blasted, dismissed, dismisses, labelled, labeled, labels, deemed, deems, "
    "believes, believe, believed, thinks, think, thought, considers, considered, insists, "
    "charged, alleged, alleges, complained, complains, decried, decries, lamented, mocked, "
    "ridiculed",
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
    "question", "first person", "judging word", "attitude", "intensifier" or "verdict", with the
    words; None when there is none, or when the sentence says whose words or judgement it tells."""
    own = outside_quotations(sentence)
    if _ends_attributed(own):
        return None
    if _asks(sentence):
        return "question"
    person = _first_person(own)
    if person is not None and not _reported(own, person):
        return f"first person: {person.group(0)}"
    for kind, pattern in STANCE:
        found = pattern.search(own)
        if found is not None and not ATTRIBUTING.search(own[: found.start()]):
            return f"{kind}: {found.group(0).strip(' ,;:—–()')}"
    return None


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


def without_attitude(sentence: str) -> str:
    """The sentence without its writer's attitude, where that is a word or frame set apart from
    what it tells: "Sadly, the mother of two died in the crash." -> "The mother of two died in
    the crash."; the fact is news, the sorrow the writer's. What remains is the source's words
    (the rest of the rule still judges them)."""
    head = ATTITUDE_AT_HEAD.match(sentence)
    if head is not None:
        rest = sentence[head.end() :]
        sentence = rest[:1].upper() + rest[1:]
    return ATTITUDE_BETWEEN.sub("", sentence)


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
