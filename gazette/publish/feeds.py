"""Feeds of published stories, from one record in three formats: RSS 2.0 and Atom (feedgen),
and JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/, plain JSON).

Every item carries its story's summary, its tags as categories, its first publication time and
the time of its last update; newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str
    summary: str
    published: datetime
    updated: datetime
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    title: str
    home_url: str  # the page the feed is of (the home page, a tag's page)
    feed_url: str  # the feed's own address
    description: str
    items: list[FeedItem]
    language: str = "en"

    @property
    def updated(self) -> datetime | None:
        """When the newest change among its items happened; None for an empty feed."""
        return max((item.updated for item in self.items), default=None)


def _generator(feed: Feed, self_type: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.feed_url)
    generator.title(feed.title)
    # RSS's <link> is the last link given (feedgen): the page, after the feed's own address.
    generator.link(href=feed.feed_url, rel="self", type=self_type)
    generator.link(href=feed.home_url, rel="alternate")
    generator.description(feed.description)
    generator.subtitle(feed.description)
    generator.author(name=feed.title)
    generator.language(feed.language)
    generator.generator("Gazette")
    if feed.updated is not None:
        generator.updated(feed.updated)
    for item in reversed(feed.items):  # feedgen prepends: reverse to keep newest first
        entry = generator.add_entry()
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url)
        entry.description(item.summary)
        entry.summary(item.summary)
        entry.published(item.published)
        entry.updated(item.updated)
        for category in item.categories:
            entry.category(term=category)
    return generator


def rss_feed(feed: Feed) -> bytes:
    return _generator(feed, "application/rss+xml").rss_str(pretty=True)


def atom_feed(feed: Feed) -> bytes:
    """An empty feed's time is the time it was made (feedgen's default): Atom requires one."""
    return _generator(feed, "application/atom+xml").atom_str(pretty=True)


def json_feed(feed: Feed) -> bytes:
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.feed_url,
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": feed.title}],
        "items": [
            {
                "id": item.url,
                "url": item.url,
                "title": item.title,
                "content_text": item.summary,
                "summary": item.summary,
                "date_published": item.published.isoformat(),
                "date_modified": item.updated.isoformat(),
                "tags": list(item.categories),
            }
            for item in feed.items
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
