"""The two-events test on similarity matrices built by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from gazette.cluster.communities import share_across, shared_neighbours, split_in_two


def two_groups(size: int, within: float, across: float, noise: float = 0.02) -> np.ndarray:
    """Similarities of `size` reports of one event followed by `size` of another."""
    rng = np.random.default_rng(7)
    total = 2 * size
    similarity = np.full((total, total), across)
    similarity[:size, :size] = within
    similarity[size:, size:] = within
    similarity += rng.uniform(-noise, noise, (total, total))
    similarity = (similarity + similarity.T) / 2
    np.fill_diagonal(similarity, 1.0)
    return similarity


def test_shared_neighbours_keeps_each_reports_nearest_only() -> None:
    similarity = np.array(
        [
            [1.0, 0.9, 0.1, 0.2],
            [0.9, 1.0, 0.3, 0.1],
            [0.1, 0.3, 1.0, 0.8],
            [0.2, 0.1, 0.8, 1.0],
        ]
    )
    shared = shared_neighbours(similarity, neighbours=1)
    # 0 and 1 are each other's nearest: their kept rows are alike; 0 and 2 share nothing.
    assert shared[0, 1] > 0.9
    assert shared[0, 2] == 0.0
    assert np.allclose(np.diag(shared), 1.0)


def test_two_events_that_score_close_overall_fall_apart_by_their_neighbours() -> None:
    """Across the events reports still score 0.55, against 0.6 within: a bar on the mean could not
    tell them apart, their neighbourhoods can."""
    parts = split_in_two(two_groups(6, within=0.6, across=0.55), neighbours=5, min_part=3)
    assert parts is not None
    assert parts.first == [0, 1, 2, 3, 4, 5] and parts.second == [6, 7, 8, 9, 10, 11]
    assert parts.separation < 0.1


def test_one_event_cut_in_two_keeps_a_high_separation() -> None:
    parts = split_in_two(two_groups(6, within=0.6, across=0.6), neighbours=5, min_part=3)
    assert parts is None or parts.separation > 0.5


def test_too_few_reports_for_two_groups_are_not_cut() -> None:
    assert split_in_two(two_groups(2, within=0.9, across=0.1), neighbours=5, min_part=3) is None
    # A single report far from the rest is an outlier, not a second event.
    similarity = two_groups(4, within=0.9, across=0.9)
    similarity[0, 1:] = similarity[1:, 0] = 0.05
    parts = split_in_two(similarity, neighbours=5, min_part=3)
    assert parts is None


def test_the_two_groups_are_the_last_merge_of_average_linkage() -> None:
    """The cut read from the linkage matrix by hand is scipy's own two-cluster cut."""
    rng = np.random.default_rng(11)
    for size in (6, 13, 40):
        similarity = rng.uniform(0.0, 1.0, (size, size))
        similarity = (similarity + similarity.T) / 2
        parts = split_in_two(similarity, neighbours=5, min_part=1)
        assert parts is not None
        shared = shared_neighbours(similarity, 5)
        distances = np.clip(1.0 - (shared + shared.T) / 2, 0.0, None)
        np.fill_diagonal(distances, 0.0)
        merges = linkage(squareform(distances, checks=False), "average")
        labels = fcluster(merges, 2, "maxclust")
        assert parts.first == [i for i in range(size) if labels[i] == labels[0]]


def test_share_across_compares_the_mean_between_groups_with_the_mean_within() -> None:
    similarity = two_groups(4, within=0.8, across=0.2, noise=0.0)
    assert share_across(similarity, [0, 1, 2, 3], [4, 5, 6, 7]) == pytest.approx(0.25)
    # A cut through both events: each group is half of each, as close across as within.
    assert share_across(similarity, [0, 1, 4, 5], [2, 3, 6, 7]) >= 1.0
    # Groups whose reports share nothing among themselves: the share says nothing.
    assert share_across(np.eye(4), [0, 1], [2, 3]) is None
