"""The stages as Celery tasks, with Redis as the broker: Gazette on several machines.

    gazette worker --engine celery [--queues io,cpu,serial]   (or: celery -A gazette.tasks worker)
    gazette scheduler                                          (or: celery -A gazette.tasks beat)

Each stage's step is one task, `gazette.<stage>`, that takes no argument: the database holds the
work, and the step claims a batch of it (gazette/work.py), so a task run twice, or by two
workers at once, does no item twice. A task is acknowledged only once its step has committed
(`acks_late`), and handed to another worker if its own dies under it.

Queues, one per kind of work (each named `<celery.queue_prefix>.<kind>`):
- io: reading sources and fetching pages, which wait on the network (a fetch step downloads a
  batch concurrently, and holds the hosts it fetches from: gazette/fetch/hosts.py);
- cpu: extraction, embedding, writing, tagging, publishing;
- serial: dedupe and clustering, which see their items one at a time in order. Give this queue
  one consumer (`--queues serial --concurrency 1`, on one machine); they also run under a
  database lock (`serialized`), so that N workers form the same stories as one.

How the work moves: a step that did something enqueues the next stage; a step that left items
waiting enqueues itself again (twice on the io and cpu queues, so that idle workers join in
while a backlog lasts). The scheduler (Celery beat, one per deployment) enqueues every stage
every `celery.sweep_seconds`: sources are read when due, and work whose task was lost (Redis
restarted with its queues) is taken up again from the database.

A step that fails as a whole (the database went away, an error no item caught) is retried with a
growing wait; after `celery.task_retries` retries the stage is parked: its error is recorded in
`stage_states` and the scheduler leaves it alone for the wait of gazette/faults.py (15 minutes,
then an hour...). Other stages go on meanwhile. One item's failure never fails a task: it is
recorded against the item (gazette/faults.py).
"""

from __future__ import annotations

import itertools
import logging
import os
import random
from collections.abc import Sequence

from celery import Celery, Task
from celery.signals import worker_process_shutdown
from kombu import Exchange, Queue
from sqlalchemy.orm import Session

from gazette.config import Settings, load_settings
from gazette.db import Database
from gazette.db.models import StageState, utcnow
from gazette.embedding import LazyEmbedder
from gazette.errors import describe
from gazette.faults import retry_delay
from gazette.pipeline import STAGES, Stage, run_step
from gazette.publish import sync_ad_slots
from gazette.status import BEAT_EVERY, beat, farewell
from gazette.work import StageContext, StepReport, settle_process, worker_name

log = logging.getLogger("gazette")

QUEUE_OF_STAGE = {
    "sources": "io",
    "fetch": "io",
    "extract": "cpu",
    "dedupe": "serial",
    "embed": "cpu",
    "cluster": "serial",
    "write": "cpu",
    "tag": "cpu",
    "publish": "cpu",
}
QUEUE_KINDS = ("io", "cpu", "serial")
NEXT_STAGE = {a.name: b.name for a, b in itertools.pairwise(STAGES)}

app = Celery("gazette")
_settings: Settings | None = None
_context: tuple[int, StageContext] | None = None  # this process's, with its process id


def configure(settings: Settings) -> None:
    """Use these settings (the command line's) rather than reading them on first use."""
    global _settings
    _settings = settings


def settings() -> Settings:
    """The settings of this deployment: those given to `configure`, else gazette.toml and
    GAZETTE_* (as `celery -A gazette.tasks ...` finds them)."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def queue_name(kind: str) -> str:
    return f"{settings().celery.queue_prefix}.{kind}"


def task_name(stage: str) -> str:
    return f"gazette.{stage}"


@app.on_configure.connect
def _configure_celery(sender: Celery, **_: object) -> None:
    sender.config_from_object(celery_config(settings()))


def celery_config(settings: Settings) -> dict[str, object]:
    """Celery's settings, from Gazette's."""
    options = settings.celery
    queues = {kind: f"{options.queue_prefix}.{kind}" for kind in QUEUE_KINDS}
    return {
        "broker_url": options.broker_url,
        # Redis may be restarting: keep trying, at start and later, rather than exit.
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "broker_transport_options": {"visibility_timeout": options.visibility_timeout_seconds},
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "task_queues": [Queue(name, Exchange(name), routing_key=name) for name in queues.values()],
        "task_default_queue": queues["cpu"],
        "task_routes": {task_name(s): {"queue": queues[q]} for s, q in QUEUE_OF_STAGE.items()},
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        # A worker takes one task at a time: a long fetch does not hold others' tasks back.
        "worker_prefetch_multiplier": 1,
        "timezone": "UTC",
        "beat_schedule": {
            f"sweep-{stage.name}": {
                "task": task_name(stage.name),
                "schedule": options.sweep_seconds,
                # not started by the next sweep: dropped, so sweeps never pile up in a backlog
                "options": {"expires": options.sweep_seconds},
            }
            for stage in STAGES
        },
    }


def process_context() -> StageContext:
    """This process's database, settings and model (a prefork worker's child makes its own)."""
    global _context
    if _context is None or _context[0] != os.getpid():
        current = settings()
        database = Database(current.database_url)
        with database.transaction() as session:  # as every run and worker does at its start
            sync_ad_slots(session, current.ads)
        _context = (os.getpid(), StageContext(database, current, LazyEmbedder()))
        settle_process()
    return _context[1]


class StageTask(Task):
    """The Celery task of one stage's step."""

    stage: Stage
    acks_late = True
    reject_on_worker_lost = True
    ignore_result = True
    max_retries = None  # counted against celery.task_retries in _step

    def run(self) -> str:
        return _step(self, self.stage)


def _register(stage: Stage) -> StageTask:
    attributes = {"stage": stage, "name": task_name(stage.name)}
    task_class = type(f"{stage.name.title()}Task", (StageTask,), attributes)
    return app.register_task(task_class())


TASKS: dict[str, StageTask] = {stage.name: _register(stage) for stage in STAGES}


def _step(task: StageTask, stage: Stage) -> str:
    """One step of the stage, then what follows from it; the step's summary."""
    try:  # the database may be away for the first look as well as for the step
        context = process_context()
        parked, failing = _health(context.database, stage.name)
        if parked and task.request.retries == 0:
            return "parked"
        report = run_step(stage, context)
        if failing:
            _recovered(context.database, stage.name)
        _sign_of_life(context, report)
    except Exception as exc:
        _failed(task, stage, exc)
        raise
    follow_up(stage, report)
    errors = len(report.errors)
    return report.summary() + (f", {errors} item errors" if errors else "")


def _sign_of_life(context: StageContext, report: StepReport) -> None:
    """Renew this process's row in `workers` (gazette status), at most every BEAT_EVERY."""
    steps = context.kept.get("steps", 0) + report.did_something()
    context.kept["steps"] = steps
    now, last = utcnow(), context.kept.get("beat")
    if last is None or now - last >= BEAT_EVERY:
        with context.database.transaction() as session:
            beat(session, worker_name(), "celery", steps, now)
        context.kept["beat"] = now


@worker_process_shutdown.connect
def _farewell(**_: object) -> None:
    """A worker process that stops leaves the list of workers alive at once."""
    if _context is not None and _context[0] == os.getpid():
        with _context[1].database.transaction() as session:
            farewell(session, worker_name())


def follow_up(stage: Stage, report: StepReport) -> None:
    """Enqueue the next stage if this step gave it work, and this one again if it left some."""
    if report.more:
        copies = 1 if QUEUE_OF_STAGE[stage.name] == "serial" else 2
        for _ in range(copies):
            TASKS[stage.name].apply_async()
    following = NEXT_STAGE.get(stage.name)
    if following is not None and report.did_something():
        TASKS[following].apply_async()


def enqueue_all() -> None:
    """One task of every stage (what the scheduler does at every sweep)."""
    for stage in STAGES:
        TASKS[stage.name].apply_async()


def _failed(task: StageTask, stage: Stage, exc: Exception) -> None:
    """Retry the step after a growing wait, or park the stage once its retries are spent."""
    options = settings().celery
    attempt = task.request.retries
    if attempt < options.task_retries:
        wait = min(options.retry_backoff_max_seconds, options.retry_backoff_seconds * 2**attempt)
        wait *= random.uniform(0.75, 1.25)  # workers that failed together do not retry together
        log.warning(
            "%s step failed (%s); retry %d in %.1fs", stage.name, describe(exc), attempt + 1, wait
        )
        raise task.retry(exc=exc, countdown=wait)
    try:
        _park(process_context().database, stage.name, exc)
    except Exception as recording:  # the database itself is what failed: the log must do
        log.error("%s step failed and could not be parked: %s", stage.name, describe(recording))


def _state(session: Session, stage: str) -> StageState:
    row = session.get(StageState, stage)
    if row is None:
        row = StageState(stage=stage, generation=0, failures=0)
        session.add(row)
        session.flush()
    return row


def _park(database: Database, stage: str, exc: Exception) -> None:
    now = utcnow()
    with database.transaction() as session:
        row = _state(session, stage)
        row.failures = (row.failures or 0) + 1
        row.error, row.failed_at = describe(exc), now
        row.retry_at = now + retry_delay(row.failures)
    log.error("%s step parked until %s: %s", stage, row.retry_at, row.error)


def _health(database: Database, stage: str) -> tuple[bool, bool]:
    """Whether the stage is parked now, and whether it has a failure on record."""
    with database.session() as session:
        row = session.get(StageState, stage)
    if row is None:
        return False, False
    parked = row.retry_at is not None and row.retry_at > utcnow()
    return parked, row.error is not None or bool(row.failures)


def _recovered(database: Database, stage: str) -> None:
    """A step of the stage succeeded: forget its failures."""
    with database.transaction() as session:
        row = _state(session, stage)
        row.error, row.failures, row.failed_at, row.retry_at = None, 0, None, None


def run_worker(
    settings: Settings, queues: Sequence[str], concurrency: int | None, quiet: bool
) -> None:
    """Run a Celery worker on these queue kinds (io, cpu, serial) until it is stopped (SIGTERM:
    the tasks in flight finish first)."""
    configure(settings)
    argv = [
        "worker",
        f"--queues={','.join(queue_name(kind) for kind in queues)}",
        f"--hostname=gazette-{os.getpid()}@%h",
        f"--loglevel={'WARNING' if quiet else 'INFO'}",
        "--without-gossip",
        "--without-mingle",
    ]
    if concurrency is not None:
        argv.append(f"--concurrency={concurrency}")
    app.worker_main(argv)


def run_scheduler(settings: Settings, schedule_file: str, quiet: bool) -> None:
    """Run Celery beat: every stage's step enqueued every `celery.sweep_seconds`."""
    configure(settings)
    level = "WARNING" if quiet else "INFO"
    app.start(["beat", f"--schedule={schedule_file}", f"--loglevel={level}"])


def queue_depths(settings: Settings) -> dict[str, int]:
    """Tasks waiting in each queue of the broker (kombu keeps a queue as a Redis list of that
    name), for `gazette status`; the work itself waits in the database whatever these say."""
    import redis

    client = redis.Redis.from_url(settings.celery.broker_url, socket_timeout=2)
    try:
        return {
            kind: int(client.llen(f"{settings.celery.queue_prefix}.{kind}")) for kind in QUEUE_KINDS
        }
    finally:
        client.close()
