"""Page metadata: trafilatura's readers of meta tags and JSON-LD, then cheap fallbacks.

trafilatura's full `extract_metadata` also searches the page body for bylines, categories and
licences, which costs more than the text extraction of most pages. Gazette takes the parts that
read structured data (meta tags, JSON-LD, the title and canonical link) and leaves the expensive
searches out: a news page almost always declares what Gazette needs, and the feed supplies
authors and dates where the page does not. The publication time comes from the page's own
time tags and JSON-LD first (trafilatura's date is a day, not a time); htmldate is asked only
when those are missing. The lead image falls back to the JSON-LD image.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import lxml.html
from htmldate import find_date
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)

from gazette.language import normalise_code
from gazette.text import collapse_spaces
from gazette.times import parse_iso_time

LOG = logging.getLogger(__name__)
PUBLISHED_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@property='og:published_time']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publish-date']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//time[@datetime]/@datetime",
)
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "WebPage"}
AUTHOR_XPATHS = (
    "//*[@itemprop='author']//*[@itemprop='name']//text()",
    "//a[@rel='author']//text()",
)


@dataclass(frozen=True)
class PageMetadata:
    title: str
    authors: tuple[str, ...]
    published: datetime | None
    language: str | None
    image: str | None
    url: str | None  # canonical, as the page declares it
    site_name: str | None
    # What the page says it is: its schema.org types and its sections (gazette/report_kinds.py).
    schema_types: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


def read_metadata(tree: lxml.html.HtmlElement, url: str) -> PageMetadata:
    """Metadata of a parsed page. Does not change the tree."""
    document = examine_meta(tree)
    try:
        document = extract_meta_json(tree, document)
    except Exception as exc:  # trafilatura's JSON-LD reader fails on odd markup
        LOG.debug("JSON-LD metadata unreadable on %s: %s", url, exc)
    title = document.title or extract_title(tree) or ""

    @cache  # read JSON-LD only if a field is still missing, and then once
    def linked_data() -> dict:
        return _linked_data_article(tree)

    return PageMetadata(
        title=collapse_spaces(title),
        authors=_authors(document.author, tree),
        published=_published(tree, url, linked_data),
        language=_language(tree),
        image=document.image or _image(linked_data()),
        url=document.url or extract_url(tree, url),
        site_name=(document.sitename or extract_sitename(tree) or "").lstrip("@") or None,
        schema_types=_schema_types(tree),
        sections=_sections(tree, linked_data),
    )


def _schema_types(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    """Every schema.org type the page declares, in JSON-LD or microdata."""
    found: list[str] = []
    for item in _linked_data_objects(tree):
        kinds = item.get("@type", [])
        found += [kinds] if isinstance(kinds, str) else [k for k in kinds if isinstance(k, str)]
    for value in tree.xpath("//*[@itemtype]/@itemtype"):
        found.append(str(value).rstrip("/").rsplit("/", 1)[-1])
    return tuple(dict.fromkeys(found))


def _sections(tree: lxml.html.HtmlElement, linked_data: Callable[[], dict]) -> tuple[str, ...]:
    declared = [str(v) for v in tree.xpath("//meta[@property='article:section']/@content")]
    section = linked_data().get("articleSection")
    declared += [section] if isinstance(section, str) else []
    declared += [s for s in section if isinstance(s, str)] if isinstance(section, list) else []
    return tuple(dict.fromkeys(s.strip() for s in declared if s.strip()))


def _authors(declared: str | None, tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    names = [n.strip() for n in (declared or "").split(";") if n.strip()]
    if not names:
        for xpath in AUTHOR_XPATHS:
            names = [collapse_spaces(str(t)) for t in tree.xpath(xpath) if str(t).strip()]
            if names:
                break
    return tuple(dict.fromkeys(n for n in names if not n.startswith("http")))


def _linked_data_objects(tree: lxml.html.HtmlElement) -> Iterator[dict]:
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.get("@graph", []))
                yield item


def _linked_data_article(tree: lxml.html.HtmlElement) -> dict:
    """The page's JSON-LD article object (schema.org NewsArticle and kin), or {}."""
    for item in _linked_data_objects(tree):
        kinds = item.get("@type", [])
        kinds = {kinds} if isinstance(kinds, str) else set(kinds)
        if kinds & ARTICLE_TYPES:
            return item
    return {}


def _image(article: dict) -> str | None:
    image = article.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    return image if isinstance(image, str) and image.startswith("http") else None


def _published(
    tree: lxml.html.HtmlElement, url: str, linked_data: Callable[[], dict]
) -> datetime | None:
    for xpath in PUBLISHED_XPATHS:
        for value in tree.xpath(xpath):
            try:
                return parse_iso_time(str(value))
            except ValueError:
                continue
    declared = linked_data().get("datePublished")
    if isinstance(declared, str):
        try:
            return parse_iso_time(declared)
        except ValueError:
            pass
    found = find_date(tree, url=url, extensive_search=False, original_date=True)
    if not found:
        return None
    try:
        return parse_iso_time(found)
    except ValueError:
        return None


def _language(tree: lxml.html.HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if not lang.strip():
        declared = tree.xpath("//meta[@http-equiv='content-language']/@content")
        lang = str(declared[0]) if declared else ""
    return normalise_code(lang)  # not any word: the column holds a language code
