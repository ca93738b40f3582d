"""How stages take their work: a batch at a time, each batch committed on its own, every item
claimed so that several workers never work on the same one.

A stage's step takes one batch of the items waiting for it, works on them and commits; a crash
loses at most that batch, whose items are still waiting when the next step looks. Items are
claimed in the step's own transaction: on PostgreSQL with `SELECT ... FOR UPDATE SKIP LOCKED`,
so that workers on several machines each take other items; SQLite lets one writer in at a time,
which is a claim by itself. Work that waits on the network (polling feeds, fetching pages) holds
no transaction: its items are leased (`lease_until`) in a short transaction, fetched, and stored
in another; a lease left by a worker that died runs out and the items are taken again.

Two stages must see their items one at a time, in order, on the whole deployment: dedupe (the
first of several copies is the original) and cluster (stories form in publication order). They
run under a lock of their own (`serialized`).
"""

from __future__ import annotations

import gc
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, or_, text, update
from sqlalchemy.orm import Session

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Document, Source, StageState, utcnow
from gazette.embedding import Embedder

Row = TypeVar("Row")

# A batch is committed once it holds this many items or has taken this long, so that a step
# never holds SQLite's write lock (or PostgreSQL's row locks) for long: a reader's comment or
# another worker waits at most about that long.
BATCH_ITEMS = 50
BATCH_SECONDS = 2.0
# A batch claims at once the rows it works through in about this long, at the pace of its rows
# so far (one to start with, at most MAX_CLAIM): light items are not each paid for with a query,
# and slow ones (a story to write) are still claimed one by one.
CLAIM_SECONDS = 0.1
MAX_CLAIM = 25
# How long a lease on an item being fetched lasts: longer than the slowest fetch can take with
# its retries (fetch.total_timeout_seconds and the backoff between attempts).
LEASE = timedelta(minutes=10)


_settled = False


def settle_process() -> None:
    """Take what a process has loaded to work with (modules, classes, settings, the database
    engine) out of the garbage collector's sight, once, before its first step. Python's full
    collections go over every object alive, and a worker's startup leaves some 170,000 that live
    as long as the process: ingesting 2,000 items (bench/ingest_cpu.py) spent an eighth of its
    CPU in eight full collections, most of it going over those. `gc.freeze` moves them to a
    generation that is never collected (after a collection, so that no garbage is kept); what
    the steps make is collected as before. Once per process: objects frozen later could never
    be freed, and a test that runs many workers in one process freezes only the first time."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


def worker_name() -> str:
    """Who holds a lease: host and process, for `gazette status` and for the logs."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class StageContext:
    """What every stage's step is given: where the data is, the settings, the model, and a
    place for what a long-running worker keeps between steps (the clusterer's memory)."""

    database: Database
    settings: Settings
    embedder: Embedder
    all_sources: bool = False
    kept: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Let go of what the steps kept (the language model's client holds connections)."""
        for value in self.kept.values():
            if hasattr(value, "close"):
                value.close()
        self.kept.clear()


class Batch(Generic[Row]):
    """The rows a step works on, claimed a few at a time while the step has time left (at most
    `limit`, and none after BATCH_SECONDS unless it has none yet): rows claimed all at once
    would stay locked while the step works through the first ones, and other workers would
    have to pass them by; claimed one by one, light items cost more in claiming than in work
    (see CLAIM_SECONDS). `more` says whether any are (or may be) left waiting."""

    def __init__(
        self,
        session: Session,
        query: Select[tuple[Row]],
        limit: int = BATCH_ITEMS,
        seconds: float = BATCH_SECONDS,
    ) -> None:
        self.session, self.query, self.limit, self.seconds = session, query, limit, seconds
        self.taken: list[Row] = []
        self.exhausted = False

    def __iter__(self) -> Iterator[Row]:
        started = time.monotonic()
        deadline = started + self.seconds
        while len(self.taken) < self.limit:
            if self.taken and time.monotonic() > deadline:
                return
            query = self.query
            if self.taken:
                model = self.query.column_descriptions[0]["entity"]
                query = query.where(model.id.not_in([row.id for row in self.taken]))
            wanted = min(self._pace(started), self.limit - len(self.taken))
            found = claim(self.session, query, wanted)
            self.taken += found
            yield from found
            if len(found) < wanted:
                self.exhausted = True
                return

    def _pace(self, started: float) -> int:
        """How many rows to claim next: as many as the rows so far took CLAIM_SECONDS on."""
        if not self.taken:
            return 1
        each = (time.monotonic() - started) / len(self.taken)
        return max(1, min(MAX_CLAIM, int(CLAIM_SECONDS / max(each, 1e-6))))

    @property
    def more(self) -> bool:
        return not self.exhausted


def claim(session: Session, query: Select[tuple[Row]], limit: int) -> list[Row]:
    """Up to `limit` rows of `query`, locked for this transaction; rows another worker has
    locked are skipped, not waited for (PostgreSQL; SQLite has a single writer anyway)."""
    return list(session.scalars(query.limit(limit).with_for_update(skip_locked=True)))


def unleased(lease_until: ColumnElement[datetime | None], now: datetime) -> ColumnElement[bool]:
    """SQL condition: nobody holds the item, or its holder's lease ran out."""
    return or_(lease_until.is_(None), lease_until < now)


def return_leases(database: Database, model: type[Document] | type[Source], ids: list[int]) -> None:
    """Give leased items back at once (a worker stopping mid-step), instead of letting their
    leases run out."""
    if ids:
        with database.transaction() as session:
            session.execute(update(model).where(model.id.in_(ids)).values(lease_until=None))


def serialized(session: Session, name: str) -> None:
    """Hold the lock named `name` until this transaction ends, so that one worker at a time
    runs the step (PostgreSQL's advisory locks; SQLite's single writer already does this).

    Advisory locks belong to the whole database, so the key names the schema too: deployments
    that share a database in schemas of their own do not wait for each other."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':gazette:' || :name))"
            ),
            {"name": name},
        )


@dataclass
class StepReport:
    """What one step of a stage did. `more` says whether items were left waiting (the batch was
    full), so that whoever runs the steps knows to call again. Stages add their own counts."""

    more: bool = False
    errors: dict[Any, str] = field(default_factory=dict)
    # The items of `errors` that had not failed before: what an operator has not been told of.
    first_failures: set[Any] = field(default_factory=set)

    def failed(self, key: object, message: str, first: bool) -> None:
        self.errors[key] = message
        if first:
            self.first_failures.add(key)

    # Counts that are not more items worked on: a part of another count (the new stories among
    # the reports assigned), or a state of things (the stories awaiting review).
    NOT_ITEMS: ClassVar[tuple[str, ...]] = ()

    def processed(self) -> int:
        """How many items the step worked on (its counts, which each stage keeps so that they
        add up to that)."""
        counts = [v for k, v in vars(self).items() if type(v) is int and k not in self.NOT_ITEMS]
        return sum(counts)

    def did_something(self) -> bool:
        """Whether the step took any item (a count above zero, or an error)."""
        return bool(self.errors) or self.processed() > 0

    def summary(self) -> str:
        """What the step did, in words ("12 pages, 1 error"); each stage says it its way."""
        counts = [f"{v} {k.replace('_', ' ')}" for k, v in vars(self).items() if type(v) is int]
        return ", ".join(counts)

    def add(self, other: StepReport) -> None:
        """Add another step's counts and errors to these (the totals of a run)."""
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(value, bool):
                setattr(self, name, value)
            elif isinstance(value, int | float):
                setattr(self, name, mine + value)
            elif isinstance(value, dict | set):
                mine.update(value)


def generation(session: Session, stage: str) -> int:
    """How many steps the serialized `stage` has committed; call under `serialized`."""
    row = session.get(StageState, stage)
    if row is None:
        row = StageState(stage=stage, generation=0)
        session.add(row)
        session.flush()
    return row.generation


def stepped(session: Session, stage: str) -> int:
    """Count one more committed step of `stage` (in this transaction); the new generation."""
    row = session.get(StageState, stage)
    assert row is not None, "generation() first"
    row.generation += 1
    row.updated_at = utcnow()
    return row.generation
