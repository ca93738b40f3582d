"""What readers get once an editor decided about a tag (gazette/tag/decisions.py): a hidden tag
is shown nowhere (story pages, the home page, feeds, the API, the sitemap) and its page and
feeds answer 404; a merged tag's page and feeds redirect (301) to the target's, whose page lists
its stories; a renamed tag shows its new name. Pages kept by the page cache follow at once."""

from __future__ import annotations

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from review_story import harbour_story
from tagged import tag_stories

from gazette.db import Database
from gazette.tag import decisions
from gazette.web import create_app

FEEDS = ("feed.xml", "atom.xml", "feed.json")


@pytest.fixture
def reader(sqlite_url: str, database: Database) -> TestClient:
    return TestClient(create_app(demo_settings(sqlite_url), database), follow_redirects=False)


@pytest.fixture
def stories(database: Database) -> tuple[int, int]:
    one, two = harbour_story(database), harbour_story(database)
    tag_stories(
        database,
        {"RSV": [one, two], "Calder": [one], "Calder Port": [two], "Ferry": [one], "Quay": []},
    )
    return one, two


def everything(reader: TestClient, story_id: int) -> str:
    """What a reader can read that names tags: the story page, the home page, the feeds, the
    API's story and tags, the sitemap."""
    story = reader.get(f"/story/{story_id}", follow_redirects=True)
    assert story.status_code == 200
    pages = [story, reader.get("/"), reader.get("/sitemap.xml"), reader.get("/api/tags")]
    pages += [reader.get(f"/{name}") for name in FEEDS]
    pages.append(reader.get(f"/api/stories/{story_id}"))
    assert all(page.status_code == 200 for page in pages)
    return "\n".join(page.text for page in pages)


def test_a_hidden_tag_is_shown_nowhere(reader: TestClient, database: Database, stories) -> None:  # type: ignore[no-untyped-def]
    one, _two = stories
    assert reader.get("/tag/ferry").status_code == 200  # kept by the page cache
    assert "/tag/ferry" in everything(reader, one)
    with database.transaction() as session:
        decisions.hide(session, "ferry", "ann")
    seen = everything(reader, one)
    assert "/tag/ferry" not in seen and "Ferry" not in seen
    assert reader.get("/tag/ferry").status_code == 404
    for name in FEEDS:
        assert reader.get(f"/tag/ferry/{name}").status_code == 404
    assert reader.get("/api/stories?tag=ferry").status_code == 404  # as its page


def test_a_page_kept_in_the_cache_follows_a_decision_that_moves_no_story(
    reader: TestClient, database: Database, stories
) -> None:  # type: ignore[no-untyped-def]
    assert reader.get("/tag/quay").status_code == 200  # a tag of no story: a page, kept
    with database.transaction() as session:
        decisions.hide(session, "quay", "ann")
    assert reader.get("/tag/quay").status_code == 404


def test_a_merged_tags_page_and_feeds_redirect_to_the_target(
    reader: TestClient, database: Database, stories
) -> None:  # type: ignore[no-untyped-def]
    one, two = stories
    assert reader.get("/tag/calder").status_code == 200
    with database.transaction() as session:
        decisions.merge(session, "calder", "calder-port", "ann")
    moved = reader.get("/tag/calder?page=2")
    assert moved.status_code == 301 and moved.headers["location"] == "/tag/calder-port"
    for name in FEEDS:
        feed = reader.get(f"/tag/calder/{name}")
        assert feed.status_code == 301 and feed.headers["location"] == f"/tag/calder-port/{name}"
    target = reader.get("/tag/calder-port").text
    assert f"/story/{one}/" in target and f"/story/{two}/" in target
    # the API answers for the merged tag with the target's stories
    listed = reader.get("/api/stories?tag=calder").json()["stories"]
    assert {s["id"] for s in listed} == {one, two}
    assert '/tag/calder"' not in everything(reader, one)


def test_a_renamed_tag_shows_its_new_name(reader: TestClient, database: Database, stories) -> None:  # type: ignore[no-untyped-def]
    one, _two = stories
    reader.get("/tag/rsv")
    with database.transaction() as session:
        decisions.rename(session, "rsv", "ann", name="RSV virus", kind="topic")
    assert "RSV virus" in reader.get("/tag/rsv").text
    assert "RSV virus" in reader.get(f"/story/{one}", follow_redirects=True).text
