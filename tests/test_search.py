"""Full-text search of published stories, on SQLite (FTS5) and PostgreSQL (tsvector), through
the same interface: what the publish stage indexes, what a query finds and in which order, and
the /search page readers use. Stories are written into a database of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from fresh import fresh_database
from newsroom import START, Version, add_published_stories, add_story
from sqlalchemy import select, update

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Article, Sentence, Story
from gazette.db.search import parse_query, search
from gazette.db.states import StoryState
from gazette.embedding import LazyEmbedder
from gazette.publish import publish_step
from gazette.web import create_app
from gazette.work import StageContext


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Database]:
    yield from fresh_database(request, sqlite_url)


def publish(database: Database) -> None:
    """A publish step, as the pipeline runs it: it publishes and brings the index up to date."""
    publish_step(StageContext(database, Settings(database_url=database.url), LazyEmbedder()))


def write(database: Database, key: str, headline: str, body: str = "", **options: object) -> int:
    """A published story with this headline, and `body` as its first body sentence."""
    with database.transaction() as session:
        story = add_story(session, key, [Version(headline, START)], **options)  # type: ignore[arg-type]
        if body:
            sentence = session.scalar(
                select(Sentence).where(
                    Sentence.article_id == story.published_article_id, Sentence.section == "body"
                )
            )
            sentence.text = body
        return story.id


def found(database: Database, query: str, limit: int = 20, offset: int = 0) -> list[int]:
    with database.session() as session:
        return [hit.story_id for hit in search(session, query, limit, offset).hits]


def test_queries_are_words_and_phrases_never_syntax() -> None:
    assert parse_query('"state budget" (vote') == ("state budget", "vote")
    assert parse_query('NEAR(a b) OR -c* "unclosed') == ("NEAR", "a", "b", "OR", "c", "unclosed")
    assert parse_query("Zürich  zürich ZÜRICH") == ("Zürich",)
    assert parse_query(' " " ... ') == ()
    assert len(parse_query(" ".join(f"w{n}" for n in range(40)))) == 12


def test_search_finds_by_headline_body_and_tags_best_first(database: Database) -> None:
    in_body = write(database, "b", "Council meets", "The vaccine trial starts in May.")
    in_headline = write(database, "h", "Vaccine trial begins at Port Calder hospital")
    by_tag = write(database, "t", "Strike ends", tags=(("Health ministry", "organisation"),))
    unrelated = write(database, "u", "Bridge reopens after repairs")
    publish(database)
    assert found(database, "vaccine") == [in_headline, in_body]  # the headline weighs more
    assert found(database, "trials") == [in_headline, in_body]  # words match by their stem
    assert found(database, "health ministry") == [by_tag]
    assert found(database, "bridge repairs") == [unrelated]
    assert found(database, "vaccine bridge") == []  # every word is required
    assert found(database, '"trial starts"') == [in_body]  # a phrase, in its order
    assert found(database, '"starts trial"') == []


def test_any_input_is_searched_without_an_error(database: Database) -> None:
    write(database, "a", "Harbour workers vote on the wage offer")
    publish(database)
    for query in ['"', "AND", "OR NOT", "*", "a:b", "(((", "'; DROP TABLE stories; --", "ü", "¹²³"]:
        with database.session() as session:
            assert search(session, query, 10).total >= 0
    assert found(database, "harbour OR nothing") == []  # OR is a word here, not an operator


def test_snippets_mark_the_matching_words(database: Database) -> None:
    write(database, "s", "Ferry service", "The ferry to Ostrava was cancelled because of fog.")
    publish(database)
    with database.session() as session:
        (hit,) = search(session, "cancelled fog", 10).hits
    marked = [text.lower() for text, highlighted in hit.snippet if highlighted]
    assert marked == ["cancelled", "fog"]
    assert "ferry to ostrava was" in "".join(text for text, _ in hit.snippet).lower()


def test_a_snippet_comes_from_where_the_words_are(database: Database) -> None:
    write(database, "w", "Ferry service", "The crossing took four hours.")
    publish(database)  # the summary is "Ferry service, said two outlets."
    with database.session() as session:
        (hit,) = search(session, "outlets", 10).hits
    assert ("outlets", True) in [(t.lower(), m) for t, m in hit.snippet]


def test_results_come_a_page_at_a_time(database: Database) -> None:
    ids = add_published_stories(database, 7, thread=False)
    publish(database)
    with database.session() as session:
        first, rest = search(session, "event", 5), search(session, "event", 5, 5)
    assert first.total == rest.total == 7
    pages = [h.story_id for h in first.hits] + [h.story_id for h in rest.hits]
    assert sorted(pages) == sorted(ids) and len(first.hits) == 5
    assert found(database, "event", 5, 10) == []


def test_the_index_follows_what_readers_see(database: Database) -> None:
    story = write(database, "n", "Museum opens a new wing")
    other = write(database, "o", "Museum closes for the winter")
    publish(database)
    assert sorted(found(database, "museum")) == sorted([story, other])
    with database.transaction() as session:  # a new version written, tagged, then published
        session.execute(update(Story).where(Story.id == story).values(state=StoryState.TAGGED))
        newest = Article(
            story_id=story,
            version=2,
            headline="Gallery opens a new wing",
            summary="A gallery opened.",
            writer="extractive",
            word_count=3,
            created_at=START + timedelta(days=1),
        )
        session.add(newest)
    publish(database)
    assert found(database, "gallery") == [story]
    assert found(database, "museum") == [other]
    with database.transaction() as session:  # unpublished (by an editor, say): gone at once
        session.execute(update(Story).where(Story.id == other).values(published_article_id=None))
    assert found(database, "museum") == []
    publish(database)  # and its entry removed
    with database.session() as session:
        assert search(session, "winter", 10).total == 0


def test_a_merged_story_is_not_found(database: Database) -> None:
    kept = write(database, "k", "Flood warning for the Ravel valley")
    merged = write(database, "m", "Ravel river floods farmland")
    publish(database)
    assert sorted(found(database, "ravel")) == sorted([kept, merged])
    with database.transaction() as session:
        session.execute(update(Story).where(Story.id == merged).values(merged_into_id=kept))
    assert found(database, "ravel") == [kept]


def site(database: Database) -> TestClient:
    return TestClient(create_app(demo_settings(database.url), database))


def test_the_search_page_lists_highlighted_results(database: Database) -> None:
    story = write(database, "p", "Port strike ends", "Dockers at Port Calder returned to work.")
    publish(database)
    page = site(database).get("/search", params={"q": "dockers"})
    assert page.status_code == 200
    assert "1 story matches" in page.text
    assert f'href="/story/{story}/story-p">Port strike ends</a>' in page.text
    assert "<mark>Dockers</mark> at Port Calder returned to work." in page.text


def test_the_search_page_pages_and_says_when_nothing_is_left(database: Database) -> None:
    add_published_stories(database, 12, thread=False)
    publish(database)
    client = site(database)
    first, second = client.get("/search?q=event").text, client.get("/search?q=event&page=2").text
    assert "12 stories match · page 1 of 2" in first
    assert 'href="/search?q=event&amp;page=2" rel="next"' in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert first.count('class="card result"') == 10 and second.count('class="card result"') == 2
    beyond = client.get("/search?q=event&page=3")
    assert beyond.status_code == 200 and "No more results" in beyond.text
    assert "No stories match" in client.get("/search?q=zebra").text
    assert "no words to look for" in client.get("/search", params={"q": "?!"}).text
    assert client.get("/search?page=0").status_code == 400
    assert client.get("/search", params={"q": "x" * 201}).status_code == 400


def test_a_query_is_shown_escaped(database: Database) -> None:
    write(database, "e", "Election results")
    publish(database)
    client = site(database)
    page = client.get("/search", params={"q": '"><script>alert(1)</script>'})
    assert page.status_code == 200 and "<script>alert" not in page.text
    assert "Search: &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page.text
    page = client.get("/search", params={"q": "<election>"})
    assert "1 story matches" in page.text and "Search: &lt;election&gt;</h1>" in page.text


def test_every_reader_page_has_the_search_box(database: Database) -> None:
    story = write(database, "a", "Any story")
    publish(database)
    client = site(database)
    for path in ["/", "/tag/port-calder", f"/story/{story}/story-a", "/search?q=any", "/no"]:
        html = client.get(path).text
        assert '<form class="site-search" role="search" method="get" action="/search">' in html, (
            path
        )
        assert '<label for="site-search-q"' in html
