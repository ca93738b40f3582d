"""An httpx transport that answers from a local directory tree instead of the network.

`<root>/<host>/<path>` holds the body of `https://<host>/<path>`; a path without a suffix may be
stored as `<path>.html` or `<path>/index.html`. Query strings are ignored, and robots.txt is
absent (so everything is allowed). This is how the demo and the tests run the real fetch code
offline.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote

import httpx

CONTENT_TYPES = {".xml": "application/xml", ".html": "text/html; charset=utf-8"}


class DirectoryTransport(httpx.AsyncBaseTransport):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _find(self, host: str, path: str) -> Path | None:
        base = (self.root / host / unquote(path).lstrip("/")).resolve()
        if not base.is_relative_to(self.root):
            return None
        for candidate in (base, base.with_name(base.name + ".html"), base / "index.html"):
            if candidate.is_file():
                return candidate
        return None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        found = self._find(request.url.host, request.url.path)
        if found is None:
            return httpx.Response(404, stream=httpx.ByteStream(b"not in mirror"), request=request)
        content_type = CONTENT_TYPES.get(found.suffix) or (
            mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        )
        return httpx.Response(
            200,
            headers={"content-type": content_type},
            stream=httpx.ByteStream(found.read_bytes()),  # read raw, as from the network
            request=request,
        )
