"""INSERT ... ON CONFLICT for the database in use.

Rows that several workers may create at once (a tag, a host, a feed's new URL, a memo, a
stage's counter) are inserted with ON CONFLICT, so that the second insert is ignored or updates
instead of failing its worker's whole batch. PostgreSQL and SQLite both have the clause, each
through its own dialect's `insert`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(bind: Engine | Connection, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` (a mapped class or a Table) that has `on_conflict_do_nothing` and
    `on_conflict_do_update`, for the database `bind` talks to."""
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
