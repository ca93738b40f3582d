"""Benchmark: new-process writes of the ECB+ ten-source stories, to compare two versions of the
writer in alternation on a shared machine.

Usage:
    python bench/new_process_writes.py fill DB       # first writes: store the reports' memos
    python bench/new_process_writes.py measure DB    # every story again, as a new process would

`fill` writes every story once with the code it runs, storing the reports' sentences, vectors
and readings in the SQLite file DB. `measure` empties every in-process memory before each story
and writes it from what DB holds; it prints stories per second (wall) and CPU seconds a story
(`time.process_time`, which other work on the machine moves far less). Run `measure` with two
versions of the package in turn (PYTHONPATH=<a checkout>), several times, in the same minutes:
an older version reads the sentences and vectors a newer one stored and ignores its readings.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import AbstractContextManager

from common import ECBPLUS, ecbplus_stories
from sqlalchemy.orm import Session

from gazette.db import Database
from gazette.embedding import default_embedder
from gazette.records import SourceArticle
from gazette.write import choose, memory, write_article
from gazette.write.memory import StoredEmbedder, forget_in_process


def stored(session: Session, sources: list[SourceArticle]) -> AbstractContextManager[None]:
    """What the write stage hands the writer; versions before stored readings had splits only."""
    if hasattr(memory, "stored_readings"):
        return memory.stored_readings(session, sources)
    return memory.stored_splits(session, [source.text for source in sources])


def forget() -> None:
    """Every in-process memory of texts, the chooser's included (older versions left it)."""
    forget_in_process()
    for name in ("content_words", "proper_names", "_figure_values", "_quoted_words"):
        getattr(choose, name).cache_clear()


def main() -> None:
    mode, path = sys.argv[1], sys.argv[2]
    if not ECBPLUS.is_file():
        sys.exit(f"skipping: {ECBPLUS} not found")
    stories = ecbplus_stories()
    embedder = default_embedder()
    database = Database(f"sqlite:///{path}")
    database.migrate()
    write_article(stories[0], embedder)  # the model's first call is slower: not timed
    wall = cpu = 0.0
    for sources in stories:
        if mode == "measure":
            forget()
            embedder.forget()
        started, started_cpu = time.perf_counter(), time.process_time()
        with database.transaction() as session, stored(session, sources):
            write_article(sources, StoredEmbedder(session, embedder))
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    n = len(stories)
    figures = {"mode": mode, "stories": n, "stories_per_second": round(n / wall, 2)}
    print(json.dumps({**figures, "cpu_seconds_per_story": round(cpu / n, 4)}))
    database.engine.dispose()


if __name__ == "__main__":
    main()
