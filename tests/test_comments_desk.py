"""Moderating comments on the desk (`/desk/comments`) and from the command line (`gazette
comments`): approve, reject, reject and block the address, delete, unblock; each in the audit
log; none possible without a login or from another site; what readers typed shown as text."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from forms import token_in
from readers import post_comment, published_story, reader, site_settings, stored
from sqlalchemy import select
from staff import add_user, browser, log_in, logged_in
from typer.testing import CliRunner

from gazette.cli import app
from gazette.config import Settings, load_settings
from gazette.db import Database
from gazette.db.models import AuditEntry, BlockedAddress, CommentStatus

SPAMMER = "192.0.2.66"


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return site_settings(sqlite_url, require_approval=True)


@pytest.fixture
def story(database: Database) -> str:
    return published_story(database)


@pytest.fixture
def editor(settings: Settings, database: Database) -> TestClient:
    return logged_in(settings, database)


def queue(client: TestClient, status: str = "pending") -> str:
    response = client.get(f"/desk/comments?status={status}")
    assert response.status_code == 200
    return response.text


def moderate(client: TestClient, comment_id: int, action: str, status: str = "pending"):  # type: ignore[no-untyped-def]
    """Press the button `action` of the comment on the queue page, as the editor would."""
    page = queue(client, status)
    form = re.search(
        rf'<form method="post" action="(/desk/comments/{comment_id}/{action})">(.*?)</form>',
        page,
        re.S,
    )
    assert form, f"no {action} button for comment {comment_id}"
    return client.post(
        form.group(1), data={"csrf_token": token_in(form.group(2)), "status": status}
    )


def actions(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(r.actor, r.action, r.target) for r in rows if r.action.startswith("comment.")]


def status_of(database: Database) -> dict[str, str]:
    return {c.body: c.status for c in stored(database)}


def test_a_held_comment_is_approved_and_readers_see_it(
    settings: Settings, database: Database, story: str, editor: TestClient
) -> None:
    post_comment(reader(settings, database), story, "Worth the wait.", name="Lee")
    page = queue(editor)
    assert "Worth the wait." in page and "Waiting (1)" in page
    comment_id = stored(database)[0].id
    done = moderate(editor, comment_id, "approve")
    assert done.status_code == 303
    after = editor.get(done.headers["location"]).text
    assert f"Comment {comment_id} is approved: readers see it." in after
    assert "No comment waits for a moderator." in after
    assert "Worth the wait." in reader(settings, database).get(story).text
    assert actions(database) == [("ann", "comment.approved", f"comment {comment_id} on story 1")]
    with database.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "comment.approved"))
        assert entry.detail == "by Lee: Worth the wait." and entry.address == "testclient"


def test_a_rejected_comment_is_kept_on_the_desk_but_never_shown(
    sqlite_url: str, database: Database, story: str
) -> None:
    settings = site_settings(sqlite_url)  # published at once
    add_user(database, "ann")
    editor = browser(settings, database)
    log_in(editor, "ann")
    post_comment(reader(settings, database), story, "Rude words.")
    assert "Rude words." in reader(settings, database).get(story).text
    comment_id = stored(database)[0].id
    assert moderate(editor, comment_id, "reject", status="visible").status_code == 303
    assert "Rude words." not in reader(settings, database).get(story).text
    assert "Rude words." in queue(editor, "rejected")
    assert status_of(database) == {"Rude words.": CommentStatus.REJECTED}
    assert [a[1] for a in actions(database)] == ["comment.rejected"]


def test_reject_and_block_refuses_the_address_and_clears_its_queue(
    settings: Settings, database: Database, story: str, editor: TestClient
) -> None:
    spammer = reader(settings, database, SPAMMER)
    for text in ("Spam one.", "Spam two.", "Spam three."):
        post_comment(spammer, story, text)
    post_comment(reader(settings, database), story, "A real reader.")
    first = stored(database)[0].id
    page = queue(editor)
    assert "(3 comments)" in page
    done = moderate(editor, first, "block")
    notice = editor.get(done.headers["location"]).text
    assert (
        "its address is blocked" in notice and "2 more waiting comments from it rejected" in notice
    )
    assert status_of(database) == {
        "Spam one.": "rejected",
        "Spam two.": "rejected",
        "Spam three.": "rejected",
        "A real reader.": "pending",
    }
    refused = post_comment(spammer, story, "Spam four.")
    assert refused.status_code == 403
    assert [a[1] for a in actions(database)] == ["comment.rejected", "comment.blocked"]
    with database.session() as session:
        blocked = session.scalars(select(BlockedAddress)).all()
    assert len(blocked) == 1 and SPAMMER not in blocked[0].address_hash
    # undone from the rejected list
    assert moderate(editor, first, "unblock", status="rejected").status_code == 303
    assert post_comment(spammer, story, "Sorry.").status_code == 303
    assert actions(database)[-1][1] == "comment.unblocked"


def test_a_deleted_comment_is_gone_and_the_log_keeps_its_start(
    settings: Settings, database: Database, story: str, editor: TestClient
) -> None:
    post_comment(reader(settings, database), story, "Delete me " + "please " * 100)
    comment_id = stored(database)[0].id
    assert moderate(editor, comment_id, "delete").status_code == 303
    assert stored(database) == []
    with database.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "comment.deleted"))
    assert entry.actor == "ann" and entry.detail.startswith("by Reader: Delete me please")
    assert len(entry.detail) < 300


def test_moderating_what_is_not_there_is_a_clear_404(
    editor: TestClient, settings: Settings, database: Database, story: str
) -> None:
    post_comment(reader(settings, database), story, "Here.")
    token = token_in(queue(editor))
    for path in (
        "/desk/comments/999/approve",
        "/desk/comments/abc/reject",
        "/desk/comments/99999999999999999999/delete",
        "/desk/comments/1/frobnicate",
    ):
        response = editor.post(path, data={"csrf_token": token})
        assert response.status_code == 404, path
        assert "There is no" in response.text
    assert editor.get("/desk/comments?status=nonsense").status_code == 400
    assert editor.get("/desk/comments?page=0").status_code == 400


def test_moderation_needs_a_login(
    settings: Settings, database: Database, story: str, editor: TestClient
) -> None:
    post_comment(reader(settings, database), story, "Waiting.")
    comment_id = stored(database)[0].id
    anonymous = browser(settings, database)
    page = anonymous.get("/desk/comments")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/desk/comments"
    token = token_in(anonymous.get(story).text)  # a reader's good token opens nothing here
    for action in ("approve", "reject", "block", "delete"):
        response = anonymous.post(
            f"/desk/comments/{comment_id}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 401
    assert status_of(database) == {"Waiting.": "pending"}
    assert actions(database) == []


@pytest.mark.parametrize(
    ("token", "headers"),
    [
        (None, {}),
        ("forged", {}),
        ("GOOD", {"Origin": "https://evil.example"}),
        ("GOOD", {"Referer": "https://evil.example/page"}),
        ("GOOD", {"Sec-Fetch-Site": "cross-site"}),
    ],
)
def test_moderation_refuses_forged_requests(
    settings: Settings,
    database: Database,
    story: str,
    editor: TestClient,
    token: str | None,
    headers: dict[str, str],
) -> None:
    post_comment(reader(settings, database), story, "Waiting.")
    comment_id = stored(database)[0].id
    good = token_in(queue(editor))
    data = {} if token is None else {"csrf_token": good if token == "GOOD" else token}
    response = editor.post(f"/desk/comments/{comment_id}/approve", data=data, headers=headers)
    assert response.status_code == 403
    assert status_of(database) == {"Waiting.": "pending"}
    assert actions(database) == []


def test_what_readers_typed_is_shown_as_text_on_the_desk(
    settings: Settings, database: Database, story: str, editor: TestClient
) -> None:
    name = '"><img src=x onerror=alert(1)>'
    body = "<script>alert('desk')</script><a href=javascript:alert(2)>x</a>"
    post_comment(reader(settings, database), story, body, name=name)
    page = queue(editor)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "<a href=javascript" not in page
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert body in shown and name in shown


runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder set up with `gazette init`, as the current directory."""
    monkeypatch.chdir(tmp_path)
    for variable in [n for n in os.environ if n.startswith("GAZETTE_")]:
        monkeypatch.delenv(variable)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return tmp_path


def test_the_command_line_lists_approves_rejects_and_deletes(folder: Path) -> None:
    settings = load_settings(folder / "gazette.toml")
    settings = settings.model_copy(
        update={"comments": settings.comments.model_copy(update={"require_approval": True})}
    )
    database = Database(settings.database_url)
    story = published_story(database)
    for text in ("First words.", "Second words.", "Third words."):
        post_comment(reader(settings, database, SPAMMER), story, text)
    first, second, third = (c.id for c in stored(database))

    listed = runner.invoke(app, ["comments", "list"])
    assert listed.exit_code == 0, listed.output
    assert "First words." in listed.output and "Third words." in listed.output
    approved = runner.invoke(app, ["comments", "approve", str(first)])
    assert approved.exit_code == 0 and f"comment {first} approved" in approved.output
    assert "First words." in reader(settings, database).get(story).text
    rejected = runner.invoke(app, ["comments", "reject", str(second), "--block"])
    assert rejected.exit_code == 0, rejected.output
    assert "its address is blocked and 1 more waiting comment from it rejected" in rejected.output
    assert status_of(database) == {
        "First words.": "visible",
        "Second words.": "rejected",
        "Third words.": "rejected",
    }
    assert (
        "Second words." in runner.invoke(app, ["comments", "list", "--status", "rejected"]).output
    )
    assert runner.invoke(app, ["comments", "delete", str(third)]).exit_code == 0
    assert len(stored(database)) == 2
    logged = actions(database)
    assert [a[1] for a in logged] == [
        "comment.approved",
        "comment.rejected",
        "comment.blocked",
        "comment.deleted",
    ]
    assert all(actor.startswith("cli") for actor, _, _ in logged)


@pytest.mark.parametrize(
    "args", [["approve", "999"], ["reject", "abc"], ["list", "--status", "spam"]]
)
def test_the_command_line_names_what_is_wrong(folder: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["comments", *args])
    assert result.exit_code == 2
    assert "no comment" in result.output or "unknown status 'spam'" in result.output
