"""Database access: one `Database` per process, sessions per unit of work, Alembic migrations."""

from gazette.db.engine import Database, normalise_url

__all__ = ["Database", "normalise_url"]
