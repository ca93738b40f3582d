"""The read API, on SQLite and PostgreSQL: stories by page, tag and date, one story whole, tags,
search; JSON errors; and the OpenAPI document, checked by openapi-spec-validator and used to
validate real answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from conftest import DemoRun, demo_settings
from fastapi.testclient import TestClient
from fresh import fresh_database
from helpers import latest_articles
from newsroom import START, Aside, Version, add_asides, add_published_stories, add_story
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from sqlalchemy import update

from gazette.db import Database
from gazette.db.models import Story
from gazette.db.search import index_stories, stale_stories
from gazette.web import create_app


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Database]:
    """Each test on each kind of database, in an empty one of its own."""
    yield from fresh_database(request, sqlite_url)


@pytest.fixture
def client(database: Database) -> TestClient:
    return TestClient(create_app(demo_settings(database.url), database))


def check(client: TestClient, answer: dict, schema: str) -> None:
    """`answer` is valid by the API's own OpenAPI document."""
    document = client.get("/api/openapi.json").json()
    OAS31Validator({"$ref": f"#/components/schemas/{schema}", **document}).validate(answer)


def test_stories_come_a_page_at_a_time(client: TestClient, database: Database) -> None:
    ids = add_published_stories(database, 7, thread=False)
    first = client.get("/api/stories?per_page=3").json()
    check(client, first, "StoryList")
    assert first["total"] == 7 and first["page"] == 1 and first["previous"] is None
    assert [s["id"] for s in first["stories"]] == ids[::-1][:3]  # latest report first
    assert first["next"] == "/api/stories?per_page=3&page=2"
    third = client.get("/api/stories?per_page=3&page=3").json()
    assert [s["id"] for s in third["stories"]] == [ids[0]] and third["next"] is None
    assert third["previous"] == "/api/stories?per_page=3&page=2"
    beyond = client.get("/api/stories?per_page=3&page=9").json()
    assert beyond["stories"] == [] and beyond["previous"] == "/api/stories?per_page=3&page=3"
    story = first["stories"][0]
    assert story["url"] == f"http://127.0.0.1:8000/story/{ids[-1]}/story-6"
    assert story["api_url"].endswith(f"/api/stories/{ids[-1]}")
    assert [t["slug"] for t in story["tags"]] == ["port-calder", "ilse-varga"]


def test_stories_filter_by_tag_and_date(client: TestClient, database: Database) -> None:
    ids = add_published_stories(database, 4, thread=False)  # first reports 3 hours apart
    with database.transaction() as session:
        tide = add_story(session, "tide", [Version("High tide", START)], tags=(("Tide", "topic"),))
        tide_id = tide.id
    tagged = client.get("/api/stories?tag=tide").json()
    assert [s["id"] for s in tagged["stories"]] == [tide_id] and tagged["total"] == 1
    since = (START + timedelta(hours=3)).isoformat()
    until = (START + timedelta(hours=9)).isoformat()
    window = client.get("/api/stories", params={"since": since, "until": until}).json()
    assert sorted(s["id"] for s in window["stories"]) == [ids[1], ids[2]]
    day = client.get("/api/stories?since=2026-03-02&until=2026-03-03&tag=port-calder").json()
    assert day["total"] == 4


def test_one_story_whole(client: TestClient, database: Database) -> None:
    with database.transaction() as session:
        story = add_story(
            session,
            "two",
            [
                Version("First wording", START + timedelta(hours=1)),
                Version("Second wording", START + timedelta(hours=5)),
                Version("Held for an editor", None),
            ],
        )
        story_id = story.id
    response = client.get(f"/api/stories/{story_id}")
    answer = response.json()
    check(client, answer, "Story")
    assert response.headers["last-modified"] == "Mon, 02 Mar 2026 13:00:00 GMT"  # version 2
    assert answer["headline"] == "Second wording" and answer["version"] == 2
    assert [(v["version"], v["current"]) for v in answer["versions"]] == [(1, False), (2, True)]
    assert answer["versions"][1]["change_note"] == "New reports."
    sections = [(s["section"], s["text"]) for s in answer["sentences"]]
    assert sections[0] == ("summary", "Sentence 0 of Second wording.")
    assert [s for s, _ in sections[1:]] == ["body", "body"]
    numbers = {r["number"] for r in answer["references"]}
    assert numbers == {1, 2}
    assert all(set(s["citations"]) <= numbers and s["citations"] for s in answer["sentences"])
    assert [t["name"] for t in answer["tags"]] == ["Port Calder", "Ilse Varga"]


def test_a_story_lists_its_opinion_apart_from_its_sources(
    client: TestClient, database: Database
) -> None:
    """Pieces about the story come in their own field, oldest first, and are never among its
    references, counted sources or citations; a story without any has an empty list."""
    with database.transaction() as session:
        story = add_story(session, "views", [Version("Port vote", START + timedelta(hours=2))])
        plain = add_story(session, "plain", [Version("Other news", START + timedelta(hours=3))])
        add_asides(
            session,
            story,
            [
                Aside("review", "The ferry opera, reviewed", "Stage Weekly", (), None),
                Aside(
                    "opinion",
                    "The port vote was a mistake",
                    "Harbour Times",
                    ("Nora Quill", "Ivo Lind"),
                    START + timedelta(hours=4),
                ),
                Aside("live", "Live: the vote", "Harbour Times", (), START + timedelta(hours=1)),
            ],
        )
        story_id, plain_id = story.id, plain.id
    answer = client.get(f"/api/stories/{story_id}").json()
    check(client, answer, "Story")
    assert [(a["kind"], a["title"]) for a in answer["asides"]] == [
        ("live", "Live: the vote"),
        ("opinion", "The port vote was a mistake"),
        ("review", "The ferry opera, reviewed"),  # undated: last
    ]
    opinion = answer["asides"][1]
    assert opinion == {
        "kind": "opinion",
        "title": "The port vote was a mistake",
        "outlet": "Harbour Times",
        "writers": ["Nora Quill", "Ivo Lind"],
        "url": "https://harbourtimes.example/opinion/story-views-1",
        "published_at": "2026-03-02T12:00:00Z",
    }
    aside_urls = {a["url"] for a in answer["asides"]}
    assert not aside_urls & {r["url"] for r in answer["references"]}
    assert answer["independent_sources"] == 1 and len(answer["references"]) == 2
    assert client.get(f"/api/stories/{plain_id}").json()["asides"] == []


def test_the_demo_story_with_its_quote_matches_the_page(demo: DemoRun) -> None:
    client = TestClient(create_app(demo.settings, demo.database))
    with demo.database.session() as session:
        article = next(a for a in latest_articles(session) if a.quote_text)
        story_id, quote = article.story_id, (article.quote_text, article.quote_speaker)
        cited = {c.reference_number for s in article.sentences for c in s.citations}
    answer = client.get(f"/api/stories/{story_id}").json()
    check(client, answer, "Story")
    assert (answer["quote"]["text"], answer["quote"]["speaker"]) == quote
    assert {n for s in answer["sentences"] for n in s["citations"]} == cited
    page = client.get(answer["url"].removeprefix("http://127.0.0.1:8000")).text
    for reference in answer["references"]:
        assert f'id="ref-{reference["number"]}"' in page


def test_a_merged_story_redirects_and_a_missing_one_is_a_json_404(
    client: TestClient, database: Database
) -> None:
    kept, merged = add_published_stories(database, 2, thread=False)
    with database.transaction() as session:
        session.execute(update(Story).where(Story.id == merged).values(merged_into_id=kept))
    moved = client.get(f"/api/stories/{merged}", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/api/stories/{kept}"
    for path in ("/api/stories/424242", "/api/stories/99999999999999999999999"):
        missing = client.get(path)
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/json"
        check(client, missing.json(), "Error")
    assert client.get("/api/stories/424242").json()["error"]["message"] == (
        "There is no published story 424242."
    )
    assert client.get("/api/stories?tag=nothing").json() == {
        "error": {"status": 404, "message": "There is no tag 'nothing'."}
    }


def test_bad_parameters_are_a_400_naming_each(client: TestClient) -> None:
    answer = client.get("/api/stories?page=0&per_page=1000&since=soon")
    assert answer.status_code == 400
    error = answer.json()["error"]
    check(client, answer.json(), "Error")
    named = " ".join(error["problems"])
    for parameter in ("query.page", "query.per_page", "query.since"):
        assert parameter in named
    assert client.get("/api/stories/abc").json()["error"]["problems"][0].startswith("path.story_id")
    assert client.get("/api/search").json()["error"]["problems"] == ["query.q: Field required"]
    assert client.get("/api/tags?kind=animal").status_code == 400


def test_tags_with_their_story_counts(client: TestClient, database: Database) -> None:
    add_published_stories(database, 3, thread=False)
    with database.transaction() as session:
        add_story(session, "tide", [Version("High tide", START)], tags=(("Tide", "topic"),))
        add_story(session, "held", [Version("Unpublished", None)], tags=(("Secret", "topic"),))
    answer = client.get("/api/tags").json()
    check(client, answer, "TagList")
    counts = {t["slug"]: t["stories"] for t in answer["tags"]}
    assert counts == {"port-calder": 3, "ilse-varga": 3, "tide": 1}
    topics = client.get("/api/tags?kind=topic").json()
    assert [t["slug"] for t in topics["tags"]] == ["tide"]


def test_search_answers_like_the_search_page(client: TestClient, database: Database) -> None:
    ids = add_published_stories(database, 4, thread=False)
    with database.transaction() as session:
        index_stories(session, stale_stories(session, 100))
    answer = client.get('/api/search?q=event "number 2"').json()
    check(client, answer, "SearchResults")
    assert answer["terms"] == ["event", "number 2"] and answer["total"] == 1
    (result,) = answer["results"]
    assert result["story"]["id"] == ids[2]
    marked = [p["text"].lower() for p in result["snippet_parts"] if p["match"]]
    assert "event" in marked and ("2" in marked or "number 2" in marked)
    assert result["snippet"] == "".join(p["text"] for p in result["snippet_parts"])
    paged = client.get("/api/search?q=event&per_page=3&page=2").json()
    assert paged["total"] == 4 and len(paged["results"]) == 1


def test_the_openapi_document_is_valid_and_documents_only_the_api(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    validate(document)  # raises on an invalid document
    assert set(document["paths"]) == {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/tags",
        "/api/search",
        "/api/sources",
    }
    for path in document["paths"].values():
        for operation in path.values():
            assert "422" not in operation["responses"]
            assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }


def test_the_docs_page_is_served_by_the_site_without_scripts(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    assert "default-src 'none'" in page.headers["content-security-policy"]
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/tags", "/api/search"):
        assert f"<code>GET {path}</code>" in page.text
    assert 'id="schema-Story"' in page.text and "<code>citations</code>" in page.text
