"""Inspection: story clustering on real feed snapshots, story by story, as the pipeline does it.

Usage: python bench/cluster_real_feeds.py [FOLDER...]   (default: every folder of
`../shared/data/feeds-real/` that holds a `manifest.jsonl`)

Each folder holds raw feed files and a `manifest.jsonl` listing them (`feed`, `file`,
`commit_date`, `parse_ok`). The pipeline's feed parser reads them, each article is kept once (by
URL), and its kind is read as at discovery (`gazette/report_kinds.py`). News reports are
clustered by exactly the algorithm of `gazette cluster`, in publication order; every other piece
(opinion, analysis, live blogs...) is placed beside the story it is about as the cluster stage
does it (`IncrementalClusterer.story_about`, once the reports published before it are in their
stories, and once more after the following hours' reports if it found none), never in it.
Printed: every story with reports from two or more outlets (the ones to read by hand for
unrelated merges: the review is bench/labels/feeds-real-review.md), then those with several
reports of one outlet, then where each aside went. `cluster_quality.py` scores the
snapshots of 2026-08-13 against the events labelled by hand (bench/labels/), all items clustered.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from common import SHARED_DATA, save_results

from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.signals import Profile, profile
from gazette.cluster.stage import ASIDE_SECOND_LOOK
from gazette.cluster.stream import embedding_text, with_language
from gazette.config import ClusterSettings
from gazette.embedding import default_embedder
from gazette.records import ClusterItem
from gazette.report_kinds import ReportKind, report_kind
from gazette.sources.feeds import parse_feed
from gazette.text import html_to_text
from gazette.times import parse_iso_time

FEEDS_REAL = SHARED_DATA / "feeds-real"
SNAPSHOTS = FEEDS_REAL / "snapshots-2026-08-13"


def read_items(folder: Path = SNAPSHOTS) -> list[ClusterItem]:
    """Every article of every snapshot once, dated by the feed (else by the snapshot)."""
    return [item for item, _kind in read_items_with_kinds(folder)]


def read_items_with_kinds(folder: Path) -> list[tuple[ClusterItem, ReportKind]]:
    items: dict[str, tuple[ClusterItem, ReportKind]] = {}
    for line in (folder / "manifest.jsonl").read_text().splitlines():
        snapshot = json.loads(line)
        if not snapshot.get("parse_ok"):
            continue
        content = (folder / snapshot["file"]).read_bytes()
        feed = parse_feed(content, f"https://{snapshot['feed']}.example/feed")
        for entry in feed.entries:
            if entry.url in items or not entry.title:
                continue
            item = ClusterItem(
                id=entry.url,
                title=entry.title,
                text=html_to_text(entry.summary),
                published=entry.published or parse_iso_time(snapshot["commit_date"]),
                source=snapshot["feed"],
                url=entry.url,
            )
            items[entry.url] = (item, report_kind(entry.url, entry.title, entry.categories))
    return list(items.values())


def stream(
    pieces: list[tuple[ClusterItem, ReportKind]], settings: ClusterSettings
) -> tuple[dict[int, list[ClusterItem]], list[tuple[ClusterItem, ReportKind, int | None, str]]]:
    """News reports into stories, in publication order; each other piece placed beside a story
    once the reports published before it are in (as the cluster stage does)."""
    embedder = default_embedder()
    ordered = sorted(
        ((with_language(item, settings.language), kind) for item, kind in pieces),
        key=lambda entry: entry[0].published,
    )
    vectors = embedder.encode(
        [embedding_text(i.title, i.text, settings.lead_words) for i, _ in ordered]
    )
    clusterer = IncrementalClusterer(
        timedelta(hours=settings.window_hours),
        settings.join_threshold,
        itertools.count(1).__next__,
    )
    news: list[ClusterItem] = []
    asides: list[tuple[ClusterItem, ReportKind, int | None, str]] = []
    # Pieces placed beside no story, waiting for their second look (as in the cluster stage).
    waiting: list[tuple[int, np.ndarray, Profile]] = []

    def look_again(before: datetime | None) -> None:
        for entry in list(waiting):
            index, vector, item_profile = entry
            item, kind, _, first = asides[index]
            if before is None or item.published + ASIDE_SECOND_LOOK < before:
                story_id, _score, reason = clusterer.story_about(item, vector, item_profile)
                asides[index] = (item, kind, story_id, f"{first}; looked at again: {reason}")
                waiting.remove(entry)

    for (item, kind), vector in zip(ordered, vectors, strict=True):
        item_profile = profile(item.title, item.text, item.language or settings.language)
        look_again(item.published)
        if kind == ReportKind.NEWS:
            clusterer.assign(item, vector, item_profile)
            news.append(item)
        else:
            story_id, _score, reason = clusterer.story_about(item, vector, item_profile)
            if story_id is None:
                waiting.append((len(asides), vector, item_profile))
            asides.append((item, kind, story_id, reason))
    look_again(None)
    stories: dict[int, list[ClusterItem]] = defaultdict(list)
    for item in news:
        stories[clusterer.story_of_item[item.id]].append(item)
    placed = [
        (item, kind, None if story is None else clusterer.final_story(story), reason)
        for item, kind, story, reason in asides
    ]
    return stories, placed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    args = parser.parse_args()
    folders = args.folders or sorted(
        path.parent for path in FEEDS_REAL.glob("*/manifest.jsonl") if FEEDS_REAL.is_dir()
    )
    if not folders:
        print(f"skipping: no feed snapshots under {FEEDS_REAL}")
        return
    figures = {}
    for folder in folders:
        print(f"=== {folder.name}")
        figures[folder.name] = inspect(folder)
    save_results("cluster_real_feeds", figures)


def inspect(folder: Path) -> dict[str, int]:
    pieces = read_items_with_kinds(folder)
    stories, asides = stream(pieces, ClusterSettings())
    several = {story_id: members for story_id, members in stories.items() if len(members) > 1}
    shared = {
        story_id: members
        for story_id, members in several.items()
        if len({m.source for m in members}) >= 2
    }
    print("Stories with reports from several outlets:")
    _print_stories(shared)
    # One outlet's reports hide mixes as well: an agency's dateline once gathered fifteen.
    print("\nStories with several reports of one outlet:")
    _print_stories({key: value for key, value in several.items() if key not in shared})
    print("\nPieces that are not news reports, and the story each is listed beside:")
    for item, kind, story_id, reason in asides:
        where = f"story {story_id}" if story_id is not None else "no story"
        print(f"  [{item.source}] ({kind}) {item.title}\n      -> {where}: {reason}")
        if story_id is not None:
            for member in stories.get(story_id, [])[:3]:
                print(f"         [{member.source}] {member.title}")
    return {
        "items": len(pieces),
        "news_reports": sum(len(members) for members in stories.values()),
        "stories": len(stories),
        "stories_with_several_reports": len(several),
        "stories_from_several_outlets": len(shared),
        "asides": len(asides),
        "asides_beside_a_story": sum(1 for entry in asides if entry[2] is not None),
    }


def _print_stories(stories: dict[int, list[ClusterItem]]) -> None:
    for story_id, members in sorted(stories.items(), key=lambda entry: -len(entry[1])):
        print(f"\nstory {story_id}: {len(members)} reports")
        for member in members:
            print(f"  [{member.source}] {member.title}")


if __name__ == "__main__":
    main()
