"""The fetcher against a real HTTP server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from slowserver import slow_server
from webserver import deflated, gzip_bomb, gzipped, send, serve

from gazette.config import FetchSettings
from gazette.errors import (
    BadHTTPStatus,
    FetchBlocked,
    FetchError,
    FetchTooLarge,
    RedirectLimitExceeded,
)
from gazette.http import FetchOutcome, FetchRequest, fetch_all, kept_fetcher
from gazette.http.safety import AddressPolicy
from gazette.times import parse_retry_after

PAGE = b"<html><body><p>fine</p></body></html>"


def settings(**overrides: object) -> FetchSettings:
    values = {
        "allow_networks": ["127.0.0.0/8"],
        "max_bytes": 10_000,
        "timeout_seconds": 0.5,
        "connect_timeout_seconds": 0.5,
        "total_timeout_seconds": 1.5,
        "per_host_delay_seconds": 0.0,
        "retries": 2,
        "retry_backoff_seconds": 0.05,
    }
    values.update(overrides)
    return FetchSettings(**values)


def fetch(url: str, **overrides: object) -> FetchOutcome:
    return fetch_all(settings(**overrides), [FetchRequest(url)])[0]


def resolver_to(*addresses: str):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return list(addresses)

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def test_loopback_is_refused_unless_allowed() -> None:
    with serve({"/ok": lambda h: send(h, 200, PAGE, Content_Type="text/html")}) as (base, log):
        refused = fetch(f"{base}/ok", allow_networks=[])
        allowed = fetch(f"{base}/ok")
    assert isinstance(refused.error, FetchBlocked) and "127.0.0.1" in str(refused.error)
    assert log.count("/ok") == 1  # the refused request never reached the server
    assert allowed.page is not None and allowed.page.body == PAGE


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "0.0.0.0", "224.0.0.1", "fd00::1"],
)
def test_private_and_special_addresses_are_refused(address: str) -> None:
    outcome = fetch_all(
        settings(allow_networks=[]), [FetchRequest("http://name.example/")], resolver_to(address)
    )[0]
    assert isinstance(outcome.error, FetchBlocked) and address in str(outcome.error)


def test_a_name_is_refused_if_any_of_its_addresses_is_private() -> None:
    resolver = resolver_to("93.184.216.34", "127.0.0.1")
    outcome = fetch_all(
        settings(allow_networks=[]), [FetchRequest("http://mixed.example/")], resolver
    )[0]
    assert isinstance(outcome.error, FetchBlocked) and "resolves to 127.0.0.1" in str(outcome.error)


def test_each_connection_goes_to_the_address_it_checked() -> None:
    """One lookup per connection, and the socket goes to the checked address: an answer that
    changes later (DNS rebinding) is checked again before any new connection uses it."""
    with serve({"/": lambda h: send(h, 200, PAGE, Content_Type="text/html")}) as (base, log):
        port = base.rsplit(":", 1)[1]
        answers = iter([["127.0.0.1"], ["10.9.9.9"]])
        calls = []

        async def rebinding(host: str, port: int) -> list[str]:
            calls.append(host)
            return next(answers)

        quiet = settings(respect_robots_txt=False)
        url = f"http://rebind.example:{port}/"
        first = fetch_all(quiet, [FetchRequest(url)], rebinding)[0]
        assert first.page is not None and calls == ["rebind.example"]
        second = fetch_all(quiet, [FetchRequest(url)], rebinding)[0]
    assert isinstance(second.error, FetchBlocked) and "10.9.9.9" in str(second.error)
    assert log.count("/") == 1


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x/"])
def test_other_schemes_are_refused(url: str) -> None:
    assert isinstance(fetch(url).error, FetchBlocked)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1/", "Invalid IPv6 URL"),
        ("http://0177.0.0.1/", "Invalid IPv4 address"),
        ("http://ex\x00ample.com/", "non-printable"),
        ("http://xn--zz.example/", "A-label"),
        (f"http://{'a' * 70}.example/", "not a valid host name"),
        ("http://a..b/", "not a valid host name"),
    ],
)
def test_a_malformed_address_is_an_error_that_says_so(url: str, reason: str) -> None:
    """Not "unexpected InvalidURL at gazette/http/client.py", which reads as Gazette's bug."""
    outcome = fetch(url, allow_networks=[], retries=0)
    assert isinstance(outcome.error, FetchError)
    assert "not a valid" in str(outcome.error) and reason in str(outcome.error)
    assert "unexpected" not in str(outcome.error)


def test_the_shared_address_space_is_refused_unless_allowed() -> None:
    """100.64.0.0/10 (RFC 6598) holds carrier-grade NAT, Tailscale's machines and a cloud's
    metadata service (100.100.100.200): as private as 10.0.0.0/8 for a feed's links."""
    assert not AddressPolicy().allows("100.100.100.200")
    assert not AddressPolicy().allows("::ffff:100.64.0.1")
    assert AddressPolicy(["100.64.0.0/10"]).allows("100.64.0.9")
    assert AddressPolicy().allows("93.184.216.34") and AddressPolicy().allows("2606:4700::1111")


def test_redirects_are_followed_and_every_hop_is_checked() -> None:
    routes = {
        "/hop": lambda h: send(h, 302, Location="/ok"),
        "/ok": lambda h: send(h, 200, PAGE, Content_Type="text/html"),
        "/loop": lambda h: send(h, 302, Location="/loop"),
        "/to-metadata": lambda h: send(h, 302, Location="http://169.254.169.254/latest/"),
    }
    with serve(routes) as (base, log):
        followed = fetch(f"{base}/hop")
        metadata = fetch(f"{base}/to-metadata")
        loop = fetch(f"{base}/loop", max_redirects=3)
    assert followed.page is not None and followed.page.url == f"{base}/ok"
    assert followed.page.requested_url == f"{base}/hop"
    assert isinstance(metadata.error, FetchBlocked) and "169.254.169.254" in str(metadata.error)
    assert isinstance(loop.error, RedirectLimitExceeded) and log.count("/loop") == 4


def endless(handler) -> None:  # type: ignore[no-untyped-def]
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    while True:
        handler.wfile.write(b"y" * 8192)


def test_size_limits_hold_for_declared_endless_and_compressed_bodies() -> None:
    bomb = gzip_bomb(200_000_000)
    routes = {
        "/big": lambda h: send(h, 200, b"x" * 50_000, Content_Type="text/html"),
        "/endless": endless,
        "/bomb": lambda h: send(h, 200, bomb, Content_Type="text/html", Content_Encoding="gzip"),
    }
    with serve(routes) as (base, _):
        outcomes = fetch_all(settings(), [FetchRequest(f"{base}{p}") for p in routes])
    assert len(bomb) < 300_000
    for outcome in outcomes:
        assert isinstance(outcome.error, FetchTooLarge), outcome
        assert "max_bytes" in str(outcome.error)


def test_compressed_bodies_are_decoded() -> None:
    routes = {
        "/gzip": lambda h: send(
            h, 200, gzipped(PAGE), Content_Type="text/html", Content_Encoding="gzip"
        ),
        "/deflate": lambda h: send(
            h, 200, deflated(PAGE), Content_Type="text/html", Content_Encoding="deflate"
        ),
        "/corrupt": lambda h: send(
            h, 200, b"not gzip", Content_Type="text/html", Content_Encoding="gzip"
        ),
    }
    with serve(routes) as (base, _):
        gz, deflate, corrupt = fetch_all(settings(), [FetchRequest(f"{base}{p}") for p in routes])
    assert gz.page.body == PAGE and deflate.page.body == PAGE  # type: ignore[union-attr]
    assert isinstance(corrupt.error, FetchError) and "corrupt compressed body" in str(corrupt.error)


def slow(handler) -> None:  # type: ignore[no-untyped-def]
    time.sleep(2)
    send(handler, 200, PAGE)


def drip(handler) -> None:  # type: ignore[no-untyped-def]
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "5000")  # within max_bytes: only time can stop it
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"z")
        handler.wfile.flush()
        time.sleep(0.2)


def test_slow_and_dripping_servers_stop_at_the_time_limits() -> None:
    with serve({"/slow": slow, "/drip": drip}) as (base, _):
        started = time.monotonic()
        slow_outcome, drip_outcome = fetch_all(
            settings(), [FetchRequest(f"{base}/slow"), FetchRequest(f"{base}/drip")]
        )
        elapsed = time.monotonic() - started
    assert "timed out" in str(slow_outcome.error)
    assert "no complete response within 1.5s" in str(drip_outcome.error)
    assert elapsed < 2.5  # the two ran side by side and neither was retried


def test_server_errors_are_retried_then_reported() -> None:
    with serve({"/broken": lambda h: send(h, 500, b"boom")}) as (base, log):
        outcome = fetch(f"{base}/broken", retries=2)
    assert isinstance(outcome.error, BadHTTPStatus) and outcome.error.status == 500
    assert "after 3 attempts" in str(outcome.error)
    assert log.count("/broken") == 3


def test_429_honours_retry_after_when_reasonable() -> None:
    state = {"calls": 0}

    def limited(handler) -> None:  # type: ignore[no-untyped-def]
        state["calls"] += 1
        if state["calls"] == 1:
            send(handler, 429, b"slow down", Retry_After="1")
        else:
            send(handler, 200, PAGE, Content_Type="text/html")

    routes = {"/limited": limited, "/later": lambda h: send(h, 429, Retry_After="3600")}
    with serve(routes) as (base, log):
        started = time.monotonic()
        recovered = fetch(f"{base}/limited")
        waited = time.monotonic() - started
        refused = fetch(f"{base}/later")
    assert recovered.page is not None and log.count("/limited") == 2 and waited >= 1.0
    assert isinstance(refused.error, BadHTTPStatus) and "no retry" in str(refused.error)
    assert log.count("/later") == 1


def test_retry_after_formats() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_conditional_requests_report_not_modified() -> None:
    def tagged(handler) -> None:  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == '"v1"':
            send(handler, 304)
        else:
            send(
                handler,
                200,
                PAGE,
                Content_Type="text/html",
                ETag='"v1"',
                Last_Modified="Mon, 16 Nov 2026 08:00:00 GMT",
            )

    with serve({"/feed": tagged}) as (base, log):
        first = fetch(f"{base}/feed")
        again = fetch_all(settings(), [FetchRequest(f"{base}/feed", etag=first.page.etag)])[0]  # type: ignore[union-attr]
    assert first.page.etag == '"v1"' and first.page.last_modified  # type: ignore[union-attr]
    assert again.not_modified and again.page is None and again.error is None
    assert log.hits[-1].headers.get("If-None-Match") == '"v1"'


def test_robots_txt_is_obeyed() -> None:
    robots = b"User-agent: *\nDisallow: /private\n"
    routes = {
        "/robots.txt": lambda h: send(h, 200, robots, Content_Type="text/plain"),
        "/private/page": lambda h: send(h, 200, PAGE),
        "/public": lambda h: send(h, 200, PAGE, Content_Type="text/html"),
    }
    with serve(routes) as (base, log):
        blocked, allowed = fetch_all(
            settings(), [FetchRequest(f"{base}/private/page"), FetchRequest(f"{base}/public")]
        )
    assert isinstance(blocked.error, FetchBlocked) and "robots.txt" in str(blocked.error)
    assert allowed.page is not None
    assert log.count("/robots.txt") == 1 and log.count("/private/page") == 0


def test_an_unavailable_robots_txt_skips_the_host() -> None:
    routes = {"/robots.txt": lambda h: send(h, 503), "/page": lambda h: send(h, 200, PAGE)}
    with serve(routes) as (base, log):
        outcome = fetch(f"{base}/page")
    assert isinstance(outcome.error, FetchBlocked) and "HTTP 503" in str(outcome.error)
    assert log.count("/page") == 0


def test_per_host_pause_and_connection_limit() -> None:
    """Seen from the server (in a process of its own, so its clock stamps are not late):
    request starts at least the pause apart, never more than two at once."""
    with slow_server(pause=0.05) as (base, log):
        fetch_all(
            settings(per_host_delay_seconds=0.2, per_host_connections=2),
            [FetchRequest(f"{base}/p{i}") for i in range(6)],
        )
        seen = log.get("/_log").json()
    starts = sorted(at for path, at in seen["arrivals"] if path.startswith("/p"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 5 and min(gaps) >= 0.19
    assert seen["most"] <= 2


def test_crawl_delay_lengthens_the_pause() -> None:
    robots = b"User-agent: *\nCrawl-delay: 0.4\n"
    routes = {"/robots.txt": lambda h: send(h, 200, robots)} | {
        f"/c{i}": (lambda h: send(h, 200, PAGE)) for i in range(3)
    }
    with serve(routes) as (base, log):
        fetch_all(settings(), [FetchRequest(f"{base}/c{i}") for i in range(3)])
    starts = sorted(log.times("/c"))
    assert all(b - a >= 0.39 for a, b in itertools.pairwise(starts))


def test_local_files_only_below_the_sources_folder(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text("<rss/>")
    inside, outside, elsewhere = fetch_all(
        settings(),
        [
            FetchRequest((tmp_path / "feed.xml").as_uri(), file_root=tmp_path),
            FetchRequest((tmp_path / "feed.xml").as_uri()),
            FetchRequest(Path("/etc/hostname").as_uri(), file_root=tmp_path),
        ],
    )
    assert inside.page is not None and inside.page.body == b"<rss/>"
    assert isinstance(outside.error, FetchBlocked) and isinstance(elsewhere.error, FetchBlocked)


def test_the_mirror_serves_a_directory_tree_offline(tmp_path: Path) -> None:
    site = tmp_path / "news.example" / "2026"
    site.mkdir(parents=True)
    (site / "story.html").write_text("<p>mirrored</p>")
    mirrored, escaped = fetch_all(
        FetchSettings(mirror_dir=tmp_path),
        [
            FetchRequest("https://news.example/2026/story?utm_source=x"),
            FetchRequest("https://news.example/2026/../../../etc/passwd"),
        ],
    )
    assert mirrored.page.body == b"<p>mirrored</p>"  # type: ignore[union-attr]
    assert isinstance(escaped.error, BadHTTPStatus) and escaped.error.status == 404


def test_a_kept_fetcher_reuses_its_connections_from_one_batch_to_the_next() -> None:
    ports: list[int] = []

    def page(handler) -> None:  # type: ignore[no-untyped-def]
        ports.append(handler.client_address[1])
        send(handler, 200, PAGE, Content_Type="text/html")

    kept: dict[str, object] = {}
    quiet = settings(respect_robots_txt=False)  # only the page's requests
    with serve({"/a": page}) as (base, _):
        fetcher = kept_fetcher(kept, quiet)
        for _ in range(3):  # three steps, one page each
            outcome = fetcher.fetch_all([FetchRequest(f"{base}/a")])[0]
            assert outcome.page is not None and outcome.page.body == PAGE
        assert kept_fetcher(kept, quiet) is fetcher
        assert len(set(ports)) == 1  # one connection, kept open between the steps
        fetcher.close()
        with pytest.raises(RuntimeError):
            fetcher.fetch_all([FetchRequest(f"{base}/a")])
        again = kept_fetcher(kept, quiet)  # a closed one is replaced
        assert again is not fetcher and again.fetch_all([FetchRequest(f"{base}/a")])[0].page
        again.close()
        fetch_all(quiet, [FetchRequest(f"{base}/a")])
        assert len(set(ports)) == 3  # a new fetcher, and a one-off batch, connect anew


def test_a_not_modified_answer_leaves_its_connection_open_for_the_next_request() -> None:
    ports: list[int] = []

    def feed(handler) -> None:  # type: ignore[no-untyped-def]
        ports.append(handler.client_address[1])
        if handler.headers.get("If-None-Match") == '"v1"':
            send(handler, 304, ETag='"v1"')
        else:
            send(handler, 200, b"<rss/>", ETag='"v1"', Content_Type="application/rss+xml")

    with serve({"/feed": feed, "/missing": lambda h: send(h, 404, b"gone")}) as (base, _):
        fetcher = kept_fetcher({}, settings(respect_robots_txt=False))
        first = fetcher.fetch_all([FetchRequest(f"{base}/feed")])[0]
        assert first.page is not None and first.page.etag == '"v1"'
        for _ in range(2):
            again = fetcher.fetch_all([FetchRequest(f"{base}/feed", etag='"v1"')])[0]
            assert again.not_modified
            assert isinstance(
                fetcher.fetch_all([FetchRequest(f"{base}/missing")])[0].error, BadHTTPStatus
            )
        fetcher.close()
    assert len(set(ports)) == 1


def test_a_cookie_set_on_the_way_is_sent_back() -> None:
    """A front door that sets a cookie and redirects to itself to check it (consent pages,
    paywalls) lets the client in on its second visit; a later answer that sets no cookie leaves
    the kept one in place."""

    def front_door(handler) -> None:  # type: ignore[no-untyped-def]
        if "visited=yes" in handler.headers.get("Cookie", ""):
            send(handler, 200, PAGE, Content_Type="text/html")
        else:
            send(handler, 302, Location="/door", Set_Cookie="visited=yes; Path=/")

    routes = {"/door": front_door, "/plain": lambda h: send(h, 200, PAGE, Content_Type="text/html")}
    fetcher = kept_fetcher({}, settings(max_redirects=3))
    with serve(routes) as (base, log):
        first = fetcher.fetch_all([FetchRequest(f"{base}/door")])[0]
        fetcher.fetch_all([FetchRequest(f"{base}/plain")])
        again = fetcher.fetch_all([FetchRequest(f"{base}/door")])[0]
    fetcher.close()
    assert first.page is not None and first.page.body == PAGE
    assert again.page is not None and again.page.body == PAGE
    assert log.count("/door") == 3  # the redirect, then the page twice
