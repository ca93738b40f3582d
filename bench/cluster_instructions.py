"""Benchmark: how much work the clustering does, in instructions rather than seconds.

Usage: bash bench/cluster_instructions.sh [--headlines]   (runs this script twice under valgrind)
       python bench/cluster_instructions.py [--orders N] [--headlines] [--no-clustering]

On a shared host one run of the clusterer differs from the next by half in wall time and in CPU
time alike, so a change that saves a tenth cannot be seen in seconds. The number of instructions
a run executes hardly moves: this script prepares ECB+ full text in `--orders` shuffled orders
(embeddings from the benchmark's cache, lexical profiles computed here) and clusters each once;
with `--no-clustering` it prepares them only. `--headlines` takes the same articles reduced to a
title and one sentence, where a story is cheap to find and the coverage level weighs most. Under
valgrind the difference of the two counts is the clustering's own. Hash seed and BLAS threads
must be fixed for the count to repeat (the shell script does so).
"""

from __future__ import annotations

import argparse
import gc

from cluster_quality import ecbplus_sets, stream_inputs

from gazette.cluster.stream import assign_stream
from gazette.config import ClusterSettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=3, help="shuffled orders of ECB+")
    parser.add_argument(
        "--headlines", action="store_true", help="ECB+ headline and one sentence, not full text"
    )
    parser.add_argument("--no-clustering", action="store_true", help="prepare the inputs only")
    args = parser.parse_args()
    for seed in range(args.orders):
        _, items, _ = ecbplus_sets(seed)[1 if args.headlines else 0]
        inputs = stream_inputs(items)
        # The inputs stay alive to the end: out of the collector's way, its passes over them do
        # not count towards the clustering (they would move with how the inputs were prepared).
        gc.freeze()
        if not args.no_clustering:
            assign_stream(*inputs, ClusterSettings())


if __name__ == "__main__":
    main()
