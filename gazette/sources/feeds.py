"""Feed parsing with feedparser: RSS 0.9x/1.0/2.0 and Atom into `FeedEntry` records."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from gazette.errors import FeedParseError
from gazette.records import FeedEntry, ParsedFeed


def _timestamp(parsed: time.struct_time | None) -> datetime | None:
    if parsed is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _authors(entry: feedparser.FeedParserDict) -> tuple[str, ...]:
    names = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    if not names and entry.get("author"):
        names = [entry["author"].strip()]
    return tuple(dict.fromkeys(n for n in names if n))


def parse_feed(content: bytes, base_url: str) -> ParsedFeed:
    """Parse a feed document; relative item links are resolved against `base_url`.

    Raises FeedParseError when the document is not a feed at all (HTML, empty, broken XML with
    nothing recoverable). A feed that parses with recoverable problems comes back with a warning.
    """
    if not content.strip():
        raise FeedParseError(f"{base_url}: empty document, not a feed")
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version"):
        if content.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            raise FeedParseError(f"{base_url}: this is an HTML page, not an RSS or Atom feed")
        reason = f": {problem}" if problem else ""
        raise FeedParseError(f"{base_url}: not an RSS or Atom feed{reason}")

    entries = []
    for item in parsed.entries:
        link = item.get("link") or _first_alternate(item)
        if not link:
            continue
        entries.append(
            FeedEntry(
                url=urljoin(base_url, link.strip()),
                title=(item.get("title") or "").strip(),
                summary=(item.get("summary") or "").strip(),
                published=_timestamp(item.get("published_parsed") or item.get("updated_parsed")),
                authors=_authors(item),
                guid=item.get("id"),
            )
        )
    if problem is not None and not entries:
        raise FeedParseError(f"{base_url}: malformed feed with no usable item: {problem}")
    title = (parsed.feed.get("title") or "").strip()
    warning = f"recovered from a malformed feed: {problem}" if problem is not None else None
    return ParsedFeed(title=title, entries=entries, warning=warning)


def _first_alternate(item: feedparser.FeedParserDict) -> str | None:
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None
