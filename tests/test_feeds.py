"""Feed parsing: RSS and Atom into entries; clear errors for what is not a feed."""

from datetime import UTC, datetime

import pytest

from gazette.errors import FeedParseError
from gazette.sources import parse_feed

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
