"""The long-running worker for one machine (`gazette worker`): the embedded default, with no
broker and no server.

It goes round the stages for as long as it runs: every source is read when its interval comes
round, and each new item moves through every stage as soon as it arrives, a batch at a time, so
that a story is updated within seconds of its new report. A stage with more waiting is stepped
again for up to STAGE_SECONDS in a round, so that cheap stages keep pace with expensive ones.
When no stage has anything to do it sleeps a little. It calls the same steps as `gazette run`
and the Celery tasks; several workers (on PostgreSQL, on several machines) share the work
through the database's claims.

A worker may be given some of the stages only (`gazette worker --stages ...`): ingestion
(sources to dedupe) in processes of its own, say, beside one worker that embeds, clusters and
writes, so that the model's work does not hold up the reading of feeds.

Stopping: the first SIGTERM or SIGINT lets the step in flight finish and commit, then the worker
exits; a second one stops it at once, and the step in flight hands its items back (its leases
are returned, its transaction rolled back).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from types import FrameType

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import utcnow
from gazette.embedding import Embedder, LazyEmbedder
from gazette.errors import InputError
from gazette.pipeline import STAGES, Stage, run_step
from gazette.publish import sync_ad_slots
from gazette.status import BEAT_EVERY, beat, farewell
from gazette.text import how_many
from gazette.work import StageContext, StepReport, worker_name

# How long an idle worker sleeps before it looks for work again.
IDLE_SECONDS = 1.0
# How long a round keeps stepping one stage that has more waiting: cheap steps (a batch of
# pages to extract) are not held to one per round by the expensive ones (embedding, writing).
STAGE_SECONDS = 2.0

Progress = Callable[[Stage, StepReport], None]


class _StopNow(BaseException):
    """Raised in the worker by a second stop signal: stop without finishing the step in flight.
    A BaseException, so that no item takes it for its own failure."""


class Worker:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        embedder: Embedder | None = None,
        progress: Progress | None = None,
        idle_seconds: float = IDLE_SECONDS,
        stages: Sequence[Stage] | None = None,
    ) -> None:
        self.stages = tuple(STAGES if stages is None else stages)
        self.context = StageContext(database, settings, embedder or LazyEmbedder())
        self.progress = progress
        self.idle_seconds = idle_seconds
        self.stopping = threading.Event()
        self.name = worker_name()
        self.steps = 0
        self.last_beat: datetime | None = None

    def run(self) -> bool:
        """Work until `stop` is called (or a stop signal arrives, see `handle_signals`); False
        when a second signal stopped it in the middle of a step."""
        with self.context.database.transaction() as session:
            sync_ad_slots(session, self.context.settings.ads)
        try:
            while not self.stopping.is_set():
                self._beat()
                if not self.round():
                    self.stopping.wait(self.idle_seconds)
        except _StopNow:
            return False
        finally:
            self.context.close()
            with self.context.database.transaction() as session:
                farewell(session, self.name)
        return True

    def _beat(self) -> None:
        now = utcnow()
        if self.last_beat is None or now - self.last_beat >= BEAT_EVERY:
            with self.context.database.transaction() as session:
                beat(session, self.name, "local", self.steps, now)
            self.last_beat = now

    def round(self) -> bool:
        """Each of the worker's stages in order, each stepped while it has more waiting, for up to
        STAGE_SECONDS (at least one step); whether any of them found work."""
        busy = False
        for stage in self.stages:
            deadline = time.monotonic() + STAGE_SECONDS
            while not self.stopping.is_set():
                report = run_step(stage, self.context)
                if report.did_something():
                    busy, self.steps = True, self.steps + 1
                    if self.progress is not None:
                        self.progress(stage, report)
                if not (report.more and report.did_something()) or time.monotonic() > deadline:
                    break
        return busy

    def stop(self) -> None:
        self.stopping.set()

    def handle_signals(self) -> None:
        """SIGTERM and SIGINT stop the worker after the step in flight; a second one at once."""

        def on_signal(number: int, frame: FrameType | None) -> None:
            if self.stopping.is_set():
                raise _StopNow(f"stopped by signal {number}")
            self.stop()

        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, on_signal)


def stages_named(names: str) -> list[Stage]:
    """The stages named in `names` (separated by commas), in the pipeline's order; InputError
    for a name that is not a stage, or for none at all."""
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    known = [stage.name for stage in STAGES]
    unknown = [name for name in wanted if name not in known]
    if not wanted or unknown:
        got = f"unknown: {', '.join(unknown)}" if unknown else "none given"
        raise InputError(f"--stages takes names of {', '.join(known)}, separated by commas ({got})")
    return [stage for stage in STAGES if stage.name in wanted]


def progress_line(stage: Stage, report: StepReport) -> str:
    """One line for a step that did something: "12:04:31 fetch: 100 pages, 2 errors"."""
    errors = len(report.errors)
    failed = f", {how_many(errors, 'error')}" if errors else ""
    return f"{utcnow():%H:%M:%S} {stage.name}: {report.summary()}{failed}"
