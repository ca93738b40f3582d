"""How a report's headline and text are read before the recogniser sees them: a headline ended
before its text, the lines in another script left out, and a description that only repeats its
title. A headline in title case is read as a sentence (`gazette.casing.sentence_cased`)."""

from __future__ import annotations

import re

from gazette.casing import mostly_latin


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
