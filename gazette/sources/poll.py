"""The sources stage: read every source that is due and record the articles it lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import ClassVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from gazette.config import FetchSettings
from gazette.db.models import Document, HttpValidator, Source, url_host, utcnow
from gazette.db.upsert import insert_for
from gazette.errors import FeedParseError, SourceError, describe
from gazette.faults import isolated
from gazette.http import FetchOutcome, FetchRequest, kept_fetcher
from gazette.records import FeedEntry, ParsedFeed
from gazette.report_kinds import report_kind
from gazette.sources.feeds import read_listing
from gazette.sources.registry import usable_interval
from gazette.text import html_to_text
from gazette.urls import canonical_url, local_root
from gazette.work import LEASE, StageContext, StepReport, claim, return_leases, unleased

# How many sitemaps of a sitemap index are read per poll (the most recently changed first).
MAX_CHILD_SITEMAPS = 20
# Sources read in one step; their feeds are fetched concurrently.
POLL_BATCH = 100


@dataclass
class PollReport(StepReport):
    sources: int = 0
    not_modified: int = 0
    new_documents: int = 0
    NOT_ITEMS: ClassVar[tuple[str, ...]] = ("not_modified", "new_documents")
    warnings: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{self.sources} read, {self.new_documents} new articles"


@dataclass(frozen=True)
class _Claimed:
    """A source leased for one poll, as the network part of the step needs it."""

    id: int
    kind: str
    request: FetchRequest


def poll_step(context: StageContext) -> PollReport:
    """Read the sources that are due, a batch at a time; new article URLs become `discovered`
    documents. A failing source is marked with its error; the rest go on. No transaction is
    held while the network is waited for: the sources are leased, fetched, then recorded."""
    settings = context.settings.fetch
    now = utcnow()
    with context.database.transaction() as session:
        due = select(Source).where(
            Source.enabled,
            or_(Source.next_poll_at.is_(None), Source.next_poll_at <= now),
            unleased(Source.lease_until, now),
        )
        sources = claim(session, due.order_by(Source.next_poll_at, Source.id), POLL_BATCH)
        known = {v.url: v for v in _load_validators(session, [source.url for source in sources])}
        claimed = []
        for source in sources:
            source.lease_until = now + LEASE
            request = _with_validator(source.url, local_root(source.url), known.get(source.url))
            claimed.append(_Claimed(source.id, source.kind, request))
    listings = [c for c in claimed if c.kind != "page"]
    try:
        outcomes = kept_fetcher(context.kept, settings).fetch_all([c.request for c in listings])
        parsed = [_parse(outcome) for outcome in outcomes]
        children = _read_sitemap_indexes(context, listings, parsed)
    except BaseException:  # stopped mid-fetch: the sources go back to whoever steps next
        return_leases(context.database, Source, [c.id for c in claimed])
        raise

    report = PollReport(sources=len(claimed), more=len(claimed) == POLL_BATCH)
    with context.database.transaction() as session:
        # The batch's rows in two queries, not a few for each source (held here: the session
        # keeps only weak references to rows it has not changed).
        rows = session.scalars(select(Source).where(Source.id.in_([c.id for c in claimed])))
        sources = {source.id: source for source in rows}
        validators = _load_validators(session, [o.request.url for o in outcomes if o.page])
        for item, outcome, listing in zip(listings, outcomes, parsed, strict=True):
            source = _polled(sources[item.id], settings, now)
            if isinstance(listing, SourceError):
                _failed(report, source, now, listing)
                continue
            # A feed that has not changed (most polls) writes nothing that can fail half-way.
            savepoint = listing is not None or bool(children.get(source.id))
            with isolated(session, partial(_failed, report, source, now), savepoint=savepoint):
                sitemaps = children.get(source.id, [])
                _take_listing(session, settings, source, outcome, listing, sitemaps, now, report)
        for item in (c for c in claimed if c.kind == "page"):
            source = _polled(sources[item.id], settings, now)
            _succeeded(source, None, 1, now, report)
            report.new_documents += _record_entries(session, source, [FeedEntry(url=source.url)])
        del validators
    return report


def _polled(source: Source, settings: FetchSettings, now: datetime) -> Source:
    """The source, its lease returned and its next poll set one interval from now."""
    source.last_fetched_at, source.lease_until = now, None
    source.next_poll_at = now + poll_interval(source, settings.default_interval_minutes)
    return source


def poll_interval(source: Source, default_minutes: float) -> timedelta:
    """The source's own interval, else the default (see `usable_interval`)."""
    return timedelta(minutes=usable_interval(source.interval_minutes) or default_minutes)


def mark_all_due(session: Session, now: datetime) -> None:
    """Make every enabled source due now (`gazette run --all-sources`)."""
    session.execute(update(Source).where(Source.enabled).values(next_poll_at=now))


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
    for answer in (outcome, *(child for _, child in sitemaps)):
        _remember_validators(session, answer)
    if outcome.not_modified:
        report.not_modified += 1
    entries, capped = _newest(entries, settings.max_items_per_feed)
    warning = "; ".join(w for w in (warning, capped) if w) or None
    _succeeded(source, warning, len(entries), now, report)
    report.new_documents += _record_entries(session, source, entries)


def _conditional(session: Session, url: str, root: Path | None) -> FetchRequest:
    """A request that asks only for a change since the last answer (ETag, Last-Modified)."""
    return _with_validator(url, root, session.get(HttpValidator, url))


def _with_validator(url: str, root: Path | None, known: HttpValidator | None) -> FetchRequest:
    if known is None:
        return FetchRequest(url, file_root=root)
    return FetchRequest(url, known.etag, known.last_modified, file_root=root)


def _load_validators(session: Session, urls: list[str]) -> list[HttpValidator]:
    """The validators of these URLs, in one query: while the caller holds them, looking each
    one up in the session costs no query."""
    if not urls:
        return []
    return list(session.scalars(select(HttpValidator).where(HttpValidator.url.in_(urls))))


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
    context: StageContext,
    sources: list[_Claimed],
    parsed: list[ParsedFeed | SourceError | None],
) -> dict[int, list[tuple[str, FetchOutcome]]]:
    """Fetch, in one batch, the sitemaps listed by every sitemap index among the listings."""
    wanted: list[tuple[int, str]] = []
    for source, listing in zip(sources, parsed, strict=True):
        if isinstance(listing, ParsedFeed):
            wanted += [(source.id, url) for url in listing.sitemaps[:MAX_CHILD_SITEMAPS]]
    if not wanted:
        return {}
    with context.database.session() as session:
        requests = [_conditional(session, url, None) for _, url in wanted]
    fetched = kept_fetcher(context.kept, context.settings.fetch).fetch_all(requests)
    children: dict[int, list[tuple[str, FetchOutcome]]] = {}
    for (source_id, url), outcome in zip(wanted, fetched, strict=True):
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
    report.failed(source.url, message, first=source.consecutive_failures == 1)


def _succeeded(
    source: Source, warning: str | None, items: int, now: datetime, report: PollReport
) -> None:
    source.last_success_at, source.consecutive_failures = now, 0
    source.last_error, source.last_warning = None, warning
    source.items_seen += items
    if warning:
        report.warnings[source.url] = warning


def _record_entries(session: Session, source: Source, entries: list[FeedEntry]) -> int:
    """Insert documents for URLs not seen before; returns how many were new. Another worker
    may be recording the same URL from another feed at this moment: the insert then waits for
    it and leaves its row be, rather than failing this source's whole listing."""
    by_url = {canonical_url(entry.url): entry for entry in entries}
    if not by_url:
        return 0
    rows = [
        {
            "source_id": source.id,
            "url": url,
            "host": url_host(url),  # a column default that reads the row cannot run per row here
            "guid": entry.guid,
            "feed_title": entry.title or None,
            "feed_summary": html_to_text(entry.summary) or None,
            "authors": list(entry.authors),
            "published_at": entry.published,
            "outlet": source.name,
            "language": source.language,
            "kind": report_kind(url, entry.title, entry.categories),
        }
        for url, entry in by_url.items()
    ]
    new = insert_for(session.get_bind(), Document).values(rows)
    inserted = session.scalars(
        new.on_conflict_do_nothing(index_elements=[Document.url]).returning(Document.id)
    )
    return len(inserted.all())
