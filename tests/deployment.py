"""A real Celery deployment for tests: worker and scheduler processes started with the `gazette`
command, the machine's Redis as the broker and a PostgreSQL schema of the test's own.

Every deployment has its own queues (`celery.queue_prefix`) and its own schema, so that tests do
not take each other's tasks; its processes are killed, and its queues deleted, at the end.
Restarting Redis or PostgreSQL is done here too, always followed by starting them again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import redis
from conftest import POSTGRES_URL
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, Story
from gazette.db.states import StoryState

REDIS_URL = os.environ.get("GAZETTE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
WAITING = (DocumentStatus.DISCOVERED, DocumentStatus.FETCHED, DocumentStatus.EXTRACTED)
# Bounds of waits are for hangs, not speed: a shared two-core machine under load runs these
# processes several times slower than an idle one, so every bound is stretched by this factor.
PATIENCE = float(os.environ.get("GAZETTE_TEST_PATIENCE", "3"))
# The name the deployments' connections give PostgreSQL, to tell them from anyone else's.
APPLICATION = "gazette-test-deployment"


@contextmanager
def own_schema() -> Iterator[str]:
    """A PostgreSQL schema for one test, dropped afterwards; yields its database URL."""
    schema = f"gazette_celery_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    options = f"options=-csearch_path%3D{schema}&application_name={APPLICATION}"
    try:
        yield f"{POSTGRES_URL}{separator}{options}"
    finally:
        wait_for(_postgres_up, 60, "PostgreSQL to answer")
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class Deployment:
    folder: Path
    database_url: str
    prefix: str
    processes: dict[str, subprocess.Popen[str]] = field(default_factory=dict)

    def start_worker(self, name: str, queues: str = "io,cpu,serial", concurrency: int = 1) -> None:
        self._start(
            name,
            "worker",
            "--engine",
            "celery",
            f"--queues={queues}",
            f"--concurrency={concurrency}",
        )

    def start_scheduler(self) -> None:
        self._start("scheduler", "scheduler", f"--schedule={self.folder / 'schedule'}")

    def _start(self, name: str, *args: str) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}
        log = (self.folder / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "gazette", *args],
            cwd=self.folder,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: killed with its pool's children
        )

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def log_tails(self, lines: int = 15) -> str:
        """The last lines of every process's log: what a failed wait shows of the workers."""
        return "\n".join(
            f"--- {path.stem}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            for path in sorted(self.folder.glob("*.log"))
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send the signal to the process and every child of its pool."""
        process = self.processes.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=60)

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name)
        broker = redis.Redis.from_url(REDIS_URL)
        try:
            for key in broker.scan_iter(f"*{self.prefix}*"):
                broker.delete(key)
        except redis.ConnectionError:
            pass

    def enqueue_all(self) -> None:
        """What the scheduler does at each sweep, from the test's own process."""
        code = "import gazette.tasks as t; t.enqueue_all()"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}
        subprocess.run(
            [sys.executable, "-c", code], cwd=self.folder, env=environment, check=True, timeout=60
        )


@contextmanager
def deployment(
    folder: Path, database_url: str, config: str = "", celery: str = ""
) -> Iterator[Deployment]:
    """A folder with a gazette.toml for a deployment on `database_url` (`celery`: more lines of
    its [celery] table); processes are started with its methods and always stopped at the end."""
    prefix = f"test{uuid.uuid4().hex[:10]}"
    (folder / "gazette.toml").write_text(
        f'database_url = "{database_url}"\n'
        + config
        + f'\n[celery]\nbroker_url = "{REDIS_URL}"\nqueue_prefix = "{prefix}"\n'
        + "sweep_seconds = 2\nretry_backoff_seconds = 0.5\nretry_backoff_max_seconds = 4\n"
        + celery
    )
    Database(database_url).migrate()
    running = Deployment(folder, database_url, prefix)
    try:
        yield running
    finally:
        running.stop()


def wait_for(
    condition: Callable[[], bool],
    seconds: float,
    what: str,
    explain: Callable[[], str] = lambda: "",
) -> float:
    """Seconds until `condition` held; past `seconds` (times PATIENCE), fails with what
    `explain` tells."""
    started = time.monotonic()
    seconds *= PATIENCE
    while time.monotonic() - started < seconds:
        try:
            if condition():
                return time.monotonic() - started
        except Exception:  # a database or broker that is restarting: look again
            pass
        time.sleep(0.25)
    raise AssertionError(f"not within {seconds} s: {what}\n{explain()}")


def settled(database: Database) -> bool:
    """Nothing waits in any stage: every document fetched, extracted, checked and clustered
    (or failed, or a duplicate), every story published or merged."""
    counts = waiting_counts(database)
    return not any(v for k, v in counts.items() if k != "stories") and counts["stories"] > 0


def waiting_counts(database: Database) -> dict[str, int]:
    """What is still waiting in each stage, and how many stories there are."""
    with database.session() as session:
        waiting = session.scalar(
            select(func.count()).select_from(Document).where(Document.status.in_(WAITING))
        )
        unclustered = session.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.status == DocumentStatus.READY, ~Document.id.in_(_members()))
        )
        unpublished = session.scalar(
            select(func.count())
            .select_from(Story)
            .where(Story.state.not_in([StoryState.PUBLISHED.value, StoryState.MERGED.value]))
        )
        stories = session.scalar(select(func.count()).select_from(Story))
    return {
        "waiting": waiting or 0,
        "unclustered": unclustered or 0,
        "unpublished": unpublished or 0,
        "stories": stories or 0,
    }


def _members():  # type: ignore[no-untyped-def]
    from gazette.db.models import StoryMember

    return select(StoryMember.document_id)


def duplicates(session: Session) -> dict[str, int]:
    """Rows that would be there twice after a crash handled badly: documents of one URL,
    versions of one story with the same number, a document in two stories."""
    from gazette.db.models import Article, StoryMember

    def repeated(*columns) -> int:  # type: ignore[no-untyped-def]
        grouped = select(*columns).group_by(*columns).having(func.count() > 1).subquery()
        return session.scalar(select(func.count()).select_from(grouped)) or 0

    return {
        "documents": repeated(Document.url),
        "versions": repeated(Article.story_id, Article.version),
        "memberships": repeated(StoryMember.document_id),
    }


@contextmanager
def redis_down() -> Iterator[None]:
    """Redis stopped (its queues lost: it keeps nothing on disk), and always started again."""
    broker = redis.Redis.from_url(REDIS_URL)
    with suppress(redis.ConnectionError):  # the connection closes as Redis stops
        broker.shutdown(nosave=True)
    wait_for(lambda: not _redis_up(), 30, "Redis to stop")
    try:
        yield
    finally:
        if not _redis_up():
            subprocess.run(REDIS_START, check=False, timeout=60)
        wait_for(_redis_up, 60, "Redis to start again")


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.ConnectionError:
        return False


def restart_postgres() -> None:
    """Restart the machine's PostgreSQL: every connection to it is cut."""
    version = os.listdir("/etc/postgresql")[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
    )
    wait_for(_postgres_up, 60, "PostgreSQL to answer")


def others_on_postgres(patience: float = 120.0) -> bool:
    """Whether someone besides this test's deployments is still connected to PostgreSQL after
    waiting `patience` seconds for them to leave (another test session on this machine)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
        "AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> :ours"
    )
    admin = _admin()
    deadline = time.monotonic() + patience
    try:
        while True:
            with admin.connect() as connection:
                if connection.scalar(query, {"ours": APPLICATION}) == 0:
                    return False
            if time.monotonic() > deadline:
                return True
            time.sleep(2)
    finally:
        admin.dispose()


def _admin():  # type: ignore[no-untyped-def]
    return create_engine(
        POSTGRES_URL, pool_pre_ping=True, connect_args={"application_name": APPLICATION}
    )


def _postgres_up() -> bool:
    engine = _admin()
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()
