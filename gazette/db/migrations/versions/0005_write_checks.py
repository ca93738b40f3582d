"""write checks: the support check's decisions on a language model's answers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "write_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Text(), nullable=False),
        sa.Column("proposed_sources", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("final", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_write_checks_article_id", "write_checks", ["article_id"])
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column(
            "writer", existing_type=sa.String(length=32), type_=sa.String(length=200)
        )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column(
            "writer", existing_type=sa.String(length=200), type_=sa.String(length=32)
        )
    op.drop_index("ix_write_checks_article_id", table_name="write_checks")
    op.drop_table("write_checks")
