"""Benchmark: the whole pipeline on the bundled demo corpus, stage by stage.

Usage: python bench/demo_pipeline.py [--repeat N]

Each repetition builds a fresh SQLite database, adds the demo's sources and runs one pass of
the pipeline offline, as a new process would: the embedder's memory of vectors and the memory of
sentence splits are emptied first, so that every run embeds and splits everything again. The
embedding model is loaded once, before the first run, and its load time is reported on its own
line: it is paid once per process, not per run. Results are printed and written to
bench/results/demo_pipeline.json.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import ROOT, save_results

from gazette.config import load_settings
from gazette.db import Database
from gazette.embedding import default_embedder
from gazette.pipeline import run_pipeline
from gazette.sentences import splits
from gazette.sources import add_source

DEMO = ROOT / "demo"


def one_run(embedder) -> dict:  # type: ignore[no-untyped-def]
    embedder.forget()
    splits.clear()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'gazette.db'}"
        settings = load_settings(DEMO / "gazette.toml", database_url=url)
        database = Database(url)
        started = time.perf_counter()
        database.migrate()
        with database.transaction() as session:
            for feed in (DEMO / "sources.txt").read_text().split():
                add_source(session, feed)
        setup = time.perf_counter() - started
        started = time.perf_counter()
        report = run_pipeline(database, settings, embedder)
        total = time.perf_counter() - started
        database.dispose()
    assert not report.errors(), report.errors()
    return {
        "setup_seconds": setup,
        "pipeline_seconds": total,
        "stages": report.seconds,
        "articles": report.extract.extracted,
        "stories": report.cluster.new_stories,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    embedder = default_embedder()
    embedder.encode(["warm up"])
    model_seconds = time.perf_counter() - started

    runs = [one_run(embedder) for _ in range(args.repeat)]
    median = statistics.median(r["pipeline_seconds"] for r in runs)
    stages = {
        stage: statistics.median(r["stages"][stage] for r in runs) for stage in runs[0]["stages"]
    }
    result = {
        "model_load_seconds": round(model_seconds, 2),
        "runs": args.repeat,
        "articles": runs[0]["articles"],
        "stories": runs[0]["stories"],
        "pipeline_seconds_median": round(median, 2),
        "articles_per_second": round(runs[0]["articles"] / median, 1),
        "stage_seconds_median": {k: round(v, 3) for k, v in stages.items()},
    }
    save_results("demo_pipeline", result)


if __name__ == "__main__":
    main()
