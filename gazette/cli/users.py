"""`gazette users ...`: the newsroom's accounts for the desk (gazette/accounts.py does the work).

A password is never an argument, where the shell's history and `ps` would keep it: it is typed
at a prompt (twice), or read from the first line of standard input when that is not a terminal
(`generate-password | gazette users add ann`).
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from gazette import accounts, audit
from gazette.cli.base import app, out, reports_errors, state_of
from gazette.cli.listing import print_listing
from gazette.db.models import User
from gazette.errors import InputError, NotFound

users_app = typer.Typer(help="Add, list and remove the accounts that log in to the desk.")
app.add_typer(users_app, name="users")


def read_password(name: str) -> str:
    """The new password for `name`: typed twice at a terminal, or the first line of standard
    input. Refused with InputError when it is too weak."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {name}: ")
        accounts.check_password(password, name)
        if getpass.getpass("The same password again: ") != password:
            raise InputError("the two passwords differ; nothing was changed")
        return password
    password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not password:
        raise InputError("no password: type it at the prompt, or give it on standard input")
    return accounts.check_password(password, name)


@users_app.command("add")
@reports_errors
def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name: letters a-z, digits, . _ @ -.")],
    role: Annotated[
        str, typer.Option(help="editor (works on the desk) or admin (also reads the audit log).")
    ] = "editor",
) -> None:
    """Create an account; the password is asked for (or read from standard input)."""
    name, role = accounts.check_name(name), accounts.check_role(role)
    database = state_of(ctx).database()
    with database.session() as session:  # before the password is typed for nothing
        if accounts.find_user(session, name) is not None:
            raise InputError(f"there is already a user {name}")
    password = read_password(name)
    with database.transaction() as session:
        accounts.add_user(session, name, role, password, audit.command_line_actor())
    out.print(f"added {role} {name}")


@users_app.command("list")
@reports_errors
def users_list(ctx: typer.Context) -> None:
    """Show every account with its role, when it was made and when it last logged in."""
    with state_of(ctx).database().session() as session:
        users = accounts.list_users(session)
    empty = "no users yet: add one with `gazette users add NAME --role admin`"
    print_listing(users, ("name", "role", "created", "last login"), _row, empty)


def _row(user: User) -> tuple[str, ...]:
    last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never"
    return (user.name, user.role, f"{user.created_at:%Y-%m-%d %H:%M}", last)


@users_app.command("remove")
@reports_errors
def users_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The account's name.")]
) -> None:
    """Remove an account and end its logins (the audit log keeps what it did)."""
    with state_of(ctx).database().transaction() as session:
        accounts.remove_user(session, name, audit.command_line_actor())
    out.print(f"removed {accounts.normalise_name(name)}")


@users_app.command("password")
@reports_errors
def users_password(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The account's name.")]
) -> None:
    """Set a new password (asked for, or read from standard input); the account's logins end."""
    database = state_of(ctx).database()
    with database.session() as session:
        user = accounts.find_user(session, name)
        if user is None:
            raise NotFound(f"there is no user {accounts.normalise_name(name)[:80]!r}")
        name = user.name
    password = read_password(name)
    with database.transaction() as session:
        accounts.set_password(session, name, password, audit.command_line_actor())
    out.print(f"changed the password of {name}; every login of theirs has ended")
