"""Fit the coverage level's join probability (gazette/cluster/coverage.py, JOIN_WEIGHTS).

Usage: python bench/coverage_weights.py [--orders N] [--probabilities 0.6,0.7,...]

Streams the even half of the UCI headline stream's gold stories (`uci-even`, the half the
coverage level is tuned on; `uci-odd` and the whole stream's orders 10 and on are held out) in
`--orders` orders, logging every question the coverage level asks of two coverages with their
signals (`coverage.PairSignals`) and whether they are one gold topic (most of their pairs of
reports are of one Google News story). The questions are those the previous rules asked (a
mean cosine of 0.3, a shared key term or a lone headline), so that the pairs logged do not
depend on the weights being fitted. A logistic regression over the signals gives the weights;
then the stream is clustered again with them at each probability of `--probabilities`, and the
one with the best mean coverage BCubed F1 on `uci-even` is the join probability. Prints the
constants to put in coverage.py. About ten minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np
from cluster_quality import bcubed, stream_inputs, uci_sets
from sklearn.linear_model import LogisticRegression

from gazette.cluster import coverage
from gazette.cluster.stream import assign_stream
from gazette.config import ClusterSettings

# The previous rules' constants: the questions logged are theirs.
RULE_SIMILARITY = 0.3


def _rule_linked(found: coverage.CoverageMatch) -> bool:
    """The previous rules: a mean cosine of RULE_SIMILARITY, and a shared key term or a lone
    headline, and the "what" where the reports have names and text."""
    return (
        found.similarity >= RULE_SIMILARITY
        and (bool(found.shared) or found.lone)
        and found.what >= found.what_needed
    )


def _topic(cov: coverage.Coverage, gold: dict[str, str]) -> Counter[str]:
    return Counter(gold[m.item_id] for story in cov.stories for m in story.members)


def log_pairs(orders: range) -> tuple[np.ndarray, np.ndarray]:
    """The signals and gold answer of every question the previous rules asked on uci-even."""
    rows: list[tuple[float, ...]] = []
    labels: list[int] = []
    original_match = coverage.match
    original_linked = coverage.CoverageMatch.linked
    for seed in orders:
        _, items, gold = next(s for s in uci_sets(seed) if s[0] == "uci-even")

        def logged(mine, other, typical=0.0, gold=gold):
            found = original_match(mine, other, typical)
            if found.signals is not None:
                a, b = _topic(mine, gold), _topic(other, gold)
                same = sum(a[t] * b[t] for t in a)
                rows.append(found.signals.vector())
                labels.append(int(2 * same >= a.total() * b.total()))
            return found

        coverage.match = logged
        coverage.CoverageMatch.linked = property(_rule_linked)
        try:
            assign_stream(*stream_inputs(items), ClusterSettings())
        finally:
            coverage.match = original_match
            coverage.CoverageMatch.linked = original_linked
    return np.array(rows), np.array(labels)


def coverage_f1(set_name: str, seed: int) -> float:
    """Coverage BCubed F1 of one set in one order with the module's current constants."""
    _, items, gold = next(s for s in uci_sets(seed) if s[0] == set_name)
    assignments = assign_stream(*stream_inputs(items), ClusterSettings())
    covered = {a.item_id: a.thread if a.thread is not None else a.story_id for a in assignments}
    return bcubed(gold, covered)["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=5, help="orders of uci-even, from 0")
    parser.add_argument("--probabilities", default="0.6,0.7,0.75,0.8,0.85")
    args = parser.parse_args()
    signals, labels = log_pairs(range(args.orders))
    print(f"{len(labels)} questions, {labels.sum()} of one topic")
    model = LogisticRegression(C=1.0, max_iter=5000).fit(signals, labels)
    weights = tuple(round(float(w), 3) for w in model.coef_[0])
    bias = round(float(model.intercept_[0]), 3)
    for name, weight in zip(coverage.SIGNAL_NAMES, weights, strict=True):
        print(f"  {name:28} {weight:+.3f}")
    print(f"  {'bias':28} {bias:+.3f}")
    coverage.JOIN_WEIGHTS, coverage.JOIN_BIAS = weights, bias
    best = (0.0, 0.0)
    for probability in (float(p) for p in args.probabilities.split(",")):
        coverage.JOIN_PROBABILITY = probability
        scores = [coverage_f1("uci-even", seed) for seed in range(args.orders)]
        mean = float(np.mean(scores))
        print(f"probability {probability:.2f}: uci-even coverage F1 {mean:.4f} {scores}")
        best = max(best, (mean, probability))
    print(f"JOIN_WEIGHTS = {weights}\nJOIN_BIAS = {bias}\nJOIN_PROBABILITY = {best[1]}")


if __name__ == "__main__":
    main()
