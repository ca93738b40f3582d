"""What readers see of a story in lists and in its address: the time a card shows, the tags
section of a story without tags, and the slug of a headline in a non-Latin script. Stories are
written into a database of the test's own."""

from __future__ import annotations

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
