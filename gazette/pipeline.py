"""The whole pipeline, one pass, on one screen.

    sources -> fetch -> extract -> dedupe -> embed -> cluster -> write -> tag -> publish

Each stage is a step function: it takes one batch of the work waiting for it in the database,
does it, and commits (gazette/work.py). A pass (`gazette run`) drains the stages in order; the
long-running worker (gazette/worker.py) and the Celery tasks (gazette/tasks.py) call the same
steps. A crash loses at most the batch in flight: the next pass picks up exactly where this one
stopped, and ends in the same state as a clean run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gazette.cluster import cluster_step, embed_step
from gazette.cluster.embed import EmbedReport
from gazette.cluster.stage import ClusterReport
from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import utcnow
from gazette.dedupe import dedupe_step
from gazette.dedupe.stage import DedupeReport
from gazette.embedding import Embedder, LazyEmbedder
from gazette.extract import extract_step
from gazette.extract.stage import ExtractReport
from gazette.fetch import FetchReport, fetch_step
from gazette.publish import publish_step, sync_ad_slots
from gazette.publish.stage import PublishReport
from gazette.sources import poll_step
from gazette.sources.poll import PollReport, mark_all_due
from gazette.status import record_step
from gazette.tag import tag_step
from gazette.tag.stage import TagReport
from gazette.work import StageContext, StepReport
from gazette.write import write_step
from gazette.write.stage import WriteReport


@dataclass(frozen=True)
class Stage:
    name: str
    step: Callable[[StageContext], StepReport]
    report: type[StepReport]


STAGES = (
    Stage("sources", poll_step, PollReport),
    Stage("fetch", fetch_step, FetchReport),
    Stage("extract", extract_step, ExtractReport),
    Stage("dedupe", dedupe_step, DedupeReport),
    Stage("embed", embed_step, EmbedReport),
    Stage("cluster", cluster_step, ClusterReport),
    Stage("write", write_step, WriteReport),
    Stage("tag", tag_step, TagReport),
    Stage("publish", publish_step, PublishReport),
)


@dataclass
class RunReport:
    sources: PollReport
    fetch: FetchReport
    extract: ExtractReport
    dedupe: DedupeReport
    embed: EmbedReport
    cluster: ClusterReport
    write: WriteReport
    tag: TagReport
    publish: PublishReport
    seconds: dict[str, float] = field(default_factory=dict)

    def errors(self) -> dict[str, str]:
        """Every per-item error of the run, keyed by what failed (a source, a URL, a story)."""
        found: dict[str, str] = {}
        for stage in STAGES:
            for key, message in getattr(self, stage.name).errors.items():
                found[f"{stage.name} {key}"] = message
        return found

    def first_failures(self) -> list[str]:
        """The errors of items that had not failed before (what makes `gazette run` exit 1)."""
        return [
            f"{stage.name} {key}"
            for stage in STAGES
            for key in getattr(self, stage.name).first_failures
        ]


def run_step(stage: Stage, context: StageContext) -> StepReport:
    """One step of the stage; one that found work is added to the stage's totals (metrics)."""
    started = time.perf_counter()
    report = stage.step(context)
    if report.did_something():
        with context.database.transaction() as session:
            record_step(session, stage.name, report, time.perf_counter() - started)
    return report


Progress = Callable[[Stage, StepReport], None]


def drain(stage: Stage, context: StageContext, progress: Progress | None = None) -> StepReport:
    """Step the stage until nothing is left waiting for it; the totals (also handed to
    `progress` after each step)."""
    total = stage.report()
    while True:
        report = run_step(stage, context)
        total.add(report)
        if progress is not None:
            progress(stage, total)
        if not report.more:
            return total


def run_pipeline(
    database: Database,
    settings: Settings,
    embedder: Embedder | None = None,
    all_sources: bool = False,
    progress: Progress | None = None,
) -> RunReport:
    """One pass. Sources are read when due (every source with `all_sources`). `progress` is
    told each stage's totals after every step."""
    # The model loads only if there is text to embed.
    context = StageContext(database, settings, embedder or LazyEmbedder())
    with database.transaction() as session:
        sync_ad_slots(session, settings.ads)
        if all_sources:
            mark_all_due(session, utcnow())
    reports, seconds = {}, {}
    try:
        for stage in STAGES:
            started = time.perf_counter()
            reports[stage.name] = drain(stage, context, progress)
            seconds[stage.name] = time.perf_counter() - started
    finally:
        context.close()
    return RunReport(**reports, seconds=seconds)
