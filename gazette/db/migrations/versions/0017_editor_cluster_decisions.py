"""editor cluster decisions: reports an editor placed (pinned), stories an editor keeps apart

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("story_members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "story_separations",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_id"], ["stories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("story_id", "other_id"),
    )
    op.create_index("ix_story_separations_other_id", "story_separations", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_story_separations_other_id", table_name="story_separations")
    op.drop_table("story_separations")
    with op.batch_alter_table("story_members", schema=None) as batch_op:
        batch_op.drop_column("pinned")
