"""Politeness across workers: the fetch stage holds the hosts it fetches from.

Per-host limits (`fetch.per_host_connections`, `fetch.per_host_delay_seconds`, robots.txt's
Crawl-delay) are kept in memory within one fetch (gazette/http/politeness.py). So that they hold
across workers and machines, a step takes pages only from hosts that no other worker holds: it
leases each host (`hosts.lease_until`) together with its pages, starts no request to it before
the time the last holder left (`hosts.next_request_at`), and leaves its own when it is done.
robots.txt answers are kept for a day (`robots_files`), so that workers share one reading.

Leases are short and renewed while the pages download: a worker that dies (SIGKILL, a lost
machine) holds its pages and hosts for at most `LEASE` after its last renewal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from gazette.config import FetchSettings
from gazette.db import Database
from gazette.db.models import Document, Host, RobotsFile
from gazette.db.upsert import insert_for
from gazette.http import SharedPoliteness
from gazette.http.politeness import ROBOTS_TTL
from gazette.work import claim, unleased

log = logging.getLogger("gazette")

# How long a step holds its pages and hosts without renewing them, and how often it renews.
LEASE = timedelta(seconds=60)
RENEW_SECONDS = 15.0
# Pages of one host taken in one step, when the host has a pause between requests: enough to
# keep the step busy for a few seconds (ten at the default pause of one second), few enough
# that another worker takes the host's next pages.
HOST_BATCH = 10
# A host whose next request may not start within this long is left for a later step, rather
# than held by a step that would only wait for it.
HOST_WAIT = timedelta(seconds=5)


def host_batch(settings: FetchSettings, limit: int) -> int:
    """How many pages of one host a step takes: HOST_BATCH; with no pause between requests
    (a mirror, a host of one's own), as many as the step takes, since only the per-host
    connections hold them back and ten pages would leave them idle between steps."""
    return limit if settings.per_host_delay_seconds <= 0 else min(HOST_BATCH, limit)


def claim_by_host(
    session: Session,
    waiting: Select[tuple[Document]],
    now: datetime,
    holder: str,
    limit: int,
    per_host: int,
) -> tuple[list[Document], list[str], bool]:
    """Up to `limit` documents of `waiting`, at most `per_host` of each host, from hosts this
    step now leases; the documents, the hosts, and whether a host had more pages waiting than
    it took. Hosts held by other workers, or not to be asked again yet, are passed over, so
    their pages do not stop other hosts' pages."""
    held = select(Host.name).where(
        or_(Host.lease_until > now, Host.next_request_at > now + HOST_WAIT)
    )
    free = waiting.where(or_(Document.host.is_(None), Document.host.not_in(held)))
    rank = func.row_number().over(partition_by=Document.host, order_by=Document.id)
    ranked = free.with_only_columns(Document.id, Document.host, rank.label("rank")).subquery()
    picked = session.execute(
        select(ranked.c.id, ranked.c.host, ranked.c.rank)
        .where(ranked.c.rank <= per_host + 1)
        .order_by(ranked.c.id)
        .limit(limit)
    ).all()
    hosts = _lease_hosts(session, {host for _, host, _ in picked if host}, now, holder)
    ids = [id_ for id_, host, rank in picked if rank <= per_host and (not host or host in hosts)]
    left = any(rank > per_host and host in hosts for _, host, rank in picked)
    documents = claim(session, waiting.where(Document.id.in_(ids)).order_by(Document.id), limit)
    return documents, sorted(hosts), left


def _lease_hosts(session: Session, names: set[str], now: datetime, holder: str) -> set[str]:
    """Lease those of the hosts nobody holds (rows another claim has locked are skipped)."""
    if not names:
        return set()
    ordered = sorted(names)  # one order for every worker: concurrent inserts never deadlock
    new = insert_for(session.get_bind(), Host).values([{"name": n} for n in ordered])
    session.execute(new.on_conflict_do_nothing())
    free = select(Host).where(Host.name.in_(ordered), unleased(Host.lease_until, now))
    hosts = claim(session, free.order_by(Host.name), len(ordered))
    for host in hosts:
        host.lease_until, host.holder = now + LEASE, holder
    return {host.name for host in hosts}


def load_shared(
    session: Session, settings: FetchSettings, hosts: list[str], urls: list[str], now: datetime
) -> SharedPoliteness:
    """What other workers left for these hosts: when their next request may start (no later
    than the longest pause a host can ask for from now), and the robots.txt still fresh."""
    shared = SharedPoliteness()
    latest = now + timedelta(
        seconds=max(settings.per_host_delay_seconds, settings.max_crawl_delay_seconds)
    )
    for name, next_at in session.execute(
        select(Host.name, Host.next_request_at).where(Host.name.in_(hosts))
    ):
        if next_at is not None:
            shared.next_request_at[name] = min(next_at, latest).timestamp()
    if settings.respect_robots_txt:
        origins = {_origin(url) for url in urls} - {""}
        fresh = select(RobotsFile).where(
            RobotsFile.origin.in_(sorted(origins)), RobotsFile.fetched_at >= now - ROBOTS_TTL
        )
        for robots in session.scalars(fresh):
            shared.robots[robots.origin] = (robots.status, robots.body)
    return shared


def store_shared(
    session: Session, shared: SharedPoliteness, hosts: list[str], now: datetime
) -> None:
    """Leave the hosts, with the time their next request may start; keep robots.txt read."""
    # The hosts' rows in one query, not one each.
    rows = session.scalars(select(Host).where(Host.name.in_(hosts))) if hosts else []
    for host in rows:
        host.lease_until, host.holder = None, None
        if host.name in shared.next_request_at:
            next_at = shared.next_request_at[host.name]
            host.next_request_at = datetime.fromtimestamp(next_at, UTC)
    for origin in sorted(shared.robots_read):
        status, body = shared.robots[origin]
        session.merge(RobotsFile(origin=origin, status=status, body=body, fetched_at=now))


def return_hosts(database: Database, hosts: list[str]) -> None:
    """Give hosts back at once (a worker stopping mid-step)."""
    if hosts:
        with database.transaction() as session:
            session.execute(
                update(Host).where(Host.name.in_(hosts)).values(lease_until=None, holder=None)
            )


@contextmanager
def leases_renewed(database: Database, document_ids: list[int], hosts: list[str]) -> Iterator[None]:
    """Renew the step's leases every RENEW_SECONDS while the block runs (the pages download)."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(RENEW_SECONDS):
            try:
                _renew(database, document_ids, hosts)
            except Exception as exc:  # the database is away: the next renewal tries again
                log.warning("could not renew the fetch step's leases: %s", exc)

    renewer = threading.Thread(target=renew, name="gazette-lease-renewal", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()


def _renew(database: Database, document_ids: list[int], hosts: list[str]) -> None:
    until = datetime.now(UTC) + LEASE
    with database.transaction() as session:
        if document_ids:
            session.execute(
                update(Document)
                .where(Document.id.in_(document_ids), Document.lease_until.is_not(None))
                .values(lease_until=until)
            )
        if hosts:
            session.execute(update(Host).where(Host.name.in_(hosts)).values(lease_until=until))


def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""
