"""Reading a response's body within limits: the raw bytes are decompressed here, chunk by chunk,
never to more than `fetch.max_bytes`, so that a gzip bomb stops at the limit; and a body nobody
wants (a 304, a redirect, an error page) is read to its end only when it is short, so that its
connection can serve the next request."""

from __future__ import annotations

import zlib
from typing import Any

import httpx

from gazette.errors import FetchError, FetchTooLarge

# A response whose body is not wanted (a 304, a redirect, an error page) is read to its end when
# it is at most this long, so that its connection serves the next request (a feed polled with
# a conditional request mostly gets a 304); a longer one is dropped with its connection.
SHORT_BYTES = 64 * 1024


async def read_body(url: str, response: httpx.Response, limit: int) -> bytes:
    """The response's body, its Content-Encoding undone; FetchTooLarge past `limit` bytes."""
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "identity" and declared.isdigit() and int(declared) > limit:
        raise FetchTooLarge(f"{url}: body of {declared} bytes exceeds fetch.max_bytes")
    decoder = Decoder(url, encoding, limit)
    async for chunk in response.aiter_raw():
        decoder.feed(chunk)
    return decoder.finish()


async def finish_short(response: httpx.Response) -> None:
    """Read an unwanted body to its end if it is short (see SHORT_BYTES)."""
    length = response.headers.get("content-length", "")
    if response.status_code in (204, 304) or (length.isdigit() and int(length) <= SHORT_BYTES):
        async for _ in response.aiter_raw():  # raw: nothing is decompressed
            pass


class Decoder:
    """Content-Encoding undone chunk by chunk, never producing more than `limit` bytes."""

    def __init__(self, url: str, encoding: str, limit: int) -> None:
        self.url, self.limit = url, limit
        if encoding in ("gzip", "x-gzip"):
            self.inflate: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflate = zlib.decompressobj()
        elif encoding in ("identity", ""):
            self.inflate = None
        else:
            raise FetchError(f"{url}: unsupported content encoding {encoding!r}")
        self.parts: list[bytes] = []
        self.size = 0

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchTooLarge(f"{self.url}: body exceeds fetch.max_bytes ({self.limit} bytes)")
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.inflate is None:
            self._keep(chunk)
            return
        try:
            data = self.inflate.decompress(chunk, self.limit - self.size + 1)
            self._keep(data)
            while self.inflate.unconsumed_tail:
                data = self.inflate.decompress(
                    self.inflate.unconsumed_tail, self.limit - self.size + 1
                )
                self._keep(data)
        except zlib.error as exc:
            raise FetchError(f"{self.url}: corrupt compressed body: {exc}") from exc

    def finish(self) -> bytes:
        if self.inflate is not None:
            self._keep(self.inflate.flush())
        return b"".join(self.parts)
