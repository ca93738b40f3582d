"""Sources: the feeds, sitemaps and pages Gazette follows, and polling them for new articles."""

from gazette.sources.feeds import html_feed_links, parse_feed, read_listing
from gazette.sources.poll import poll_step
from gazette.sources.registry import add_source, list_sources, remove_source

__all__ = [
    "add_source",
    "html_feed_links",
    "list_sources",
    "parse_feed",
    "poll_step",
    "read_listing",
    "remove_source",
]
