"""search entries: the searchable text of published stories, and its full-text index

SQLite gets an FTS5 table over `search_entries` (external content, kept in step by triggers);
PostgreSQL a weighted `tsvector` column computed from the same text, with a GIN index. Neither
can be described by the models, so gazette/db/search.py names them for the schema comparison.
The entries themselves are written by the publish stage, which fills in every published story
on its first step after this upgrade.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "headline, summary, body, tags"
SQLITE_INDEX = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5({FTS_COLUMNS}, content='search_entries',
        content_rowid='story_id', tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
        INSERT INTO search_fts(rowid, {FTS_COLUMNS})
        VALUES (new.story_id, new.headline, new.summary, new.body, new.tags); END""",
    f"""CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.story_id, old.headline, old.summary, old.body, old.tags); END""",
    f"""CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.story_id, old.headline, old.summary, old.body, old.tags);
        INSERT INTO search_fts(rowid, {FTS_COLUMNS})
        VALUES (new.story_id, new.headline, new.summary, new.body, new.tags); END""",
]
POSTGRES_INDEX = [
    """ALTER TABLE search_entries ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', headline), 'A')
        || setweight(to_tsvector('english', tags), 'B')
        || setweight(to_tsvector('english', summary), 'B')
        || setweight(to_tsvector('english', body), 'C')) STORED""",
    "CREATE INDEX ix_search_entries_document ON search_entries USING gin (document)",
]


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("story_id"),
    )
    op.create_index("ix_search_entries_article_id", "search_entries", ["article_id"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_INDEX if dialect == "sqlite" else POSTGRES_INDEX:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")  # its triggers go with search_entries
    op.drop_index("ix_search_entries_article_id", table_name="search_entries")
    op.drop_table("search_entries")
