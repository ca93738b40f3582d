"""Alembic environment: runs on the connection Gazette passes in, or on `sqlalchemy.url`."""

from alembic import context
from sqlalchemy import create_engine

from gazette.db.models import Base, UTCDateTime
from gazette.db.search import UNMODELLED

config = context.config


def render_item(kind: str, value: object, autogen_context: object) -> str | bool:
    """Write Gazette's own column types as their plain storage type: a migration must not
    import the models, which change after it is written."""
    if kind == "type" and isinstance(value, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as own_connection:
        _run(own_connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        # The search index objects that the models cannot describe (gazette/db/search.py).
        include_name=lambda name, _type, _parents: name not in UNMODELLED,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
