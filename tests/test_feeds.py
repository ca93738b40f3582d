"""Feed parsing: RSS and Atom into entries; clear errors for what is not a feed."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from harbour import PAGE
from sqlalchemy import select
from typer.testing import CliRunner

from gazette.cli import app
from gazette.db import Database
from gazette.db.models import Document
from gazette.errors import FeedParseError
from gazette.sources import parse_feed, read_listing
from gazette.sources.feeds import html_feed_links, outlet_name

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


# Item links no page can be read or cited from: not web addresses, or not addresses at all.
UNUSABLE_LINKS = [
    "javascript:alert(document.domain)",
    "file:///etc/passwd",
    "ftp://f.example/a",
    "mailto:desk@example.com",
    "http://[::1",
    "http://e.example:99999/a",
]


@pytest.mark.parametrize("link", UNUSABLE_LINKS)
def test_an_item_whose_link_is_not_a_web_address_is_skipped_with_a_warning(link: str) -> None:
    hostile = RSS.replace(
        b"</channel>", f"<item><title>Bad</title><link>{link}</link></item></channel>".encode()
    )
    feed = parse_feed(hostile, "https://example.com/feed.xml")
    assert [e.title for e in feed.entries] == ["First"]
    assert feed.warning and "1 item" in feed.warning and link in feed.warning


def test_a_guid_that_is_not_a_url_is_kept_as_it_is() -> None:
    odd = RSS.replace(b"<guid>a-1</guid>", b"<guid>http://[::1</guid>")
    assert [e.guid for e in parse_feed(odd, "https://example.com/feed.xml").entries] == [
        "http://[::1"
    ]


@pytest.mark.parametrize("link", UNUSABLE_LINKS)
def test_json_feed_and_sitemap_items_whose_link_is_not_a_web_address_are_skipped(
    link: str,
) -> None:
    item = f'{{"id": "9", "url": "{link}", "title": "Bad"}},'
    feed = read_listing(
        JSON_FEED.replace(b"[\n {", f"[{item}\n {{".encode()), "https://j.example/f"
    )
    assert [e.title for e in feed.entries][:1] == ["One"] and link in (feed.warning or "")
    bad = f"<url><loc>{link}</loc></url></urlset>".encode()
    sitemap = read_listing(NEWS_SITEMAP.replace(b"</urlset>", bad), "https://s.example/news.xml")
    assert len(sitemap.entries) == 2 and link in (sitemap.warning or "")
    bad = f"<sitemap><loc>{link}</loc></sitemap></sitemapindex>".encode()
    index = read_listing(SITEMAP_INDEX.replace(b"</sitemapindex>", bad), "https://s.example/i.xml")
    assert len(index.sitemaps) == 2 and link in (index.warning or "")


def test_a_page_that_links_to_a_broken_feed_address_offers_its_other_feeds() -> None:
    """Nor a file on this machine: `sources add https://site/` (or the desk's form, where an
    editor may add only web addresses) would follow it as a local source."""
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="http://[::1">'
        b'<link rel="alternate" type="application/rss+xml" href="javascript:x()">'
        b'<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">'
        b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head></html>'
    )
    assert html_feed_links(page, "https://h.example/") == ["https://h.example/rss.xml"]


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


def test_json_feed_values_that_are_not_text_are_left_out() -> None:
    """A malformed feed's object or list where text belongs is not printed as "{'a': 1}"."""
    odd = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": ["Desk"], "items": ['
        b'{"id": {"x": 1}, "url": "https://j.example/a", "title": {"a": 1}, "summary": [2],'
        b' "authors": [{"name": {"n": 1}}, {"name": "Ana Lima"}]}]}'
    )
    feed = read_listing(odd, "https://j.example/feed.json")
    (entry,) = feed.entries
    assert (feed.title, entry.title, entry.summary, entry.guid) == ("", "", "", None)
    assert entry.authors == ("Ana Lima",)


def test_no_nul_character_comes_out_of_a_feed() -> None:
    """PostgreSQL refuses a NUL in any string: one in a feed failed the whole feed there."""
    rss = (
        b'<rss version="2.0"><channel><title>A&#0;B</title><item><title>x&#0;y</title>'
        b"<link>https://e.example/a</link><description>s&#0;t</description><guid>g&#0;</guid>"
        b"<author>A&#0;n</author><category>c&#0;</category></item>"
        b"<item><title>Bad</title><link>https://e.example/b&#0;c</link></item></channel></rss>"
    )
    json_feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "A\\u0000B", "items": ['
        b'{"id": "g\\u0000", "url": "https://e.example/a", "title": "x\\u0000y",'
        b' "summary": "s\\u0000t", "authors": [{"name": "A\\u0000n"}], "tags": ["c\\u0000"]}]}'
    )
    for content in (rss, json_feed):
        feed = read_listing(content, "https://e.example/feed")
        (entry,) = feed.entries
        assert (feed.title, entry.title, entry.summary, entry.guid) == ("AB", "xy", "st", "g")
        assert (entry.authors, entry.categories, entry.url) == (
            ("An",),
            ("c",),
            "https://e.example/a",
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


def archive_feed(folder: Path, *links: str) -> str:
    """A local archive's feed whose items link to their pages by absolute file:// URLs (as their
    guid too), as archive tools write them."""
    items = "".join(
        f"<item><title>Item {number}</title><link>{link}</link><guid>{link}</guid></item>\n"
        for number, link in enumerate(links)
    )
    return f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Archive</title><link>{folder.as_uri()}/</link>
<description>local archive</description>
{items}</channel></rss>
"""


def test_absolute_file_links_keep_their_three_slashes(tmp_path: Path) -> None:
    crane = (tmp_path / "pages" / "crane.html").as_uri()
    with_host = f"file://localhost{tmp_path}/pages/other.html"
    feed = parse_feed(archive_feed(tmp_path, crane, with_host).encode(), tmp_path.as_uri())
    assert [(e.url, e.guid) for e in feed.entries] == [(crane, crane), (with_host, with_host)]
    assert crane.startswith("file:///")


def test_a_local_archive_feed_reaches_its_pages_through_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.upper().startswith("GAZETTE_")]:
        monkeypatch.delenv(name)
    archive = tmp_path / "archive"
    (archive / "pages").mkdir(parents=True)
    page = (archive / "pages" / "crane.html").as_uri()
    (archive / "feed.xml").write_text(archive_feed(archive, page))
    (archive / "pages" / "crane.html").write_text(PAGE)
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["sources", "add", "archive/feed.xml"]).exit_code == 0
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    assert "1 pages" in result.stdout and "1 articles written" in result.stdout
    with Database(f"sqlite:///{tmp_path / 'gazette.db'}").session() as session:
        (document,) = session.scalars(select(Document))
    assert document.url == page
    assert document.title == "Harbour crane collapses in storm"


@pytest.mark.parametrize(
    ("title", "addresses", "outlet"),
    [
        ("NYT > World News", ["https://www.nytimes.com/2026/08/13/world/a.html"], "NYT"),
        (
            "Al Jazeera – Breaking News, World News and Video from Al Jazeera",
            ["file:///snapshots/aljazeera.xml", "https://www.aljazeera.com/news/a"],
            "Al Jazeera",
        ),
        ("India Today | Latest Stories", ["https://www.indiatoday.in/a"], "India Today"),
        ("World news | The Guardian", ["https://www.theguardian.com/world/a"], "The Guardian"),
        (
            "BBC News - World",
            ["https://feeds.bbci.co.uk/news/world/rss.xml", "https://www.bbc.com/news/a"],
            "BBC News",
        ),
        # no part the addresses spell, or nothing to split: the title as it is
        ("Health - The New York Times", ["https://nytimes.com/a"], "Health - The New York Times"),
        ("Latest | Unknown", ["https://example.org/a"], "Latest | Unknown"),
        ("Mehr News Agency", ["https://en.mehrnews.com/a"], "Mehr News Agency"),
        ("Vestria Daily - Latest", ["file:///feed.xml"], "Vestria Daily - Latest"),
    ],
)
def test_a_feed_title_names_its_outlet_by_the_part_its_addresses_spell(
    title: str, addresses: list[str], outlet: str
) -> None:
    assert outlet_name(title, addresses) == outlet
