"""Times: Gazette stores and compares aware UTC datetimes only."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso_time(value: str) -> datetime:
    """An ISO 8601 time as aware UTC; a time without a zone is taken as UTC.

    Raises ValueError for text that is not ISO 8601.
    """
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
