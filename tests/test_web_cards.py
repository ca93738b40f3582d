"""What readers see of a story in lists and in its address: the time a card shows, the tags
section of a story without tags, and the slug of a headline in a non-Latin script. Stories are
written into a database of the test's own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from newsroom import START, Version, add_story

from gazette.db import Database
from gazette.web import create_app


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
