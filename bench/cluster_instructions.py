"""Benchmark: how much work the clustering does, in instructions rather than seconds.

Usage: bash bench/cluster_instructions.sh   (runs this script twice under valgrind)
       python bench/cluster_instructions.py [--orders N] [--no-clustering]

On a shared host one run of the clusterer differs from the next by half in wall time and in CPU
time alike, so a change that saves a tenth cannot be seen in seconds. The number of instructions
a run executes hardly moves: this script prepares ECB+ full text in `--orders` shuffled orders
(embeddings from the benchmark's cache, lexical profiles computed here) and clusters each once;
with `--no-clustering` it prepares them only. Under valgrind the difference of the two counts is
the clustering's own. Hash seed and BLAS threads must be fixed for the count to repeat (the
shell script does so).
"""

from __future__ import annotations

import argparse

from cluster_quality import CachedEmbedder, ecbplus_sets

from gazette.cluster import embedding_text
from gazette.cluster.signals import profile
from gazette.cluster.stage import assign_stream, with_language
from gazette.config import ClusterSettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=3, help="shuffled orders of ECB+")
    parser.add_argument("--no-clustering", action="store_true", help="prepare the inputs only")
    args = parser.parse_args()
    settings = ClusterSettings()
    embedder = CachedEmbedder()
    for seed in range(args.orders):
        _, items, _ = ecbplus_sets(seed)[0]
        ordered = sorted(items, key=lambda item: item.published)
        ordered = [with_language(item, settings.language) for item in ordered]
        profiles = [profile(item.title, item.text, item.language) for item in ordered]
        vectors = embedder.encode(
            [embedding_text(item.title, item.text, settings.lead_words) for item in ordered]
        )
        if not args.no_clustering:
            assign_stream(ordered, vectors, profiles, settings)


if __name__ == "__main__":
    main()
