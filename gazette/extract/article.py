"""Article extraction: trafilatura for the text, the page's own metadata where it is more precise.

trafilatura finds the main text and most metadata well. Two things it leaves vague are read from
the page directly: the publication time (trafilatura returns a date without the time of day) and
the language (from `<html lang>`). A heading repeated as the first line of the text is dropped.
"""

from __future__ import annotations

from datetime import datetime

import lxml.html
import trafilatura
from trafilatura.utils import load_html

from gazette.errors import ExtractionEmpty
from gazette.records import ExtractedArticle
from gazette.text import collapse_spaces, normalise_for_matching
from gazette.times import parse_iso_time
from gazette.urls import canonical_url

# Fewer words than this is a menu, a caption or an error page, not an article.
MIN_ARTICLE_WORDS = 5
PUBLISHED_META = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@property='og:published_time']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//time[@datetime]/@datetime",
)


def extract_article(html: bytes | str, url: str) -> ExtractedArticle:
    """Text and metadata of the article on a page; ExtractionEmpty when there is no article."""
    tree = load_html(html)
    if tree is None:
        raise ExtractionEmpty(f"{url}: not an HTML document")
    published = _published_time(tree)
    language = _language(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    text = (document.text or "") if document is not None else ""
    title = collapse_spaces(document.title or "") if document is not None else ""
    text = _drop_heading(text, title)
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise ExtractionEmpty(f"{url}: no article text found on the page")
    if published is None and document.date:
        published = _parse_time(document.date)
    authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
    return ExtractedArticle(
        url=url,
        canonical_url=canonical_url(document.url or url),
        title=title,
        text=text,
        authors=authors,
        published=published,
        language=language or document.language,
        image=document.image,
        site_name=document.sitename,
    )


def _drop_heading(text: str, title: str) -> str:
    lines = text.strip().split("\n")
    if title and lines and normalise_for_matching(lines[0]) == normalise_for_matching(title):
        lines = lines[1:]
    return "\n".join(line.strip() for line in lines if line.strip())


def _published_time(tree: lxml.html.HtmlElement) -> datetime | None:
    for xpath in PUBLISHED_META:
        for value in tree.xpath(xpath):
            parsed = _parse_time(str(value))
            if parsed is not None:
                return parsed
    return None


def _parse_time(value: str) -> datetime | None:
    try:
        return parse_iso_time(value)
    except ValueError:
        return None


def _language(tree: lxml.html.HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    lang = (
        root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    ).strip()
    return lang.split("-")[0].lower() or None
