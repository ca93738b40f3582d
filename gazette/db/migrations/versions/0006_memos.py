"""memos: sentence splits and sentence vectors kept between runs, addressed by text hash

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "memos",
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_index("ix_memos_created_at", "memos", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_memos_created_at", table_name="memos")
    op.drop_table("memos")
