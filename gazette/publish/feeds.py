"""Feeds of published stories (feedgen): RSS 2.0 now, Atom and JSON Feed from the same data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str
    summary: str
    published: datetime
    updated: datetime
    categories: tuple[str, ...] = ()


def rss_feed(title: str, site_url: str, description: str, items: list[FeedItem]) -> bytes:
    generator = FeedGenerator()
    generator.title(title)
    generator.link(href=site_url, rel="alternate")
    generator.description(description)
    generator.language("en")
    generator.generator("Gazette")
    for item in reversed(items):  # feedgen prepends: reverse to keep newest first
        entry = generator.add_entry()
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url)
        entry.description(item.summary)
        entry.published(item.published)
        entry.updated(item.updated)
        for category in item.categories:
            entry.category(term=category)
    return generator.rss_str(pretty=True)
