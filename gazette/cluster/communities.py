"""Two events in one story, found in the graph of its reports' nearest neighbours.

A story grows one report at a time. The first report of a second event of the same kind (the
boxer's next title defence, a second player of one team arrested) can fit a young story of the
first event well enough to join it, and from then on the story uses both events' names and takes
the reports of both. Averaged over the story, the two events are no further apart than the
sub-groups of one event (one agency's wording, one angle on it), so no bar on a story-wide score
tells them apart. Report by report they are: each report's nearest neighbours are reports of its
own event. Two events make two groups that share hardly any nearest neighbours, while the
sub-groups of one event still share many. This is shared-nearest-neighbour similarity (Jarvis
and Patrick, 1973), which sharpens a graph's groups where raw similarities blur them.

Pure functions over a matrix of pairwise similarities; the clusterer decides what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform


@dataclass(frozen=True)
class Bipartition:
    """The two groups a set of reports falls into (positions in the matrix; `first` holds 0)."""

    first: list[int]
    second: list[int]
    # Mean shared-neighbour similarity across the groups, as a share of the mean within them:
    # near 0 for two groups that never share a neighbour, near 1 for one group cut in two.
    separation: float
    # The same share for the names the reports use, where the caller measured it (`share_across`).
    names_shared: float | None = None


def shared_neighbours(similarity: np.ndarray, neighbours: int) -> np.ndarray:
    """How much two reports' nearest neighbours overlap: the cosine between their rows of
    `similarity`, each row keeping only its own entry and its `neighbours` largest others."""
    rows = np.array(similarity, dtype=np.float64)
    np.fill_diagonal(rows, 1.0)
    rows = np.clip(rows, 0.0, None)
    beyond = np.argsort(-rows, axis=1, kind="stable")[:, neighbours + 1 :]
    np.put_along_axis(rows, beyond, 0.0, axis=1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    rows = rows / np.where(norms > 0, norms, 1.0)
    return rows @ rows.T


def split_in_two(similarity: np.ndarray, neighbours: int, min_part: int) -> Bipartition | None:
    """The best cut of the reports into two groups by their shared neighbours (average linkage),
    or None when one group would have fewer than `min_part` reports."""
    count = len(similarity)
    if count < 2 * min_part:
        return None
    shared = shared_neighbours(similarity, neighbours)
    distances = np.clip(1.0 - (shared + shared.T) / 2, 0.0, None)
    np.fill_diagonal(distances, 0.0)
    merges = linkage(squareform(distances, checks=False), "average")
    # The last merge joins the two groups: one side's reports, and the rest.
    side = _reports_under(merges, int(merges[-1, 0]), count)
    first = [i for i in range(count) if (i in side) == (0 in side)]
    second = [i for i in range(count) if (i in side) != (0 in side)]
    if min(len(first), len(second)) < min_part:
        return None
    separation = share_across(shared, first, second)
    return Bipartition(first, second, 1.0 if separation is None else separation)


def share_across(similarity: np.ndarray, first: list[int], second: list[int]) -> float | None:
    """The mean similarity between a report of `first` and one of `second`, as a share of the
    mean between two reports of one group (both groups of at least two); None when the groups'
    reports share nothing among themselves, and the share says nothing."""
    within = (_mean_within(similarity, first) + _mean_within(similarity, second)) / 2
    if within <= 0:
        return None
    return float(similarity[np.ix_(first, second)].mean()) / within


def _reports_under(merges: np.ndarray, node: int, count: int) -> set[int]:
    """The reports a node of a linkage matrix groups (nodes from `count` on are merges). The same
    as scipy's `fcluster(merges, 2, "maxclust")` for the last node, which validates the matrix
    first and costs nine times as much, on a path taken at every second report of a young story."""
    reports, pending = set(), [node]
    while pending:
        node = pending.pop()
        if node < count:
            reports.add(node)
        else:
            pending.extend(int(child) for child in merges[node - count, :2])
    return reports


def _mean_within(similarity: np.ndarray, group: list[int]) -> float:
    """The mean similarity between two different reports of `group`."""
    block = similarity[np.ix_(group, group)]
    size = len(group)
    return float((block.sum() - np.trace(block)) / (size * (size - 1)))
