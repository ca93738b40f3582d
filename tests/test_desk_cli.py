"""`gazette desk list|publish|hold|unpublish`: the editor's decisions from a terminal, on a real
SQLite file, recorded in the audit log as the system user."""

from __future__ import annotations

import pytest
from review_story import harbour_story
from sqlalchemy import select
from typer.testing import CliRunner

from gazette.audit import command_line_actor
from gazette.cli import app
from gazette.db import Database
from gazette.db.models import AuditEntry, Story
from gazette.db.states import StoryState

runner = CliRunner()


@pytest.fixture
def desk(database: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`gazette --database URL desk ...` on the test's database."""
    for name in ("GAZETTE_CONFIG", "GAZETTE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--database", database.url, "desk", *args])

    return run


def story(database: Database, story_id: int) -> Story:
    with database.session() as session:
        return session.get(Story, story_id)


def test_list_publish_hold_and_unpublish(desk, database: Database) -> None:  # type: ignore[no-untyped-def]
    waiting = harbour_story(database, published=False)
    live = harbour_story(database)
    listed = desk("list")
    assert listed.exit_code == 0
    rows = [line for line in listed.output.splitlines() if "Calder ferries" in line]
    cells = [cell.strip() for cell in rows[0].strip("│ ").split("│")] if len(rows) == 1 else []
    assert cells[:4] == [str(waiting), "v1", "nothing", "waiting"]

    held = desk("hold", str(waiting))
    assert held.exit_code == 0 and f"held story {waiting}" in held.output
    assert "held" in desk("list").output
    published = desk("publish", str(waiting))
    assert published.exit_code == 0, published.output
    assert f"published story {waiting}: readers see v1" in published.output
    assert story(database, waiting).state == StoryState.PUBLISHED
    assert "nothing waits for an editor" in desk("list").output

    gone = desk("unpublish", str(live), "--reason", "wrong event")
    assert gone.exit_code == 0 and "withdrawn" in gone.output
    assert story(database, live).withdrawn_at is not None
    assert "withdrawn" in desk("list").output

    with database.session() as session:
        entries = session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.detail)
        ).all()
    actor = command_line_actor()
    assert [tuple(e) for e in entries] == [
        (actor, "story.held", f"story {waiting}", ""),
        (actor, "story.published", f"story {waiting}", "v1"),
        (actor, "story.unpublished", f"story {live}", "wrong event"),
    ]


def test_refusals_are_one_line_errors(desk, database: Database) -> None:  # type: ignore[no-untyped-def]
    live = harbour_story(database)
    again = desk("publish", str(live))
    assert again.exit_code == 2
    assert f"error: story {live} is already published: readers see v1" in again.output
    missing = desk("hold", "99999999999999999999")
    assert missing.exit_code == 2 and "there is no story 99999999999999999999" in missing.output
    assert desk("unpublish", "424242").exit_code == 2
    assert "Traceback" not in again.output + missing.output
