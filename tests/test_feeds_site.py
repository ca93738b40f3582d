"""The site's feeds (RSS, Atom, JSON Feed; the site's and each tag's), its sitemaps, robots.txt
and ads.txt, read the way feed readers and crawlers read them: feedparser, an XML parser, and
the JSON Feed 1.1 rules checked field by field. Stories are written into a database of the
test's own, SQLite and PostgreSQL in turn."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from xml.etree import ElementTree

import feedparser
import jsonschema
import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from fresh import fresh_database
from newsroom import Version, add_published_stories, add_story

from gazette.db import Database
from gazette.db.models import utcnow
from gazette.web import create_app
from gazette.web.public import sitemaps

BASE = "https://news.example"
FEEDS = {"/feed.xml": "rss20", "/atom.xml": "atom10"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Database]:
    """Each test on each kind of database, in an empty one of its own."""
    yield from fresh_database(request, sqlite_url)


def site(database: Database, **site: object) -> TestClient:
    settings = demo_settings(database.url)
    settings = settings.model_copy(
        update={"site": settings.site.model_copy(update={"base_url": BASE, **site})}
    )
    return TestClient(create_app(settings, database))


@pytest.fixture
def stories(database: Database) -> list[int]:
    """Five stories tagged Port Calder and Ilse Varga, and one tagged otherwise."""
    ids = add_published_stories(database, 5, thread=False)
    with database.transaction() as session:
        other = add_story(
            session,
            "other",
            [Version("Other news", utcnow())],
            tags=(("Tide", "topic"),),
            first_report=utcnow() - timedelta(hours=3),
        )
        ids.append(other.id)
    return ids


# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a JSON Schema, written from the
# specification's text: the fields it defines, their types, and what it requires.
AUTHOR = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "url": {"type": "string"},
        "avatar": {"type": "string"},
    },
    "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}],
}
JSON_FEED = {
    "type": "object",
    "required": ["version", "title", "items"],
    "additionalProperties": False,
    "patternProperties": {"^_": {}},  # extensions start with an underscore
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string"},
        "feed_url": {"type": "string"},
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": {"type": "string"},
        "icon": {"type": "string"},
        "favicon": {"type": "string"},
        "authors": {"type": "array", "items": AUTHOR},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "hubs": {"type": "array"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "additionalProperties": False,
                "patternProperties": {"^_": {}},
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string"},
                    "external_url": {"type": "string"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "summary": {"type": "string"},
                    "image": {"type": "string"},
                    "banner_image": {"type": "string"},
                    "date_published": {"type": "string"},
                    "date_modified": {"type": "string"},
                    "authors": {"type": "array", "items": AUTHOR},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                    "attachments": {"type": "array"},
                },
            },
        },
    },
}


def check_json_feed(document: dict) -> None:
    """Valid JSON Feed 1.1, with absolute addresses, unique ids and RFC 3339 times."""
    jsonschema.validate(document, JSON_FEED)
    for key in ("home_page_url", "feed_url"):
        assert document[key].startswith(BASE + "/")
    ids = [item["id"] for item in document["items"]]
    assert len(set(ids)) == len(ids)
    for item in document["items"]:
        assert item["url"].startswith(BASE + "/story/")
        for key in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[key]).tzinfo is not None


def test_site_feeds_in_three_formats_list_the_same_stories(
    database: Database, stories: list[int]
) -> None:
    client = site(database)
    links = {}
    for path, version in FEEDS.items():
        response = client.get(path)
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, parsed.bozo_exception
        assert parsed.version == version
        links[path] = [entry.link for entry in parsed.entries]
        first = parsed.entries[0]
        assert first.title == "Other news" and first.tags[0].term == "Tide"
        assert parsed.entries[1].summary == "Event number 4, said two outlets."
    document = client.get("/feed.json").json()
    check_json_feed(document)
    links["/feed.json"] = [item["url"] for item in document["items"]]
    assert links["/feed.xml"] == links["/atom.xml"] == links["/feed.json"]
    assert links["/feed.xml"][0] == f"{BASE}/story/{stories[-1]}/story-other"
    assert len(links["/feed.xml"]) == 6
    assert client.get("/feed.json").headers["content-type"].startswith("application/feed+json")
    assert client.get("/atom.xml").headers["content-type"].startswith("application/atom+xml")


def test_each_tag_has_its_feeds(database: Database, stories: list[int]) -> None:
    client = site(database)
    rss = feedparser.parse(client.get("/tag/port-calder/feed.xml").content)
    assert rss.bozo == 0 and rss.feed.title == "Port Calder · Gazette demo"
    assert len(rss.entries) == 5 and rss.feed.link == f"{BASE}/tag/port-calder"
    atom = feedparser.parse(client.get("/tag/tide/atom.xml").content)
    assert atom.bozo == 0 and [e.title for e in atom.entries] == ["Other news"]
    document = client.get("/tag/tide/feed.json").json()
    check_json_feed(document)
    assert document["feed_url"] == f"{BASE}/tag/tide/feed.json"
    for path in ("/tag/no-such-tag/feed.xml", "/tag/no-such-tag/atom.xml", "/tag/x/feed.json"):
        assert client.get(path).status_code == 404


def test_pages_announce_their_feeds(database: Database, stories: list[int]) -> None:
    client = site(database)
    home = client.get("/").text
    tag = client.get("/tag/tide").text
    for html, count in ((home, 3), (tag, 6)):
        found = feedparser.parse(client.get("/feed.xml").content)  # a reader follows each
        assert found.bozo == 0
        announced = [line for line in html.splitlines() if line.startswith('<link rel="alternate"')]
        assert len(announced) == count
        for line in announced:
            href = line.split('href="', 1)[1].split('"', 1)[0]
            assert client.get(href).status_code == 200
    assert (
        'type="application/atom+xml" title="Tide · Gazette demo (Atom)" href="/tag/tide/atom.xml"'
        in tag
    )


def urls(xml: bytes) -> list[str]:
    root = ElementTree.fromstring(xml)
    assert root.tag == f"{SITEMAP}urlset"
    return [url.findtext(f"{SITEMAP}loc") for url in root]


def test_the_sitemap_lists_the_home_page_tags_and_stories(
    database: Database, stories: list[int]
) -> None:
    response = site(database).get("/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    listed = urls(response.content)
    assert listed[0] == f"{BASE}/"
    for slug in ("port-calder", "ilse-varga", "tide"):
        assert f"{BASE}/tag/{slug}" in listed
    assert f"{BASE}/story/{stories[0]}/story-0" in listed
    assert len(listed) == 1 + 3 + 6
    lastmods = ElementTree.fromstring(response.content).iter(f"{SITEMAP}lastmod")
    assert all(datetime.fromisoformat(m.text.replace("Z", "+00:00")) for m in lastmods)


def test_past_the_limit_the_sitemap_is_an_index(
    database: Database, stories: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = site(database)
    whole = set(urls(client.get("/sitemap.xml").content))
    monkeypatch.setattr(sitemaps, "URLS_PER_SITEMAP", 4)  # 10 addresses: 4 pages, 6 stories
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [entry.findtext(f"{SITEMAP}loc") for entry in index]
    assert parts == [
        f"{BASE}/sitemaps/{name}.xml" for name in ("pages-1", "stories-1", "stories-2")
    ]
    listed = [url for part in parts for url in urls(client.get(part.removeprefix(BASE)).content)]
    assert sorted(listed) == sorted(whole)
    for missing in ("stories-3", "pages-2", "stories-0", "other-1", "stories-1.xml"):
        assert client.get(f"/sitemaps/{missing}.xml").status_code == 404


def test_the_news_sitemap_lists_the_last_two_days(database: Database, stories: list[int]) -> None:
    with database.transaction() as session:
        fresh = add_story(session, "fresh", [Version("Fresh news", utcnow() - timedelta(hours=30))])
        fresh_id = fresh.id
    root = ElementTree.fromstring(site(database).get("/news-sitemap.xml").content)
    entries = {url.findtext(f"{SITEMAP}loc"): url for url in root}
    assert list(entries) == [
        f"{BASE}/story/{stories[-1]}/story-other",
        f"{BASE}/story/{fresh_id}/story-fresh",
    ]  # newest first; the stories of March are too old
    news = entries[f"{BASE}/story/{fresh_id}/story-fresh"].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Fresh news"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Gazette demo"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    published = datetime.fromisoformat(
        news.findtext(f"{NEWS}publication_date").replace("Z", "+00:00")
    )
    assert abs(published - (utcnow() - timedelta(hours=30))) < timedelta(minutes=5)


def test_robots_txt_points_to_the_sitemaps(database: Database) -> None:
    robots = site(database).get("/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    lines = robots.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /desk" in lines and "Disallow: /api/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert f"Sitemap: {BASE}/news-sitemap.xml" in lines


def test_ads_txt_comes_from_the_settings(database: Database) -> None:
    assert site(database).get("/ads.txt").status_code == 404
    records = ["exchange.example, pub-123, DIRECT, abc123", "contact=ads@news.example"]
    answer = site(database, ads_txt=records).get("/ads.txt")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "exchange.example, pub-123, DIRECT, abc123\ncontact=ads@news.example\n"


def test_an_empty_site_has_valid_empty_feeds(database: Database) -> None:
    client = site(database)
    for path, version in FEEDS.items():
        parsed = feedparser.parse(client.get(path).content)
        assert parsed.bozo == 0 and parsed.version == version and parsed.entries == []
    document = json.loads(client.get("/feed.json").content)
    check_json_feed(document)
    assert document["items"] == []
    assert urls(client.get("/sitemap.xml").content) == [f"{BASE}/"]
