"""The HTTP client every stage uses to download feeds and pages."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from gazette.config import FetchSettings
from gazette.errors import (
    FetchBlocked,
    FetchError,
    FetchTooLarge,
    HTTPStatusError,
    TooManyRedirects,
)
from gazette.fetch.mirror import DirectoryTransport
from gazette.fetch.safety import Resolver, check_url, parse_networks, resolve_host
from gazette.records import FetchedPage

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class _Hop(NamedTuple):
    """One response of a redirect chain."""

    status: int
    content_type: str
    location: str | None
    body: bytes


class Fetcher:
    """Downloads one URL at a time, following redirects itself so that every hop is checked.

    Limits come from `FetchSettings`: timeout, body size, redirect count, allowed networks.
    With `mirror_dir` set, http(s) URLs are answered from that directory and never touch the
    network. file:// URLs are read only below a folder the caller names (local sources).
    """

    def __init__(self, settings: FetchSettings, resolver: Resolver = resolve_host) -> None:
        self.settings = settings
        self.resolver = resolver
        self.allowed_networks = parse_networks(settings.allow_networks)
        self.offline = settings.mirror_dir is not None
        transport = DirectoryTransport(settings.mirror_dir) if settings.mirror_dir else None
        self.client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout_seconds),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, url: str, file_root: Path | None = None) -> FetchedPage:
        if urlsplit(url).scheme == "file":
            return self._read_file(url, file_root)
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if self.offline:
                if urlsplit(current).scheme not in ("http", "https"):
                    raise FetchBlocked(f"{current}: only http and https URLs can be fetched")
            else:
                check_url(current, self.allowed_networks, self.resolver)
            hop = self._get(current)
            if hop.location is not None:
                current = urljoin(current, hop.location)
                continue
            if hop.status >= 400:
                raise HTTPStatusError(current, hop.status)
            return FetchedPage(
                requested_url=url,
                url=current,
                status=hop.status,
                content_type=hop.content_type,
                body=hop.body,
            )
        raise TooManyRedirects(f"{url}: more than {self.settings.max_redirects} redirects")

    def _get(self, url: str) -> _Hop:
        """One request, without following redirects; a redirect's body is not read."""
        try:
            with self.client.stream("GET", url) as response:
                content_type = response.headers.get("content-type", "")
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url}: redirect without a Location header")
                    return _Hop(response.status_code, content_type, location, b"")
                body = self._read_limited(url, response)
                return _Hop(response.status_code, content_type, None, body)
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out after {self.settings.timeout_seconds:g}s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc

    def _read_limited(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_bytes:
            raise FetchTooLarge(f"{url}: body of {declared} bytes exceeds fetch.max_bytes")
        chunks, size = [], 0
        for chunk in response.iter_bytes():  # decompressed: the limit holds for gzip too
            size += len(chunk)
            if size > self.settings.max_bytes:
                raise FetchTooLarge(
                    f"{url}: body exceeds fetch.max_bytes ({self.settings.max_bytes} bytes)"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _read_file(self, url: str, file_root: Path | None) -> FetchedPage:
        path = Path(unquote(urlsplit(url).path)).resolve()
        if file_root is None or not path.is_relative_to(file_root.resolve()):
            raise FetchBlocked(f"{url}: local files are only read for sources added as files")
        if not path.is_file():
            raise FetchError(f"{url}: no such file")
        if path.stat().st_size > self.settings.max_bytes:
            raise FetchTooLarge(f"{url}: file exceeds fetch.max_bytes")
        content_type = (
            "application/xml" if path.suffix in (".xml", ".rss", ".atom") else "text/html"
        )
        return FetchedPage(url, url, 200, content_type, path.read_bytes())
