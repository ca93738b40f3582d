"""`gazette users ...`: accounts made, listed, changed and removed from the command line, and
what that does to logins on the site."""

from __future__ import annotations

import os
import pty
import select
import sys
from pathlib import Path

import pytest
from sqlalchemy import select as select_rows
from staff import OTHER_PASSWORD, PASSWORD, browser, log_in
from typer.testing import CliRunner

from gazette.cli import app
from gazette.config import Settings, load_settings
from gazette.db import Database
from gazette.db.models import AuditEntry, User

runner = CliRunner()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder set up with `gazette init`, as the current directory."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("GAZETTE_")]:
        monkeypatch.delenv(name)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return tmp_path


def users(*args: str, password: str | None = None):  # type: ignore[no-untyped-def]
    """Run `gazette users ...` with `password` on its standard input (not a terminal)."""
    stdin = None if password is None else password + "\n"
    return runner.invoke(app, ["users", *args], input=stdin)


def settings_of(site: Path) -> Settings:
    return load_settings(site / "gazette.toml")


def database_of(site: Path) -> Database:
    return Database(settings_of(site).database_url)


def test_an_account_is_added_listed_and_hashed(site: Path) -> None:
    added = users("add", "Ann", "--role", "admin", password=PASSWORD)
    assert added.exit_code == 0, added.output
    assert "added admin ann" in added.output
    listed = users("list")
    assert "ann" in listed.output and "admin" in listed.output and "never" in listed.output
    with database_of(site).session() as session:
        user = session.scalar(select_rows(User))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert log_in(browser(settings_of(site), database_of(site)), "ann").status_code == 303
    assert "never" not in users("list").output  # the last login shows


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "no password"),
        ("short", "too short: use at least 10 characters"),
        ("aaaaaaaaaaaaaa", "repeats too few characters"),
        ("ann-is-my-login", "contains the user name"),
        ("Password123!", "one of the first that guessers try"),
        ("1234567890", "one of the first that guessers try"),
        ("x" * 1001, "too long"),
    ],
)
def test_a_weak_password_is_refused_with_a_reason(site: Path, password: str, message: str) -> None:
    result = users("add", "ann", password=password)
    assert result.exit_code == 2
    assert message in result.output
    assert "no users yet" in users("list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "<script>alert(1)</script>"], "is not allowed: use 1 to 64 letters"),
        (["add", "a b"], "is not allowed"),
        (["add", "ann", "--role", "owner"], "the role 'owner' does not exist: use editor or admin"),
        (["remove", "nobody"], "there is no user 'nobody'"),
        (["password", "nobody"], "there is no user 'nobody'"),
    ],
)
def test_bad_names_and_roles_are_refused(site: Path, args: list[str], message: str) -> None:
    result = users(*args, password=PASSWORD)
    assert result.exit_code == 2
    assert message in result.output


def test_a_name_taken_is_refused_before_the_password_is_asked_for(site: Path) -> None:
    assert users("add", "ann", password=PASSWORD).exit_code == 0
    again = users("add", "ANN")  # no standard input at all
    assert again.exit_code == 2 and "there is already a user ann" in again.output


def test_a_new_password_ends_every_login(site: Path) -> None:
    users("add", "ann", password=PASSWORD)
    first, second = (browser(settings_of(site), database_of(site)) for _ in range(2))
    for client in (first, second):
        assert log_in(client, "ann").status_code == 303
        assert client.get("/desk").status_code == 200
    changed = users("password", "ann", password=OTHER_PASSWORD)
    assert changed.exit_code == 0 and "every login of theirs has ended" in changed.output
    for client in (first, second):
        assert client.get("/desk").status_code == 303  # sent to log in again
    assert log_in(first, "ann", PASSWORD).status_code == 401
    assert log_in(first, "ann", OTHER_PASSWORD).status_code == 303


def test_a_removed_user_is_logged_out_and_cannot_log_in(site: Path) -> None:
    users("add", "ann", password=PASSWORD)
    client = browser(settings_of(site), database_of(site))
    log_in(client, "ann")
    removed = users("remove", "ann")
    assert removed.exit_code == 0 and "removed ann" in removed.output
    assert client.get("/desk").status_code == 303
    assert log_in(client, "ann").status_code == 401


def test_the_commands_write_the_audit_log(site: Path) -> None:
    users("add", "ann", password=PASSWORD)
    users("password", "ann", password=OTHER_PASSWORD)
    users("remove", "ann")
    with database_of(site).session() as session:
        entries = session.execute(
            select_rows(AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.detail)
        ).all()
    assert [tuple(entry)[1:] for entry in entries] == [
        ("user.added", "user ann", "role editor"),
        ("user.password", "user ann", "0 logins ended"),
        ("user.removed", "user ann", "editor"),
    ]
    assert all(entry.actor.startswith("cli") for entry in entries)


def typed_at_a_terminal(folder: Path, answers: list[str], *args: str) -> tuple[int, str]:
    """Run `gazette ARGS` on a pseudo-terminal of its own and type each answer at its prompts.
    Its exit code and everything it wrote on the terminal."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the terminal is its own, as in a shell
        os.chdir(folder)
        os.execve(sys.executable, [sys.executable, "-m", "gazette", *args], environment)
    seen, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([terminal], [], [], 30)
        assert ready, f"no output for 30 seconds: {seen!r}"
        try:
            chunk = os.read(terminal, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if pending and chunk.endswith(b": "):  # a prompt, waiting for its answer
            os.write(terminal, pending.pop(0).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_a_password_is_typed_twice_at_a_terminal_and_never_shown(site: Path) -> None:
    code, screen = typed_at_a_terminal(site, [PASSWORD, PASSWORD], "users", "add", "ann")
    assert code == 0, screen
    assert "Password for ann:" in screen and "The same password again:" in screen
    assert "added editor ann" in screen and PASSWORD not in screen
    code, screen = typed_at_a_terminal(site, [PASSWORD, OTHER_PASSWORD], "users", "add", "bob")
    assert code == 2 and "the two passwords differ" in screen
    code, screen = typed_at_a_terminal(site, ["short"], "users", "add", "bob")
    assert code == 2 and "too short" in screen
    assert "bob" not in users("list").output
