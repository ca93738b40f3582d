"""Who a source says a figure comes from: "according to the regional police", "The Vestrian
Civil Protection Agency said about 12,000 people...". Where sources disagree on a figure, the
disagreement sentence names each side's authority when the sources give one, rather than only
the outlets that printed it."""

from __future__ import annotations

import re

from gazette.text import normalise_for_matching

VERB = r"(?:said|says|estimated|estimates|reported|reports|confirmed|put|puts|counted|counts)"
ACCORDING = re.compile(r"\baccording to (?P<who>[^,;:\"“”()]{3,60}?)\s*(?:[,.;:]|$)")
WHO_FIRST = re.compile(r"^(?P<who>[A-Z][^,;:\"“”()]{2,60}?)\s+" + VERB + r"\b")
WHO_LAST = re.compile(r",\s+(?P<who>[^,;:\"“”()]{3,60}?)\s+" + VERB + r"\.?$")
NOT_AN_AUTHORITY = re.compile(
    r"^(?:he|she|they|it|we|i|this|that|officials?|sources?|reports?|some|many|others|about|"
    r"around|nearly|almost|more|over|up)\b",
    re.IGNORECASE,
)
MAX_WORDS = 8


def attribution_of(sentence: str) -> str | None:
    """The authority a sentence gives for what it reports, or None."""
    text = normalise_for_matching(sentence)
    for pattern in (ACCORDING, WHO_FIRST, WHO_LAST):
        found = pattern.search(text)
        if not found:
            continue
        who = found.group("who").strip()
        if (
            len(who.split()) <= MAX_WORDS
            and not re.search(r"\d", who)
            and not NOT_AN_AUTHORITY.match(who)
        ):
            return who
    return None


def side_attribution(sentences: list[str]) -> str | None:
    """The one authority that every attributed sentence of a side names; None when none is
    named or they differ."""
    found = {a for a in (attribution_of(s) for s in sentences) if a}
    keys = {_key(a) for a in found}
    if len(keys) != 1:
        return None
    return max(found, key=len)


def _key(who: str) -> str:
    return re.sub(r"^the\s+", "", who.casefold())


def in_running_text(who: str, source_texts: list[str]) -> str:
    """The authority as written inside a sentence: a first word the sources also write in lower
    case ("The", "Regional") is lower-cased."""
    first, _, rest = who.partition(" ")
    lowered = first.lower()
    if first != lowered and any(re.search(rf"\b{lowered}\b", t) for t in source_texts):
        return f"{lowered} {rest}".strip()
    return who
