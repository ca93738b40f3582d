"""Benchmark: the bundled demo through the Celery engine, with 1, 2 and 4 worker processes on
PostgreSQL and the machine's Redis.

Usage: python bench/celery_demo.py [--workers 1 2 4]

For each count, a fresh PostgreSQL schema gets the demo's sources; that many `gazette worker
--engine celery --queues io,cpu --concurrency 1` processes, one `--queues serial` process and
`gazette scheduler` are started, and the time until every story is published is measured (from
the start of the processes: it includes each process loading the embedding model). Results are
printed and written to bench/results/celery_demo.json. Needs PostgreSQL at 127.0.0.1:5432
(database `test`, trust auth) and Redis at 127.0.0.1:6379, as the tests do.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, save_results

sys.path.insert(0, str(ROOT / "tests"))  # the tests' deployment helpers start the processes

from deployment import deployment, own_schema, settled, wait_for

from gazette.db import Database
from gazette.sources import add_source

DEMO = ROOT / "demo"
CONFIG = (
    (DEMO / "gazette.toml")
    .read_text()
    .replace('mirror_dir = "site"', f'mirror_dir = "{DEMO / "site"}"')
)


def one_run(workers: int) -> float:
    with (
        tempfile.TemporaryDirectory() as folder,
        own_schema() as url,
        deployment(Path(folder), url, CONFIG) as running,
    ):
        database = Database(url)
        with database.transaction() as session:
            for feed in (DEMO / "sources.txt").read_text().split():
                add_source(session, feed)
        started = time.monotonic()
        running.start_worker("serial", queues="serial", concurrency=1)
        for number in range(workers):
            running.start_worker(f"worker{number}", queues="io,cpu", concurrency=1)
        running.start_scheduler()
        wait_for(lambda: settled(database), 600, "the demo to settle")
        seconds = time.monotonic() - started
        database.dispose()
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    counts = parser.parse_args().workers
    results = {}
    for workers in counts:
        seconds = one_run(workers)
        results[str(workers)] = round(seconds, 1)
        print(f"{workers} io+cpu workers and 1 serial: demo published in {seconds:.1f} s")
    save_results("celery_demo", results)


if __name__ == "__main__":
    main()
