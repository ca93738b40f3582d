"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

A model changed without a migration (a new table, a wider column) would work in a test that
creates tables from the models and fail on a user's upgraded database; this catches it.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gazette.db import Database
from gazette.db.models import Base
from gazette.db.search import UNMODELLED


def differences(database: Database) -> list:
    options = {
        "compare_type": True,
        "include_schemas": False,
        # The search index: an FTS5 table on SQLite, a tsvector column on PostgreSQL.
        "include_name": lambda name, _type, _parents: name not in UNMODELLED,
    }
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_matches_the_models(each_database_url: str) -> None:
    database = Database(each_database_url)
    database.migrate()
    try:
        assert differences(database) == []
    finally:
        database.dispose()
