"""What readers see of a story in lists and in its address: the time a card shows, the tags
section of a story without tags, and the slug of a headline in a non-Latin script. Stories are
written into a database of the test's own."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from newsroom import START, Version, add_story

from gazette.db import Database
from gazette.db.models import Story
from gazette.records import slugify, story_slug
from gazette.web import create_app

HINDI = "आईआरसीटीसी का नया नियम: टिकट बुकिंग से पहले आधार जरूरी, IRCTC ने बताया"


@pytest.fixture
def site(database: Database, sqlite_url: str) -> TestClient:
    return TestClient(create_app(demo_settings(sqlite_url), database))


def test_a_story_without_tags_has_no_tags_section(site: TestClient, database: Database) -> None:
    with database.transaction() as session:
        bare = add_story(session, "bare", [Version("Dam repaired", START)], tags=()).id
        tagged = add_story(session, "tagged", [Version("Dam opened", START)]).id
    assert 'id="tags"' not in site.get(f"/story/{bare}/story-bare").text
    assert '<h2 id="tags">Tags</h2>' in site.get(f"/story/{tagged}/story-tagged").text


def _card_times(page: str) -> list[tuple[str, str]]:
    """Each card's headline and the datetime of its time element, in page order."""
    cards = re.findall(r'<a href="/story/[^"]+">([^<]+)</a>.*?<time datetime="([^"]+)"', page, re.S)
    return [(headline, when) for headline, when in cards]


def test_cards_show_the_latest_report_they_are_ordered_by(
    site: TestClient, database: Database
) -> None:
    """Lists are ordered by each story's latest report, so that is the time a card shows: a
    story first reported early but reported again since sits above a later-begun one, and
    says when it was last reported (as Google News does), not when it began. The home page's
    lead (here the story with the latest report, of equal coverage) shows it too."""
    early_start, early_latest = START, START + timedelta(hours=4, minutes=16)
    late_start, late_latest = START + timedelta(hours=3), START + timedelta(hours=4, minutes=11)
    oldest_start, oldest_latest = START, START + timedelta(hours=1)
    with database.transaction() as session:
        for key, first, last in [
            ("early", early_start, early_latest),
            ("late", late_start, late_latest),
            ("oldest", oldest_start, oldest_latest),
        ]:
            story = add_story(session, key, [Version(f"Story {key}", first)], first_report=first)
            story.last_report_at = last
    expected = [
        ("Story early", early_latest.isoformat()),
        ("Story late", late_latest.isoformat()),
        ("Story oldest", oldest_latest.isoformat()),
    ]
    for path in ["/", "/tag/port-calder"]:
        assert _card_times(site.get(path).text) == expected, path
    assert "Latest report <time" in site.get("/").text


def test_a_latin_headline_keeps_its_ascii_slug() -> None:
    headline = "Café owners in São Paulo protest new tax"
    assert story_slug(headline) == slugify(headline) == "cafe-owners-in-sao-paulo-protest-new-tax"


def test_a_headline_mostly_in_another_script_keeps_it_in_its_slug() -> None:
    slug = story_slug(HINDI)
    assert slug.startswith("आईआरसीटीसी-का-नया-नियम-टिकट-बुकिंग"), slug
    assert slug.endswith("-irctc-ने-बताया"), slug
    assert slugify(HINDI) == "irctc"  # what tags keep: ASCII words only
    assert story_slug("Пожар в Москве: 3 погибших") == "пожар-в-москве-3-погибших"
    assert len(story_slug(HINDI * 5)) <= 80
    assert not story_slug(HINDI * 5).endswith("-")


def test_a_unicode_slug_is_served_linked_and_redirected_to_percent_encoded(
    site: TestClient, database: Database
) -> None:
    slug = story_slug(HINDI)
    with database.transaction() as session:
        number = add_story(session, "hindi", [Version(HINDI, START)]).id
        session.get(Story, number).slug = slug
    path = f"/story/{number}/{quote(slug)}"
    assert site.get(path).status_code == 200
    assert f'href="{path}"' in site.get("/").text
    for wrong in [f"/story/{number}", f"/story/{number}/irctc"]:
        response = site.get(wrong, follow_redirects=False)
        assert response.status_code == 308 and response.headers["location"] == path, wrong
    for listing in ["/sitemap.xml", "/feed.xml"]:  # crawlers and readers get escaped addresses
        text = site.get(listing).text
        assert f"{path}<" in text and slug not in text, listing
