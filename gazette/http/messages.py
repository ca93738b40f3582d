"""What a caller asks the HTTP client for, and what it gets back: one `FetchOutcome` per
`FetchRequest`, which holds the page, a "not modified", or the error (a request never raises)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gazette.errors import FetchError
from gazette.records import FetchedPage


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    # For local (file://) sources: the folder their files may be read from.
    file_root: Path | None = None


@dataclass(frozen=True)
class FetchOutcome:
    request: FetchRequest
    page: FetchedPage | None = None
    not_modified: bool = False
    error: FetchError | None = None
