"""Entity tags against tags labelled by hand: precision and recall for people, organisations and
places.

Usage: python bench/tag_quality.py [--show [development|held-out]] [--passes N]
(--show prints every miss and every wrong tag of the development half, or of the half named;
both halves' errors have been read, so both are development data now)

The gold set is bench/labels/entities-feeds-real.jsonl: 112 items of the real feed snapshots
(`../shared/data/feeds-real/`, title plus feed description, drawn at random with a fixed seed
among items whose description has eight words or more), 237 entities, 354 mentions, labelled by
hand under the guide in docs/clustering.md ("Entities and tags"). Each item is tagged as a story
of one source would be (`gazette.tag.tag_story`, topics left out). A tag is right when its kind is
the gold entity's and its name is the gold name or one of the forms the item uses for it
("Trump" for Donald Trump), compared without case; a person the item names by surname alone is
also matched by a tag of a full name ending in it ("Abbas Araghchi" for "Araghchi"), since
tags name a person by the full name earlier stories used ("strict names" scores without that).
Precision counts tags, recall gold entities. Items at even positions of the file are the
development half (where the method was looked at), odd ones the held-out half; the held-out
half's errors were read once (`--show held-out`) to find classes of error, so since then it is
a second development half, and the development half checks what was changed for it.

The fresh set, bench/labels/entities-feeds-real-fresh.jsonl, is the held-out check: 160 other
items of the same snapshots (every item not in the first set whose description has eight words
or more, shuffled by `random.Random(20261207)`, the first 160 taken), 311 entities labelled
under the same guide before any rule was changed after it. Its errors are never printed: a rule
changed because of them would make it development data too.

The demo's stories are scored too (bench/labels/entities-demo.jsonl: 62 entities of the 15
events of demo/events/, labelled by hand after the first rules were made: the ones named in at
least two of an event's independent news reports, wire copies counted once, the opinion column
left out). Each event's news articles (title, standfirst and body) are tagged as one story, as
the demo's clustering makes them; the demo's tags had been read before it was labelled, so it
is development data.

As the tag stage learns people's full names from the tags of earlier stories, every item of the
snapshots is first tagged once and the full names of the people found become the known people
(`gazette.tag.entities.known_people`) of the scored pass; the figures without them are printed
too ("alone").
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from collections import Counter
from pathlib import Path

from common import ROOT, SHARED_DATA, save_results

from gazette.records import SourceArticle
from gazette.sources.feeds import read_listing
from gazette.tag import tag_story
from gazette.tag.entities import known_people
from gazette.text import html_to_text

SNAPSHOTS = SHARED_DATA / "feeds-real" / "snapshots-2026-08-13"
LABELS = ROOT / "bench" / "labels" / "entities-feeds-real.jsonl"
FRESH = ROOT / "bench" / "labels" / "entities-feeds-real-fresh.jsonl"
DEMO = ROOT / "bench" / "labels" / "entities-demo.jsonl"
DEMO_EVENTS = ROOT / "demo" / "events"
KINDS = ("person", "organisation", "place")


def feed_items() -> dict[str, tuple[str, str]]:
    """Title and description of every item of the snapshots, by URL."""
    items = {}
    for path in sorted(SNAPSHOTS.glob("*/*")):
        try:
            feed = read_listing(path.read_bytes(), "https://feeds.example/")
        except Exception:  # the manifest's unparsable snapshots
            continue
        for entry in feed.entries:
            items[entry.url] = (entry.title, html_to_text(entry.summary))
    return items


def learnt_people(items: dict[str, tuple[str, str]]) -> tuple[dict[str, str], float]:
    """The known people after a first pass over every item, as stored tags would give them, and
    the CPU seconds that pass took (the tag stage's speed, which wall-clock time on a shared
    machine would not show)."""
    names = set()
    started = time.process_time()
    for title, summary in items.values():
        tags = tag_story([SourceArticle("1", title, summary)])
        names.update(t.name for t in tags if t.kind == "person")
    return known_people(names), time.process_time() - started


def demo_stories() -> dict[str, list[SourceArticle]]:
    """Each demo event's news articles as the sources of one story, wire copies marked as
    copies of the first of their wire."""
    stories = {}
    for path in sorted(DEMO_EVENTS.glob("*.toml")):
        articles = tomllib.loads(path.read_text())["articles"]
        first_of_wire: dict[str, str] = {}
        sources = []
        for index, article in enumerate(articles):
            if article.get("kind", "news") != "news":
                continue
            key = str(index)
            wire = article.get("wire")
            copy_of = first_of_wire.setdefault(wire, key) if wire else None
            text = f"{article.get('description', '')}\n{article['body'].strip()}"
            sources.append(
                SourceArticle(
                    key, article["title"], text, outlet=article["outlet"],
                    copy_of=copy_of if copy_of != key else None,
                )
            )  # fmt: skip
        stories[path.stem] = sources
    return stories


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def score(
    rows: list[dict],
    items: dict[str, tuple[str, str]],
    show: bool,
    people: dict[str, str] | None = None,
    strict: bool = False,
    stories: dict[str, list[SourceArticle]] | None = None,
) -> dict:
    """Precision and recall per kind; a row is a feed item (`url`) tagged as a story of one
    source, or a demo event (`event`) whose story is `stories[event]`."""
    found, right, gold, hit = Counter(), Counter(), Counter(), Counter()
    for row in rows:
        if "event" in row:
            story = (stories or {})[row["event"]]
            title = row["event"]
        else:
            title, summary = items[row["url"]]
            story = [SourceArticle("1", title, summary)]
        tags = [t for t in tag_story(story, people) if t.kind in KINDS]
        entities = row["entities"]

        def matches(tag, entity) -> bool:  # type: ignore[no-untyped-def]
            names = {entity["name"].casefold(), *(f.casefold() for f in entity["forms"])}
            name = tag.name.casefold()
            if not strict and entity["kind"] == "person" and " " not in entity["name"]:
                name = name.split()[-1]  # "Abbas Araghchi" for "Araghchi"
            return tag.kind == entity["kind"] and name in names

        for tag in tags:
            found[tag.kind] += 1
            if any(matches(tag, e) for e in entities):
                right[tag.kind] += 1
            elif show:
                print(f"wrong  {tag.kind:12} {tag.name!r:40} in {title!r}")
        for entity in entities:
            gold[entity["kind"]] += 1
            if any(matches(t, entity) for t in tags):
                hit[entity["kind"]] += 1
            elif show:
                print(f"missed {entity['kind']:12} {entity['name']!r:40} in {title!r}")
    figures = {}
    for kind in (*KINDS, "all"):
        f = sum(found.values()) if kind == "all" else found[kind]
        r = sum(right.values()) if kind == "all" else right[kind]
        g = sum(gold.values()) if kind == "all" else gold[kind]
        h = sum(hit.values()) if kind == "all" else hit[kind]
        figures[kind] = {
            "tags": f,
            "precision": round(r / f, 3) if f else None,
            "gold": g,
            "recall": round(h / g, 3) if g else None,
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--show",
        nargs="?",
        const="development",
        choices=("development", "held-out"),
        help="print every miss and wrong tag of that half (development when not named)",
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=1,
        help="tag all items this many times and report the fastest pass's CPU seconds",
    )
    arguments = parser.parse_args()
    if not SNAPSHOTS.is_dir():
        raise SystemExit(f"skipped: {SNAPSHOTS} is not there (see ../shared/data/README.md)")
    rows = read_rows(LABELS)
    fresh = read_rows(FRESH)
    items = feed_items()
    started = time.perf_counter()
    tag_story([SourceArticle("1", "Warm-up in Paris", "Loads the recogniser and the gazetteer.")])
    people, cpu_seconds = learnt_people(items)
    for _ in range(arguments.passes - 1):
        cpu_seconds = min(cpu_seconds, learnt_people(items)[1])
    figures = {
        "fresh (held out)": score(fresh, items, False, people),
        "development half": score(rows[0::2], items, arguments.show == "development", people),
        "held-out half": score(rows[1::2], items, arguments.show == "held-out", people),
        "all": score(rows, items, False, people),
        "all, strict names": score(rows, items, False, people, strict=True),
        "all alone": score(rows, items, False),
        "development half alone": score(rows[0::2], items, False),
        "held-out half alone": score(rows[1::2], items, False),
        "development half, strict names": score(rows[0::2], items, False, people, strict=True),
        "held-out half, strict names": score(rows[1::2], items, False, people, strict=True),
        "fresh (held out), strict names": score(fresh, items, False, people, strict=True),
        "fresh (held out) alone": score(fresh, items, False),
        "demo stories": score(read_rows(DEMO), items, False, stories=demo_stories()),
        "known people": len(people),
        "items tagged in the first pass": len(items),
        "CPU seconds to tag them": round(cpu_seconds, 2),
    }
    figures["seconds"] = round(time.perf_counter() - started, 1)
    save_results("tag_quality", figures)


if __name__ == "__main__":
    main()
