"""What routes ask FastAPI for: the request's one database session, and the settings.

A route takes `ReadSession` or `WriteSession`, never both, and passes that session to every
query it makes: a request opens one session and one connection at most. Both close when the
route returns, before the response is sent, so a comment is committed before its redirect
reaches the reader. Error pages need no database at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from gazette.config import Settings
from gazette.db import Database


def _database(request: Request) -> Database:
    return request.app.state.database


def read_session(request: Request) -> Iterator[Session]:
    """A session for reading, closed when the route returns."""
    with _database(request).session() as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    """A transaction, committed when the route returns normally and rolled back when it
    raises."""
    with _database(request).transaction() as session:
        yield session


def settings(request: Request) -> Settings:
    return request.app.state.settings


ReadSession = Annotated[Session, Depends(read_session, scope="function")]
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
AppSettings = Annotated[Settings, Depends(settings)]
