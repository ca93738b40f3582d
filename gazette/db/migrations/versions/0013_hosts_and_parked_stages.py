"""hosts and parked stages: per-host leases and robots.txt shared by every worker, each
document's host, and the failure of a stage's step that parks the stage

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:36:28.312568
"""

from collections.abc import Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hosts",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("holder", sa.String(length=300), nullable=True),
        sa.Column("next_request_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_hosts")),
    )
    op.create_table(
        "robots_files",
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_robots_files")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_host"), ["host"], unique=False)
    with op.batch_alter_table("stage_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
    # Documents still waiting to be fetched get their host (the others are never fetched again).
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("url", sa.String),
        sa.column("status", sa.String),
        sa.column("host", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(documents.c.id, documents.c.url).where(documents.c.status == "discovered")
    ).all()
    for document_id, url in rows:
        try:
            host = (urlsplit(url).hostname or "")[:255]
        except ValueError:
            host = ""
        connection.execute(
            documents.update().where(documents.c.id == document_id).values(host=host)
        )


def downgrade() -> None:
    with op.batch_alter_table("stage_states", schema=None) as batch_op:
        batch_op.drop_column("retry_at")
        batch_op.drop_column("failed_at")
        batch_op.drop_column("failures")
        batch_op.drop_column("error")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_host"))
        batch_op.drop_column("host")
    op.drop_table("robots_files")
    op.drop_table("hosts")
