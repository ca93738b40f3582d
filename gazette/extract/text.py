"""The article text of a page: trafilatura, a rescue for pages it reads too little of, cleanup.

Measured on the extraction-dev slice (bench/extraction_quality.py), three settings matter:
- precision mode with tables kept and comments dropped is the most accurate;
- trafilatura's backup algorithms (readability, jusText) change the result on very few pages, at
  two thirds more time per page, so they run only when the fast pass finds little text for the
  size of the page;
- promotional lines that survive extraction ("Sign up for our newsletter", "Like this story?
  Share it") are dropped when they stand alone as short paragraphs;
- so are ad placeholders ("Advertisement", "Ad placeholder", "Sponsored content") and tag lists
  whose links were run together into one line ("Li QiangWorld Artificial Intelligence
  ConferenceAI"): a short line with no closing punctuation in which a lower-case letter runs
  straight into a capital at least twice.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime
from functools import lru_cache

import lxml.html
import trafilatura
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from gazette.text import normalise_for_matching

OPTIONS = {
    "include_tables": True,
    "include_comments": False,
    "favor_precision": True,
    "deduplicate": False,
}
# A fast pass shorter than this many words, on a page with several times more text, is retried
# with trafilatura's backup algorithms.
RESCUE_BELOW_WORDS = 120
RESCUE_PAGE_RATIO = 4
PROMOTION = re.compile(
    r"^(?:sign up\b|subscribe\b|get (?:the|our) (?:latest|best|day)\b|"
    r"like this (?:story|article)\b|share (?:this|it)\b|tell us what you think\b|follow us\b|"
    r"click here\b|read more\b|see more\b|don'?t miss\b|related (?:stories|articles|coverage)\b|"
    r"recommended for you\b|also on |advertisement$|have a tip\?|download (?:the|our) app\b|"
    r"all rights reserved\b|copyright |© |ad(?:vertisement)? placeholder\b|"
    r"sponsored(?: content)?$|story continues below\b|continue reading\b)",
    re.IGNORECASE,
)
PROMOTION_MAX_WORDS = 25
COMMENT_COUNT = re.compile(r"^\s*\d*\s*comments?\s*$", re.IGNORECASE)
# "QiangWorld", "ConferenceAI": where one link's text ran into the next one's
RUN_TOGETHER = re.compile(r"[a-z][A-Z]")
TAG_LIST_MAX_WORDS = 25


def main_text(html: bytes | str, tree: lxml.html.HtmlElement, url: str, title: str) -> str:
    """The article's text, one paragraph per line. Changes `tree` (trafilatura prunes it)."""
    text = trafilatura.extract(tree, options=_options(url, fast=True)) or ""
    words = len(text.split())
    if words < RESCUE_BELOW_WORDS:
        text = _rescue(html, url, words) or text
    return clean_lines(text, title)


def _rescue(html: bytes | str, url: str, words: int) -> str | None:
    """trafilatura with its backup algorithms, when the page holds far more text than was found.

    The first pass pruned its tree, so the page is parsed again (this is the rare path)."""
    fresh = load_html(html)
    if fresh is None or len(fresh.text_content().split()) <= RESCUE_PAGE_RATIO * max(words, 1):
        return None
    rescued = trafilatura.extract(fresh, options=_options(url, fast=False)) or ""
    return rescued if len(rescued.split()) > words else None


def _options(url: str, fast: bool) -> Extractor:
    """trafilatura's settings for one page: `OPTIONS`, as `trafilatura.extract` would make them
    from its keywords. Making them reads a dozen values through configparser, which cost a
    tenth of the extraction of a short page; so they are made once (a day: the day is one of
    them) and copied, and only what belongs to the page, its URL, is set on the copy."""
    options = copy.copy(_settings(fast, datetime.now().astimezone().date().isoformat()))
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8")  # as trafilatura does
    return options


@lru_cache(maxsize=4)
def _settings(fast: bool, _day: str) -> Extractor:
    return Extractor(
        fast=fast,
        precision=OPTIONS["favor_precision"],
        comments=OPTIONS["include_comments"],
        tables=OPTIONS["include_tables"],
        dedup=OPTIONS["deduplicate"],
    )


def clean_lines(text: str, title: str) -> str:
    """Drop a repeated headline at the top, stand-alone promotional lines, and blank lines."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if title and lines and normalise_for_matching(lines[0]) == normalise_for_matching(title):
        lines = lines[1:]
    return "\n".join(line for line in lines if not _is_promotion(line))


def _is_promotion(line: str) -> bool:
    if COMMENT_COUNT.match(line) or _is_tag_list(line):
        return True
    return len(line.split()) <= PROMOTION_MAX_WORDS and bool(PROMOTION.match(line.strip("-–—•* ")))


def _is_tag_list(line: str) -> bool:
    words = line.split()
    if len(words) > TAG_LIST_MAX_WORDS or re.search(r"[.!?:\"”]$", line):
        return False
    # plain words only: an address, a handle or a hashtag mixes cases on purpose
    joins = sum(len(RUN_TOGETHER.findall(word)) for word in words if word.isalpha())
    return joins >= 2
