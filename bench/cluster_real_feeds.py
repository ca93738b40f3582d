"""Inspection: story clustering on real feed snapshots, story by story.

Usage: python bench/cluster_real_feeds.py   (prints every story with several reports, those
from two or more outlets first, and counts)

Reads `../shared/data/feeds-real/snapshots-2026-08-13/` (six outlets, seven snapshots each, one
day) with the pipeline's feed parser, keeps each article once (by URL), and clusters title plus
feed description with exactly the algorithm of `gazette cluster`. The point is to read the
stories and look for mixed events, and for obvious pairs left apart; `cluster_quality.py`
scores the same stories against the events labelled by hand (bench/labels/). Findings are
summarised in docs/benchmarks.md.
"""

from __future__ import annotations

import json
from collections import defaultdict

from common import SHARED_DATA, save_results

from gazette.cluster import cluster_items
from gazette.config import ClusterSettings
from gazette.embedding import default_embedder
from gazette.records import ClusterItem
from gazette.sources.feeds import parse_feed
from gazette.text import html_to_text

SNAPSHOTS = SHARED_DATA / "feeds-real" / "snapshots-2026-08-13"


def read_items() -> list[ClusterItem]:
    """Every article of every snapshot once, dated by the feed (else by the snapshot)."""
    items: dict[str, ClusterItem] = {}
    for line in (SNAPSHOTS / "manifest.jsonl").read_text().splitlines():
        snapshot = json.loads(line)
        if not snapshot.get("parse_ok"):
            continue
        content = (SNAPSHOTS / snapshot["file"]).read_bytes()
        feed = parse_feed(content, f"https://{snapshot['feed']}.example/feed")
        for entry in feed.entries:
            if entry.url in items or not entry.title:
                continue
            items[entry.url] = ClusterItem(
                id=entry.url,
                title=entry.title,
                text=html_to_text(entry.summary),
                published=entry.published or _snapshot_time(snapshot),
                source=snapshot["feed"],
                url=entry.url,
            )
    return list(items.values())


def _snapshot_time(snapshot: dict):  # type: ignore[no-untyped-def]
    from gazette.times import parse_iso_time

    return parse_iso_time(snapshot["commit_date"])


def main() -> None:
    if not SNAPSHOTS.is_dir():
        print(f"skipping: {SNAPSHOTS} not found")
        return
    items = read_items()
    assignments = cluster_items(items, default_embedder(), ClusterSettings())
    by_item = {item.id: item for item in items}
    stories: dict[int, list[ClusterItem]] = defaultdict(list)
    for assignment in assignments:
        stories[assignment.story_id].append(by_item[assignment.item_id])
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
    save_results(
        "cluster_real_feeds",
        {
            "items": len(items),
            "stories": len(stories),
            "stories_with_several_reports": len(several),
            "stories_from_several_outlets": len(shared),
        },
    )


def _print_stories(stories: dict[int, list[ClusterItem]]) -> None:
    for story_id, members in sorted(stories.items(), key=lambda entry: -len(entry[1])):
        print(f"\nstory {story_id}: {len(members)} reports")
        for member in members:
            print(f"  [{member.source}] {member.title}")


if __name__ == "__main__":
    main()
