"""Finding one's way: the topic sections of the header, the home page's lead, tag pages page by
page, and the "All coverage" timeline of a thread."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import DemoRun, demo_settings
from fastapi.testclient import TestClient
from newsroom import START, Version, add_published_stories, add_story
from sqlalchemy import func, select

from gazette.db import Database
from gazette.db.models import Document, Story, StoryMember, StoryTag, Tag
from gazette.web import create_app

CARD = re.compile(r'<article class="card">\s*<h3><a href="/story/(\d+)/')


@pytest.fixture(scope="module")
def client(demo: DemoRun) -> TestClient:
    return TestClient(create_app(demo.settings, demo.database))


def own_site(database: Database, sqlite_url: str, per_page: int = 30) -> TestClient:
    settings = demo_settings(sqlite_url)
    site = settings.site.model_copy(update={"stories_per_page": per_page})
    return TestClient(create_app(settings.model_copy(update={"site": site}), database))


def test_the_header_has_a_section_per_topic(client: TestClient, demo: DemoRun) -> None:
    with demo.database.session() as session:
        topics = set(session.scalars(select(Tag.slug).where(Tag.kind == "topic")))
        entities = set(session.scalars(select(Tag.slug).where(Tag.kind != "topic")))
    for path in ("/", "/tag/economy", f"/story/{1}"):
        html = client.get(path).text
        nav = re.search(r'<nav class="sections" aria-label="Sections">(.*?)</nav>', html, re.S)
        assert nav, path
        linked = set(re.findall(r'href="/tag/([^"]+)"', nav.group(1)))
        assert linked and linked <= topics and not linked & entities
    for slug in linked:  # every section leads to a page of stories
        assert client.get(f"/tag/{slug}").text.count('<article class="card">') >= 1


def test_the_home_page_leads_with_the_most_covered_recent_story(
    client: TestClient, demo: DemoRun
) -> None:
    with demo.database.session() as session:
        newest = session.scalar(select(func.max(Story.last_report_at)))
        recent = session.scalars(
            select(Story.id).where(Story.last_report_at >= newest - timedelta(hours=48))
        ).all()
        independent = {
            story: session.scalar(
                select(func.count())
                .select_from(StoryMember)
                .join(Document, Document.id == StoryMember.document_id)
                .where(StoryMember.story_id == story, Document.copy_of_id.is_(None))
            )
            for story in recent
        }
    most = max(independent.values())
    html = client.get("/").text
    lead = re.search(r'<article class="lead">.*?href="/story/(\d+)/', html, re.S)
    assert lead and independent[int(lead.group(1))] == most
    assert f"{most} independent sources" in html[lead.start() : html.index("</article>")]
    assert int(lead.group(1)) not in {int(n) for n in CARD.findall(html)}  # not listed twice
    assert len(CARD.findall(html)) == len(demo.expected["stories"]) - 1


def test_the_lead_is_chosen_by_independent_sources_not_reports(
    database: Database, sqlite_url: str
) -> None:
    with database.transaction() as session:
        # each story has two reports, the second a wire copy: one independent source each
        add_story(session, "copied", [Version("Copied everywhere", START)])
        wide = add_story(
            session,
            "wide",
            [Version("Widely reported", START)],
            first_report=START - timedelta(hours=3),
        )
        session.execute(
            Document.__table__.update()
            .where(
                Document.id.in_(
                    select(StoryMember.document_id).where(StoryMember.story_id == wide.id)
                )
            )
            .values(copy_of_id=None)
        )
        wide_id = wide.id
    html = own_site(database, sqlite_url).get("/").text
    assert re.search(rf'<article class="lead">.*?href="/story/{wide_id}/', html, re.S)


def test_tag_pages_go_page_by_page(database: Database, sqlite_url: str) -> None:
    ids = add_published_stories(database, 7, thread=False)
    site = own_site(database, sqlite_url, per_page=3)
    pages = [site.get(f"/tag/ilse-varga?page={n}") for n in (1, 2, 3)]
    assert all(p.status_code == 200 for p in pages)
    seen = [[int(n) for n in CARD.findall(p.text)] for p in pages]
    assert [len(s) for s in seen] == [3, 3, 1]
    assert [n for s in seen for n in s] == sorted(ids, reverse=True)  # newest first, each once
    assert 'rel="next" href="/tag/ilse-varga?page=2"' in pages[0].text
    assert 'rel="prev" href="/tag/ilse-varga?page=2"' in pages[2].text
    assert 'rel="next"' not in pages[2].text and "7 stories" in pages[0].text
    past = site.get("/tag/ilse-varga?page=4").text.split("<main>")[1]
    assert "No more stories." in past and 'href="/tag/ilse-varga">Back' in past
    assert not CARD.findall(past)
    assert site.get("/tag/ilse-varga?page=x").status_code == 400
    assert site.get("/tag/nobody").status_code == 404


def test_the_home_page_past_the_end_and_of_an_empty_site(
    database: Database, sqlite_url: str
) -> None:
    site = own_site(database, sqlite_url)
    empty = site.get("/")
    assert empty.status_code == 200 and "No stories have been published yet" in empty.text
    assert "gazette sources add" not in empty.text and "gazette run" not in empty.text
    add_published_stories(database, 2)
    assert site.get("/").status_code == 200
    past = site.get("/?page=2")
    main = past.text.split("<main>")[1].split("</main>")[0]
    assert past.status_code == 200 and "No more stories." in main and "published yet" not in main
    assert "gazette " not in main.lower()  # no operator's command


def test_all_coverage_lists_a_thread_oldest_first(database: Database, sqlite_url: str) -> None:
    with database.transaction() as session:
        first = add_story(session, "strike", [Version("Transit strike called", START)])
        later = [
            add_story(
                session,
                f"strike-{day}",
                [Version(f"Transit strike, day {day}", START + timedelta(days=day))],
                first_report=START + timedelta(days=day),
                thread_of=first.id,
            ).id
            for day in (2, 1)  # written out of order
        ]
        other = add_story(session, "museum", [Version("Museum reopens", START)]).id
        thread = [first.id, later[1], later[0]]
    site = own_site(database, sqlite_url)
    story = site.get(f"/story/{thread[1]}").text
    assert f'href="/thread/{thread[1]}">All coverage (3 stories)' in story
    moved = site.get(f"/thread/{thread[1]}", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/thread/{thread[0]}"
    page = site.get(f"/thread/{thread[0]}")
    assert page.status_code == 200
    listed = [int(n) for n in re.findall(r'<h2><a href="/story/(\d+)/', page.text)]
    assert listed == thread and other not in listed
    times = re.findall(r'<li>\s*<time datetime="([^"]+)"', page.text)
    assert times == sorted(times) and len(times) == 3
    assert "All coverage" not in site.get(f"/story/{other}").text.split("<main>")[1]
    assert site.get("/thread/999").status_code == 404


def test_topic_sections_skip_stories_readers_cannot_see(
    database: Database, sqlite_url: str
) -> None:
    with database.transaction() as session:
        add_story(session, "shown", [Version("Shown", START)], tags=(("Politics", "topic"),))
        add_story(session, "held", [Version("Held", None)], tags=(("Sport", "topic"),))
        assert session.scalar(select(func.count()).select_from(StoryTag)) == 2
    html = own_site(database, sqlite_url).get("/").text
    nav = re.search(r'<nav class="sections"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert "/tag/politics" in nav and "/tag/sport" not in nav


def test_every_page_works_on_each_database(each_database_url: str) -> None:
    database = Database(each_database_url)
    database.migrate()
    try:
        with database.transaction() as session:
            key = f"pg{session.scalar(select(func.count()).select_from(Story))}"
            first = add_story(
                session, key, [Version("Dam opens", START)], tags=(("Energy", "topic"),)
            )
            later = add_story(
                session,
                f"{key}-later",
                [
                    Version("Dam floods", START),
                    Version("Dam floods valley", START + timedelta(days=1)),
                ],
                first_report=START + timedelta(days=1),
                thread_of=first.id,
                tags=(("Energy", "topic"), ("Vestrian Power", "organisation")),
            )
            ids = first.id, later.id
        site = TestClient(create_app(demo_settings(each_database_url), database))
        pages = {
            "/": "Dam floods valley",
            "/tag/energy": "Dam opens",
            f"/thread/{ids[0]}": "Dam floods valley",
            f"/story/{ids[1]}/story-{key}-later": "All coverage (2 stories)",
            f"/story/{ids[1]}/versions": "<del>Sentence 0 of Dam floods.</del>",
        }
        for path, text in pages.items():
            response = site.get(path)
            assert response.status_code == 200 and text in response.text, path
    finally:
        database.dispose()
