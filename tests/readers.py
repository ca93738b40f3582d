"""Readers in a test: a published story on a site of the test's own, browsers that come from
an address of their choosing, and posting the comment form as a browser does."""

from __future__ import annotations

from typing import Any

from conftest import demo_settings
from fastapi.testclient import TestClient
from forms import token_in
from httpx import Response
from newsroom import START, Version, add_story
from sqlalchemy import select

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Comment
from gazette.web import create_app


def site_settings(database_url: str, **comments: object) -> Settings:
    """The demo's settings on `database_url`, with these `[comments]` settings."""
    settings = demo_settings(database_url)
    return settings.model_copy(update={"comments": settings.comments.model_copy(update=comments)})


def published_story(database: Database, key: str = "harbour") -> str:
    """A published story; the path of its page."""
    with database.transaction() as session:
        story = add_story(session, key, [Version(f"Harbour {key} reopens", START)])
        return f"/story/{story.id}/{story.slug}"


def reader(settings: Settings, database: Database, address: str = "203.0.113.7") -> TestClient:
    """A browser of its own, connecting from `address`."""
    return TestClient(
        create_app(settings, database), follow_redirects=False, client=(address, 50000)
    )


def post_comment(
    client: TestClient, story: str, body: str, name: str = "Reader", **fields: Any
) -> Response:
    """Send the comment form of the story's page, with its token, as a browser does."""
    page = client.get(story)
    action = story.rsplit("/", 1)[0] + "/comments"
    data = {"name": name, "body": body, "website": "", "csrf_token": token_in(page.text)}
    return client.post(action, data={**data, **fields})


def stored(database: Database) -> list[Comment]:
    with database.session() as session:
        return list(session.scalars(select(Comment).order_by(Comment.id)))
