"""Benchmark: ingestion throughput, 5,000 items from 200 feeds served on 127.0.0.1.

Usage: python bench/ingest_throughput.py [--feeds 200] [--items 25] [--repeat 3] [--profile F]

A separate process serves 200 RSS feeds of 25 items each, and one generated article page per
item (about 300 words of invented text, different on every page). Gazette then runs its
ingestion stages, exactly as `gazette run` does, into a fresh SQLite database: sources (poll
all feeds), fetch (every page), extract, dedupe. Items per second is the number of items that
reach the ready state divided by the wall time of those four stages. Clustering and writing
are left out: they are bound by the embedding model and measured by their own benchmarks.
Besides wall time, the CPU seconds of Gazette's process are counted (the server's are not): on
a shared machine they move less than wall time. With --repeat, every run starts from a fresh
database and the medians are reported. --profile writes cProfile's statistics of the runs to a
file (read it with `python -m pstats F`).

All feeds live on one loopback server, so the per-host politeness limits are raised for the
run (per_host_connections = max_connections, no pause); everything else is the default.
Writes bench/results/ingest_throughput.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from common import save_results

from gazette.config import FetchSettings, Settings
from gazette.db import Database
from gazette.embedding import LazyEmbedder
from gazette.pipeline import STAGES, drain
from gazette.sources import add_source
from gazette.work import StageContext

WORDS = [
    "harbour",
    "council",
    "budget",
    "river",
    "bridge",
    "tram",
    "strike",
    "vote",
    "minister",
    "company",
    "plant",
    "jobs",
    "storm",
    "flood",
    "rain",
    "school",
    "hospital",
    "museum",
    "festival",
    "film",
    "league",
    "final",
    "market",
    "shares",
    "bank",
    "rate",
    "inflation",
    "village",
    "island",
    "coast",
    "ferry",
    "airport",
    "flight",
    "engine",
    "software",
    "data",
    "court",
    "judge",
    "police",
    "report",
    "figure",
    "million",
    "crowns",
    "percent",
    "week",
    "month",
    "year",
    "morning",
    "evening",
    "region",
    "city",
]


def article_text(feed: int, item: int) -> str:
    rng = random.Random(feed * 100_000 + item)
    sentences = []
    for _ in range(24):
        words = [rng.choice(WORDS) for _ in range(rng.randint(9, 16))]
        sentences.append(" ".join(words).capitalize() + ".")
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real news servers do
    items = 25

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # the standard library's name for the GET handler
        parts = self.path.strip("/").split("/")
        if parts[0] == "feed" and len(parts) == 2:
            feed = int(parts[1].removesuffix(".xml"))
            base = f"http://{self.headers['Host']}"
            items = "".join(
                f"<item><title>Report {feed}-{i}</title><link>{base}/article/{feed}/{i}</link>"
                f"<pubDate>Mon, 16 Nov 2026 {i % 24:02d}:{feed % 60:02d}:00 +0000</pubDate></item>"
                for i in range(self.items)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
            self._send(200, (body + items + "</channel></rss>").encode(), "application/rss+xml")
        elif parts[0] == "article" and len(parts) == 3:
            feed, item = int(parts[1]), int(parts[2])
            page = (
                f"<html><head><title>Report {feed}-{item}</title></head><body><nav>Home News</nav>"
                f"<article><h1>Report {feed}-{item}</h1>{article_text(feed, item)}</article>"
                "<footer>All rights reserved</footer></body></html>"
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")
        else:
            self._send(404, b"not found", "text/plain")


def serve(port_queue: multiprocessing.Queue, items: int) -> None:
    Handler.items = items
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ingest(port: int, feeds: int, settings: FetchSettings) -> dict:
    """One run into a fresh SQLite database: its figures."""
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'gazette.db'}")
        database.migrate()
        with database.transaction() as session:
            for feed in range(feeds):
                add_source(session, f"http://127.0.0.1:{port}/feed/{feed}.xml")
        seconds: dict[str, float] = {}
        started, cpu_started = time.perf_counter(), cpu_seconds()
        stage_context = StageContext(
            database, Settings(database_url=database.url, fetch=settings), LazyEmbedder()
        )
        try:
            for stage in STAGES[:4]:  # sources, fetch, extract, dedupe
                stage_started = time.perf_counter()
                report = drain(stage, stage_context)
                seconds[stage.name] = round(time.perf_counter() - stage_started, 2)
                if report.errors:
                    raise SystemExit(f"{stage.name} failed: {list(report.errors.items())[:3]}")
        finally:
            stage_context.close()
        total, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        database.dispose()
    ready = report.ready  # the dedupe report
    return {
        "ready": ready,
        "seconds": round(total, 2),
        "cpu_seconds": round(cpu, 2),
        "items_per_second": round(ready / total, 1),
        "stage_seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", help="write cProfile statistics of the runs to this file")
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue = context.Queue()
    server = context.Process(target=serve, args=(ports, args.items), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    base = FetchSettings()
    settings = base.model_copy(
        update={
            "allow_networks": ["127.0.0.0/8"],
            "per_host_connections": base.max_connections,
            "per_host_delay_seconds": 0.0,
        }
    )
    # CPU time, not wall time: on a shared machine the wall clock counts other people's work.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    try:
        runs = []
        for _ in range(args.repeat):
            if profiler is not None:
                profiler.enable()
            runs.append(ingest(port, args.feeds, settings))
            if profiler is not None:
                profiler.disable()
            print(json.dumps(runs[-1]), flush=True)
    finally:
        server.terminate()
    if profiler is not None:
        profiler.dump_stats(args.profile)
    stages = runs[0]["stage_seconds"]
    save_results(
        "ingest_throughput",
        {
            "feeds": args.feeds,
            "items": args.feeds * args.items,
            "ready": runs[-1]["ready"],
            "runs": len(runs),
            "seconds": statistics.median(run["seconds"] for run in runs),
            "cpu_seconds": statistics.median(run["cpu_seconds"] for run in runs),
            "items_per_second": statistics.median(run["items_per_second"] for run in runs),
            "items_per_second_range": [
                min(run["items_per_second"] for run in runs),
                max(run["items_per_second"] for run in runs),
            ],
            "stage_seconds": {
                name: statistics.median(run["stage_seconds"][name] for run in runs)
                for name in stages
            },
            "max_connections": settings.max_connections,
        },
    )


if __name__ == "__main__":
    main()
