"""Memos: what a stage worked out from a text, kept in the database for later runs.

A memo is addressed by its kind and a hash of the text, so it never goes stale and needs no
bookkeeping when documents change; two workers that work out the same memo at once both keep
it without error (the second insert is ignored). Memos are a cache: losing them costs time, never
correctness, so old ones are simply deleted (`forget_before`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gazette.db.models import Memo, utcnow
from gazette.db.upsert import insert_for

# Keys per query: well under SQLite's limit on bound parameters.
CHUNK = 500


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recall(session: Session, kind: str, keys: Iterable[str]) -> dict[str, bytes]:
    """The stored memos of one kind among `keys`, by key."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, bytes] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(Memo.key, Memo.value).where(
                Memo.kind == kind, Memo.key.in_(wanted[start : start + CHUNK])
            )
        )
        found.update((key, value) for key, value in rows)
    return found


def keep(session: Session, kind: str, values: dict[str, bytes]) -> None:
    """Store memos; a key already stored (by this run or a concurrent one) is left as it is."""
    if not values:
        return
    now = utcnow()
    rows = [{"kind": kind, "key": k, "value": v, "created_at": now} for k, v in values.items()]
    for start in range(0, len(rows), CHUNK):
        statement = insert_for(session.get_bind(), Memo).values(rows[start : start + CHUNK])
        session.execute(statement.on_conflict_do_nothing(index_elements=["kind", "key"]))


def forget_before(session: Session, moment: datetime) -> int:
    """Delete memos made before `moment`; returns how many."""
    result = session.execute(delete(Memo).where(Memo.created_at < moment))
    return result.rowcount or 0
