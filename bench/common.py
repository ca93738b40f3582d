"""What every benchmark records: where it ran, and where its results go."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from gazette.records import SourceArticle

ROOT = Path(__file__).resolve().parent.parent
# The shared benchmark data (../shared/data, see its README): not part of this repository.
SHARED_DATA = ROOT.parent / "shared" / "data"
ECBPLUS = SHARED_DATA / "clustering-dev" / "ecbplus-dev.jsonl"
NEUS = SHARED_DATA / "summarization-dev" / "neus-val.jsonl"


def machine() -> str:
    name = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} cores, Python {platform.python_version()}"


def save_results(name: str, figures: dict) -> dict:
    """Stamp the figures with date and machine, print them, write bench/results/<name>.json."""
    report = {"date": datetime.now(UTC).date().isoformat(), "machine": machine(), **figures}
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return report


def ecbplus_stories() -> list[list[SourceArticle]]:
    """The ECB+ events with ten articles or more, ten of each: the ten-source stories of the
    writing speed benchmarks."""
    rows = [json.loads(line) for line in ECBPLUS.read_text().splitlines() if line.strip()]
    by_event: dict[str, list[SourceArticle]] = {}
    for row in rows:
        by_event.setdefault(row["cluster"], []).append(
            SourceArticle(
                key=row["id"],
                title=row["title"],
                text=row["text"],
                url=f"https://ecbplus.example/{row['id']}",
                outlet=row.get("source") or f"Outlet {row['id']}",
            )
        )
    return [articles[:10] for articles in by_event.values() if len(articles) >= 10]
