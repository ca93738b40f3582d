"""Benchmark aid: every decision of the clustering on every labelled set, written or compared.

Usage: python bench/cluster_decisions.py --write FILE [--orders N] [--first-order K] [--sets LIST]
       python bench/cluster_decisions.py --compare FILE [same options]

A change meant to make the clustering faster without changing what it decides (a figure kept
up to date instead of computed anew) is checked here: `--write` records, for every set and
order of `cluster_quality.py`, each item's final story and thread and the reason it was given;
`--compare` clusters again and reports every set where one of them differs (exit status 1).
The BCubed figures could stay the same while decisions move; this compares the decisions.
It runs with a fixed hash seed (it starts itself again with PYTHONHASHSEED=0 if need be): names
that tie in a reason are listed in the order of a set, which the seed decides.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from cluster_quality import (
    demo_set,
    ecbplus_sets,
    feeds_real_set,
    neus_sets,
    storyset_sets,
    stream_inputs,
    uci_sets,
)

from gazette.cluster.stream import assign_stream
from gazette.config import ClusterSettings
from gazette.records import ClusterItem

# Each item's final story, its thread (None: none) and the reason of its first decision.
Decision = tuple[int, int | None, str]


def all_sets(first: int, orders: int, wanted: set[str]) -> list[tuple[str, list[ClusterItem]]]:
    """The sets of `cluster_quality.py`, named with their order where they are shuffled."""
    sets: list[tuple[str, list[ClusterItem]]] = []
    if "demo" in wanted:
        sets.append(("demo", demo_set()[0]))
    if "storyset" in wanted:
        sets += [(name, items) for name, items, _, _ in storyset_sets()]
    if "feeds-real" in wanted:
        sets += [(name, items) for name, items, _ in feeds_real_set()]
    families = {"ecbplus": ecbplus_sets, "neus": neus_sets, "uci": uci_sets}
    for seed in range(first, first + orders):
        for family, make in families.items():
            if family in wanted:
                sets += [(f"{name} (order {seed})", items) for name, items, _ in make(seed)]
    return sets


def decisions(items: list[ClusterItem]) -> dict[str, Decision]:
    """Each item's final story, thread and reason, clustered as `cluster_quality.py` does."""
    assignments = assign_stream(*stream_inputs(items), ClusterSettings())
    return {a.item_id: (a.story_id, a.thread, a.reason) for a in assignments}


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        environment = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, *sys.argv], environment)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, help="record the decisions in this file")
    action.add_argument("--compare", type=Path, help="compare with the decisions in this file")
    parser.add_argument("--orders", type=int, default=3, help="shuffled orders of each set")
    parser.add_argument("--first-order", type=int, default=0, help="seed of the first order")
    parser.add_argument(
        "--sets", default="demo,storyset,feeds-real,ecbplus,neus,uci", help="families of sets"
    )
    args = parser.parse_args()
    found = {
        name: decisions(items)
        for name, items in all_sets(args.first_order, args.orders, set(args.sets.split(",")))
    }
    if args.write:
        args.write.write_text(json.dumps(found))
        print(f"{len(found)} sets, {sum(map(len, found.values()))} decisions -> {args.write}")
        return
    saved = {
        name: {item: tuple(d) for item, d in items.items()}
        for name, items in json.loads(args.compare.read_text()).items()
    }
    differing = 0
    for name, mine in found.items():
        theirs = saved.get(name)
        if theirs is None:
            print(f"{name}: not in {args.compare}")
            differing += 1
            continue
        moved = [i for i in mine if mine[i][:2] != tuple(theirs.get(i, (None, None)))[:2]]
        reasons = [i for i in mine if i in theirs and mine[i][2] != theirs[i][2]]
        same = not moved and not reasons and mine.keys() == theirs.keys()
        differing += not same
        differences = f"{len(moved)} stories or threads, {len(reasons)} reasons differ"
        print(f"{name}: {len(mine)} items, {'identical' if same else differences}")
    print("all identical" if not differing else f"{differing} sets differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
