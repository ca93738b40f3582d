"""Benchmark: article extraction quality and speed on the extraction-dev slice.

Usage: python bench/extraction_quality.py [--baseline] [--show-worst N]

Scores `gazette.extract.extract_article` (what `gazette extract` runs) on the 88 real pages in
../shared/data/extraction-dev/, the way the Scrapinghub article-extraction benchmark does
(see ../shared/data/README.md): Unicode `\\w+` tokens, multisets of 4-token shingles, per-page
true/false positives and negatives, precision and recall averaged over pages, F1 of the means.
Speed is pages per second in one process (one core), HTML bytes to record, gzip excluded,
after one untimed page (first use compiles patterns and loads tables).
`--baseline` also scores trafilatura's default `extract()` on the same pages for comparison.
Skips with a message when the data folder is absent. Writes bench/results/extraction_quality.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable

import trafilatura
from common import SHARED_DATA, save_results

from gazette.errors import ExtractionEmpty
from gazette.extract import extract_article

DATA = SHARED_DATA / "extraction-dev"
TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 4) -> Counter:
    tokens = TOKEN.findall(text or "")
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_counts(truth: str, prediction: str) -> tuple[float, float, float]:
    expected, found = shingles(truth), shingles(prediction)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(pairs: list[tuple[str, str]]) -> dict[str, float]:
    precisions, recalls = [], []
    for truth, prediction in pairs:
        tp, fp, fn = page_counts(truth, prediction)
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": round(f1, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }


def gazette_extractor(html: bytes, url: str) -> str:
    try:
        return extract_article(html, url).text
    except ExtractionEmpty:
        return ""


def trafilatura_default(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def run(
    extractor: Callable[[bytes, str], str], pages: list[tuple[str, bytes, str, str]]
) -> tuple[dict, list[tuple[str, str, str]]]:
    extractor(pages[0][1], pages[0][2])  # first use compiles patterns and loads tables: untimed
    started = time.perf_counter()
    outputs = [(key, truth, extractor(html, url)) for key, html, url, truth in pages]
    seconds = time.perf_counter() - started
    figures = score([(truth, prediction) for _, truth, prediction in outputs])
    figures["pages_per_second"] = round(len(pages) / seconds, 1)
    return figures, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="also score trafilatura.extract")
    parser.add_argument("--show-worst", type=int, default=0, help="print the N worst pages")
    args = parser.parse_args()
    if not (DATA / "ground-truth.json").is_file():
        print(f"skipping: {DATA} not found")
        sys.exit(0)
    truth = json.loads((DATA / "ground-truth.json").read_text())
    pages = [
        (
            key,
            gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes()),
            item["url"],
            item["articleBody"],
        )
        for key, item in sorted(truth.items())
    ]
    results = {"pages": len(pages)}
    results["gazette"], outputs = run(gazette_extractor, pages)
    if args.baseline:
        results["trafilatura_default"], _ = run(trafilatura_default, pages)
    if args.show_worst:
        ranked = sorted(outputs, key=lambda o: score([(o[1], o[2])])["f1"])
        for key, expected, found in ranked[: args.show_worst]:
            page = score([(expected, found)])
            print(
                f"{key[:12]} f1 {page['f1']:.3f} p {page['precision']:.3f} r {page['recall']:.3f}"
                f" words truth {len(expected.split())} found {len(found.split())}"
            )
    save_results("extraction_quality", results)


if __name__ == "__main__":
    main()
