"""What a URL is, when someone adds it: a feed, a sitemap, or a site whose feeds it names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gazette.config import FetchSettings
from gazette.errors import FeedParseError, SourceError
from gazette.http import FetchRequest, fetch_all
from gazette.records import FetchedPage
from gazette.sources.feeds import html_feed_links, looks_like_html, read_listing
from gazette.urls import location_to_url


@dataclass(frozen=True)
class Candidate:
    url: str
    kind: str  # feed | sitemap
    title: str | None = None


def discover(page: FetchedPage) -> list[Candidate]:
    """The sources a fetched document offers.

    A feed or a sitemap is itself; an HTML page offers the feeds it links to with
    <link rel="alternate">. A page that offers none is an error, with the way to follow it as a
    single article in the message.
    """
    head = page.body.lstrip()[:512].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        read_listing(page.body, page.url, page.content_type)  # refuses a broken sitemap
        return [Candidate(page.url, "sitemap")]
    try:
        listing = read_listing(page.body, page.url, page.content_type)
    except FeedParseError:
        if not looks_like_html(head):
            raise  # a broken feed: its own error says what is wrong
        links = html_feed_links(page.body, page.url)
        if links:
            return [Candidate(link, "feed") for link in links]
        raise SourceError(
            f"{page.url}: no feed or sitemap here, and the page links to none; "
            "to follow this page as a single article, add it with --kind page"
        ) from None
    return [Candidate(page.url, "feed", listing.title or None)]


def discover_location(settings: FetchSettings, location: str) -> list[Candidate]:
    """What `location` (an address or a local file) offers as sources, by fetching it once
    (`gazette sources add` and the desk's Sources page, when the kind is left to Gazette)."""
    url = location_to_url(location)
    root = Path(url.removeprefix("file://")).parent if url.startswith("file:") else None
    outcome = fetch_all(settings, [FetchRequest(url, file_root=root)])[0]
    if outcome.error is not None:
        raise outcome.error
    return discover(outcome.page)  # type: ignore[arg-type]
