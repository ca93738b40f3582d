"""Small text helpers shared by several stages."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

import lxml.html

_SPACES = re.compile(r"\s+")
# Where and when a report was filed, before its first sentence: "PORT CALDER (CWS) - ",
# "TEHRAN, Aug. 11 (MNA) – ". Every report an agency files that day starts the same way.
# A place in capitals, then a date or region after a comma and/or an agency in brackets, then a
# dash: "NATO - Russia talks" has neither, and keeps its first word. Or the agency alone, in
# capitals in brackets, then a dash or the first word: "(CNN) - ", "(CNN)The".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .'’-]{1,40}?"
    r"(?:,\s*[A-Za-z0-9 .,]{1,30}?(?:\s*\([A-Za-z .]+\))?|\s*\([A-Za-z .]+\))"
    r"\s*(?:[-–—]+\s+|[–—]\s*)"  # an en or em dash may touch the first word: "(MNA) –Iranian"
    r"|\([A-Z]{2,10}\)\s*(?:[-–—]+\s+|(?=[A-Z][a-z])))"
)
# When a page says it was posted, before its first sentence: "Posted Oct 26, 2011 8:57 AM CDT",
# "Updated: Wednesday, 05 January 2011", "11/30/09 05:40 PM ET". Separators may stand apart
# ("8 : 57"), as text rebuilt from tokens has them.
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{1,4}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2,4})"
)
_TIME = (
    r"(?:,?\s*(?i:at\s+)?\d{1,2}\s?:\s?\d{2}(?:\s?:\s?\d{2})?"
    r"(?:\s*(?i:[ap]\.?\s?m)\.?)?"
    r"(?:\s*\(?(?:[ECMP][SD]?T|GMT|UTC|IST|CES?T|BST)(?:\s?[+-]\s?\d{1,2}(?:\s?:\s?\d{2})?)?\)?)?)"
)
_STAMP = (
    r"(?:(?i:posted|updated|published|last updated|first published)(?:\s+(?i:on|at))?\s*:?\s*)?"
    r"(?:(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_DATE}{_TIME}?|{_TIME})"
)
# Only before a sentence that starts with a capital: "May 3, 2013 was the day" keeps its subject.
_TIMESTAMPS = re.compile(rf"^(?:{_STAMP}\s*[|•–—-]?\s*)+(?=[A-Z\"“‘'])")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def how_many(count: int, noun: str, plural: str = "") -> str:
    """A count with its noun, singular for one: "1 report", "2 reports"; `plural` where it is
    not the noun and an "s" ("1 new story", "2 new stories")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def without_nul(text: str) -> str:
    """The text without NUL characters, which PostgreSQL refuses in any string (and with it a
    whole batch's statement). A feed or a page may hold one: JSON writes it as \\u0000, and
    feedparser recovers an RSS &#0; into one."""
    return text.replace("\x00", "")


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def strip_dateline(text: str) -> str:
    """The text without a dateline or a posting time at its start; what remains is a substring
    of the original."""
    return _DATELINE.sub("", _TIMESTAMPS.sub("", text, count=1), count=1)


def mostly_latin(text: str) -> bool:
    """Whether most of the text's letters are Latin (accented ones too); True with no letters."""
    letters = [char for char in text if char.isalpha()]
    latin = sum(1 for char in letters if unicodedata.name(char, "").startswith("LATIN"))
    return latin * 2 >= len(letters)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries often carry markup). Character references
    are decoded with or without markup: a summary without tags is HTML too ("Yemen&#039;s")."""
    if "<" not in fragment:
        return collapse_spaces(html.unescape(fragment))
    try:
        return collapse_spaces(lxml.html.fromstring(fragment).text_content())
    except (lxml.etree.ParserError, ValueError):
        return collapse_spaces(re.sub(r"<[^>]+>", " ", fragment))


def normalise_for_matching(text: str) -> str:
    """NFKC, straight quotes, single spaces: for comparing texts, never for display."""
    return collapse_spaces(unicodedata.normalize("NFKC", text).translate(_QUOTES))


def decode_document(body: bytes, content_type: str = "") -> str | bytes:
    """The body as text when the HTTP header names a charset that decodes it cleanly; else the
    bytes, for the parser to detect the encoding from the document itself."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            try:
                return body.decode(value.strip().strip("\"'"))
            except (LookupError, UnicodeDecodeError):
                return body
    return body


def matching_words(text: str) -> list[str]:
    """The text's words as texts are compared (normalise_for_matching, case-folded): what
    content_hash hashes and dedupe's shingles are made of, so a step reads them once."""
    return re.findall(r"\w+", normalise_for_matching(text).casefold())


def content_hash(text: str) -> str:
    """Hash of the text as words, case-folded: equal for the same article in any layout."""
    return words_hash(matching_words(text))


def short_digest(text: str) -> str:
    """Sixteen hex digits of the text's SHA-256: enough to tell one state a page showed from
    another when a form brings it back; not a secret and not a signature."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def words_hash(words: list[str]) -> str:
    """The content_hash of a text whose matching_words are `words`."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
