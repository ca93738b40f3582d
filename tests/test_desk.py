"""The desk's pages through the HTTP interface, on a real SQLite file: who may see them, the
queue of versions waiting for review and of those published, the audit log, and markup typed
by anyone shown as text."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from conftest import demo_settings
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from forms import form_token
from newsroom import START, Version, add_story
from sqlalchemy import select
from sqlalchemy.orm import Session
from staff import PASSWORD, browser, log_in, logged_in

from gazette import audit
from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Article, Story, User, WriteCheck
from gazette.db.states import StoryState
from gazette.web.auth import require_editor
from gazette.web.desk import routes


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return demo_settings(sqlite_url)


@pytest.fixture
def editor(settings: Settings, database: Database) -> TestClient:
    return logged_in(settings, database)


@pytest.fixture
def admin(settings: Settings, database: Database) -> TestClient:
    return logged_in(settings, database, "root", role="admin")


def rows(page: str, section: str) -> list[str]:
    """The text of each row of the table after the heading `section`, as a reader sees it."""
    part = page.split(f'id="{section}"', 1)[1].split("<h2", 1)[0]
    found = re.findall(r"<tr>(.*?)</tr>", part, re.S)[1:]  # the first is the table's head
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in found]


def model_written(session: Session, article: Article, outcomes: list[str]) -> None:
    """Make `article` a language model's, with the support check's decisions."""
    article.writer = "llm:test-model"
    for position, outcome in enumerate(outcomes):
        session.add(
            WriteCheck(
                article_id=article.id,
                section="body",
                position=position,
                proposed="A sentence.",
                proposed_sources="1",
                outcome=outcome,
                reason="test",
            )
        )


def newsroom(database: Database) -> dict[str, int]:
    """A story in each position a story can have on the desk; their ids by what they are."""
    hour = timedelta(hours=1)
    with database.transaction() as session:
        update = Version("Ferry strike ends, unions say", None)
        held = add_story(session, "held", [Version("Ferry strike ends", START + hour), update])
        held.state = StoryState.TAGGED.value
        newest = session.scalar(
            select(Article).where(Article.story_id == held.id, Article.version == 2)
        )
        newest.created_at = START + 5 * hour  # the latest version written
        model_written(session, newest, ["kept", "kept", "corrected", "dropped"])
        new = add_story(session, "new", [Version("Bridge <b>closed</b> & reopened", None)])
        new.state = StoryState.TAGGED.value
        older = add_story(session, "older", [Version("Harbour fair opens", START + 2 * hour)])
        newer = add_story(session, "newer", [Version("Museum roof repaired", START + 3 * hour)])
        # tagged again, but rewritten to the version already published: nothing to review
        same = add_story(session, "same", [Version("Tram line extended", START + hour)])
        same.state = StoryState.TAGGED.value
        merged = add_story(session, "merged", [Version("Tram line extended again", None)])
        merged.state = StoryState.MERGED.value
        merged.merged_into_id = same.id
    return {"held": held.id, "new": new.id, "older": older.id, "newer": newer.id, "same": same.id}


def test_the_queue_lists_what_waits_and_what_is_published(
    editor: TestClient, database: Database
) -> None:
    ids = newsroom(database)
    page = editor.get("/desk").text
    waiting, published = rows(page, "waiting"), rows(page, "published")
    assert "Waiting for review (2)" in page
    assert waiting[0].startswith(
        f"#{ids['held']} Ferry strike ends, unions say v2 (readers see v1) 2"
    )
    assert "2 kept, 1 corrected, 1 dropped llm:test-model" in waiting[0]
    assert waiting[1].startswith(f"#{ids['new']} Bridge <b>closed</b> & reopened v1 (not yet")
    assert "not needed: sentences taken from the sources" in waiting[1]
    assert "Bridge &lt;b&gt;closed&lt;/b&gt; &amp; reopened" in page  # a headline is text
    headlines = [row.split(" v1 ")[0] for row in published]
    assert headlines[:3] == [
        f"#{ids['newer']} Museum roof repaired",
        f"#{ids['older']} Harbour fair opens",
        f"#{ids['same']} Tram line extended",
    ]
    assert 'class="check check-warn"' in page  # a dropped sentence wants a look
    assert "Tram line extended again" not in page  # merged away


def test_an_editor_may_not_read_the_audit_log(editor: TestClient, admin: TestClient) -> None:
    refused = editor.get("/desk/audit")
    assert refused.status_code == 403 and "This page is for admins only." in refused.text
    assert "Audit log" not in editor.get("/desk").text  # nor is it in their nav
    assert admin.get("/desk/audit").status_code == 200
    assert 'href="/desk/audit">Audit log</a>' in admin.get("/desk").text


def test_the_audit_log_is_paginated_newest_first(admin: TestClient, database: Database) -> None:
    with database.transaction() as session:
        for number in range(120):
            audit.record(session, "ann", audit.Action.USER_ADDED, f"user n{number:03}")
    first = admin.get("/desk/audit").text
    assert first.count("<tr><td>") == 50
    assert first.index("user n119") < first.index("user n118")
    assert 'href="/desk/audit?page=2">Older entries' in first and "Newer entries" not in first
    third = admin.get("/desk/audit?page=3").text
    assert third.count("<tr><td>") == 122 - 100  # two more: the admin's creation and login
    assert "Older entries" not in third and 'href="/desk/audit?page=2">Newer' in third
    for page in ("0", "-1", "x", "99999999999999999999"):
        assert admin.get(f"/desk/audit?page={page}").status_code == 400


def test_staff_actions_are_in_the_audit_log(admin: TestClient) -> None:
    page = admin.get("/desk/audit").text
    entries = [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr><td>.*?</tr>", page)
    ]
    assert [entry[1:] for entry in entries] == [
        ["root", "login", "user root", "", "testclient"],
        ["test", "user.added", "user root", "role admin", ""],
    ]


def test_markup_typed_at_the_login_form_is_shown_as_text(
    settings: Settings, database: Database, admin: TestClient
) -> None:
    reader = browser(settings, database)
    name = '"><script>alert(1)</script>'
    refused = log_in(reader, name, "x", next_path='/desk"><script>alert(2)</script>')
    assert refused.status_code == 401
    assert "<script>" not in refused.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in refused.text
    page = reader.get("/login", params={"next": '/desk?"><script>alert(3)</script>'})
    assert "<script>" not in page.text and "&lt;script&gt;alert(3)" in page.text
    log = admin.get("/desk/audit").text  # the failed login, with the name as typed
    assert "<script>" not in log and "user &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in log


def test_a_user_name_is_shown_as_text(settings: Settings, database: Database) -> None:
    """Names made by gazette/accounts.py cannot hold markup; one that reached the database
    another way is still shown as text."""
    from gazette import accounts
    from gazette.errors import InputError

    with pytest.raises(InputError), database.transaction() as session:
        accounts.add_user(session, "<img src=x onerror=alert(1)>", "editor", PASSWORD, "test")
    with database.transaction() as session:
        hash_ = accounts.hash_password(PASSWORD)
        session.add(User(name="<img src=x onerror=alert(1)>", role="admin", password_hash=hash_))
    client = browser(settings, database)
    assert log_in(client, "<img src=x onerror=alert(1)>").status_code == 303
    for page in ("/desk", "/desk/audit"):
        html = client.get(page).text
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_form_of_the_desk_needs_a_login(
    settings: Settings, database: Database, editor: TestClient
) -> None:
    """A reader who sends a desk form (with a good form token) is refused 401, not sent to log
    in; an editor's goes through. The desk's actions are routes like this one."""
    extra = APIRouter(prefix="/desk", dependencies=[Depends(require_editor)])
    extra.add_api_route("/try", lambda: {"done": True}, methods=["POST"])
    reader = browser(settings, database)
    for client in (reader, editor):
        client.app.include_router(extra)
    refused = reader.post("/desk/try", data={"csrf_token": form_token(reader, "/login")})
    assert refused.status_code == 401 and "Log in to the desk first" in refused.text
    done = editor.post("/desk/try", data={"csrf_token": form_token(editor, "/desk")})
    assert done.status_code == 200


def test_the_desk_pages_carry_the_security_headers(editor: TestClient) -> None:
    for page in ("/desk", "/login"):
        response = editor.get(page)
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["cache-control"] == "no-store"
        assert not re.search(r"<script|\sstyle=|\son[a-z]+=", response.text)
        assert re.search(r'href="/static/desk\.[0-9a-f]{8}\.css"', response.text)


def test_the_queue_counts_every_version_waiting_beyond_those_it_lists(
    editor: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The heading's count is what waits, as `gazette run` and `gazette status` count it, not
    the length of the list (the newest QUEUE_LENGTH)."""
    monkeypatch.setattr(routes, "QUEUE_LENGTH", 1)
    newsroom(database)
    page = editor.get("/desk").text
    assert "Waiting for review (2)" in page
    assert len(rows(page, "waiting")) == 1
    assert "Listed here: the newest 1." in page


@pytest.mark.parametrize("path", ["/desk/story/999999", "/desk/story/999999/reports"])
def test_a_desk_page_that_is_not_there_leads_back_to_the_queue(
    editor: TestClient, path: str
) -> None:
    response = editor.get(path)
    assert response.status_code == 404
    assert '<a href="/desk">Back to the queue</a>' in response.text
    assert "Back to the latest stories" not in response.text


def test_the_queue_names_the_stories_the_pipeline_is_writing_again(
    editor: TestClient, database: Database
) -> None:
    """A story whose reports an editor moved, merged or split leaves the list until it is
    written again: the queue says where it went rather than lose it."""
    ids = newsroom(database)
    with database.transaction() as session:
        moved = add_story(session, "moved", [Version("Ferry timetable changes", None)])
        moved.state = StoryState.CLUSTERED.value
        published = session.get(Story, ids["older"])
        published.state = StoryState.CLUSTERED.value  # readers' version listed as published
    page = editor.get("/desk").text
    line = page.split('id="rewriting"', 1)[1].split("</p>", 1)[0]
    assert f'href="/desk/story/{moved.id}/reports"' in line
    assert "Ferry timetable changes" in line
    assert "Harbour fair opens" not in line
    assert "Waiting for review (2)" in page
    # one that now has nothing to write from is named too, as such
    with database.transaction() as session:
        session.get(Story, moved.id).state = StoryState.UNWRITTEN.value
    page = editor.get("/desk").text
    assert 'id="rewriting"' not in page
    stuck = page.split('id="unwritten"', 1)[1].split("</p>", 1)[0]
    assert f'href="/desk/story/{moved.id}/reports"' in stuck and "Ferry timetable" in stuck
