"""The incremental clusterer's rules, on hand-made vectors."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import numpy as np

from gazette.batch import ClusterInput, cluster_records
from gazette.cluster import IncrementalClusterer
from gazette.cluster.incremental import FIGURE_BONUS
from gazette.config import ClusterSettings
from gazette.records import ClusterItem

START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def with_similarity(base: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector at exactly `cosine` to the unit vector `base` (base is along axis 0)."""
    other = np.zeros_like(base)
    other[1] = 1.0
    return (cosine * base + np.sqrt(1 - cosine**2) * other).astype(np.float32)


def clusterer(threshold: float = 0.6, hours: float = 72) -> IncrementalClusterer:
    return IncrementalClusterer(timedelta(hours=hours), threshold, itertools.count(1).__next__)


def item(key: str, hours: float = 0, text: str = "", copy_of: str | None = None) -> ClusterItem:
    return ClusterItem(key, f"title {key}", text, START + timedelta(hours=hours), copy_of=copy_of)


def test_similar_items_join_and_the_reason_says_why() -> None:
    c = clusterer()
    base = unit(1, 0, 0)
    first = c.assign(item("a"), base)
    second = c.assign(item("b", 1), with_similarity(base, 0.8))
    third = c.assign(item("c", 2), with_similarity(base, 0.3))
    assert first.created and first.reason.startswith("new story: no active story")
    assert second.story_id == first.story_id and not second.created
    assert "similarity 0.80" in second.reason and "1 earlier reports" in second.reason
    assert third.created and third.story_id != first.story_id
    assert "below the threshold 0.60" in third.reason


def test_average_linkage_not_single_link() -> None:
    """An item close to one member but far from the rest of a story does not join it."""
    c = clusterer(threshold=0.6)
    a, b = unit(1, 0, 0), unit(0.8, 0.6, 0)
    c.assign(item("a"), a)
    assert not c.assign(item("b", 1), b).created  # cos(a, b) = 0.8
    outlier = unit(0.0, 0.9, 0.436)  # cos with b 0.54, with a 0: mean below 0.6
    assert c.assign(item("c", 2), outlier).created


def test_stories_outside_the_time_window_are_not_candidates() -> None:
    c = clusterer(hours=72)
    base = unit(1, 0, 0)
    first = c.assign(item("a"), base)
    late = c.assign(item("b", 73), base)
    assert late.created and late.story_id != first.story_id
    assert "no active story" in late.reason
    c.forget_before(START + timedelta(hours=200))
    assert c.stories == {}


def test_shared_figures_add_a_bounded_bonus() -> None:
    base = unit(1, 0, 0)
    figures = "It cost 310 million crowns, carries 25,000 people and is 1,200 metres long."
    near = with_similarity(base, 0.6 - FIGURE_BONUS / 2)
    without = clusterer()
    without.assign(item("a", text=figures), base)
    assert without.assign(item("b", 1, text="No numbers here."), near).created
    with_figures = clusterer()
    with_figures.assign(item("a", text=figures), base)
    joined = with_figures.assign(item("b", 1, text=figures), near)
    assert not joined.created and "3 shared figures" in joined.reason


def test_years_and_small_numbers_are_not_evidence() -> None:
    base = unit(1, 0, 0)
    c = clusterer()
    c.assign(item("a", text="In 2026 two of the 3 ministers agreed."), base)
    result = c.assign(
        item("b", 1, text="In 2026 two of the 3 ministers agreed."), with_similarity(base, 0.55)
    )
    assert result.created


def test_syndicated_copies_follow_their_original() -> None:
    c = clusterer()
    original = c.assign(item("a"), unit(1, 0, 0))
    copy = c.assign(item("b", 1, copy_of="a"), unit(0, 0, 1))  # even if its vector differs
    assert copy.story_id == original.story_id
    assert copy.reason == "syndicated copy of a"


def test_cluster_batch_takes_undated_items_after_dated_ones(embedder) -> None:
    records = [
        ClusterInput(id="undated", title="Volcano erupts on a remote island, villages evacuated"),
        ClusterInput(id="dated", title="Central bank cuts interest rates", published="2026-01-05"),
    ]
    stories = {a["id"]: a["story"] for a in cluster_records(records, embedder, ClusterSettings())}
    assert stories == {"dated": 1, "undated": 2}  # story ids count up in processing order
