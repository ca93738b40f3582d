"""Source reports for the writer's tests, built the one way: an outlet, a title and its text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gazette.records import SourceArticle

T0 = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)


def source(key: str, outlet: str, title: str, *paragraphs: str, hours: int = 0) -> SourceArticle:
    return SourceArticle(
        key=key,
        outlet=outlet,
        url=f"https://{outlet.lower().replace(' ', '')}.example/{key}",
        published=T0 + timedelta(hours=hours),
        title=title,
        text="\n".join(paragraphs),
    )
