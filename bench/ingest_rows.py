"""Check: what ingestion stores, in a form that two versions of the code can be compared by.

Usage: python bench/ingest_rows.py {sqlite,pg} START OUT.json [--feeds 60]

Serves the newsroom of bench/scale.py (FEEDS feeds of five items, its clock started at START,
a Unix time: give both runs the same one), steps sources, fetch, extract and dedupe over the
backlog as bench/ingest_cpu.py does, reads every feed once more (unchanged), and writes the rows
of documents, sources and HTTP validators to OUT.json, leaving out what differs between two
runs whatever the code: row ids (references are written as URLs), the server's port, the times
rows were written (only whether they are set), and gzip's header of stored pages (the digest of
their text is written). Run it with the code of each version on PYTHONPATH and compare the two
files with `diff`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import scale
from ingest_cpu import backlog, settings
from newsroom import Newsroom, serve
from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db import Database
from gazette.db.models import Document, HttpValidator, Source, utcnow
from gazette.embedding import LazyEmbedder
from gazette.sources.poll import mark_all_due, poll_step
from gazette.work import StageContext

# Columns whose values are times of writing: only whether they are set is compared.
WRITTEN = {"discovered_at", "fetched_at", "extracted_at", "last_fetched_at", "next_poll_at"}
WRITTEN |= {"last_success_at", "last_error_at", "added_at", "updated_at", "retry_at"}
LEFT_OUT = {"id", "lease_until"}
ORIGIN = re.compile(r"http://127\.0\.0\.\d+:\d+/")


def plain(value: Any) -> Any:
    """A value as JSON can hold it, the same in every run."""
    if isinstance(value, bytes):
        return hashlib.sha1(value).hexdigest()
    if isinstance(value, str):
        return ORIGIN.sub("/", value)
    if isinstance(value, int | float | bool | list) or value is None:
        return value
    return str(value)


def rows(session: Session, model: Any, urls: dict[str, dict[int, str]]) -> list[dict[str, Any]]:
    """The model's rows, references to documents and sources written as their URLs."""
    found = []
    for row in session.scalars(select(model)):
        values: dict[str, Any] = {}
        for column in model.__table__.columns:
            value = getattr(row, column.key)
            if column.name in LEFT_OUT:
                continue
            if column.name == "raw_html" and value is not None:
                value = ORIGIN.sub("/", gzip.decompress(value).decode("utf-8", "replace"))
                value = hashlib.sha1(value.encode()).hexdigest()  # gzip's header holds a time
            elif column.name in WRITTEN:
                value = value is not None
            elif column.name == "source_id":
                value = urls["sources"].get(value)
            elif column.name in ("copy_of_id", "duplicate_of_id"):
                value = urls["documents"].get(value)
            values[column.name] = plain(value)
        found.append(values)
    return sorted(found, key=lambda values: json.dumps(values, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["sqlite", "pg"])
    parser.add_argument("start", type=float)
    parser.add_argument("out")
    parser.add_argument("--feeds", type=int, default=60)
    args = parser.parse_args()

    room = Newsroom(args.feeds, scale.HOSTS, args.feeds * 5, args.start)
    port = scale.free_port()
    serve(room, port)
    with tempfile.TemporaryDirectory() as tmp, scale.database_for(args.mode, Path(tmp)) as url:
        database = Database(url)
        database.migrate()
        scale.add_newsroom_sources(database, args.feeds, port)
        context = StageContext(database, settings(url), LazyEmbedder())
        backlog(context, args.feeds * 5, 600)
        with database.transaction() as session:
            mark_all_due(session, utcnow())
        while poll_step(context).more:
            pass
        context.close()
        with database.session() as session:
            urls = {
                "sources": dict(session.execute(select(Source.id, Source.url)).all()),
                "documents": dict(session.execute(select(Document.id, Document.url)).all()),
            }
            urls = {kind: {k: plain(v) for k, v in ids.items()} for kind, ids in urls.items()}
            stored = {
                "documents": rows(session, Document, urls),
                "sources": rows(session, Source, urls),
                "validators": rows(session, HttpValidator, urls),
            }
        database.dispose()
    Path(args.out).write_text(json.dumps(stored, indent=1, sort_keys=True))
    print({kind: len(values) for kind, values in stored.items()})


if __name__ == "__main__":
    main()
