"""An empty, migrated database of each kind for one test: a SQLite file, or a PostgreSQL schema
of its own, dropped afterwards (for tests whose stories must not meet another test's)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from conftest import POSTGRES_URL
from sqlalchemy import create_engine, text

from gazette.db import Database


def fresh_database(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Database]:
    """For a fixture parametrized with "sqlite" and "postgresql"."""
    if request.param == "sqlite":
        database = Database(sqlite_url)
        database.migrate()
        yield database
        database.dispose()
        return
    request.getfixturevalue("postgres_url")  # skips, or fails in CI, without PostgreSQL
    schema = f"fresh_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    database = Database(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        database.migrate()
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
