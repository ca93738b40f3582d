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
from gazette.db.models import HttpValidator, Source, utcnow
from gazette.errors import FeedParseError, SourceError, describe
from gazette.faults import isolated
from gazette.http import FetchOutcome, FetchRequest, kept_fetcher
from gazette.records import FeedEntry, ParsedFeed
from gazette.sources.feeds import outlet_name, read_listing
from gazette.sources.record import Listing, document_rows, record, validator_rows
from gazette.sources.registry import usable_interval
from gazette.urls import local_root
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
    listings_claimed = [c for c in claimed if c.kind != "page"]
    try:
        requests = [c.request for c in listings_claimed]
        outcomes = kept_fetcher(context.kept, settings).fetch_all(requests)
        parsed = [_parse(outcome) for outcome in outcomes]
        children = _read_sitemap_indexes(context, listings_claimed, parsed)
    except BaseException:  # stopped mid-fetch: the sources go back to whoever steps next
        return_leases(context.database, Source, [c.id for c in claimed])
        raise

    report = PollReport(sources=len(claimed), more=len(claimed) == POLL_BATCH)
    with context.database.transaction() as session:
        # The batch's rows in one query, not a few for each source.
        rows = session.scalars(select(Source).where(Source.id.in_([c.id for c in claimed])))
        sources = {source.id: source for source in rows}
        listings: list[Listing] = []
        for item, outcome, answer in zip(listings_claimed, outcomes, parsed, strict=True):
            source = _polled(sources[item.id], settings, now)
            if isinstance(answer, SourceError):
                _failed(report, source, now, answer)
                continue
            # What the listing holds is worked out first (no write can fail half-way), and
            # written with the rest of the batch's (gazette/sources/record.py).
            with isolated(session, partial(_failed, report, source, now), savepoint=False):
                sitemaps = children.get(source.id, [])
                listings.append(_listing(settings, source, outcome, answer, sitemaps, now, report))
        for item in (c for c in claimed if c.kind == "page"):
            source = _polled(sources[item.id], settings, now)
            page = document_rows(source, [FeedEntry(url=source.url)], source.name)
            succeed = partial(_succeeded, source, None, 1, now, report)
            fail = partial(_failed, report, source, now)
            listings.append(Listing(source, page, succeed=succeed, fail=fail))
        report.new_documents += record(session, listings)
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


def _listing(
    settings: FetchSettings,
    source: Source,
    outcome: FetchOutcome,
    listing: ParsedFeed | None,
    sitemaps: list[tuple[str, FetchOutcome]],
    now: datetime,
    report: PollReport,
) -> Listing:
    """What a source's feed or sitemap (and the sitemaps it lists) gives to write: the rows of
    its items and of its validators, and the source's success once they are written."""
    entries, warning = _entries(listing, sitemaps)
    if outcome.not_modified:
        report.not_modified += 1
    entries, capped = _newest(entries, settings.max_items_per_feed)
    warning = "; ".join(w for w in (warning, capped) if w) or None
    # A source with no name yet takes its feed's title (the outlet's part of it), which its
    # documents name as outlet.
    name = source.name
    if listing is not None and listing.title and not name:
        name = outlet_name(listing.title, [source.url, *(entry.url for entry in entries)])

    def succeed() -> None:
        source.name = name
        _succeeded(source, warning, len(entries), now, report)

    validators = validator_rows([outcome, *(child for _, child in sitemaps)])
    fail = partial(_failed, report, source, now)
    return Listing(source, document_rows(source, entries, name), validators, succeed, fail)


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
    listing: ParsedFeed | None, children: list[tuple[str, FetchOutcome]]
) -> tuple[list[FeedEntry], str | None]:
    if listing is None:
        return [], None
    entries, problems = list(listing.entries), []
    for url, child in children:
        parsed = _parse(child)
        if isinstance(parsed, SourceError):
            problems.append(f"sitemap {url}: {parsed}")
        elif parsed is not None:
            entries += parsed.entries
            if parsed.warning:
                problems.append(f"sitemap {url}: {parsed.warning}")
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
