"""Fetch: download the page of every discovered document (the client is `gazette.http`)."""

from gazette.fetch.stage import FetchReport, fetch_pending

__all__ = ["FetchReport", "fetch_pending"]
