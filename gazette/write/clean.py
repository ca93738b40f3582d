"""What a source sentence must be, and lose, before a reader sees it.

A page's text carries more than the story: the outlet's own citation markers ("...capabilities
[1].[2]"), advertisement placeholders, bylines, photo credits, newsletter and share prompts.
Markers and an explainer's signpost ("Why it matters: ") are taken out of a sentence (what
remains is still the source's words); a sentence that is such furniture, that addresses the
reader ("If you bought a Tidy 3, stop charging it"), or that holds only part of a quotation (its
marks do not pair up) is not used at all.

A sentence splitter also breaks sentences where a source's text is odd ("at 11 a. m. on Nov. 8",
"a 6. 1 magnitude earthquake", text rebuilt from tokens): the pieces ("Sentencing is set for
11 a.", "1 magnitude earthquake hit Aceh") are fragments, and neither is used (`is_fragment`).

Quotation marks are printed in one style, the typographic one, whatever the source used.
"""

from __future__ import annotations

import re

from gazette.sentences import polarity_words
from gazette.write.quotes import is_office

# An outlet's own reference markers: "[1]", "[12]", "[citation needed]", "[a]".
SOURCE_MARKERS = re.compile(r"\s*\[(?:\d{1,3}|[a-z]|citation needed|edit)\]", re.IGNORECASE)
# Page furniture that text extraction can leave among the sentences.
FURNITURE = re.compile(
    r"\badvertisement\b|\bplaceholder\b|\bsubscribe\b|\bnewsletter\b|\bsign up\b|"
    r"\bread more\b|\bclick here\b|\bshare (?:this|on)\b|\bfollow us\b|\(photo\b|\bphoto:|"
    r"\bphotograph:|\bgetty images\b|\bAP Photo\b|\ball rights reserved\b|©|\bcopyright\b|"
    r"\bcookies?\b.*\baccept\b|^by [A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*\s*(?:[|,]|$)|"
    # a blog's or a page's stamp: "On behalf of Newman, LLP.", "Published 12:17 am, Monday,
    # September 16, 2013 A man...", "SATURDAY, SEPTEMBER 14, 2013, 9:29 PM A grandmother..."
    r"^on behalf of\b|\bposted in\b.*\b(?:19|20)\d\d\b|"
    # a teaser that points to the rest of the outlet's piece, and is all the sentence says:
    # "Here's how travelers are responding.", "Read on for the details.", "..., check details
    # here." (not "Here are the latest figures: ..." or "Guards will check the details of...")
    r"^here(?:'s|’s| is| are) (?:how|what|why|who|where|when|everything|the latest)\b"
    r"(?:[^\w,;:]+\w+){0,5}[^\w,;:]*$|^read on\b|"
    r"(?:\b(?:everything|all) (?:else )?(?:you need )?to know|\bhere is the deal"
    r"|\bcheck (?:the )?(?:direct )?(?:details|links?)(?: here| below)?)\W*$|"
    r"^(?:published|updated|posted)\b.*\b(?:19|20)\d\d\b|"
    r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s+[a-z]+\s+\d{1,2},\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# A page's time stamp that the splitter took for a sentence: "May 2, 2013 1: 35 pm.",
# "Dec. 7, 2026, 09:47 UTC".
STAMP = re.compile(
    r"^(?:[A-Za-z]+day,?\s+)?[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+(?:19|20)\d\d,?\s+"
    r"\d{1,2}\s?[:.]\s?\d\d(?:\s?[ap]\.?\s?m\.?)?(?:\s+[A-Z]{2,4})?\.?$",
    re.IGNORECASE,
)
SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)
QUOTED_SPAN = re.compile(r"\"[^\"]*\"|“[^“”]*”")
DOUBLE_MARKS = re.compile(r"[\"“”]")
# Words that report speech, the one list the writer reads attributions by: a quotation's
# speaker (standalone), a judgement told as someone's (stance), a signpost that is a speaker's.
# Not the forms that are also nouns ("amid claims the version 'leaves Congress in the dark'"
# names no speaker).
SAYING_WORDS = (
    "said, says, say, saying, told, tells, tell, added, adds, wrote, writes, write, explained, "
    "warned, insisted, admitted, asked, asks, stated, declared, tweeted, recalled, argued, argues, "
    "noted, claimed, acknowledged, announced, replied, urged, called, calling, described, "
    "describes, describing, quoted, quipped, joked, conceded, stressed, posted, commented, "
    "according to"
)


def any_of(*word_lists: str) -> re.Pattern[str]:
    """A pattern that finds any word or phrase of the comma-separated lists, whole, in any case."""
    words = [word.strip() for words in word_lists for word in words.split(",")]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


# "WASHINGTON — ", "BEIJING – ": a place in capitals and a dash before the first sentence (the
# dateline forms with a comma or an agency are trimmed by gazette.text.strip_dateline).
CAPITALS_DATELINE = re.compile(r"^[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+)*\s+[—–]\s+(?=[A-Z\"“‘])")


# An explainer's signpost before its sentence ("Why it matters: ", "The big picture: ", "The
# numbers: ", a fact-checker's "We found: "): a capitalised word and up to three small ones, a
# colon, then a capital. Not when it names a speaker's words ("He added: ", "Officials said: ")
# or turns a claim ("Dead people can't vote: "): what is taken out must say nothing.
SIGNPOST = re.compile(r"^([A-Z][a-z'’]*(?: [a-z'’]+){0,3}):\s+(?=[A-Z\"“])")
SIGNPOST_SAYING = any_of(SAYING_WORDS, "reported, reports, read, reads")


def strip_signpost(sentence: str) -> str:
    """The sentence without an explainer's signpost: "Why it matters: Polls show..." ->
    "Polls show..."; what remains is a substring of the original."""
    found = SIGNPOST.match(sentence)
    if found is None or SIGNPOST_SAYING.search(found.group(1)):
        return sentence
    if polarity_words(found.group(1)):  # "Dead people can't vote: ..." says something itself
        return sentence
    return sentence[found.end() :]


# A piece cut after an abbreviation of one small letter ("11 a.", "7:01 p.") or after a number
# whose decimals went to the next piece ("a 6.").
CUT_AFTER_LETTER = re.compile(r"(?:^|\s)[a-z]\.$")
CUT_AFTER_NUMBER = re.compile(r"\d\.$")


def is_fragment(pieces: tuple[str, ...] | list[str], index: int) -> bool:
    """Whether the splitter's piece `index` is part of a sentence it broke in two: cut after a
    small letter or a number, or carrying on from such a cut ("1 magnitude earthquake hit"), or
    opening with a small letter ("and spied the building"; "iPhone" is a name, not a cut)."""
    piece = pieces[index].strip()
    if CUT_AFTER_LETTER.search(piece):
        return True
    following = pieces[index + 1].strip() if index + 1 < len(pieces) else ""
    if CUT_AFTER_NUMBER.search(piece) and following[:1].isdigit():
        return True
    first = piece.lstrip("\"“‘'").split(" ", 1)[0]
    if first[:1].islower() and first.islower():
        return True
    if piece[:1] in ",;:":  # the rest of a sentence cut before ("7 p. m., the woman was...")
        return True
    previous = pieces[index - 1].strip() if index > 0 else ""
    cut_before = CUT_AFTER_NUMBER.search(previous) or CUT_AFTER_LETTER.search(previous)
    return first[:1].isdigit() and bool(cut_before)


# Two quotations the splitter left in one piece: one closes its sentence, the next opens another
# ('...has failed to deliver.” “I’m John Hickenlooper, I am running...," he said.').
QUOTATIONS_GLUED = re.compile(r"(?<=[.!?][”\"])\s+(?=[“\"][A-Z])")


def unglued(pieces: list[str]) -> list[str]:
    """The splitter's pieces, each split where one quoted sentence ends and the next begins:
    the splitter does not cut between a closing and an opening quotation mark."""
    return [part for piece in pieces for part in QUOTATIONS_GLUED.split(piece)]


def strip_source_markers(sentence: str) -> str:
    """The sentence without the outlet's own citation markers or a dateline in capitals."""
    return CAPITALS_DATELINE.sub("", SOURCE_MARKERS.sub("", sentence).strip())


def outside_quotations(sentence: str) -> str:
    return QUOTED_SPAN.sub(" ", sentence)


def is_clean(sentence: str) -> bool:
    """Not page furniture (nor a time stamp), not addressed to the reader, and every quotation
    closed."""
    if FURNITURE.search(sentence) or STAMP.match(sentence):
        return False
    if SECOND_PERSON.search(outside_quotations(sentence)):
        return False
    return quotation_marks_pair(sentence)


def quotation_marks_pair(sentence: str) -> bool:
    """Whether the sentence's double quotation marks open and close: a sentence of a quotation
    that runs over several sentences has one mark only, and its speaker is in another."""
    straight = sentence.count('"')
    return straight % 2 == 0 and sentence.count("“") == sentence.count("”")


def typeset_quotes(text: str) -> str:
    """Straight double quotation marks as typographic ones. Where they pair up, they open and
    close in turn: a source that spaces its marks ("the room, " said Moffat) closes one after a
    space. Otherwise a mark opens after a space or bracket (or at the start) and closes
    elsewhere."""
    if text.count('"') % 2 == 0:
        marks = iter("“”" * (text.count('"') // 2))
        return re.sub('"', lambda _: next(marks), text)
    return re.sub(
        r'(^|[\s(\[—–-])"|"',
        lambda m: f"{m.group(1)}“" if m.group(1) is not None else "”",
        text,
    )


# Small words a title in title case may leave in small letters; after a preposition a title
# goes on to its object ("...Victory Against Jaguars").
TITLE_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "over",
        "the",
        "to",
        "up",
        "with",
        "against",
        "after",
        "amid",
        "before",
        "near",
        "off",
        "out",
        "under",
        "via",
        "vs",
    ]
)
CONJUNCTIONS_AND_ARTICLES = frozenset(["a", "an", "and", "as", "but", "or", "the"])
# Words that open a sentence, not a title's last words: "...Undisclosed Reasons | It's been a
# long time coming", "...Hit-And-Run | The Hennepin County Attorney filed...".
SENTENCE_OPENERS = frozenset(
    [
        "The",
        "A",
        "An",
        "It",
        "It's",
        "It’s",
        "He",
        "She",
        "They",
        "We",
        "There",
        "There's",
        "There’s",
        "This",
        "These",
        "Those",
        "His",
        "Her",
        "Its",
        "Their",
    ]
)
# What comes before a word that opens a sentence (nothing, at the start of the text, too).
SENTENCE_ENDS = '.!?"“”'
TITLE_WORD = re.compile(r"[A-Z0-9][\w'’.:&()/-]*|[a-z]+")
# Words of an office's name beside the offices themselves (gazette/write/quotes.py's TITLES).
RANK_WORDS = frozenset(
    "Vice Former Prime Crown Prince Princess King Queen Majority Minority Acting Interim".split()  # noqa: SIM905
)


def _title_only(texts: list[str], index: int, body: str) -> bool:
    """Whether the run's word is capitalised only because titles capitalise every word: a small
    word capitalised inside the run ("With", "Against"), or a word the text writes in small
    letters more often than capitalised inside a sentence ("Clinch", "Victory"), unlike a name
    ("Jaguars") or a word of one ("President", "Court"). A small word at the start or in small
    letters ("The Centers for...", "and") and words in capitals ("AHEAD OF THE") tell nothing."""
    word = texts[index]
    if not word[:1].isupper() or word[1:2].isupper() or _is_rank(word):
        return False
    if word.lower() in TITLE_SMALL_WORDS:
        return index > 0
    small = len(re.findall(rf"\b{re.escape(word.lower())}\b", body))
    inside = [
        match
        for match in re.finditer(rf"\b{re.escape(word)}\b", body)
        if body[max(0, match.start() - 8) : match.start()].rstrip()[-1:] not in SENTENCE_ENDS
    ]
    return small > len(inside)


def _is_rank(word: str) -> bool:
    """An office or a rank ("President", "Vice", "Prime", "Crown"), which prose capitalises
    before a name however often it writes it in small letters ("the president")."""
    return is_office(word) or word in RANK_WORDS


def _title_run(first: str) -> list[re.Match[str]]:
    """The words at the start of a piece that a title in title case could be made of: capitalised
    words and numbers, small words inside, up to the first other word in small letters."""
    words: list[re.Match[str]] = []
    for match in TITLE_WORD.finditer(first):
        if match.group()[:1].islower() and match.group() not in TITLE_SMALL_WORDS:
            break
        if words and first[words[-1].end() : match.start()].strip():
            break  # punctuation between words: not a run of title words
        words.append(match)
    while words and words[-1].group() in TITLE_SMALL_WORDS:
        words.pop()
    return words


def _title_end(texts: list[str], body: str) -> int:
    """The number of the run's words that are the title (see `glued_title`); 0 for none."""
    title_only = [i for i in range(len(texts)) if _title_only(texts, i, body)]
    openers = [i for i in range(3, len(texts)) if texts[i] in SENTENCE_OPENERS]
    repeated = [i for i in range(3, len(texts)) if texts[i] == texts[0]]
    if openers:
        end = openers[-1]
    elif repeated and title_only and title_only[0] < repeated[0]:
        end = repeated[0]  # "Microsoft Releases ... Flaw | Microsoft (NSDQ: MSFT) issued"
    elif len(title_only) >= 2:
        small = [i for i, word in enumerate(texts) if word.lower() in TITLE_SMALL_WORDS]
        end = max(title_only + small) + 1
        if texts[end - 1].lower() in TITLE_SMALL_WORDS - CONJUNCTIONS_AND_ARTICLES:
            end += 1  # a preposition's object, with the words the text writes together with it
            while end < len(texts) - 1 and f"{texts[end - 1]} {texts[end]}" in body:
                end += 1
    else:
        return 0
    if end >= len(texts) or texts[end - 1].lower() in TITLE_SMALL_WORDS:
        return 0  # a title ends in no small word: "DOCUMENTS OBTAINED BY | The Intercept"
    if _is_rank(texts[end - 1]) or _is_rank(texts[end]):
        return 0  # a rank goes with the name after it: "Former Vice President | Joe Biden"
    return end


def glued_title(first: str, body: str) -> int:
    """Where a title in title case ends when a page's text glues it to its first sentence
    ("Colts Clinch Playoff Berth With 31-24 Victory Against Jaguars Keiwan Ratliff scored..."):
    the offset in `first` where the sentence opens, or 0 when there is no such title. `body`
    is the rest of the text.

    Only a run of capitalised words (small words allowed inside) that runs into a word in
    small letters, of four words or more, three of them the title's, is read. The sentence
    opens at the run's last word that opens sentences ("...Reasons | It's been",
    "...Hit-And-Run | The Hennepin County Attorney filed"), else where the run's first word
    comes again after a word capitalised only as a title ("...Zero Day Flaw | Microsoft
    issued"), else after the last of two or more such words (a small word capitalised inside
    the run, "With", or one the text writes in small letters more often than capitalised inside
    a sentence: "Clinch", "Victory", not "President") and, if that is a preposition, its object
    ("Against Jaguars | Keiwan Ratliff scored"). A title never ends in a small word ("The
    Centers for Disease Control and | Prevention", "AHEAD OF THE | August") nor next to an
    office or a rank, which goes with the name after it ("President Biden and Vice | President
    Harris", "Former US President | Trump", "Saudi Crown Prince | Mohammed bin Salman"): those
    are capitalised by prose, however often the text writes "the president"."""
    words = _title_run(first)
    if len(words) < 4 or not re.match(r"\s+[a-z(]", first[words[-1].end() :]):
        return 0
    end = _title_end([w.group() for w in words], f"{first[words[-1].end() :]} {body}")
    return words[end].start() if end >= 3 else 0


def without_glued_title(pieces: list[str]) -> list[str]:
    """The splitter's pieces with a title glued to the text's first sentence set apart as a
    piece of its own (it ends in no full stop, so it is never printed as a sentence)."""
    if not pieces:
        return pieces
    cut = glued_title(pieces[0], " ".join(pieces[1:]))
    if not cut:
        return pieces
    return [pieces[0][:cut].strip(), pieces[0][cut:], *pieces[1:]]
