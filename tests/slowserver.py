"""A slow page server in its own process, for timing tests seen from the server's side.

The in-process test server stamps a request's arrival when its thread next holds the GIL, which
under load can be late by more than the tolerance of a timing test. In a process of its own it
competes with nobody. Every path answers after `--pause` seconds; GET /_log answers the paths
and arrival times (monotonic, comparable across processes on one machine) and the most requests
in flight.
Run: python tests/slowserver.py --pause 0.05   (prints the port, then serves until killed)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pause", type=float, default=0.05)
    pause = parser.parse_args().pause
    arrivals: list[tuple[str, float]] = []
    state = {"in_flight": 0, "most": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/_log":
                return self._send(json.dumps({"arrivals": arrivals, "most": state["most"]}))
            with lock:
                arrivals.append((self.path, time.monotonic()))
                state["in_flight"] += 1
                state["most"] = max(state["most"], state["in_flight"])
            time.sleep(pause)
            with lock:
                state["in_flight"] -= 1
            self._send("<html><body><p>fine</p></body></html>")

        def _send(self, body: str) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


@contextmanager
def slow_server(pause: float) -> Iterator[tuple[str, httpx.Client]]:
    """Start the server in a subprocess; yields its base URL and a client to read /_log."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--pause", str(pause)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        base = f"http://127.0.0.1:{process.stdout.readline().strip()}"
        with httpx.Client(base_url=base) as client:
            yield base, client
    finally:
        process.kill()
        process.wait()


if __name__ == "__main__":
    main()
