"""The whole pipeline, one pass, on one screen.

    sources -> fetch -> extract -> dedupe -> cluster -> write -> tag -> publish

Each stage reads the work left for it in the database and records its result there, so a stage
can run alone, on another machine, or again after a crash. One pass runs in one transaction: if
anything fails, the database is left exactly as it was, and the next run starts from the same
state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TypeVar

from gazette.cluster import cluster_pending
from gazette.cluster.stage import ClusterReport
from gazette.config import Settings
from gazette.db import Database
from gazette.dedupe import dedupe_pending
from gazette.dedupe.stage import DedupeReport
from gazette.embedding import Embedder, LazyEmbedder
from gazette.extract import extract_pending
from gazette.extract.stage import ExtractReport
from gazette.fetch.stage import FetchReport, fetch_pending
from gazette.publish import publish_ready, sync_ad_slots
from gazette.publish.stage import PublishReport
from gazette.sources import poll_sources
from gazette.sources.poll import PollReport
from gazette.tag import tag_pending
from gazette.tag.stage import TagReport
from gazette.write import write_pending
from gazette.write.stage import WriteReport

Result = TypeVar("Result")


class StageClock:
    """Runs a stage and keeps how long it took, in seconds, under the stage's name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, stage: Callable[..., Result], *args: object) -> Result:
        started = time.perf_counter()
        result = stage(*args)
        self.seconds[name] = time.perf_counter() - started
        return result


@dataclass
class RunReport:
    sources: PollReport
    fetch: FetchReport
    extract: ExtractReport
    dedupe: DedupeReport
    cluster: ClusterReport
    write: WriteReport
    tag: TagReport
    publish: PublishReport
    seconds: dict[str, float] = field(default_factory=dict)

    def errors(self) -> dict[str, str]:
        """Every per-item error of the run, keyed by what failed (a source, a URL, a story)."""
        found: dict[str, str] = {}
        for stage in fields(self):
            if stage.name == "seconds":
                continue
            for key, message in getattr(getattr(self, stage.name), "errors", {}).items():
                found[f"{stage.name} {key}"] = message
        return found


def run_pipeline(
    database: Database,
    settings: Settings,
    embedder: Embedder | None = None,
    all_sources: bool = False,
) -> RunReport:
    """One pass. Sources are read when due (every source with `all_sources`)."""
    embedder = embedder or LazyEmbedder()  # the model loads only if there is text to embed
    clock = StageClock()
    with database.transaction() as session:
        sync_ad_slots(session, settings.ads)
        return RunReport(
            sources=clock("sources", poll_sources, session, settings.fetch, None, all_sources),
            fetch=clock("fetch", fetch_pending, session, settings.fetch),
            extract=clock("extract", extract_pending, session),
            dedupe=clock("dedupe", dedupe_pending, session),
            cluster=clock("cluster", cluster_pending, session, embedder, settings.cluster),
            write=clock("write", write_pending, session, embedder, settings.write),
            tag=clock("tag", tag_pending, session),
            publish=clock("publish", publish_ready, session, settings.write),
            seconds=clock.seconds,
        )
