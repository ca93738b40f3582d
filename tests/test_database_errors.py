"""A database Gazette cannot use: read-only, in a folder it cannot write, not a database at all,
or locked by another process. Each is one line and exit 2, and what was stored is untouched.

The permission cases use real files whose writes are refused: by their mode for an ordinary
user; for root, whom modes do not stop, by the immutable attribute (`chattr +i`), which stops
root too. Where neither can be set, those tests are skipped.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harbour import FEED
from helpers import assert_one_line_error
from typer.testing import CliRunner

import gazette.db.engine as engine
from gazette.cli import app

runner = CliRunner()


@pytest.fixture
def site(workdir: Path) -> Path:
    """A folder set up with `gazette init`, following one local feed."""
    (workdir / "feed.xml").write_text(FEED)
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["sources", "add", "feed.xml", "--kind", "feed"]).exit_code == 0
    return workdir


def _refuses_writes(path: Path) -> bool:
    try:
        if path.is_dir():
            (path / "probe").touch()
            (path / "probe").unlink()
        else:
            path.open("ab").close()
    except PermissionError:
        return True
    return False


@pytest.fixture
def deny_writes() -> Iterator[Callable[[Path], None]]:
    """Make a file or folder refuse this process's writes, as said above; undone afterwards."""
    undo: list[Callable[[], object]] = []

    def deny(path: Path) -> None:
        if os.geteuid() != 0:
            mode = path.stat().st_mode
            path.chmod(0o555 if path.is_dir() else 0o444)
            undo.append(lambda: path.chmod(mode))
        else:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"running as root, and chattr +i is refused: {done.stderr.strip()}")
            undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=True))
        if not _refuses_writes(path):
            pytest.skip(f"{path} still takes writes on this file system")

    yield deny
    for step in reversed(undo):
        step()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_read_only_database_file(site: Path, deny_writes: Callable[[Path], None]) -> None:
    database = site / "gazette.db"
    deny_writes(database)
    before = digest(database)
    assert runner.invoke(app, ["sources", "list"]).exit_code == 0  # reading it is fine
    for command in (["sources", "add", "https://example.com/feed.xml", "--kind", "feed"], ["run"]):
        result = runner.invoke(app, command)
        assert_one_line_error(result, f"the database {database} is read-only")
    assert digest(database) == before


def test_a_database_folder_without_write_permission(
    site: Path, deny_writes: Callable[[Path], None]
) -> None:
    database = site / "gazette.db"
    before = digest(database)
    deny_writes(site)
    for command in (["sources", "list"], ["run"]):
        result = runner.invoke(app, command)
        assert_one_line_error(result, f"cannot write in the folder of the database {database}")
    assert digest(database) == before
    assert sorted(p.name for p in site.iterdir()) == ["feed.xml", "gazette.db", "gazette.toml"]


def test_a_file_that_is_not_a_database(workdir: Path) -> None:
    text = "notes, not a database\n" * 200
    (workdir / "gazette.toml").write_text("")
    (workdir / "gazette.db").write_text(text)
    for command in (["sources", "list"], ["run"], ["story", "1"], ["init"]):
        result = runner.invoke(app, command)
        assert_one_line_error(result, f"{workdir / 'gazette.db'} is not a SQLite database")
    assert (workdir / "gazette.db").read_text() == text  # not even `init` replaces it
    assert sorted(p.name for p in workdir.iterdir()) == ["gazette.db", "gazette.toml"]


def test_a_database_locked_by_another_process(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer holds the lock for longer than Gazette waits (shortened here from ten
    seconds to a fraction of one): the command says so, changes nothing, and works once the
    lock is gone."""
    (workdir / "feed.xml").write_text(FEED)
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["sources", "add", "feed.xml", "--kind", "feed"]).exit_code == 0
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_SECONDS", 0.3)
    other = sqlite3.connect(workdir / "gazette.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        (workdir / "other.xml").write_text(FEED)
        for command in (["run"], ["sources", "add", "other.xml", "--kind", "feed"]):
            result = runner.invoke(app, command)
            assert_one_line_error(
                result,
                f"the database {workdir / 'gazette.db'} is locked",
                "another Gazette process",
                "try again",
            )
        assert runner.invoke(app, ["sources", "list"]).exit_code == 0  # readers are not held up
    finally:
        other.execute("ROLLBACK")
        other.close()
    with sqlite3.connect(workdir / "gazette.db") as connection:
        assert connection.execute("SELECT count(*) FROM sources").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    assert runner.invoke(app, ["sources", "add", "other.xml", "--kind", "feed"]).exit_code == 0
