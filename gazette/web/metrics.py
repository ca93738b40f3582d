"""`/metrics`: the pipeline's numbers for Prometheus, read from the database at each scrape, so
that they count the work of every worker on every machine (a worker's own process would know
only its own).

Gauges: the work waiting at each stage and waiting for a retry, documents given up, reports made
from feeds alone, stories published and awaiting review, workers alive, sources failing, and the
pages failing now by host. Counters: each stage's steps, items, errors and seconds; the seconds
over the steps are the stage's latency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gazette.db.models import Document
from gazette.status import read_status, stage_totals
from gazette.web.dependencies import AppSettings, ReadSession

router = APIRouter()
HOSTS_SHOWN = 50  # the hosts with the most failing pages


class _Snapshot(Collector):
    """The numbers of one scrape, from one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        found = read_status(self.session)
        waiting = GaugeMetricFamily(
            "gazette_backlog", "Items waiting for a stage now", labels=["stage"]
        )
        retrying = GaugeMetricFamily(
            "gazette_retrying", "Items of a stage waiting for their next try", labels=["stage"]
        )
        for row in found.backlog:
            waiting.add_metric([row.stage], row.waiting)
            retrying.add_metric([row.stage], row.retrying)
        yield waiting
        yield retrying
        yield from (
            GaugeMetricFamily(name, help, value=value)
            for name, help, value in (
                ("gazette_documents_given_up", "Documents given up", found.given_up),
                ("gazette_summary_only_reports", "Reports from feeds alone", found.summary_only),
                ("gazette_stories_published", "Stories readers can see", found.published),
                ("gazette_stories_awaiting_review", "Versions held", found.awaiting_review),
                ("gazette_stories_unwritten", "Stories, nothing to write from", found.unwritten),
                ("gazette_workers_alive", "Workers seen lately", len(found.workers)),
                ("gazette_sources_failing", "Sources failing", len(found.failing_sources)),
            )
        )
        yield _failing_hosts(self.session)
        yield from _stage_counters(self.session)


def _failing_hosts(session: Session) -> GaugeMetricFamily:
    metric = GaugeMetricFamily(
        "gazette_fetch_failing", "Pages failing to download now, by host", labels=["host"]
    )
    urls = session.scalars(
        select(Document.url).where(
            or_(
                Document.error.is_not(None) & Document.fetched_at.is_(None),
                Document.page_retry_at.is_not(None),
            )
        )
    )
    for host, count in Counter(urlsplit(url).hostname or "" for url in urls).most_common(
        HOSTS_SHOWN
    ):
        metric.add_metric([host], count)
    return metric


def _stage_counters(session: Session) -> Iterator[CounterMetricFamily]:
    counters = {
        field: CounterMetricFamily(f"gazette_stage_{field}", help, labels=["stage"])
        for field, help in (
            ("steps", "Steps that found work"),
            ("items", "Items worked on"),
            ("errors", "Items that failed"),
            ("seconds", "Seconds the steps took"),
        )
    }
    for row in stage_totals(session):
        for field, metric in counters.items():
            metric.add_metric([row.stage], getattr(row, field))
    yield from counters.values()


@router.get("/metrics", name="metrics", include_in_schema=False)
def metrics(session: ReadSession, settings: AppSettings) -> Response:
    if not settings.site.metrics:
        raise HTTPException(404, "There is no page at this address.")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(session))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
