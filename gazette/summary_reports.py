"""Reports from the feed alone, while a page cannot be had.

Paywalled outlets (and sites that are down, or pages with nothing an extractor can read) still
say in their feed what an item is about: a title, often a standfirst. Such an item becomes a
*summary-only* report at once, so that it joins its story and can be cited for what it says,
and its page is tried again on the usual waits (gazette/faults.py). When the page arrives it
replaces the summary: the report is extracted again and its story rewritten.

The fetch and extract stages call these when a page fails; everything else treats a
summary-only report as any other (the writer knows it is thin: `SourceArticle.summary_only`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from gazette.db.models import Document, DocumentStatus
from gazette.errors import ExtractionEmpty, describe
from gazette.faults import MAX_ATTEMPTS, document_failed, retry_delay
from gazette.times import trusted_time
from gazette.urls import domain_of


class PageReport(Protocol):
    """The report of a step that gets pages (fetch, extract): it counts the reports it made
    from feeds, besides the items that failed."""

    from_feed: int

    def failed(self, key: object, message: str, first: bool) -> None: ...


def page_unavailable(report: PageReport, document: Document, now: datetime, exc: Exception) -> None:
    """The page of `document` failed (to download, or to hold an article). A summary-only
    report waits for its next try; a new item with a title in its feed becomes one; any other
    fails as usual."""
    message = describe(exc)
    no_article = isinstance(exc, ExtractionEmpty)
    if document.summary_only:
        _page_failed_again(document, message, now, no_article)
    elif document.feed_title:
        from_feed(document, message, now, retry=not no_article)
        report.from_feed += 1
    else:
        document_failed(report, document, now, exc)


def from_feed(document: Document, page_error: str, now: datetime, retry: bool = True) -> None:
    """Make `document` a summary-only report from what its feed said, ready for dedupe; its
    page is tried again later unless `retry` is off (the page is there but holds no article)."""
    document.title = document.feed_title or ""
    document.text = document.feed_summary or ""
    document.canonical_url = document.canonical_url or document.url
    document.domain = domain_of(document.canonical_url)
    document.outlet = document.outlet or document.domain
    document.published_at = trusted_time(document.published_at, None, document.discovered_at, now)
    document.extracted_at = now
    document.status = DocumentStatus.EXTRACTED
    document.summary_only = True
    document.error, document.attempts, document.retry_at = None, 0, None
    document.page_error, document.page_attempts = page_error, 1
    document.page_retry_at = now + retry_delay(1) if retry else None


def _page_failed_again(document: Document, message: str, now: datetime, no_article: bool) -> None:
    document.page_attempts += 1
    document.page_error = message
    give_up = no_article or document.page_attempts >= MAX_ATTEMPTS
    document.page_retry_at = None if give_up else now + retry_delay(document.page_attempts)
    if document.status == DocumentStatus.FETCHED:  # the page came but held nothing: as it was
        document.status = DocumentStatus.EXTRACTED
