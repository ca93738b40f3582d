"""The language of a report: what its page declares, else what its words say.

Gazette's clustering compares reports with an English embedding model and English word
frequencies, so it only ever puts reports of one language in one story: a French and an English
report of the same event are two stories (translation across languages is out of scope). The
language comes from the page (`<html lang>`, the feed, the source's setting) when it says;
otherwise `py3langid`, whose model ships inside the package, guesses it from the text. A guess is
only trusted on enough words and with high confidence: a headline like "Klitschko beats Rahman"
is all names, and the site's language is the better answer for it. A text written mostly in
another script than the Latin alphabet is another language whatever its length: a Hindi
headline is not English, so the guess is taken at a lower confidence and on a few words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from gazette.remember import remembered
from gazette.text import mostly_latin

# Fewer words than this are mostly names: too few to tell a language by.
MIN_WORDS = 12
# A guess below this probability is no guess.
MIN_CONFIDENCE = 0.95
# For text mostly outside the Latin alphabet, where the script already rules most languages out.
OTHER_SCRIPT_CONFIDENCE = 0.5
# What the guess reads: a hundred words tell a language, and the lead has them.
READ_CHARS = 600
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalise_code(declared: str | None) -> str | None:
    """ "en-GB", "EN_us" and "en" all name English: the primary subtag, lower case. Anything
    that is not a language tag counts as undeclared."""
    match = _CODE.match((declared or "").strip())
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when the text cannot tell."""
    return detected(text[:READ_CHARS])


def remember_detected(text: str, code: str | None) -> None:
    """Tell `detect_language` its answer for `text`, worked out before (stored by the writer)."""
    detected.add(text[:READ_CHARS], code)


# A report's language is asked for at every version of its story: its lead's answer is kept.
@remembered(size=4096)
def detected(sample: str) -> str | None:
    """The language of a sample of at most READ_CHARS characters (see `detect_language`)."""
    other_script = not mostly_latin(sample)
    if len(sample.split()) < MIN_WORDS and not other_script:
        return None
    code, probability = _identifier().classify(sample)
    needed = OTHER_SCRIPT_CONFIDENCE if other_script else MIN_CONFIDENCE
    return code if probability >= needed else None


def language_of(declared: str | None, title: str, text: str, default: str) -> str:
    """The declared language, else the detected one, else `default` (the site's language)."""
    return normalise_code(declared) or detect_language(f"{title}. {text}".strip(" .")) or default
