"""The sources stage: read every source that is due and record the articles it lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.config import FetchSettings
from gazette.db.models import Document, HttpValidator, Source, utcnow
from gazette.errors import FeedParseError, SourceError, describe
from gazette.faults import isolated
from gazette.http import FetchOutcome, FetchRequest, fetch_all
from gazette.records import FeedEntry, ParsedFeed
from gazette.sources.feeds import read_listing
from gazette.sources.registry import usable_interval
from gazette.text import html_to_text
from gazette.urls import canonical_url, local_root

# How many sitemaps of a sitemap index are read per poll (the most recently changed first).
MAX_CHILD_SITEMAPS = 20


@dataclass
class PollReport:
    sources: int = 0
    not_modified: int = 0
    new_documents: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def is_due(source: Source, now: datetime, default_minutes: float) -> bool:
    if source.last_fetched_at is None:
        return True
    minutes = usable_interval(source.interval_minutes) or default_minutes
    return source.last_fetched_at + timedelta(minutes=minutes) <= now


def poll_sources(
    session: Session, settings: FetchSettings, now: datetime | None = None, force: bool = False
) -> PollReport:
    """Fetch each enabled source that is due (all of them with `force`); new article URLs
    become `discovered` documents. A failing source is marked with its error; the rest go on."""
    now = now or utcnow()
    report = PollReport()
    sources = [
        s
        for s in session.scalars(select(Source).where(Source.enabled).order_by(Source.id))
        if force or is_due(s, now, settings.default_interval_minutes)
    ]
    report.sources = len(sources)
    listings = [s for s in sources if s.kind != "page"]
    outcomes = fetch_all(settings, [_request(session, s.url, local_root(s.url)) for s in listings])
    parsed = [_parse(outcome) for outcome in outcomes]
    children = _read_sitemap_indexes(session, settings, listings, parsed)
    for source, outcome, listing in zip(listings, outcomes, parsed, strict=True):
        source.last_fetched_at = now
        if isinstance(listing, SourceError):
            _failed(report, source, now, listing)
            continue
        with isolated(session, partial(_failed, report, source, now)):
            sitemaps = children.get(source.id, [])
            _take_listing(session, settings, source, outcome, listing, sitemaps, now, report)
    for source in (s for s in sources if s.kind == "page"):
        source.last_fetched_at = now
        _succeeded(source, None, 1, now, report)
        report.new_documents += _record_entries(session, source, [FeedEntry(url=source.url)])
    session.flush()
    return report


def _take_listing(
    session: Session,
    settings: FetchSettings,
    source: Source,
    outcome: FetchOutcome,
    listing: ParsedFeed | None,
    sitemaps: list[tuple[str, FetchOutcome]],
    now: datetime,
    report: PollReport,
) -> None:
    """Record the new items of a source's feed or sitemap (and of the sitemaps it lists)."""
    entries, warning = _entries(source, listing, sitemaps)
    _remember_validators(session, outcome)
    if outcome.not_modified:
        report.not_modified += 1
    entries, capped = _newest(entries, settings.max_items_per_feed)
    warning = "; ".join(w for w in (warning, capped) if w) or None
    _succeeded(source, warning, len(entries), now, report)
    report.new_documents += _record_entries(session, source, entries)


def _request(session: Session, url: str, root: Path | None) -> FetchRequest:
    known = session.get(HttpValidator, url)
    if known is None:
        return FetchRequest(url, file_root=root)
    return FetchRequest(url, known.etag, known.last_modified, file_root=root)


def _remember_validators(session: Session, outcome: FetchOutcome) -> None:
    page = outcome.page
    if page is None or not (page.etag or page.last_modified):
        return
    session.merge(
        HttpValidator(
            url=outcome.request.url,
            etag=page.etag[:512] if page.etag else None,
            last_modified=page.last_modified[:64] if page.last_modified else None,
            updated_at=utcnow(),
        )
    )


def _parse(outcome: FetchOutcome) -> ParsedFeed | SourceError | None:
    """The parsed feed or sitemap, the error that prevented it, or None when the server said
    it has not changed."""
    if outcome.error is not None:
        return outcome.error
    if outcome.not_modified or outcome.page is None:
        return None
    page = outcome.page
    try:
        return read_listing(page.body, page.url, page.content_type)
    except SourceError as exc:
        return exc
    except Exception as exc:  # a document the parsers were not ready for: this source's failure
        return FeedParseError(f"{page.url}: {describe(exc)}")


def _read_sitemap_indexes(
    session: Session,
    settings: FetchSettings,
    sources: list[Source],
    parsed: list[ParsedFeed | SourceError | None],
) -> dict[int, list[tuple[str, FetchOutcome]]]:
    """Fetch, in one batch, the sitemaps listed by every sitemap index among the listings."""
    wanted: list[tuple[int, str]] = []
    for source, listing in zip(sources, parsed, strict=True):
        if isinstance(listing, ParsedFeed):
            wanted += [(source.id, url) for url in listing.sitemaps[:MAX_CHILD_SITEMAPS]]
    fetched = fetch_all(settings, [_request(session, url, None) for _, url in wanted])
    children: dict[int, list[tuple[str, FetchOutcome]]] = {}
    for (source_id, url), outcome in zip(wanted, fetched, strict=True):
        _remember_validators(session, outcome)
        children.setdefault(source_id, []).append((url, outcome))
    return children


def _entries(
    source: Source, listing: ParsedFeed | None, children: list[tuple[str, FetchOutcome]]
) -> tuple[list[FeedEntry], str | None]:
    if listing is None:
        return [], None
    if listing.title and not source.name:
        source.name = listing.title
    entries, problems = list(listing.entries), []
    for url, child in children:
        parsed = _parse(child)
        if isinstance(parsed, SourceError):
            problems.append(f"sitemap {url}: {parsed}")
        elif parsed is not None:
            entries += parsed.entries
    warnings = [w for w in (listing.warning, *problems) if w]
    return entries, "; ".join(warnings) or None


def _newest(entries: list[FeedEntry], limit: int) -> tuple[list[FeedEntry], str | None]:
    if len(entries) <= limit:
        return entries, None
    oldest = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(entries, key=lambda e: e.published or oldest, reverse=True)
    note = f"lists {len(entries)} items; the newest {limit} were taken (fetch.max_items_per_feed)"
    return ordered[:limit], note


def _failed(report: PollReport, source: Source, now: datetime, error: Exception) -> None:
    message = describe(error)
    source.last_error, source.last_error_at = message, now
    source.consecutive_failures += 1
    report.errors[source.url] = message


def _succeeded(
    source: Source, warning: str | None, items: int, now: datetime, report: PollReport
) -> None:
    source.last_success_at, source.consecutive_failures = now, 0
    source.last_error, source.last_warning = None, warning
    source.items_seen += items
    if warning:
        report.warnings[source.url] = warning


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
                language=source.language,
            )
        )
        new += 1
    return new
