"""comment moderation: each comment's address as a keyed hash, who moderated it and when, the
addresses blocked; comments once "hidden" are "rejected"

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 15:22:16.343840
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocked_addresses",
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("blocked_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("address_hash"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("moderated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("moderated_by", sa.String(length=100), nullable=True))
        batch_op.create_index(
            "ix_comments_address_hash_created_at", ["address_hash", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_comments_status_created_at", ["status", "created_at"], unique=False
        )
    op.execute("UPDATE comments SET status = 'rejected' WHERE status = 'hidden'")


def downgrade() -> None:
    op.execute("UPDATE comments SET status = 'hidden' WHERE status = 'rejected'")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_status_created_at")
        batch_op.drop_index("ix_comments_address_hash_created_at")
        batch_op.drop_column("moderated_by")
        batch_op.drop_column("moderated_at")
        batch_op.drop_column("address_hash")
    op.drop_table("blocked_addresses")
