"""How a report's headline and text are read before the recogniser sees them: whether a headline
is in title case, the same headline written as a sentence, a headline ended before its text, the
lines in another script left out, and a description that only repeats its title.

Capitals mark names only in sentence case: a headline in title case capitalises every word
("Trump Declares That Airspace..."), so the recogniser, trained on sentences, reads it as a run
of names. Written as a sentence (`sentence_cased`) with the text after it as context, it is read
as any sentence is.
"""

from __future__ import annotations

import re

from wordfreq import zipf_frequency

from gazette.lexicon.gazetteer import known_place
from gazette.lexicon.vocabulary import COMPASS, RARE_WORD, TITLE_CASE_WORD


def mostly_latin(line: str) -> bool:
    """Whether most of a line's letters are in the Latin alphabet. In a line mostly in another
    script (Devanagari, Arabic) the few Latin words are loanwords, initials and brands ("OTP",
    "Fold", "Samsung"), and their capitals say nothing of the line's case or names."""
    letters = [c for c in line if c.isalpha()]
    latin = sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)
    return latin >= 0.5 * len(letters)


def title_case(line: str) -> bool:
    """Whether a headline capitalises its words ("Council Approves New Bridge Plan"): then
    capitals say nothing about names. A capitalised word counts only when English uses it often
    (title case capitalises such words; a rare one may be a name): a headline full of names is
    not in title case for them ("If Messi can do it, why can't Kohli, Rohit? Harbhajan backs
    duo")."""
    words = [
        w
        for w in re.findall(r"[^\W\d_]+", line)
        if len(w) > 3 and (w[0].islower() or _word_frequency(w) >= TITLE_CASE_WORD)
    ]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def sentence_cased(headline: str, body: str) -> str:
    """A headline in title case written as a sentence: a capitalised word English uses (Zipf 3
    or more, or the word it inflects) loses its capital ("ICE Plans to Give Officers Gloves" ->
    "ICE plans to give officers gloves"), unless it opens the line or a clause, is written in
    capitals, is part of a known place ("Red Sea", "Southern Africa") or the text writes it
    with a capital inside a sentence ("Trump"). The recogniser then reads the headline as it
    reads any sentence, with the text after it as context, and a rare word keeps the capital
    that marks a name ("Farage vs. Binface"). Only the case changes: offsets stay."""
    capitalised = {m.group(1) for m in re.finditer(r"(?<=[a-z,;] )([A-Z][\w-]*)", body)}
    words = list(re.finditer(r"[^\W\d_][\w'’.-]*", headline))
    kept = _place_words(headline, words)
    out, last = [], 0
    for index, match in enumerate(words):
        word = match.group(0)
        before = headline[: match.start()].rstrip(" \t\"“‘'(’”")
        opening = not before or (
            before[-1] in ".!?:|" and not re.search(r"(?:\b[A-Z]\.|\bvs\.)$", before)
        )
        stem = re.sub(r"['’]s$", "", word).rstrip(".")
        lower = (
            word[:1].isupper()
            and not (opening or index in kept or stem in capitalised)
            # "ICE", "McCarthy", "OpenAI"; title case capitalises each part of "Hydrogen-Powered"
            and not any(c.isupper() for part in stem.split("-") for c in part[1:])
            and all(_an_english_word(part) for part in stem.split("-"))
        )
        out += [headline[last : match.start()], _lowered(word) if lower else word]
        last = match.end()
    return "".join(out) + headline[last:]


def _place_words(headline: str, words: list[re.Match]) -> set[int]:  # type: ignore[type-arg]
    """The indexes of the words that make a known place of one to three words ("Red Sea"), with
    a compass word before it ("Southern Africa")."""
    kept: set[int] = set()
    for size in (3, 2, 1):
        for index in range(len(words) - size + 1):
            span = headline[words[index].start() : words[index + size - 1].end()]
            if known_place(re.sub(r"['’]s$", "", span).rstrip(".,")):
                compass = index > 0 and words[index - 1].group(0).casefold() in COMPASS
                kept.update(range(index - compass, index + size))
    return kept


def _lowered(word: str) -> str:
    """A word without its capitals at the start of each hyphenated part; a capital whose small
    letter is longer ("İ") stays, so that the reading keeps the headline's offsets."""
    return "-".join(
        part[:1].lower() + part[1:] if len(part[:1].lower()) == 1 else part
        for part in word.split("-")
    )


def _an_english_word(word: str) -> bool:
    """Whether a word, or the word it inflects ("Halts", "Navigates", "Eked"), is one English
    uses (wordfreq Zipf 3 or more): title case capitalised it, it is no name."""
    return _word_frequency(word) >= RARE_WORD


def _word_frequency(word: str) -> float:
    """The Zipf frequency of a word or of the word it inflects, whichever English uses more: an
    inflection is rarer than its word ("urges" 3.7, "urge" 4.1) but no more a name. Words of
    one or two letters count as none: they are names' more often than not ("Xi", "Ma", "Un")."""
    word = word.lower()
    forms = {word, re.sub(r"(?:e?s|e?d|ing)$", "", word), re.sub(r"(?:s|d|ing)$", "", word)}
    return max((zipf_frequency(form, "en") for form in forms if len(form) > 2), default=0.0)


def ended(title: str) -> str:
    """A headline ended as a sentence, for the recogniser to read before the text: without a
    full stop it runs a name on the headline's last line into the text's first word ("London"
    / "Ahead of Wednesday's...": one organisation)."""
    title = title.rstrip()
    return title if not title or title[-1] in ".!?:'\"’”)" else f"{title}."


def latin_lines(text: str) -> str:
    """The lines of a text written mostly in the Latin alphabet: in a line mostly in another
    script (Devanagari, Arabic), the few Latin words are loanwords and initials ("OTP", "ICU",
    "Fold") that the English recogniser reads as names, and the line's own names are not in
    capitals for it to find."""
    return "\n".join(line if mostly_latin(line) else "" for line in text.splitlines())


def repeats(body: str, title: str) -> bool:
    """Whether a feed's description only repeats its title: the same letters ("Why Air India
    PhuketDelhi flight probe wont stop"), or only words of the title ("PAK F" under a headline
    in Hindi that holds "PAK" and "F-16")."""
    words = set(re.findall(r"\w+", title.casefold()))
    return _letters(body) in _letters(title) or set(re.findall(r"\w+", body.casefold())) <= words


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalpha())
