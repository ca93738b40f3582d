"""leases and poll times: work claimed by a worker, when each source is next due, the steps of
serialized stages

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 12:40:00.000000
"""

import math
from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_INTERVAL_MINUTES = 30.0
A_YEAR = 525_600.0  # minutes; a stored interval that is not a number of minutes up to this is unset


def upgrade() -> None:
    op.create_table(
        "stage_states",
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("stage", name=op.f("pk_stage_states")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_poll_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_sources_next_poll_at"), ["next_poll_at"], unique=False)
    # A source polled before is next due one interval after that poll (the configured default
    # is not known here: the default of the time stands in for sources without their own).
    sources = sa.table(
        "sources",
        sa.column("id", sa.Integer),
        sa.column("last_fetched_at", sa.DateTime),
        sa.column("interval_minutes", sa.Float),
        sa.column("next_poll_at", sa.DateTime),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(sources.c.id, sources.c.last_fetched_at, sources.c.interval_minutes).where(
            sources.c.last_fetched_at.is_not(None)
        )
    ).all()
    for source_id, polled, minutes in rows:
        usable = minutes is not None and math.isfinite(minutes) and 0 < minutes <= A_YEAR
        wait = timedelta(minutes=minutes if usable else DEFAULT_INTERVAL_MINUTES)
        connection.execute(
            sources.update().where(sources.c.id == source_id).values(next_poll_at=polled + wait)
        )


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_next_poll_at"))
        batch_op.drop_column("lease_until")
        batch_op.drop_column("next_poll_at")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
    op.drop_table("stage_states")
