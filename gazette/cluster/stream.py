"""The clustering algorithm over a plain list of items, as a live stream would see them
(`gazette cluster`, the benchmarks), and what the clusterer compares of a report."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta

import numpy as np

from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.signals import Profile, profile
from gazette.config import ClusterSettings
from gazette.embedding import Embedder
from gazette.language import language_of
from gazette.records import Assignment, ClusterItem
from gazette.text import strip_dateline


def embedding_text(title: str, text: str, lead_words: int) -> str:
    """What the clusterer compares: the title and the first words of the text (the lead), without
    a dateline (see gazette.cluster.signals.profile)."""
    lead = " ".join(strip_dateline(text).split()[:lead_words])
    title = title.strip()
    if not title:
        return lead
    return f"{title}. {lead}" if lead else title


def cluster_items(
    items: Iterable[ClusterItem],
    embedder: Embedder,
    settings: ClusterSettings,
    threshold: float | None = None,
    progress: Callable[[], None] | None = None,
) -> list[Assignment]:
    """Cluster items as a live stream would: in publication order (ties in the order given),
    each decided on arrival, with later merges and departures applied to the final answer.
    `progress` is called after each item is assigned."""
    ordered = [with_language(item, settings.language) for item in items]
    ordered.sort(key=lambda item: item.published)
    vectors = embedder.encode(
        [embedding_text(i.title, i.text, settings.lead_words) for i in ordered]
    )
    profiles = [profile(item.title, item.text, item.language) for item in ordered]
    return assign_stream(ordered, vectors, profiles, settings, threshold, progress)


def with_language(item: ClusterItem, default: str) -> ClusterItem:
    """The item with its language settled: declared, else detected, else `default`."""
    return replace(item, language=language_of(item.language, item.title, item.text, default))


def assign_stream(
    ordered: list[ClusterItem],
    vectors: np.ndarray,
    profiles: list[Profile],
    settings: ClusterSettings,
    threshold: float | None = None,
    progress: Callable[[], None] | None = None,
) -> list[Assignment]:
    """The decisions for items already in publication order, with their features computed."""
    clusterer = IncrementalClusterer(
        timedelta(hours=settings.window_hours),
        settings.join_threshold if threshold is None else threshold,
        itertools.count(1).__next__,
    )
    decisions = []
    for item, vector, item_profile in zip(ordered, vectors, profiles, strict=True):
        decisions.append(clusterer.assign(item, vector, item_profile))
        if progress is not None:
            progress()
    # The coverages that took reports since they were last asked are asked once more, as the
    # next report of a live stream would have them asked, and rebuilt, as at the end of a step
    # of the cluster stage.
    clusterer.review_coverages()
    clusterer.regroup_coverages()
    roots = clusterer.thread_roots()
    return [_final(clusterer, decision, roots) for decision in decisions]


def _final(
    clusterer: IncrementalClusterer, decision: Assignment, roots: dict[int, int]
) -> Assignment:
    """The decision as it stands after the stream: a merged or departed item says where it went,
    and every item says the thread its story ended in."""
    story_id = clusterer.story_of_item[decision.item_id]
    final = replace(decision, thread=roots.get(story_id))
    if story_id == decision.story_id:
        return final
    return replace(
        final,
        story_id=story_id,
        reason=f"{decision.reason}; now in story {story_id} after a merge or departure",
    )
