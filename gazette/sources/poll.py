"""The sources stage: read every enabled source and record the articles it lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Document, Source, utcnow
from gazette.errors import SourceError
from gazette.fetch import Fetcher
from gazette.records import FeedEntry
from gazette.sources.feeds import parse_feed
from gazette.text import html_to_text
from gazette.urls import canonical_url


@dataclass
class PollReport:
    sources: int = 0
    new_documents: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def local_root(source: Source) -> Path | None:
    """The folder a local (file://) source may read from: the one holding the source file."""
    if not source.url.startswith("file:"):
        return None
    return Path(unquote(urlsplit(source.url).path)).parent


def poll_sources(session: Session, fetcher: Fetcher, now: datetime | None = None) -> PollReport:
    """Fetch each enabled source once; new article URLs become `discovered` documents.

    A source that fails is marked with the error and the run goes on with the others.
    """
    now = now or utcnow()
    report = PollReport()
    for source in session.scalars(select(Source).where(Source.enabled).order_by(Source.id)):
        report.sources += 1
        source.last_fetched_at = now
        try:
            entries, warning = _read_source(source, fetcher)
        except SourceError as exc:
            source.last_error, source.last_error_at = str(exc), now
            source.consecutive_failures += 1
            report.errors[source.url] = str(exc)
            continue
        if warning:
            report.warnings[source.url] = warning
        source.last_success_at, source.consecutive_failures = now, 0
        source.last_error = None
        source.items_seen += len(entries)
        report.new_documents += _record_entries(session, source, entries)
    session.flush()
    return report


def _read_source(source: Source, fetcher: Fetcher) -> tuple[list[FeedEntry], str | None]:
    if source.kind == "page":
        return [FeedEntry(url=source.url)], None
    page = fetcher.fetch(source.url, file_root=local_root(source))
    feed = parse_feed(page.body, base_url=page.url)
    if feed.title and not source.name:
        source.name = feed.title
    return feed.entries, feed.warning


def _record_entries(session: Session, source: Source, entries: list[FeedEntry]) -> int:
    """Insert documents for URLs not seen before; returns how many were new."""
    by_url = {canonical_url(entry.url): entry for entry in entries}
    known = set(session.scalars(select(Document.url).where(Document.url.in_(list(by_url)))))
    new = 0
    for url, entry in by_url.items():
        if url in known:
            continue
        session.add(
            Document(
                source_id=source.id,
                url=url,
                guid=entry.guid,
                feed_title=entry.title or None,
                feed_summary=html_to_text(entry.summary) or None,
                authors=list(entry.authors),
                published_at=entry.published,
                outlet=source.name,
            )
        )
        new += 1
    return new
