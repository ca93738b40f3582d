"""Benchmark: does clustering stay as fast and as small as the archive grows?

Usage: python bench/cluster_scaling.py [--days N]

Streams the generated storyset (bench/storyset.py) over a year (`--days`, default 360: 17,251
reports) through exactly the algorithm of `gazette cluster`, with the embeddings and lexical
profiles computed beforehand (embeddings cached in bench/results/embeddings/), and reports for
each block of 1,000 assignments its assignments per second and the stories kept in memory, and
the peak memory the clusterer allocates (tracemalloc, inputs excluded) over the first 30, 90 and
all the days. Only stories with a report in the time window can take an article, so a clusterer
that lets go of the others (see IncrementalClusterer.forget_before) costs the same per article on
day 300 as on day 10.
"""

from __future__ import annotations

import argparse
import itertools
import time
import tracemalloc
from datetime import timedelta

import storyset
from cluster_quality import Inputs, stream_inputs
from common import save_results

from gazette.cluster import IncrementalClusterer
from gazette.config import ClusterSettings

BLOCK = 1000


def prepare(days: int) -> Inputs:
    """The stream's reports in publication order, with their embeddings and lexical profiles."""
    items, _, _ = storyset.generate_with_threads(days=days)
    return stream_inputs(items)


def stream(inputs: Inputs) -> list[dict]:
    """Per block of BLOCK assignments: assignments per second and the stories kept."""
    settings = ClusterSettings()
    clusterer = IncrementalClusterer(
        timedelta(hours=settings.window_hours),
        settings.join_threshold,
        itertools.count(1).__next__,
    )
    items, vectors, profiles = inputs
    blocks = []
    started = time.perf_counter()
    for index, (item, vector, item_profile) in enumerate(
        zip(items, vectors, profiles, strict=True)
    ):
        clusterer.assign(item, vector, item_profile)
        if (index + 1) % BLOCK == 0:
            now = time.perf_counter()
            blocks.append(
                {
                    "reports": index + 1,
                    "day": (item.published - items[0].published).days,
                    "assignments_per_second": round(BLOCK / (now - started)),
                    "stories_kept": len(clusterer.stories),
                }
            )
            started = now
    return blocks


def peak_memory_mb(inputs: Inputs, days: int) -> float:
    """What the clusterer allocates over the first `days` of the stream (inputs excluded)."""
    items, vectors, profiles = inputs
    end = items[0].published + timedelta(days=days)
    count = sum(1 for item in items if item.published < end)
    tracemalloc.start()
    stream((items[:count], vectors[:count], profiles[:count]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=360, help="days of stream")
    args = parser.parse_args()
    inputs = prepare(args.days)
    blocks = stream(inputs)
    save_results(
        "cluster_scaling",
        {
            "days": args.days,
            "reports": len(inputs[0]),
            "blocks": blocks,
            "peak_memory_mb": {
                str(days): peak_memory_mb(inputs, days) for days in sorted({30, 90, args.days})
            },
        },
    )


if __name__ == "__main__":
    main()
