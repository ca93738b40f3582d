"""tag decisions: an editor's rename, merge or hiding of a tag, by its slug, which the tag stage
honours each time it tags a story

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 13:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tag_decisions",
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("merged_into", sa.String(length=100), nullable=True),
        sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    op.create_index("ix_tag_decisions_merged_into", "tag_decisions", ["merged_into"])


def downgrade() -> None:
    op.drop_index("ix_tag_decisions_merged_into", table_name="tag_decisions")
    op.drop_table("tag_decisions")
