"""Benchmark: CPU time of each ingestion stage, per item, in one worker on PostgreSQL.

Usage: python bench/ingest_cpu.py [--feeds 400] [--profile F]

The newsroom of bench/scale.py (FEEDS feeds of five items on 20 loopback hosts) and one
in-process worker that steps sources, fetch, extract and dedupe in turn, as `gazette worker
--stages sources,fetch,extract,dedupe` does (its startup objects frozen first, `settle_process`),
on a schema of its own in the machine's PostgreSQL.
Politeness as in bench/scale.py (four connections a host, no pause). Two phases, each the same
work for any code:

1. The backlog: every feed read once, each of its items fetched, extracted and deduplicated
   (until all are, or --timeout seconds).
2. Unchanged feeds: every feed read again, answered 304 (what most polls of a live deployment
   are).

Each stage's steps are timed on the process's CPU clock, which on a shared machine moves far
less than the wall clock. --profile writes cProfile's statistics of both phases (CPU clock) to
F. Writes bench/results/ingest_cpu.json.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import time
from pathlib import Path

import scale
from common import save_results

from gazette.config import FetchSettings, Settings
from gazette.db import Database
from gazette.db.models import utcnow
from gazette.dedupe.stage import DedupeReport
from gazette.embedding import LazyEmbedder
from gazette.pipeline import STAGES
from gazette.sources.poll import mark_all_due, poll_step
from gazette.work import StageContext, settle_process

INGESTION = STAGES[:4]  # sources, fetch, extract, dedupe


def settings(url: str) -> Settings:
    fetch = FetchSettings(
        allow_networks=["127.0.0.0/8"], per_host_connections=4, per_host_delay_seconds=0.0
    )
    return Settings(database_url=url, fetch=fetch)


def backlog(context: StageContext, items: int, timeout: float) -> dict[str, float]:
    """Step the ingestion stages in turn until `items` are deduplicated: CPU seconds by stage."""
    cpu = {stage.name: 0.0 for stage in INGESTION}
    done, end = 0, time.monotonic() + timeout
    while done < items and time.monotonic() < end:
        for stage in INGESTION:
            while True:
                started = time.process_time()
                report = stage.step(context)
                cpu[stage.name] += time.process_time() - started
                if isinstance(report, DedupeReport):
                    done += report.ready + report.duplicates + report.aside
                if not report.more:
                    break
    if done < items:
        raise SystemExit(f"only {done} of {items} items deduplicated in {timeout:g} s")
    return cpu


def unchanged(context: StageContext) -> tuple[float, int]:
    """Every feed read again (none has changed): CPU seconds, and the feeds answered 304."""
    with context.database.transaction() as session:
        mark_all_due(session, utcnow())
    cpu, not_modified = 0.0, 0
    while True:
        started = time.process_time()
        report = poll_step(context)
        cpu += time.process_time() - started
        not_modified += report.not_modified
        if not report.more:
            return cpu, not_modified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=400)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds for the backlog")
    parser.add_argument("--profile", help="write cProfile statistics (CPU clock) to this file")
    args = parser.parse_args()

    port = scale.free_port()
    context = multiprocessing.get_context("spawn")
    live, ready = context.Array("d", [0.0, 0.0]), context.Event()
    server = context.Process(
        target=scale.newsroom_process,
        args=(args.feeds, args.feeds * 5, time.time(), port, live, ready),
        daemon=True,
    )
    server.start()
    ready.wait(30)
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    try:
        with scale.database_for("pg", Path(".")) as url:
            database = Database(url)
            database.migrate()
            scale.add_newsroom_sources(database, args.feeds, port)
            worker = StageContext(database, settings(url), LazyEmbedder())
            settle_process()  # as `gazette worker` does before its first step
            if profiler is not None:
                profiler.enable()
            cpu = backlog(worker, args.feeds * 5, args.timeout)
            cpu["unchanged feeds"], not_modified = unchanged(worker)
            if profiler is not None:
                profiler.disable()
            worker.close()
            database.dispose()
    finally:
        server.terminate()
    if profiler is not None:
        profiler.dump_stats(args.profile)
    items = args.feeds * 5
    each = {
        "sources ms a feed read": cpu["sources"] / args.feeds,
        "fetch ms a page": cpu["fetch"] / items,
        "extract ms an item": cpu["extract"] / items,
        "dedupe ms an item": cpu["dedupe"] / items,
        "ms an item, all four": sum(cpu[stage.name] for stage in INGESTION) / items,
        "sources ms an unchanged feed": cpu["unchanged feeds"] / max(not_modified, 1),
    }
    save_results(
        "ingest_cpu",
        {
            "feeds": args.feeds,
            "items": items,
            "not_modified": not_modified,
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
            "cpu_seconds": {name: round(seconds, 2) for name, seconds in cpu.items()},
            "cpu_ms": {name: round(1000 * value, 2) for name, value in each.items()},
        },
    )


if __name__ == "__main__":
    main()
