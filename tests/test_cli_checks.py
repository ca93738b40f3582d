"""What an operator types that Gazette cannot use: impossible intervals and ids, a folder that
is not set up, a missing database file. Each ends in one line naming the problem and exit 2,
never a traceback, and nothing stored changes."""

from __future__ import annotations

import json
import math
import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from harbour import FEED, PAGE
from helpers import assert_one_line_error
from sqlalchemy import delete, update
from typer.testing import CliRunner

from gazette import __version__
from gazette.cli import app
from gazette.db import Database
from gazette.db.models import Source, utcnow
from gazette.sources import add_source
from gazette.sources.poll import poll_interval
from gazette.sources.registry import source_status

runner = CliRunner()

HUGE = "999999999999999999999"  # more than any 64-bit integer


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


@pytest.fixture
def site(workdir: Path) -> Path:
    """A folder set up with `gazette init` that follows one local feed."""
    (workdir / "feed.xml").write_text(FEED)
    assert invoke("init").exit_code == 0
    assert invoke("sources", "add", "feed.xml", "--kind", "feed").exit_code == 0
    return workdir


def stored_interval(folder: Path) -> object:
    with sqlite3.connect(folder / "gazette.db") as connection:
        return connection.execute("SELECT interval_minutes FROM sources").fetchone()[0]


# --- intervals ---------------------------------------------------------------------------

BAD_INTERVALS = ["1e400", "inf", "-inf", "nan", "0", "-5", "1e9"]


@pytest.mark.parametrize("interval", BAD_INTERVALS)
def test_an_interval_that_is_not_a_sane_number_of_minutes_is_refused(
    site: Path, interval: str
) -> None:
    assert invoke("sources", "update", "1", "--interval", "15").exit_code == 0
    update = invoke("sources", "update", "1", "--interval", interval)
    assert_one_line_error(update, "interval", "finite", "at most 525600")
    assert stored_interval(site) == 15.0  # unchanged
    (site / "other.xml").write_text(FEED)
    add = invoke("sources", "add", "other.xml", "--kind", "feed", "--interval", interval)
    assert_one_line_error(add, "interval", "finite")
    assert len(json.loads(invoke("sources", "list", "--json").stdout)) == 1  # nothing added


def test_a_stored_infinite_interval_is_ignored_and_said_so(site: Path) -> None:
    """A database written before intervals were checked may hold one: runs go on with the
    default interval, and `sources list` says the stored value is ignored."""
    with sqlite3.connect(site / "gazette.db") as connection:
        connection.execute("UPDATE sources SET interval_minutes = ?", (float("inf"),))
    assert stored_interval(site) == float("inf")
    (site / "crane.html").write_text(PAGE)
    first = invoke("run")
    assert first.exit_code == 0 and "1 read, 1 new articles" in first.stdout, first.output
    second = invoke("run")  # read just now: not due again under the default 30 minutes
    assert second.exit_code == 0 and "0 read" in second.stdout, second.output
    listing = invoke("sources", "list", "--json")
    assert listing.exit_code == 0
    (row,) = json.loads(listing.stdout, parse_constant=lambda name: pytest.fail(name))
    assert row["interval_minutes"] is None and row["ignored_interval"] == "inf"
    table = invoke("sources", "list")
    assert (
        "source 1: its stored interval (inf minutes) is not usable and is ignored" in table.stdout
    )


@pytest.mark.parametrize("stored", [math.inf, -math.inf, math.nan, 1e300, -5.0, 0.0])
def test_stored_unusable_intervals_count_as_unset_on_each_database(
    each_database_url: str, stored: float
) -> None:
    database = Database(each_database_url)
    database.migrate()
    now = utcnow()
    with database.transaction() as session:
        source = add_source(session, f"https://{uuid.uuid4().hex}.example/feed.xml")
        session.execute(
            update(Source)
            .where(Source.id == source.id)
            .values(interval_minutes=stored, last_fetched_at=now - timedelta(minutes=20))
        )
    try:
        with database.session() as session:
            stored_source = session.get(Source, source.id)
            assert stored_source is not None
            kept = stored_source.interval_minutes  # SQLite stores NaN as NULL: unset already
            # the default applies
            assert poll_interval(stored_source, default_minutes=15) == timedelta(minutes=15)
            status = source_status(stored_source)
    finally:  # the PostgreSQL schema is shared by the session's tests
        with database.transaction() as session:
            session.execute(delete(Source).where(Source.id == source.id))
        database.dispose()
    json.dumps(status, allow_nan=False)  # strict JSON, as the API and `sources list` print it
    assert status["interval_minutes"] is None
    assert status["ignored_interval"] == (None if kept is None else str(kept))


# --- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["story", HUGE], f"there is no story {HUGE}"),
        (["checks", HUGE], f"no article for story {HUGE}"),
        (["checks", "1", "--version", HUGE], f"no article for version {HUGE} of story 1"),
        (["sources", "update", HUGE, "--name", "x"], f"no source with id or URL '{HUGE}'"),
        (["sources", "remove", HUGE], f"no source with id or URL '{HUGE}'"),
        (["sources", "remove", "²"], "no source with id or URL '²'"),
    ],
)
def test_an_id_no_row_can_have_is_simply_not_found(
    site: Path, command: list[str], message: str
) -> None:
    assert_one_line_error(invoke(*command), message)
    assert len(json.loads(invoke("sources", "list", "--json").stdout)) == 1


# --- the version ---------------------------------------------------------------------------


def test_version_needs_no_command() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"gazette {__version__}"


# --- a folder that is not set up ---------------------------------------------------------

DATABASE_COMMANDS = [
    ["run"],
    ["sources", "list"],
    ["sources", "add", "feed.xml"],
    ["sources", "update", "1", "--name", "x"],
    ["sources", "remove", "1"],
    ["sources", "import", "feed.xml"],
    ["sources", "export"],
    ["story", "1"],
    ["checks", "1"],
]


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_a_command_on_the_database_refuses_a_folder_that_is_not_set_up(
    workdir: Path, command: list[str]
) -> None:
    (workdir / "feed.xml").write_text(FEED)
    result = invoke(*command)
    assert_one_line_error(
        result, f"no gazette.toml in {workdir}", "gazette init", "--config", "--database"
    )
    assert sorted(p.name for p in workdir.iterdir()) == ["feed.xml"]  # no database left behind


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_refuses_a_folder_that_is_not_set_up(workdir: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith("GAZETTE_")}
    command = [sys.executable, "-m", "gazette", "serve", "--port", str(free_port())]
    result = subprocess.run(
        command, cwd=workdir, env=environment, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: no gazette.toml in {workdir}")
    assert list(workdir.iterdir()) == []


def test_a_database_named_in_the_environment_is_enough(
    workdir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "news.db"
    url = f"sqlite:///{elsewhere}"
    assert invoke("--database", url, "init", "--no-write-config").exit_code == 0
    monkeypatch.setenv("GAZETTE_DATABASE_URL", url)
    assert invoke("sources", "list").exit_code == 0
    assert list(workdir.iterdir()) == []


def test_only_init_creates_a_missing_database_file(workdir: Path) -> None:
    (workdir / "gazette.toml").write_text('database_url = "sqlite:///data/news.db"\n')
    (workdir / "data").mkdir()
    for command in (["sources", "list"], ["run"], ["--database", "sqlite:///other.db", "run"]):
        assert_one_line_error(invoke(*command), "database file not found", "gazette init")
    assert list((workdir / "data").iterdir()) == [] and not (workdir / "other.db").exists()
    assert invoke("init").exit_code == 0
    assert (workdir / "data" / "news.db").is_file()
    assert invoke("sources", "list").exit_code == 0


def test_the_file_commands_need_no_set_up(workdir: Path) -> None:
    (workdir / "in.jsonl").write_text(
        '{"id": 1, "title": "Harbour crane collapses in storm", "text": "A crane fell."}\n'
    )
    result = invoke("cluster", "--input", "in.jsonl", "--output", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in workdir.iterdir()) == ["in.jsonl", "out.jsonl"]
