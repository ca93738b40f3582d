"""Fetch: download the page of every discovered document (the client is `gazette.http`)."""

from gazette.fetch.stage import FetchReport, fetch_step

__all__ = ["FetchReport", "fetch_step"]
