"""summary-only reports: a report made from the feed's title and summary while its page cannot be
had, and the retries of that page

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:41:22.024847
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("summary_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("page_retry_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("page_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("page_error", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_documents_page_retry_at"), ["page_retry_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_page_retry_at"))
        batch_op.drop_column("page_error")
        batch_op.drop_column("page_attempts")
        batch_op.drop_column("page_retry_at")
        batch_op.drop_column("summary_only")
