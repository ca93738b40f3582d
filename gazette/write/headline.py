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
