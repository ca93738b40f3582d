"""Benchmark: story clustering quality (BCubed) and speed on labelled sets.

Usage: python bench/cluster_quality.py

Runs exactly the algorithm of `gazette cluster` (gazette.cluster.cluster_items), streaming in
publication order, on:
- the demo corpus (demo/expected.json holds the gold stories);
- the ECB+ development slice in ../shared/data/clustering-dev/ (skipped with a message when the
  folder is absent). ECB+ has no dates, so all its items fall in one time window.
Reports BCubed precision, recall and F1, and assignments per second with the embedding time
excluded (vectors are computed first, then replayed). Writes bench/results/cluster_quality.json.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from datetime import UTC, datetime

import numpy as np
from common import ROOT, save_results

from gazette.cluster import cluster_items, embedding_text
from gazette.config import ClusterSettings
from gazette.embedding import default_embedder
from gazette.extract import extract_article
from gazette.records import ClusterItem

ECBPLUS = ROOT.parent / "shared" / "data" / "clustering-dev" / "ecbplus-dev.jsonl"


class Replay:
    """Hands back vectors computed beforehand, so that timing excludes the model."""

    name = "replay"

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vectors[text] for text in texts])


def bcubed(gold: dict[str, str], predicted: dict[str, int]) -> dict[str, float]:
    gold_sets, predicted_sets = defaultdict(set), defaultdict(set)
    for item, label in gold.items():
        gold_sets[label].add(item)
        predicted_sets[predicted[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        overlap = len(gold_sets[gold[item]] & predicted_sets[predicted[item]])
        precision += overlap / len(predicted_sets[predicted[item]])
        recall += overlap / len(gold_sets[gold[item]])
    precision, recall = precision / len(gold), recall / len(gold)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4),
    }


def demo_set() -> tuple[list[ClusterItem], dict[str, str]]:
    expected = json.loads((ROOT / "demo" / "expected.json").read_text())
    gold = {url: story for story, urls in expected["stories"].items() for url in urls}
    items = []
    for url in gold:
        path = ROOT / "demo" / "site" / (url.removeprefix("https://") + ".html")
        article = extract_article(path.read_bytes(), url)
        items.append(ClusterItem(url, article.title, article.text, article.published))
    return items, gold


def ecbplus_set() -> tuple[list[ClusterItem], dict[str, str]] | None:
    if not ECBPLUS.is_file():
        print(f"skipping ECB+: {ECBPLUS} not found")
        return None
    rows = [json.loads(line) for line in ECBPLUS.read_text().splitlines() if line.strip()]
    moment = datetime(2020, 1, 1, tzinfo=UTC)
    items = [ClusterItem(r["id"], r["title"], r["text"], moment) for r in rows]
    return items, {r["id"]: r["cluster"] for r in rows}


def measure(name: str, items: list[ClusterItem], gold: dict[str, str]) -> dict:
    settings = ClusterSettings()
    texts = [embedding_text(i.title, i.text, settings.lead_words) for i in items]
    started = time.perf_counter()
    vectors = default_embedder().encode(texts)
    embedding_seconds = time.perf_counter() - started
    replay = Replay(dict(zip(texts, vectors, strict=True)))
    started = time.perf_counter()
    assignments = cluster_items(items, replay, settings)
    clustering_seconds = time.perf_counter() - started
    predicted = {a.item_id: a.story_id for a in assignments}
    return {
        "set": name,
        "items": len(items),
        "gold_stories": len(set(gold.values())),
        "predicted_stories": len(set(predicted.values())),
        "bcubed": bcubed(gold, predicted),
        "assignments_per_second_without_embedding": round(len(items) / clustering_seconds),
        "items_per_second_with_embedding": round(
            len(items) / (clustering_seconds + embedding_seconds), 1
        ),
    }


def main() -> None:
    default_embedder().encode(["warm up"])
    results = [measure("demo", *demo_set())]
    ecb = ecbplus_set()
    if ecb is not None:
        results.append(measure("ecbplus-dev", *ecb))
    settings = ClusterSettings()
    save_results(
        "cluster_quality",
        {
            "threshold": settings.join_threshold,
            "window_hours": settings.window_hours,
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
