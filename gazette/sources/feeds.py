"""Reading what sources serve: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed, sitemaps.

`read_listing` looks at the document itself, not at the Content-Type header (servers often get
it wrong), and dispatches:
- `{`: JSON Feed 1.0 or 1.1;
- `<urlset` or `<sitemapindex`: an XML sitemap, a news sitemap, or an index of sitemaps;
- anything else: feedparser, which reads every RSS and Atom version and says when it had to
  recover from malformed XML.
An HTML page is refused with the feeds it links to, if any, named in the message.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import lxml.etree

from gazette.errors import FeedParseError
from gazette.records import FeedEntry, ParsedFeed
from gazette.text import how_many, without_nul
from gazette.times import parse_iso_time
from gazette.urls import MAX_URL_LENGTH, canonical_url, domain_of, is_web_url

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")
# Skipped item links a warning quotes, and how much of each.
SKIPPED_SHOWN = 3
SKIPPED_CHARS = 100
# A feed's title becomes its source's name and its reports' outlet: their columns' length.
TITLE_CHARS = 300


# What separates a feed title's parts: "NYT > World News", "India Today | Latest Stories",
# "Al Jazeera – Breaking News, World News and Video from Al Jazeera".
TITLE_PARTS = re.compile(r"\s+(?:[|>–—»·:]|-{1,2})\s+")
# Host labels that name no outlet ("news.example.com", "feeds.example.com").
GENERIC_HOST_LABELS = frozenset(["www", "news", "feeds", "feed", "rss", "edition", "amp"])


def outlet_name(title: str, addresses: Iterable[str]) -> str:
    """A feed's title as the name of the outlet its reports cite: the part of it that the
    outlet's addresses spell ("NYT > World News" of nytimes.com is NYT; "World news | The
    Guardian" of theguardian.com is The Guardian), since a title joins the outlet's name with a
    section or a tagline on either side. The whole title when no part is spelled so: a reader
    is better served by a long name than by a section's."""
    parts = [part.strip() for part in TITLE_PARTS.split(title) if part.strip()]
    labels = {
        label
        for address in addresses
        for label in domain_of(address).split(".")[:-1]
        if len(label) > 2 and label not in GENERIC_HOST_LABELS
    }
    if len(parts) < 2 or not labels:
        return title
    for part in parts:
        key = re.sub(r"[^a-z0-9]", "", part.casefold())
        keys = {key, key.removeprefix("the")} - {""}
        if any(k in label or label in k for k in keys for label in labels if len(k) > 1):
            return part
    return title


def read_listing(content: bytes, base_url: str, content_type: str = "") -> ParsedFeed:
    """The items a feed or sitemap lists; FeedParseError when the document is neither."""
    head = content.lstrip()[:512].lower()
    if not head:
        raise FeedParseError(f"{base_url}: empty document, not a feed")
    if head.startswith(b"{"):
        return _without_nul(parse_json_feed(content, base_url))
    if b"<urlset" in head or b"<sitemapindex" in head:
        return parse_sitemap(content, base_url)  # lxml refuses a NUL
    return _without_nul(parse_feed(content, base_url, content_type))


def _without_nul(listing: ParsedFeed) -> ParsedFeed:
    """The listing with no NUL character in its text (`without_nul`). A link with one is no
    address (`is_web_url`): its item was skipped already."""
    entries = [
        replace(
            entry,
            title=without_nul(entry.title),
            summary=without_nul(entry.summary),
            guid=without_nul(entry.guid) if entry.guid else entry.guid,
            authors=tuple(a for a in map(without_nul, entry.authors) if a),
            categories=tuple(c for c in map(without_nul, entry.categories) if c),
        )
        for entry in listing.entries
    ]
    return replace(listing, title=without_nul(listing.title), entries=entries)


def looks_like_html(head: bytes) -> bool:
    """Whether the (lower-cased) start of a document is an HTML page."""
    return head.startswith((b"<!doctype html", b"<html")) or b"<head" in head or b"<body" in head


def _authors(entry: feedparser.FeedParserDict) -> tuple[str, ...]:
    names = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    if not names and entry.get("author"):
        names = [entry["author"].strip()]
    return tuple(dict.fromkeys(n for n in names if n))


def parse_feed(content: bytes, base_url: str, content_type: str = "") -> ParsedFeed:
    """RSS or Atom. A feed that parses with recoverable problems comes back with a warning."""
    if not content.strip():
        raise FeedParseError(f"{base_url}: empty document, not a feed")
    headers = {"content-type": content_type} if content_type else {}  # its charset counts
    parsed = feedparser.parse(
        content, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version"):
        if looks_like_html(content.lstrip()[:512].lower()):
            links = html_feed_links(content, base_url)
            hint = f"; it links to these feeds: {', '.join(links)}" if links else ""
            raise FeedParseError(f"{base_url}: this is an HTML page, not a feed{hint}")
        reason = f": {problem}" if problem else ""
        raise FeedParseError(f"{base_url}: not an RSS or Atom feed{reason}")
    entries, skipped = [], []
    for item in parsed.entries:
        link = item.get("link") or _first_alternate(item)
        if not link:
            continue
        link = _unfold_file_url(link.strip())
        url = item_url(base_url, link)
        if url is None:
            skipped.append(link)
            continue
        published = item.get("published_parsed") or item.get("updated_parsed")
        guid = item.get("id")
        entries.append(
            FeedEntry(
                url=url,
                title=(item.get("title") or "").strip(),
                summary=(item.get("summary") or "").strip(),
                published=_utc(published),
                authors=_authors(item),
                guid=_unfold_file_url(guid) if guid else guid,
                categories=_categories(item.get("tags")),
            )
        )
    if problem is not None and not entries:
        raise FeedParseError(f"{base_url}: malformed feed with no usable item: {problem}")
    title = (parsed.feed.get("title") or "").strip()[:TITLE_CHARS]
    recovered = f"recovered from a malformed feed: {problem}" if problem is not None else None
    warning = _joined(recovered, _skipped_warning(skipped))
    return ParsedFeed(title=title, entries=entries, warning=warning)


def _unfold_file_url(url: str) -> str:
    """Undo what feedparser's URL clean-up does to a local file's URL: it strips the slashes
    that follow `scheme://`, so `file:///srv/archive/a.html` comes out as
    `file://srv/archive/a.html`, its first folder read as a host. A file URL names a file on
    this machine (no host, or `localhost`), so any other "host" goes back to the path. What is
    not a URL at all (a guid needs not be one) is left as it is."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme != "file" or parts.netloc in ("", "localhost"):
        return url
    return urlunsplit(parts._replace(netloc="", path=f"/{parts.netloc}{parts.path}"))


def item_url(base_url: str, link: str) -> str | None:
    """An item's link made absolute, or None when no page can be read or cited from it. A link
    that is not an address at all (`http://[::1`, a port past 65535) would otherwise stop the
    whole feed, and one that is not a web address (`javascript:`, `mailto:`, `ftp:`, a file on
    this machine named by a feed on the web) would become a report whose reference sends its
    readers there. Only a local source's feed may name local files (gazette/http/local.py), and
    a link longer than the database keeps is skipped too."""
    try:
        url = urljoin(base_url, link.strip())
    except ValueError:
        return None
    local = url[:5].lower() == "file:"
    usable = base_url[:5].lower() == "file:" if local else is_web_url(url)
    return url if usable and len(canonical_url(url)) <= MAX_URL_LENGTH else None


def _skipped_warning(skipped: list[str]) -> str | None:
    """The warning that names the item links `item_url` refused (the first few)."""
    if not skipped:
        return None
    shown = ", ".join(repr(link[:SKIPPED_CHARS]) for link in skipped[:SKIPPED_SHOWN])
    more = f" and {len(skipped) - SKIPPED_SHOWN} more" if len(skipped) > SKIPPED_SHOWN else ""
    items = how_many(len(skipped), "item")
    usable = f"an http(s) address of at most {MAX_URL_LENGTH} characters"
    return f"skipped {items} whose link is not {usable}: {shown}{more}"


def _joined(*warnings: str | None) -> str | None:
    return "; ".join(w for w in warnings if w) or None


def _utc(parsed: time.struct_time | None) -> datetime | None:
    if parsed is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _first_alternate(item: feedparser.FeedParserDict) -> str | None:
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _time_or_none(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_iso_time(value)
    except ValueError:
        return None


def parse_json_feed(content: bytes, base_url: str) -> ParsedFeed:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org)."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedParseError(f"{base_url}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") not in JSON_FEED_VERSIONS:
        raise FeedParseError(f"{base_url}: JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedParseError(f"{base_url}: JSON Feed without an items list")
    feed_authors = _json_authors(data)
    entries, skipped = [], []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        url = item_url(base_url, link)
        if url is None:
            skipped.append(link)
            continue
        texts = (_json_text(item.get(k)) for k in ("summary", "content_text", "content_html"))
        entries.append(
            FeedEntry(
                url=url,
                title=_json_text(item.get("title")),
                summary=next((text for text in texts if text), ""),
                published=_time_or_none(item.get("date_published") or item.get("date_modified")),
                authors=_json_authors(item) or feed_authors,
                guid=_json_id(item.get("id")),
                categories=_categories(item.get("tags")),
            )
        )
    title = _json_text(data.get("title"))[:TITLE_CHARS]
    return ParsedFeed(title=title, entries=entries, warning=_skipped_warning(skipped))


def _json_text(value: object) -> str:
    """A JSON Feed value that should be text, stripped; "" for what is not (a malformed feed's
    object or list, which would otherwise be printed as "{'a': 1}")."""
    return value.strip() if isinstance(value, str) else ""


def _json_id(value: object) -> str | None:
    """An item's id: text, or a number as many feeds give it; None for anything else."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _categories(tags: object) -> tuple[str, ...]:
    """An item's categories: feedparser's tags (dicts with a `term`) or JSON Feed's strings."""
    if not isinstance(tags, list):
        return ()
    terms = [t.get("term") if isinstance(t, dict) else t for t in tags]
    return tuple(t.strip()[:100] for t in terms if isinstance(t, str) and t.strip())[:20]


def _json_authors(holder: dict) -> tuple[str, ...]:
    authors = holder.get("authors")
    if not isinstance(authors, list):
        authors = [holder["author"]] if isinstance(holder.get("author"), dict) else []
    names = [_json_text(a.get("name")) for a in authors if isinstance(a, dict)]
    return tuple(n for n in names if n)


def parse_sitemap(content: bytes, base_url: str) -> ParsedFeed:
    """A sitemap's pages (with news titles and dates when given), or an index's sitemaps."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = lxml.etree.fromstring(content, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise FeedParseError(f"{base_url}: malformed sitemap XML: {exc}") from exc
    name = lxml.etree.QName(root).localname
    skipped: list[str] = []
    if name == "sitemapindex":
        listed = []
        for node in root.iter(f"{SITEMAP_NS}sitemap"):
            location = (node.findtext(f"{SITEMAP_NS}loc") or "").strip()
            url = item_url(base_url, location) if location else None
            if url is not None:
                modified = _time_or_none(node.findtext(f"{SITEMAP_NS}lastmod"))
                listed.append((url, modified))
            elif location:
                skipped.append(location)
        # newest first where the index says when each sitemap changed; stable otherwise
        listed.sort(key=lambda pair: pair[1] or datetime.min.replace(tzinfo=UTC), reverse=True)
        sitemaps = [url for url, _ in listed]
        return ParsedFeed("", [], warning=_skipped_warning(skipped), sitemaps=sitemaps)
    if name != "urlset":
        raise FeedParseError(f"{base_url}: XML, but not a sitemap (root element <{name}>)")
    entries = []
    for node in root.iter(f"{SITEMAP_NS}url"):
        location = (node.findtext(f"{SITEMAP_NS}loc") or "").strip()
        if not location:
            continue
        url = item_url(base_url, location)
        if url is None:
            skipped.append(location)
            continue
        news_date = node.findtext(f"{NEWS_NS}news/{NEWS_NS}publication_date")
        entries.append(
            FeedEntry(
                url=url,
                title=(node.findtext(f"{NEWS_NS}news/{NEWS_NS}title") or "").strip(),
                published=_time_or_none(news_date or node.findtext(f"{SITEMAP_NS}lastmod")),
            )
        )
    return ParsedFeed(title="", entries=entries, warning=_skipped_warning(skipped))


FEED_LINK_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


def html_feed_links(content: bytes | str, base_url: str) -> list[str]:
    """Feeds an HTML page announces with <link rel="alternate" type="...">, in page order."""
    try:
        tree = lxml.etree.fromstring(
            content if isinstance(content, bytes) else content.encode("utf-8"),
            lxml.etree.HTMLParser(),
        )
    except (lxml.etree.XMLSyntaxError, ValueError):
        return []
    if tree is None:
        return []
    links = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        url = item_url(base_url, href) if href else None
        if "alternate" in rel and kind in FEED_LINK_TYPES and url is not None:
            links.append(url)
    return list(dict.fromkeys(links))
