"""The tags on the desk (`/desk/tags`): the searchable list with kinds and numbers of stories;
rename, merge and hide asked twice (the first post says what would happen and changes nothing),
then done, said on the same page and logged; refusals that keep what was typed and say why;
logins and tokens required; names shown as text."""

from __future__ import annotations

import html
import re

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from forms import token_in
from review_story import harbour_story
from sqlalchemy import select
from staff import browser, logged_in
from tagged import tag_stories, tags_of

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import AuditEntry


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return demo_settings(sqlite_url)


@pytest.fixture
def editor(settings: Settings, database: Database) -> TestClient:
    return logged_in(settings, database)


@pytest.fixture
def stories(database: Database) -> tuple[int, int]:
    one, two = harbour_story(database), harbour_story(database)
    tag_stories(
        database, {"RSV": [one, two], "Calder": [one], "Calder Port": [two], "Ferry": [one]}
    )
    return one, two


def rows(page: str) -> dict[str, str]:
    """Each tag's row as a reader sees it, by slug (without the hidden labels and forms)."""
    found = re.findall(r'<tr id="tag-([a-z0-9-]+)">(.*?)</tr>', page, re.S)
    shown = {}
    for slug, row in found:
        row = re.sub(
            r'<span class="visually-hidden">.*?</span>|<form.*?</form>', "", row, flags=re.S
        )
        shown[slug] = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
    return shown


def post(client: TestClient, slug: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    token = token_in(client.get("/desk/tags").text)
    return client.post(f"/desk/tags/{slug}/{action}", data={**fields, "csrf_token": token})


def logged(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor, e.action, e.target) for e in entries if e.action.startswith("tag.")]


def test_the_list_shows_kinds_and_stories_and_searches(editor: TestClient, stories) -> None:  # type: ignore[no-untyped-def]
    page = editor.get("/desk")
    assert '<a href="/desk/tags">Tags</a>' in page.text
    shown = rows(editor.get("/desk/tags").text)
    assert next(iter(shown)) == "rsv"
    assert shown["rsv"].startswith("RSV rsv organisation 2")
    assert shown["calder"].startswith("Calder calder organisation 1")
    assert list(rows(editor.get("/desk/tags?q=cald").text)) == ["calder", "calder-port"]
    assert rows(editor.get("/desk/tags?q=port&kind=organisation").text).keys() == {"calder-port"}
    assert rows(editor.get("/desk/tags?kind=person").text) == {}
    assert "No tag matches." in editor.get("/desk/tags?kind=person").text


def test_a_merge_is_asked_then_done_and_logged(
    editor: TestClient, database: Database, stories
) -> None:  # type: ignore[no-untyped-def]
    one, _two = stories
    asked = post(editor, "calder", "merge", into="calder-port", q="cald")
    assert asked.status_code == 200
    text = html.unescape(asked.text)
    assert "Really merge calder into calder-port: 1 story would move to it" in text
    assert tags_of(database, one)[1][0] == "calder" and logged(database) == []  # nothing yet
    assert 'name="into" value="calder-port"' in asked.text
    question = asked.text.split('class="notice confirm-decision"', 1)[1].split("</section>")[0]
    assert re.findall(r'role="alert">Really', question) == ['role="alert">Really']
    assert '<section class="notice confirm-decision" aria-labelledby="confirm-heading">' in (
        asked.text
    )
    assert "autofocus" not in question

    done = post(editor, "calder", "merge", into="calder-port", confirm="yes", q="cald")
    assert done.status_code == 303
    assert done.headers["location"].startswith("/desk/tags?q=cald&done=merged&tag=calder")
    page = editor.get(done.headers["location"]).text
    assert "Tag calder is merged into calder-port: 1 story moved" in html.unescape(page)
    assert rows(page)["calder"].endswith("merged into calder-port")
    assert [slug for slug, *_ in tags_of(database, one)] == ["rsv", "calder-port", "ferry"]
    assert logged(database) == [("ann", "tag.merged", "tag calder")]


def test_rename_hide_and_show(editor: TestClient, database: Database, stories) -> None:  # type: ignore[no-untyped-def]
    one, _two = stories
    assert post(editor, "rsv", "rename", name="RSV virus", kind="topic").status_code == 200
    renamed = post(editor, "rsv", "rename", name="RSV virus", kind="topic", confirm="yes")
    assert renamed.status_code == 303
    assert tags_of(database, one)[0] == ("rsv", "RSV virus", "topic")

    assert "1 story would lose it" in post(editor, "ferry", "hide").text
    hidden = post(editor, "ferry", "hide", confirm="yes")
    page = html.unescape(editor.get(hidden.headers["location"]).text)
    assert "Tag ferry is hidden: 1 story lost it" in page
    assert rows(page)["ferry"] == "Ferry ferry organisation 0 hidden"
    assert "ferry" not in [slug for slug, *_ in tags_of(database, one)]
    shown = post(editor, "ferry", "show")  # its own undo: not asked
    assert shown.status_code == 303
    assert "Tag ferry is shown again" in editor.get(shown.headers["location"]).text
    # a notice is said only of a decision made: not from a link made elsewhere
    made_up = editor.get("/desk/tags?done=hidden&tag=rsv&count=40").text
    assert "is hidden" not in made_up and 'role="status"' not in made_up
    assert [action for _, action, _ in logged(database)] == [
        "tag.renamed",
        "tag.hidden",
        "tag.shown",
    ]


def test_a_refusal_keeps_what_was_typed_and_says_why(
    editor: TestClient, database: Database, stories
) -> None:  # type: ignore[no-untyped-def]
    one, _two = stories
    before = tags_of(database, one)
    itself = post(editor, "calder", "merge", into="calder", confirm="yes")
    assert itself.status_code == 400
    assert "Tag calder was not changed: calder cannot be merged into itself." in itself.text
    assert (
        'name="into" maxlength="100" list="tag-slugs" autocomplete="off" required value="calder"'
        in itself.text
    )
    unknown = post(editor, "calder", "merge", into="no-such-tag")
    assert unknown.status_code == 404 and "there is no tag &#39;no-such-tag&#39;" in unknown.text
    taken = post(editor, "rsv", "rename", name="Calder Port", kind="organisation")
    assert taken.status_code == 400 and "merge rsv into it instead" in taken.text
    assert 'value="Calder Port"' in taken.text
    assert post(editor, "rsv", "explode").status_code == 404
    assert tags_of(database, one) == before and logged(database) == []


def test_tags_need_a_login_and_a_token(
    settings: Settings, database: Database, editor: TestClient, stories
) -> None:  # type: ignore[no-untyped-def]
    anonymous = browser(settings, database)
    assert anonymous.get("/desk/tags").headers["location"] == "/login?next=/desk/tags"
    token = token_in(anonymous.get("/login").text)
    data = {"csrf_token": token, "confirm": "yes"}
    assert anonymous.post("/desk/tags/ferry/hide", data=data).status_code == 401
    assert editor.post("/desk/tags/ferry/hide", data={"confirm": "yes"}).status_code == 403
    assert logged(database) == []


def test_names_are_shown_as_text(editor: TestClient, database: Database) -> None:
    story = harbour_story(database)
    tag_stories(database, {'<script>alert("x")</script>': [story]})
    page = editor.get("/desk/tags").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
