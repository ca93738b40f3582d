"""Fetch: download feeds and pages safely, politely, and within limits."""

from gazette.fetch.client import AsyncFetcher, FetchOutcome, FetchRequest, fetch_all

__all__ = ["AsyncFetcher", "FetchOutcome", "FetchRequest", "fetch_all"]
