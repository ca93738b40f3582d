"""Fetch: download feeds and pages safely, with limits on time, size and redirects."""

from gazette.fetch.client import Fetcher

__all__ = ["Fetcher"]
