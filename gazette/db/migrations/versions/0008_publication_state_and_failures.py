"""publication state and failures: the article version readers see; each item's last failure

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 11:45:28.669857
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_retry_at"), ["retry_at"], unique=False)

    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_article_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_stories_published_article_id_articles"),
            "articles",
            ["published_article_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # A story that readers could see keeps showing the newest version that was published.
    op.execute(
        "UPDATE stories SET published_article_id = ("
        " SELECT articles.id FROM articles"
        " WHERE articles.story_id = stories.id AND articles.published_at IS NOT NULL"
        " ORDER BY articles.version DESC LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_stories_published_article_id_articles"), type_="foreignkey"
        )
        batch_op.drop_column("retry_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("error")
        batch_op.drop_column("published_article_id")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_retry_at"))
        batch_op.drop_column("retry_at")
