"""Running the pipeline: one pass (`run`), the worker, `status` and `retry`."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from gazette.cli.base import (
    State,
    app,
    err,
    out,
    print_run,
    reports_errors,
    stage_progress,
    state_of,
)
from gazette.config import Settings
from gazette.errors import InputError, describe
from gazette.text import how_many

if TYPE_CHECKING:
    from gazette.pipeline import Stage
    from gazette.work import StepReport


@app.command()
@reports_errors
def run(
    ctx: typer.Context,
    all_sources: Annotated[
        bool, typer.Option("--all-sources", help="Read every source now, due or not.")
    ] = False,
) -> None:
    """Run one pass of the whole pipeline: sources, fetch, extract, dedupe, embed, cluster,
    write, tag, publish. Exits with 1 if a source, page or story failed that had not failed
    before (the rest is still stored); items that keep failing are listed as "still failing"
    and by `gazette status`, and do not change the exit code."""
    from gazette.pipeline import run_pipeline
    from gazette.work import settle_process

    state = state_of(ctx)
    database, settings = state.database(), state.settings()
    settle_process()
    with stage_progress() as progress:
        report = run_pipeline(database, settings, all_sources=all_sources, progress=progress)
    print_run(report)
    if report.first_failures():
        raise typer.Exit(1)


class Engine(StrEnum):
    local = "local"
    celery = "celery"


@app.command()
@reports_errors
def worker(
    ctx: typer.Context,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress lines (for services).")
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            help="local: this process goes round every stage (one machine, no broker). celery: "
            "a Celery worker taking the stages' tasks from Redis (settings celery.*); run "
            "`gazette scheduler` once per deployment beside it."
        ),
    ] = Engine.local,
    queues: Annotated[
        str,
        typer.Option(
            help="With --engine celery: the queues to take tasks from, of io (sources, fetch), "
            "cpu (extract, embed, write, tag, publish) and serial (dedupe, cluster: give it one "
            "worker with --concurrency 1)."
        ),
    ] = "io,cpu,serial",
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1, help="With --engine celery: tasks run at once (default: the CPU count)."
        ),
    ] = None,
    stages: Annotated[
        str | None,
        typer.Option(
            help="With the local engine: only these stages, separated by commas, of sources, "
            "fetch, extract, dedupe, embed, cluster, write, tag and publish (default: all). "
            "For example `--stages sources,fetch,extract,dedupe` in processes of their own, "
            "beside one worker with the rest."
        ),
    ] = None,
) -> None:
    """Keep the site up to date: read each source when its interval comes round and move new
    items through every stage as they arrive, until stopped (SIGTERM or Ctrl+C: the step in
    flight finishes first; a second signal stops at once). Prints a line per step that did
    something, unless --quiet."""
    state = state_of(ctx)
    if engine is Engine.celery:
        if stages is not None:
            raise InputError("--stages is for the local engine; with Celery, choose --queues")
        _celery_worker(state, queues, concurrency, quiet)
        return
    from gazette.work import settle_process
    from gazette.worker import Worker, progress_line, stages_named

    chosen = stages_named(stages) if stages is not None else None

    def show(stage: Stage, report: StepReport) -> None:
        out.print(progress_line(stage, report), soft_wrap=True, highlight=False)
        for key, message in report.errors.items():
            err.print(f"{stage.name} {key}: {message}", soft_wrap=True)

    running = Worker(
        state.database(), state.settings(), progress=None if quiet else show, stages=chosen
    )
    settle_process()
    running.handle_signals()
    if not quiet:
        which = "" if chosen is None else f" ({', '.join(s.name for s in chosen)})"
        out.print(f"worker started{which}; Ctrl+C stops it after the step in flight")
    if not running.run():
        out.print("worker stopped at once; the step in flight was handed back")
    elif not quiet:
        out.print("worker stopped")


def _celery_worker(state: State, queues: str, concurrency: int | None, quiet: bool) -> None:
    from gazette.tasks import QUEUE_KINDS, run_worker

    kinds = [kind.strip() for kind in queues.split(",") if kind.strip()]
    unknown = sorted(set(kinds) - set(QUEUE_KINDS))
    if not kinds or unknown:
        raise InputError(f"--queues takes io, cpu and serial, separated by commas (got {queues!r})")
    state.database().dispose()  # brought up to date here; each worker process opens its own
    run_worker(state.settings(), kinds, concurrency, quiet)


@app.command()
@reports_errors
def scheduler(
    ctx: typer.Context,
    schedule: Annotated[
        Path,
        typer.Option(help="File where the scheduler remembers when it last enqueued each stage."),
    ] = Path("gazette-schedule"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Warnings and errors only.")] = False,
) -> None:
    """Run the Celery engine's scheduler (Celery beat; one per deployment): enqueue every
    stage's step every celery.sweep_seconds, so that sources are read when due and work whose
    task was lost is taken up from the database."""
    from gazette.tasks import run_scheduler

    state = state_of(ctx)
    state.database().dispose()
    run_scheduler(state.settings(), str(schedule), quiet)


@app.command()
@reports_errors
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show what waits at each stage (and for a retry), what was given up, the workers alive,
    the sources that fail and the last errors. Exits with 1 when anything fails, so that it can
    drive an alert."""
    from gazette.status import read_status

    state = state_of(ctx)
    with state.database().session() as session:
        found = read_status(session)
    if any(worker.engine == "celery" for worker in found.workers):
        found.queues = _queue_depths(state.settings())
    if as_json:
        out.print_json(json.dumps(dataclasses.asdict(found), default=str))
    else:
        _print_status(found)
    if found.problems:
        raise typer.Exit(1)


def _queue_depths(settings: Settings) -> dict[str, int] | None:
    """The Celery queues' depths, or None when the broker does not answer (said, not fatal:
    the database holds the work)."""
    from gazette.tasks import queue_depths

    try:
        return queue_depths(settings)
    except Exception as exc:  # the broker is down or unreachable
        err.print(f"warning: the Celery broker did not answer: {describe(exc)}", soft_wrap=True)
        return None


def _print_status(found: Any) -> None:
    table = Table("stage", "waiting", "waiting for a retry", title="Work")
    for row in found.backlog:
        table.add_row(row.stage, str(row.waiting), str(row.retrying))
    out.print(table)
    out.print(
        f"{found.published} stories published, {found.awaiting_review} awaiting review, "
        f"{found.given_up} documents given up (`gazette retry` tries them again)",
        soft_wrap=True,
    )
    if found.unwritten:
        out.print(
            f"{how_many(found.unwritten, 'story', 'stories')} with nothing to write from yet "
            "(a question headline, a programme page): each is written when a report it can be "
            "written from joins it",
            soft_wrap=True,
        )
    if found.summary_only:
        out.print(
            f"{found.summary_only} reports made from their feed alone (their page could not be "
            f"had); {found.pages_retrying} of those pages will be asked for again",
            soft_wrap=True,
        )
    if found.queues:
        waiting = ", ".join(f"{kind} {depth}" for kind, depth in found.queues.items())
        out.print(f"Celery tasks queued: {waiting}", soft_wrap=True)
    if found.workers:
        workers = Table("worker", "engine", "started", "last seen", "steps", title="Workers")
        for w in found.workers:
            workers.add_row(
                w.name,
                w.engine,
                f"{w.started_at:%Y-%m-%d %H:%M:%S}",
                f"{w.seen_at:%H:%M:%S}",
                str(w.steps),
            )
        out.print(workers)
    else:
        out.print("no worker alive (`gazette worker` keeps the site up to date)")
    for title, items in (
        ("Failing sources", found.failing_sources),
        ("Last errors", found.recent_errors),
    ):
        if items:
            failing = Table("what", "failures", "next try", "error", title=title)
            for item in items:
                when = f"{item.retry_at:%Y-%m-%d %H:%M}" if item.retry_at else ""
                failing.add_row(f"{item.what} {item.key}", str(item.attempts), when, item.error)
            out.print(failing)


@app.command()
@reports_errors
def retry(ctx: typer.Context) -> None:
    """Try again now whatever waits for a retry, and the documents given up on (after a site
    is back, or a bug fixed). The next `gazette run` or the worker takes them."""
    from gazette.faults import retry_now

    with state_of(ctx).database().transaction() as session:
        retried = retry_now(session)
    out.print(
        f"due now: {retried.documents} documents and {retried.stories} stories waiting for a "
        f"retry, {retried.given_up} documents that had been given up, and the pages of "
        f"{retried.pages} reports made from their feed alone; "
        f"{how_many(retried.unwritten, 'story', 'stories')} with nothing to write from, read again",
        soft_wrap=True,
    )
