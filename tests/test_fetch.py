"""Fetching against a real HTTP server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gazette.config import FetchSettings
from gazette.errors import (
    FetchBlocked,
    FetchError,
    FetchTooLarge,
    HTTPStatusError,
    TooManyRedirects,
)
from gazette.fetch import Fetcher
from gazette.fetch.safety import check_url


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/ok":
            self._send(200, b"<html><body>fine</body></html>", content_type="text/html")
        elif path == "/hop":
            self._send(302, location="/ok")
        elif path == "/loop":
            self._send(302, location="/loop")
        elif path == "/to-metadata":
            self._send(302, location="http://169.254.169.254/latest/meta-data/")
        elif path == "/big":
            self._send(200, b"x" * 50_000, content_type="text/html")
        elif path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"y" * 8192)
            except (BrokenPipeError, ConnectionResetError):
                return
        elif path == "/slow":
            time.sleep(2)
            self._send(200, b"late")
        else:
            self._send(500, b"boom")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetcher(**overrides: object) -> Fetcher:
    settings = {"allow_networks": ["127.0.0.0/8"], "max_bytes": 10_000, "timeout_seconds": 0.5}
    settings.update(overrides)
    return Fetcher(FetchSettings(**settings))


def test_loopback_is_refused_unless_allowed(server: str) -> None:
    with Fetcher(FetchSettings()) as default, pytest.raises(FetchBlocked, match=r"127\.0\.0\.1"):
        default.fetch(f"{server}/ok")
    with fetcher() as allowed:
        page = allowed.fetch(f"{server}/ok")
    assert page.status == 200 and b"fine" in page.body


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[fd00::1]/",
    ],
)
def test_private_and_special_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchBlocked):
        check_url(url, [])


def test_names_are_checked_by_every_address_they_resolve_to() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "127.0.0.1"]  # one public, one loopback: refused

    with pytest.raises(FetchBlocked, match=r"resolves to 127\.0\.0\.1"):
        check_url("https://mixed.example/", [], resolver)
    check_url("https://public.example/", [], lambda host, port: ["93.184.216.34"])


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x/"])
def test_other_schemes_are_refused(url: str) -> None:
    with fetcher() as client, pytest.raises(FetchBlocked):
        client.fetch(url)


def test_redirects_are_followed_and_every_hop_is_checked(server: str) -> None:
    with fetcher() as client:
        assert client.fetch(f"{server}/hop").url == f"{server}/ok"
        with pytest.raises(FetchBlocked, match=r"169\.254\.169\.254"):
            client.fetch(f"{server}/to-metadata")
        with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
            client.fetch(f"{server}/loop")


def test_size_limits_hold_for_declared_and_endless_bodies(server: str) -> None:
    with fetcher() as client:
        with pytest.raises(FetchTooLarge, match="max_bytes"):
            client.fetch(f"{server}/big")
        with pytest.raises(FetchTooLarge):
            client.fetch(f"{server}/endless")


def test_slow_servers_time_out(server: str) -> None:
    started = time.monotonic()
    with fetcher() as client, pytest.raises(FetchError, match="timed out"):
        client.fetch(f"{server}/slow")
    assert time.monotonic() - started < 1.9


def test_error_status_is_reported(server: str) -> None:
    with fetcher() as client, pytest.raises(HTTPStatusError, match="HTTP 500") as raised:
        client.fetch(f"{server}/missing")
    assert raised.value.status == 500


def test_local_files_only_below_the_sources_folder(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text("<rss/>")
    with fetcher() as client:
        assert client.fetch((tmp_path / "feed.xml").as_uri(), file_root=tmp_path).body == b"<rss/>"
        with pytest.raises(FetchBlocked, match="only read for sources added as files"):
            client.fetch((tmp_path / "feed.xml").as_uri())
        with pytest.raises(FetchBlocked):
            client.fetch(Path("/etc/hostname").as_uri(), file_root=tmp_path)


def test_the_mirror_serves_a_directory_tree_offline(tmp_path: Path) -> None:
    site = tmp_path / "news.example" / "2026"
    site.mkdir(parents=True)
    (site / "story.html").write_text("<p>mirrored</p>")
    with Fetcher(FetchSettings(mirror_dir=tmp_path)) as client:
        page = client.fetch("https://news.example/2026/story?utm_source=x")
        assert page.body == b"<p>mirrored</p>" and page.content_type.startswith("text/html")
        with pytest.raises(HTTPStatusError, match="404"):
            client.fetch("https://news.example/2026/../../../etc/passwd")
