"""Opinion and other pieces placed beside a story are shown to editors apart from its reports:
by `gazette story` under their own heading, and on the desk's review page in their own list,
never among the sources a sentence may cite. (The story page and the API: test_report_kinds.py
and test_api.py.)"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from conftest import demo_settings
from newsroom import START, Aside, Version, add_asides, add_story
from review_story import harbour_story
from sqlalchemy import select
from staff import add_user, browser, log_in
from typer.testing import CliRunner

from gazette.cli import app
from gazette.db import Database
from gazette.db.models import Story, StoryMember

COLUMN = Aside(
    "opinion",
    "The ferries should never have stopped",
    "Harbour Times",
    ("Nora Quill",),
    START + timedelta(hours=5),
)
LIVE = Aside("live", "Live: the ferries run again", "Coast Radio", (), START + timedelta(hours=1))


def test_gazette_story_prints_the_opinion_under_its_own_heading(database: Database) -> None:
    with database.transaction() as session:
        story = add_story(session, "vote", [Version("Port vote", START + timedelta(hours=2))])
        plain = add_story(session, "plain", [Version("Other news", START + timedelta(hours=3))])
        live_id, column_id = add_asides(session, story, [LIVE, COLUMN])
        story_id, plain_id = story.id, plain.id
        reports = list(
            session.scalars(select(StoryMember.document_id).where(StoryMember.story_id == story_id))
        )
    told = CliRunner().invoke(app, ["--database", database.url, "story", str(story_id)])
    assert told.exit_code == 0, told.output
    assert told.output.startswith(f"story {story_id} (published), 2 reports")
    head, heading, listed = told.output.partition("\nOpinion on this story (2, listed apart")
    assert heading, told.output
    # The reports come before the heading, the pieces after it, oldest first, each once.
    assert all(f"report {r}" in head for r in reports)
    assert "Harbour Times" not in head and "Coast Radio" not in head
    assert listed.index(f"live {live_id}  Coast Radio: Live: the ferries run again") < (
        listed.index(
            f"opinion {column_id}  Nora Quill in Harbour Times: The ferries should never have"
        )
    )
    assert "2026-03-02 13:00" in listed and f"why: about story {story_id} (test)" in listed
    other = CliRunner().invoke(app, ["--database", database.url, "story", str(plain_id)])
    assert other.exit_code == 0 and "Opinion on this story" not in other.output


def test_the_review_page_lists_the_opinion_apart_from_the_sources(database: Database) -> None:
    story_id = harbour_story(database, published=False)
    with database.transaction() as session:
        add_asides(session, session.get(Story, story_id), [COLUMN])
    name = f"editor-{uuid.uuid4().hex[:6]}"
    add_user(database, name)
    client = browser(demo_settings(database.url), database)
    assert log_in(client, name).status_code == 303
    page = client.get(f"/desk/story/{story_id}").text

    sources = re.search(r'<section class="sources-side".*?</section>', page, re.S)
    asides = re.search(r'<section class="asides".*?</section>', page, re.S)
    assert sources and asides
    assert "Harbour Times" not in sources.group(0)
    assert "Opinion on this story" in asides.group(0) and "never cited" in asides.group(0)
    assert "Nora Quill in <strong>Harbour Times</strong>" in asides.group(0)
    assert 'href="https://harbourtimes.example/opinion/ferries-resume-0"' in asides.group(0)
    # An editor's edit may cite only the story's sources: the piece is not offered.
    cites = re.findall(r'name="sources" value="(\d+)"[^>]*> \[\d+\] ([^<]+)<', page)
    assert cites and all("Harbour Times" not in outlet for _, outlet in cites)

    without = harbour_story(database, published=False)
    assert 'class="asides"' not in client.get(f"/desk/story/{without}").text
