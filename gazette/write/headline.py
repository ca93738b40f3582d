"""Headlines: a source's title without the outlet's name tacked on."""

from __future__ import annotations

import re

from gazette.text import collapse_spaces

SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " · ")
MAX_SITE_NAME_WORDS = 5


def _same_name(a: str, b: str) -> bool:
    def simplify(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower().removeprefix("the "))

    return bool(a and b) and simplify(a) == simplify(b)


def clean_headline(title: str, outlet: str = "", domain: str = "") -> str:
    """Drop " - Outlet", " | Outlet" and the like from the end (and "Outlet: " from the start).

    A tail after " | " of at most five words is taken to be a site name whatever it says; after
    other separators only the outlet's own name or domain is removed, since "Mayor quits - again"
    is part of a headline.
    """
    headline = collapse_spaces(title)
    for separator in SEPARATORS:
        head, found, tail = headline.rpartition(separator)
        if not found or not head:
            continue
        is_site = _same_name(tail, outlet) or _same_name(tail, domain)
        if separator == " | " and len(tail.split()) <= MAX_SITE_NAME_WORDS:
            is_site = True
        if is_site:
            headline = head.strip()
            break
    for prefix in (outlet, domain):
        if prefix and headline.lower().startswith(prefix.lower() + ": "):
            headline = headline[len(prefix) + 2 :]
    return headline.strip()


FEATURE_OPENERS = ("how ", "why ", "what ", "who ", "when ", "where ", "which ")


def is_news_headline(headline: str) -> bool:
    """False for explainer and question titles ("Why drivers strike", "X: what we know")."""
    lowered = headline.lower()
    if lowered.endswith("?") or lowered.startswith(FEATURE_OPENERS):
        return False
    return not any(f": {opener}" in lowered for opener in FEATURE_OPENERS)


MAX_WORDS = 14
MIN_WORDS = 3
# Where a sentence may be cut to make a headline: before a clause that adds detail.
CLAUSE_BREAK = re.compile(
    r",\s+|\s+[—–-]\s+|;\s+|\s+(?=(?:after|as|while|because|when|which|who|but|although|"
    r"following|despite|amid|according)\b)"
)
TRAILING_ATTRIBUTION = re.compile(
    r",\s+(?:[^,]{1,60}?)\s+(?:said|says|announced|reported|confirmed)(?:\s+on\s+\w+)?\.?$"
)
DANGLING = frozenset(
    re.findall(
        r"\w+",
        "the a an and or of to in on at by for with from as that which who is are was were has "
        "have had will would its their his her",
    )
)


def is_usable_headline(headline: str) -> bool:
    """A title that can stand as the article's headline: whole (not cut off with an ellipsis),
    not all in capitals, of MIN_WORDS to MAX_WORDS words."""
    words = len(headline.split())
    cut = headline.rstrip().endswith(("...", "…"))
    shouted = headline.upper() == headline and any(c.isalpha() for c in headline)
    return MIN_WORDS <= words <= MAX_WORDS and not cut and not shouted


def headline_from_sentence(sentence: str) -> str:
    """A headline written from the lead fact's sentence, for a story whose sources have no
    usable title: the sentence without its attribution tail, cut at clause boundaries until it
    has at most MAX_WORDS words, never inside a word nor after a word that cannot end one."""
    text = TRAILING_ATTRIBUTION.sub("", collapse_spaces(sentence)).rstrip(" .!?")
    while len(text.split()) > MAX_WORDS:
        breaks = [m.start() for m in CLAUSE_BREAK.finditer(text) if m.start() > 0]
        shorter = [b for b in breaks if len(text[:b].split()) >= MIN_WORDS]
        if not shorter:
            break
        text = (
            text[: shorter[-1]]
            if len(text[: shorter[0]].split()) <= MAX_WORDS
            else text[: shorter[0]]
        )
        text = text.rstrip(" ,;:—–-")
    words = text.split()
    if len(words) > MAX_WORDS:
        words = words[:MAX_WORDS]
    while len(words) > MIN_WORDS and words[-1].lower().strip(",;:") in DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;:—–-")
