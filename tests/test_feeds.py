"""Feed parsing: RSS and Atom into entries; clear errors for what is not a feed."""

from datetime import UTC, datetime

import pytest

from gazette.errors import FeedParseError
from gazette.sources import parse_feed, read_listing

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example &amp; Co</title>
<item><title>First</title><link>/news/first?utm_source=rss</link>
<description>&lt;p&gt;Lead &lt;b&gt;text&lt;/b&gt;&lt;/p&gt;</description>
<author>desk@example.com (Ana Lima)</author>
<pubDate>Tue, 17 Nov 2026 08:05:00 +0100</pubDate><guid>a-1</guid></item>
<item><title>No link, skipped</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Example</title><id>x</id>
<updated>2026-11-17T10:00:00Z</updated>
<entry><title>Second</title><link rel="alternate" href="https://example.org/second"/>
<id>tag:example.org,2026:2</id><published>2026-11-17T09:00:00Z</published>
<updated>2026-11-17T10:00:00Z</updated><author><name>Bo Chen</name></author>
<summary>Short summary</summary></entry></feed>"""


def test_rss_items_become_entries_with_absolute_links() -> None:
    feed = parse_feed(RSS, "https://example.com/feed.xml")
    assert feed.title == "Example & Co"
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.url == "https://example.com/news/first?utm_source=rss"
    assert entry.title == "First"
    assert entry.published == datetime(2026, 11, 17, 7, 5, tzinfo=UTC)
    assert entry.guid == "a-1"
    assert "Lead" in entry.summary
    assert feed.warning is None


def test_atom_entries() -> None:
    feed = parse_feed(ATOM, "https://example.org/atom.xml")
    (entry,) = feed.entries
    assert entry.url == "https://example.org/second"
    assert entry.authors == ("Bo Chen",)
    assert entry.published == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (
            b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>",
            "HTML page",
        ),
        (b"just some text", "not an RSS or Atom feed"),
        (b"<rss><channel><item><title>x</ite", "malformed feed with no usable item"),
    ],
)
def test_what_is_not_a_feed_is_a_clear_error(content: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message) as raised:
        parse_feed(content, "https://example.com/feed")
    assert "https://example.com/feed" in str(raised.value)


def test_a_recoverable_feed_is_read_with_a_warning() -> None:
    broken = RSS.replace(
        b"</channel></rss>", b"<item><title>Bad & unescaped</title></item></channel></rss>"
    )
    feed = parse_feed(broken, "https://example.com/feed.xml")
    assert [e.title for e in feed.entries] == ["First"]
    assert feed.warning and "malformed" in feed.warning


def test_non_utf8_bytes_do_not_crash() -> None:
    latin = RSS.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"').replace(
        b"First", "Caf\xe9".encode("latin-1")
    )
    feed = parse_feed(latin, "https://example.com/feed.xml")
    assert feed.entries[0].title == "Café"


JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Desk",
"authors": [{"name": "Desk"}],
"items": [
 {"id": "1", "url": "https://j.example/one", "title": "One", "summary": "First item",
  "date_published": "2026-11-17T08:00:00+01:00", "authors": [{"name": "Ana Lima"}]},
 {"id": "2", "external_url": "/two", "content_text": "Second"},
 {"id": "3", "title": "no link, skipped"}
]}"""


def test_json_feed() -> None:
    feed = read_listing(JSON_FEED, "https://j.example/feed.json")
    assert feed.title == "JSON Desk"
    one, two = feed.entries
    assert one.url == "https://j.example/one" and one.authors == ("Ana Lima",)
    assert one.published == datetime(2026, 11, 17, 7, 0, tzinfo=UTC)
    assert (
        two.url == "https://j.example/two" and two.authors == ("Desk",) and two.summary == "Second"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{not json", "not valid JSON"), (b'{"items": []}', "not a JSON Feed")],
)
def test_bad_json_feeds(content: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        read_listing(content, "https://j.example/feed.json")


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://s.example/a</loc>
  <news:news><news:publication><news:name>S</news:name><news:language>en</news:language>
  </news:publication><news:publication_date>2026-11-18T10:00:00Z</news:publication_date>
  <news:title>Bridge opens</news:title></news:news></url>
 <url><loc>/b</loc><lastmod>2026-11-17</lastmod></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <sitemap><loc>https://s.example/old.xml</loc><lastmod>2025-01-01</lastmod></sitemap>
 <sitemap><loc>https://s.example/new.xml</loc><lastmod>2026-11-18</lastmod></sitemap>
</sitemapindex>"""


def test_news_sitemap_and_sitemap_index() -> None:
    sitemap = read_listing(NEWS_SITEMAP, "https://s.example/news.xml")
    first, second = sitemap.entries
    assert (first.url, first.title) == ("https://s.example/a", "Bridge opens")
    assert first.published == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert second.url == "https://s.example/b" and second.published == datetime(
        2026, 11, 17, tzinfo=UTC
    )
    index = read_listing(SITEMAP_INDEX, "https://s.example/index.xml")
    assert index.entries == [] and index.sitemaps == [
        "https://s.example/new.xml",
        "https://s.example/old.xml",
    ]
    with pytest.raises(FeedParseError, match="malformed sitemap"):
        read_listing(b"<urlset><url><loc>x</loc>", "https://s.example/broken.xml")


def test_an_html_page_as_feed_names_the_feeds_it_links_to() -> None:
    page = (
        b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" '
        b'href="/rss.xml"><link rel="stylesheet" href="/a.css"></head><body>Home</body></html>'
    )
    with pytest.raises(FeedParseError, match=r"links to these feeds: https://h\.example/rss\.xml"):
        read_listing(page, "https://h.example/")


def test_discovery() -> None:
    from gazette.errors import SourceError
    from gazette.records import FetchedPage
    from gazette.sources.discover import discover

    def page(body: bytes, url: str = "https://h.example/") -> FetchedPage:
        return FetchedPage(url, url, 200, "text/html", body)

    site = page(
        b'<html><head><link rel="alternate" type="application/atom+xml" href="atom"></head></html>'
    )
    assert [(c.url, c.kind) for c in discover(site)] == [("https://h.example/atom", "feed")]
    assert discover(page(RSS, "https://e.example/f"))[0].title == "Example & Co"
    assert discover(page(SITEMAP_INDEX, "https://s.example/i.xml"))[0].kind == "sitemap"
    with pytest.raises(SourceError, match="--kind page"):
        discover(page(b"<html><body><p>Just an article</p></body></html>"))
