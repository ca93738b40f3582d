"""The site's generation: a counter that moves whenever something a reader's page shows changes.

The web app keeps rendered pages in memory and serves them again for as long as the generation
it read before rendering them is still the database's (gazette/web/page_cache.py). So every
change that a page could show must move the counter, whoever makes it: the pipeline publishing
or merging a story, a reader's comment, an editor's correction. Rather than trust each of those
places to remember, the sessions of `Database` watch what they write: a transaction that added,
changed or deleted a row of a table the pages read (`WATCHED`) adds one to the counter just
before it commits, in the same transaction. The counter is the `site` row of `stage_states`.

Reading it is one primary-key lookup, cheap enough for every request.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from gazette.db.models import StageState, utcnow
from gazette.db.upsert import insert_for

STAGE = "site"
# The tables the public pages are rendered from. Documents are left out: fetching and
# extracting change them all the time, and a story shows a document only once it joins the
# story (a row of story_members) and is cited (a new article version).
WATCHED = frozenset(
    {
        "stories",
        "articles",
        "sentences",
        "citations",
        "article_references",
        "story_members",
        "story_tags",
        "tags",
        "comments",
        "ad_slots",
    }
)
_CHANGED = "gazette_site_changed"  # key in `Session.info`
# `current` as plain SQL, for a driver's own connection (gazette/web/page_cache.py).
CURRENT_SQL = f"SELECT generation FROM {StageState.__tablename__} WHERE stage = '{STAGE}'"


def _table_of(thing: Any) -> str | None:
    return getattr(getattr(thing, "__table__", None), "name", None)


def _note_flush(session: Session, _context: object, _instances: object) -> None:
    for thing in chain(session.new, session.dirty, session.deleted):
        if _table_of(thing) in WATCHED:
            session.info[_CHANGED] = True
            return


def _note_statement(state: ORMExecuteState) -> None:
    """Bulk `update()`, `delete()` and `insert()` statements bypass the flush."""
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED:
            state.session.info[_CHANGED] = True


def _bump_before_commit(session: Session) -> None:
    session.flush()  # what is still pending is noted by the flush
    if session.info.pop(_CHANGED, False):
        bump(session.connection())


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_CHANGED, None)


def watch(sessions: sessionmaker[Session]) -> None:
    """Make the sessions of `sessions` move the generation when they change what pages show."""
    event.listen(sessions, "before_flush", _note_flush)
    event.listen(sessions, "do_orm_execute", _note_statement)
    event.listen(sessions, "before_commit", _bump_before_commit)
    event.listen(sessions, "after_rollback", _forget)


def bump(connection: Connection) -> None:
    """Add one to the generation (creating the row the first time), in the caller's transaction.
    One statement, so that two processes bumping at once both count."""
    statement = insert_for(connection, StageState).values(
        stage=STAGE, generation=1, updated_at=utcnow()
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[StageState.stage],
            set_={
                "generation": StageState.generation + 1,
                "updated_at": statement.excluded.updated_at,
            },
        )
    )


def current(engine: Engine | Connection) -> int:
    """The generation now: 0 before anything was ever written."""
    query = select(StageState.generation).where(StageState.stage == STAGE)
    if isinstance(engine, Connection):
        return engine.scalar(query) or 0
    with engine.connect() as connection:
        return connection.scalar(query) or 0
