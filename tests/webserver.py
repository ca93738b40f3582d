"""A real HTTP server on 127.0.0.1 for tests, with routes that misbehave on purpose.

Each route is a function of the request handler; the server records every hit (path, time,
request headers) and the most requests it saw in flight at once, so tests can check retries,
pauses and limits from the server's side.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]


@dataclass
class ServerLog:
    hits: list[Hit] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.path == path)

    def times(self, path_prefix: str) -> list[float]:
        return [hit.at for hit in self.hits if hit.path.startswith(path_prefix)]


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body)


def deflated(body: bytes) -> bytes:
    return zlib.compress(body)


def gzip_bomb(size: int) -> bytes:
    """A small gzip body that inflates to `size` bytes of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * 1_000_000
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + compressor.flush()


class _Server(ThreadingHTTPServer):
    # The standard backlog of 5 overflows when the pipeline opens more connections at once than
    # that while slow routes keep the server busy; the kernel then drops the connection attempt
    # and retries it only after a second, past the tests' connect timeout of half a second.
    request_queue_size = 128
    daemon_threads = True


@contextmanager
def listening(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded server on a free port of 127.0.0.1 for the handler; yields its base URL."""
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[tuple[str, ServerLog]]:
    """Serve `routes` (path -> function); unknown paths get 404. Yields (base URL, log)."""
    log = ServerLog()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with log.lock:
                log.hits.append(Hit(path, time.monotonic(), dict(self.headers)))
                log.in_flight += 1
                log.most_in_flight = max(log.most_in_flight, log.in_flight)
            try:
                route = routes.get(path)
                if route is None:
                    send(self, 404, b"not found", Content_Type="text/plain")
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with log.lock:
                    log.in_flight -= 1

    with listening(Handler) as url:
        yield url, log
