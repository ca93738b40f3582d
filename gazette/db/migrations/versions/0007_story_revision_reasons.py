"""story revision reasons: why a story was merged into another, and why it continues a thread

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merge_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("thread_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("thread_reason")
        batch_op.drop_column("merge_reason")
