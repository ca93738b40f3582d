"""Sources: the feeds and pages Gazette follows, and polling them for new articles."""

from gazette.sources.feeds import parse_feed
from gazette.sources.poll import poll_sources
from gazette.sources.registry import add_source, list_sources, remove_source

__all__ = ["add_source", "list_sources", "parse_feed", "poll_sources", "remove_source"]
