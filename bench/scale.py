"""Benchmark: Gazette at scale, from 2,000 feeds on loopback to published stories.

Usage: python bench/scale.py [--small] [--modes sqlite,pg1,pg2,pg4,pg-ingest2,celery2]
       [--seconds 150] [--backlog 5] [--poll-seconds 15] [--live-seconds 120] [--live-rate 2]
       [--profile]

--small (about a minute and a half): 200 feeds, one SQLite worker, short phases.

A separate process serves the fictional newsroom of bench/newsroom.py: 2,000 RSS feeds (200
with --small) from 20 outlets, each outlet on its own loopback address, with a backlog of items
already listed and article pages of about 250 words; events of six reports each (a wire story,
a syndicated copy of it, four independent reports), so that dedupe and clustering do real work.

Each mode runs `gazette worker` processes, exactly as an operator would, on a fresh
database: `sqlite` one worker on a SQLite file; `pgN` N workers sharing a PostgreSQL schema
(the machine's server, database `test`, a schema of the run's own, dropped afterwards);
`pg-ingestN` N workers given the ingestion stages (`--stages sources,fetch,extract`, and dedupe
in the first of them) and one given the rest (embed to publish), its model held to one thread
(OMP_NUM_THREADS=1) and run at the lowest priority (nice 19), so that ingestion comes first and
the model takes the CPU left over, as docs/deploy.md lays it out for one machine;
`celeryN` the Celery engine as docs/deploy.md lays it out (a worker of N task processes on the
io and cpu queues, one on the serial queue, and `gazette scheduler`; the machine's Redis).
Two phases:

1. Capacity: the backlog (--backlog items per feed: 5, or 2 with --small) is there at once.
   Counted every two seconds: the items extracted and deduplicated, and the items in a
   published story (a version of their story written after they joined it). Items per second
   is the slope once warm (from the first published story, when every stage has run and the
   model is loaded), over at most --seconds.
2. Latency: new items then appear at --live-rate a second for --live-seconds; sources are
   polled every 15 seconds (--poll-seconds, in both phases). For each new item: seconds from
   its appearance in its feed to its story's first published version that includes it (and
   from its discovery by the poller).
   Measured only where the backlog was worked off; otherwise new items wait behind it.

Memory: the largest resident set of each worker (with its child processes) seen during the run.
CPU: the seconds each worker, the feed server and PostgreSQL's processes used during the run
(where the time goes; PostgreSQL's count is the whole server's, so it is only this benchmark's
on an otherwise quiet machine).
--profile runs one more in-process pass of the ingestion stages under cProfile (CPU time);
--profile-workers DIR runs every worker under cProfile (CPU time) and writes DIR/NAME.prof.
The politeness pause is off and four connections per host are allowed (twenty outlets stand in
for the hundreds of hosts 2,000 real feeds come from). Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import save_results
from newsroom import Newsroom, serve
from sqlalchemy import create_engine, text

from gazette.db import Database
from gazette.sources import add_source

POSTGRES_URL = os.environ.get(
    "GAZETTE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("GAZETTE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
HOSTS = 20
SAMPLE_SECONDS = 2.0

DONE = "('ready', 'duplicate', 'failed')"
IN_PUBLISHED = """
    SELECT d.id, d.published_at, d.discovered_at, min(a.published_at) AS shown
    FROM documents d
    JOIN story_members m ON m.document_id = d.id
    JOIN articles a ON a.story_id = m.story_id
    WHERE a.published_at IS NOT NULL AND a.created_at >= m.joined_at
    GROUP BY d.id, d.published_at, d.discovered_at
"""


def newsroom_process(
    feeds: int, backlog: int, start: float, port: int, live: Any, ready: Any
) -> None:
    """The server's own process: the newsroom, with the live rate the benchmark sets."""
    room = Newsroom(feeds, HOSTS, backlog, start)
    serve(room, port)
    ready.set()
    while True:
        room.live_start, room.rate = live[0], live[1]
        time.sleep(0.05)


def add_newsroom_sources(
    database: Database, feeds: int, port: int, interval_minutes: float | None = None
) -> None:
    """The newsroom's feeds as sources, spread over its HOSTS loopback addresses."""
    extra = {} if interval_minutes is None else {"interval_minutes": interval_minutes}
    with database.transaction() as session:
        for feed in range(feeds):
            host = f"127.0.0.{feed % HOSTS + 1}"
            add_source(session, f"http://{host}:{port}/feed/{feed}.xml", **extra)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def database_for(mode: str, folder: Path) -> Iterator[str]:
    if mode == "sqlite":
        yield f"sqlite:///{folder / 'gazette.db'}"
        return
    schema = f"gazette_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def rss_kib(pid: int) -> int:
    """Resident set of a process and its children, KiB (0 once it is gone)."""
    total = 0
    pids = [pid]
    with suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    for one in pids:
        with suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


# `python -m gazette ...` under cProfile with the process's CPU clock (`python -m cProfile` has
# only the wall clock, which on a shared machine counts the time other processes ran).
PROFILED = """
import cProfile, runpy, sys, time
out = sys.argv.pop(1)
profiler = cProfile.Profile(time.process_time)
profiler.enable()
try:
    runpy.run_module("gazette", run_name="__main__", alter_sys=True)
finally:
    profiler.disable()
    profiler.dump_stats(out)
"""

INGESTION = "sources,fetch,extract"
THE_REST = "embed,cluster,write,tag,publish"


def start_processes(
    mode: str, folder: Path, prefix: str, profiles: Path | None = None
) -> list[subprocess.Popen[bytes]]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}

    def start(
        name: str, *args: str, threads: int | None = None, nice: int = 0
    ) -> subprocess.Popen[bytes]:
        log = (folder / f"{name}.log").open("wb")
        env = dict(environment)
        if threads is not None:  # torch reads it when it loads
            env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
        python = [sys.executable]
        if profiles is not None:  # the statistics are written when the worker exits
            python += ["-c", PROFILED, str(profiles / f"{name}.prof")]
        module = [] if profiles is not None else ["-m", "gazette"]
        return subprocess.Popen(
            [*python, *module, *args],
            cwd=folder,
            env=env,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    if mode.startswith("celery"):
        tasks = int(mode.removeprefix("celery"))
        schedule = str(folder / "schedule")
        celery = ("worker", "--engine", "celery")
        return [  # as docs/deploy.md lays them out
            start("workers", *celery, "--queues=io,cpu", f"--concurrency={tasks}"),
            start("serial", *celery, "--queues=serial", "--concurrency=1"),
            start("scheduler", "scheduler", f"--schedule={schedule}"),
        ]
    if mode.startswith("pg-ingest"):
        count = int(mode.removeprefix("pg-ingest"))
        # Dedupe in the first only: a worker keeps its index while no other dedupes between its
        # steps (gazette/dedupe/stage.py), and takes its turn under a lock anyway.
        ingestion = [
            start(f"ingest{i}", "worker", "--stages", INGESTION + (",dedupe" if i == 0 else ""))
            for i in range(count)
        ]
        return [*ingestion, start("rest", "worker", "--stages", THE_REST, threads=1, nice=19)]
    count = 1 if mode == "sqlite" else int(mode.removeprefix("pg"))
    return [start(f"worker{i}", "worker") for i in range(count)]


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process so far (0 once it is gone)."""
    with suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def postgres_cpu_seconds() -> float:
    """CPU seconds of every PostgreSQL server process alive now (the machine's, so others'
    work too: read it on a quiet machine). Backends that ended are not counted."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    total += cpu_seconds(int(entry.name))
    return total


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)  # the step in flight may finish; the run is over anyway
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Sampler:
    """Counts over time, and the largest memory of each process, every SAMPLE_SECONDS."""

    def __init__(
        self, database: Database, processes: list[subprocess.Popen[bytes]], server: int
    ) -> None:
        self.database, self.processes, self.server = database, processes, server
        self.samples: list[tuple[float, int, int]] = []  # (time, done, in published story)
        self.peak = [0] * len(processes)
        self.cpu_started = [cpu_seconds(p.pid) for p in processes] + [cpu_seconds(server)]
        self.cpu = [0.0] * (len(processes) + 1)
        self.postgres_started = postgres_cpu_seconds()
        self.postgres = 0.0

    def sample(self) -> tuple[int, int]:
        with self.database.engine.connect() as connection:
            done = connection.execute(
                text(f"SELECT count(*) FROM documents WHERE status IN {DONE}")
            ).scalar_one()
            shown = connection.execute(
                text(f"SELECT count(*) FROM ({IN_PUBLISHED}) AS shown")
            ).scalar_one()
        self.samples.append((time.time(), done, shown))
        for i, process in enumerate(self.processes):
            self.peak[i] = max(self.peak[i], rss_kib(process.pid))
        for i, pid in enumerate([p.pid for p in self.processes] + [self.server]):
            self.cpu[i] = max(self.cpu[i], cpu_seconds(pid) - self.cpu_started[i])
        self.postgres = max(self.postgres, postgres_cpu_seconds() - self.postgres_started)
        return done, shown

    def until(self, condition: Any, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if condition(*self.sample()):
                    return True
            except Exception as exc:  # the schema is being migrated, say: look again
                print(f"  (sample failed: {exc})", file=sys.stderr)
            time.sleep(SAMPLE_SECONDS)
        return False


def rate(samples: list[tuple[float, int, int]], column: int) -> float:
    """Items per second once warm, to the first sample that reached the column's final count.
    Warm: for the published items, from the first sample with a published story (every stage
    has run, the model is loaded); for the deduplicated items, from the first sample with any
    (the workers have started and read their first feeds), so that ingestion that runs apart
    from the model is not timed from before it started nor only after the model's first story."""
    started = 1 if column == 1 else 2
    warm = [sample for sample in samples if sample[started] > 0]
    if len(warm) < 2 or warm[0][column] == warm[-1][column]:  # not warm in time: from the start
        warm = samples
    if len(warm) < 2:
        return 0.0
    first = warm[0]
    last = next(sample for sample in warm if sample[column] == warm[-1][column])
    if last[0] <= first[0]:
        return 0.0
    return (last[column] - first[column]) / (last[0] - first[0])


def timeline(samples: list[tuple[float, int, int]], start: float) -> list[list[float]]:
    """Every fifth sample: seconds since the start, items done, items in a published story."""
    return [[round(t - start), done, shown] for t, done, shown in samples[::5]]


def median(values: list[float]) -> float | None:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


def percentile(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else None


def latencies(database: Database, since: float) -> dict[str, Any]:
    """For the items that appeared after `since`: seconds to their published story."""
    with database.engine.connect() as connection:
        rows = connection.execute(text(IN_PUBLISHED)).all()
        appeared = connection.execute(
            text("SELECT count(*) FROM documents WHERE published_at >= :since"),
            {"since": datetime.fromtimestamp(since, UTC)},
        ).scalar_one()
    from_feed, from_discovery = [], []
    for _, published, discovered, shown in rows:
        published, discovered, shown = (_aware(x) for x in (published, discovered, shown))
        if published.timestamp() >= since:
            from_feed.append((shown - published).total_seconds())
            from_discovery.append((shown - discovered).total_seconds())
    return {
        "new_items_seen": appeared,
        "new_items_published": len(from_feed),
        "seconds_from_feed_median": _round(median(from_feed)),
        "seconds_from_feed_p90": _round(percentile(from_feed, 0.9)),
        "seconds_from_feed_max": _round(max(from_feed, default=None)),
        "seconds_from_discovery_median": _round(median(from_discovery)),
        "seconds_from_discovery_p90": _round(percentile(from_discovery, 0.9)),
    }


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def run_mode(
    mode: str, args: argparse.Namespace, port: int, live: Any, server: int
) -> dict[str, Any]:
    feeds = args.feeds
    backlog = feeds * args.backlog
    with tempfile.TemporaryDirectory() as name, database_for(mode, Path(name)) as url:
        folder = Path(name)
        prefix = f"scale{uuid.uuid4().hex[:8]}"
        (folder / "gazette.toml").write_text(
            f'database_url = "{url}"\n'
            '[fetch]\nallow_networks = ["127.0.0.0/8"]\n'
            "per_host_connections = 4\nper_host_delay_seconds = 0.0\n"
            f'[celery]\nbroker_url = "{REDIS_URL}"\nqueue_prefix = "{prefix}"\nsweep_seconds = 2\n'
        )
        database = Database(url)
        database.migrate()
        add_newsroom_sources(database, feeds, port, interval_minutes=args.poll_seconds / 60)
        processes = start_processes(mode, folder, prefix, args.profile_workers)
        sampler = Sampler(database, processes, server)
        try:
            started = time.time()
            drained = sampler.until(lambda done, shown: shown >= backlog, args.seconds)
            capacity = list(sampler.samples)
            result: dict[str, Any] = {
                "mode": mode,
                "processes": len(processes),
                "backlog_items": backlog,
                "deduplicated_per_second": round(rate(capacity, 1), 1),
                "published_per_second": round(rate(capacity, 2), 1),
                "backlog_worked_off": drained,
                "seconds": round(time.time() - started, 1),
                "done_at_end": capacity[-1][1] if capacity else 0,
                "published_at_end": capacity[-1][2] if capacity else 0,
                "timeline": timeline(capacity, started),
            }
            if drained and args.live_seconds > 0:
                live[0], live[1] = time.time(), args.live_rate
                live_started = live[0]
                sampler.until(lambda done, shown: False, args.live_seconds)
                live[0], live[1] = 0.0, 0.0
                # the last new items get time to reach their stories
                sampler.until(lambda done, shown: False, min(60.0, args.live_seconds))
                result["live_rate"] = args.live_rate
                result.update(latencies(database, live_started))
            result["rss_mib_per_process"] = [round(k / 1024) for k in sampler.peak]
            result["cpu_seconds_per_process"] = [round(c, 1) for c in sampler.cpu[:-1]]
            result["cpu_seconds_feed_server"] = round(sampler.cpu[-1], 1)
            result["cpu_seconds_postgres"] = round(sampler.postgres, 1)
        finally:
            stop_processes(processes)
            database.dispose()
            for log in sorted(folder.glob("*.log")):  # what the processes said last
                lines = log.read_text(errors="replace").splitlines()[-12:]
                print(f"--- {mode} {log.stem}", *lines, sep="\n", file=sys.stderr)
            if mode.startswith("celery"):
                _delete_queues(prefix)
    print(result, flush=True)
    return result


def _delete_queues(prefix: str) -> None:
    import redis

    broker = redis.Redis.from_url(REDIS_URL)
    with suppress(redis.ConnectionError):
        for key in broker.scan_iter(f"*{prefix}*"):
            broker.delete(key)


def profile_ingestion(feeds: int, port: int) -> list[str]:
    """Where an in-process pass of the ingestion stages spends its CPU time (cProfile)."""
    from gazette.config import FetchSettings, Settings
    from gazette.embedding import LazyEmbedder
    from gazette.pipeline import STAGES, drain
    from gazette.work import StageContext

    fetch = FetchSettings(
        allow_networks=["127.0.0.0/8"], per_host_connections=4, per_host_delay_seconds=0.0
    )
    with tempfile.TemporaryDirectory() as name:
        database = Database(f"sqlite:///{Path(name) / 'gazette.db'}")
        database.migrate()
        add_newsroom_sources(database, feeds, port)
        context = StageContext(
            database, Settings(database_url=database.url, fetch=fetch), LazyEmbedder()
        )
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for stage in STAGES[:4]:
            drain(stage, context)
        profiler.disable()
        context.close()
        database.dispose()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    lines = []
    for function, (_, _, _, cumulative, _) in sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda entry: -entry[1][3],
    ):
        where = f"{Path(function[0]).name}:{function[2]}"
        if "gazette" in function[0] or "sqlalchemy/orm/session" in function[0]:
            lines.append(f"{cumulative / total:6.1%} {where}")
        if len(lines) == 25:
            break
    return [f"CPU seconds profiled: {total:.1f}", *lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="200 feeds, short phases")
    parser.add_argument("--modes", help="default: sqlite,pg1,pg2,pg4 (sqlite with --small)")
    parser.add_argument("--seconds", type=float, default=None, help="capacity phase at most")
    parser.add_argument("--live-seconds", type=float, default=None)
    parser.add_argument("--live-rate", type=float, default=2.0, help="new items per second")
    parser.add_argument("--backlog", type=int, default=None, help="items per feed at the start")
    parser.add_argument(
        "--poll-seconds", type=float, default=15.0, help="how often each feed is read again"
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--profile-workers", type=Path, help="write each worker's cProfile statistics here"
    )
    args = parser.parse_args()
    args.feeds = 200 if args.small else 2000
    args.modes = args.modes or ("sqlite" if args.small else "sqlite,pg1,pg2,pg4")
    if args.backlog is None:
        args.backlog = 2 if args.small else 5
    args.seconds = args.seconds or (40.0 if args.small else 150.0)
    if args.live_seconds is None:
        args.live_seconds = 20.0 if args.small else 120.0

    port = free_port()
    context = multiprocessing.get_context("spawn")
    live = context.Array("d", [0.0, 0.0])
    ready = context.Event()
    backlog = args.feeds * args.backlog
    server = context.Process(
        target=newsroom_process,
        args=(args.feeds, backlog, time.time(), port, live, ready),
        daemon=True,
    )
    server.start()
    ready.wait(30)
    results = []
    try:
        for mode in args.modes.split(","):
            results.append(run_mode(mode.strip(), args, port, live, server.pid))
        hot_spots = profile_ingestion(min(args.feeds, 100), port) if args.profile else []
    finally:
        server.terminate()
    save_results(
        "scale",
        {
            "feeds": args.feeds,
            "outlets": HOSTS,
            "backlog_items": backlog,
            "cpu_count": os.cpu_count(),
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
            "modes": results,
            "profile": hot_spots,
        },
    )


if __name__ == "__main__":
    main()
