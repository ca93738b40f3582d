"""story threads

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_stories_thread_id"), ["thread_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_stories_thread_id_stories"), "stories", ["thread_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_stories_thread_id_stories"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_stories_thread_id"))
        batch_op.drop_column("thread_id")
