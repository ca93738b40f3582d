"""Local files, for sources added as files (file:// URLs): read only below the source's own
folder, within `fetch.max_bytes`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from gazette.errors import FetchBlocked, FetchError, FetchTooLarge
from gazette.http.messages import FetchRequest
from gazette.records import FetchedPage


def read_local_file(request: FetchRequest, max_bytes: int) -> FetchedPage:
    """The file a file:// request names, as a page; FetchError if it may not or cannot be read."""
    url, root = request.url, request.file_root
    path = Path(unquote(urlsplit(url).path)).resolve()
    if root is None or not path.is_relative_to(root.resolve()):
        raise FetchBlocked(f"{url}: local files are only read for sources added as files")
    if not path.is_file():
        raise FetchError(f"{url}: no such file")
    if path.stat().st_size > max_bytes:
        raise FetchTooLarge(f"{url}: file exceeds fetch.max_bytes")
    kind = "application/xml" if path.suffix in (".xml", ".rss", ".atom") else "text/html"
    return FetchedPage(url, url, 200, kind, path.read_bytes())
