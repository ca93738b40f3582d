"""The HTTP client shared by the stages: downloads feeds and pages safely, politely, and within
limits. The sources stage reads feeds with it, the fetch stage pages, the CLI and the batch
commands single URLs.

`client` holds the client itself (a batch of requests: retries, redirects, robots.txt),
`messages` what it is asked and answers, `kept` a client kept for batch after batch, `body`
the reading of a response within its limits, `local` the reading of local files, `safety` and
`network` the address checks made where a connection is opened, `pool` the connections kept
open, `politeness` the per-host limits and robots.txt, `mirror` the offline transport that
answers from a local folder.
"""

from gazette.http.client import AsyncFetcher, fetch_all
from gazette.http.kept import Fetcher, kept_fetcher
from gazette.http.messages import FetchOutcome, FetchRequest
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
