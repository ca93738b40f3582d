"""The HTTP client shared by the stages: downloads feeds and pages safely, politely, and within
limits. The sources stage reads feeds with it, the fetch stage pages, the CLI and the batch
commands single URLs.

`client` holds the client itself, `safety` and `network` the address checks made where a
connection is opened, `pool` the connections kept open, `politeness` the per-host limits and
robots.txt, `mirror` the offline transport that answers from a local folder.
"""

from gazette.http.client import (
    AsyncFetcher,
    Fetcher,
    FetchOutcome,
    FetchRequest,
    fetch_all,
    kept_fetcher,
)
from gazette.http.politeness import SharedPoliteness

__all__ = [
    "AsyncFetcher",
    "FetchOutcome",
    "FetchRequest",
    "Fetcher",
    "SharedPoliteness",
    "fetch_all",
    "kept_fetcher",
]
