"""Times: Gazette stores and compares aware UTC datetimes only."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

# Clocks differ and some outlets post-date their articles; beyond this, a time is not believed.
FUTURE_TOLERANCE = timedelta(hours=1)


def parse_iso_time(value: str) -> datetime:
    """An ISO 8601 time as aware UTC; a time without a zone is taken as UTC.

    Raises ValueError for text that is not ISO 8601.
    """
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def believable(published: datetime | None, now: datetime) -> datetime | None:
    """`published`, unless it lies in the future of `now` by more than FUTURE_TOLERANCE: a time
    that cannot be true yet counts as no time at all."""
    if published is None or published > now + FUTURE_TOLERANCE:
        return None
    return published


def trusted_time(
    feed: datetime | None, page: datetime | None, found: datetime, now: datetime
) -> datetime:
    """When a report was published: the feed's time, else the page's, else when Gazette found
    it; never in the future."""
    return believable(feed, now) or believable(page, now) or found


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
