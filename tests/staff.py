"""The newsroom's staff in a test: accounts made through gazette/accounts.py, and logging in
through the site's own login form, as a browser does."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from forms import form_token
from httpx import Response

from gazette import accounts
from gazette.config import Settings
from gazette.db import Database
from gazette.web import create_app

PASSWORD = "a long and quiet harbour"
OTHER_PASSWORD = "seven ferries at dawn"


def add_user(database: Database, name: str, role: str = "editor", password: str = PASSWORD) -> None:
    with database.transaction() as session:
        accounts.add_user(session, name, role, password, "test")


def log_in(
    client: TestClient, name: str, password: str = PASSWORD, next_path: str = "", **options: Any
) -> Response:
    """Send the login form (its token from the login page); the response, not followed."""
    data = {"name": name, "password": password, "next": next_path}
    data["csrf_token"] = form_token(client, "/login")
    return client.post("/login", data=data, follow_redirects=False, **options)


def logged_in(
    settings: Settings, database: Database, name: str = "ann", role: str = "editor"
) -> TestClient:
    """A browser of its own with a new member of the staff logged in through the login form:
    what the desk's tests call `editor` (or `admin`)."""
    add_user(database, name, role=role)
    client = browser(settings, database)
    assert log_in(client, name).status_code == 303
    return client


def browser(settings: Settings, database: Database, **options: Any) -> TestClient:
    """A browser of its own (its own cookies) on the site."""
    return TestClient(create_app(settings, database), follow_redirects=False, **options)


def with_desk(settings: Settings, **desk: object) -> Settings:
    return settings.model_copy(update={"desk": settings.desk.model_copy(update=desk)})
