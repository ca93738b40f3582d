"""Security headers on every response, pages without inline script or style, the stylesheet
under its content-hashed name, and house ads sanitised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DemoRun, demo_settings
from fastapi.testclient import TestClient
from forms import post_form
from helpers import story_of
from httpx import Response
from newsroom import add_ad_slot

from gazette.ads import sanitise_ad
from gazette.config import Settings
from gazette.db import Database
from gazette.web import create_app
from gazette.web.static_files import STATIC_DIR, hashed_name

CSP = re.compile(r"(^|;)\s*default-src 'none'\s*(;|$)")


def assert_secure(response: Response) -> None:
    headers = response.headers
    policy = headers["content-security-policy"]
    assert CSP.search(policy) and "script-src" not in policy  # no script from anywhere
    assert "unsafe-inline" not in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def with_mode(settings: Settings, mode: str) -> Settings:
    return settings.model_copy(update={"site": settings.site.model_copy(update={"mode": mode})})


@pytest.fixture
def own_client(own_demo: DemoRun) -> TestClient:
    return TestClient(create_app(own_demo.settings, own_demo.database))


def every_page(client: TestClient, demo: DemoRun) -> dict[str, Response]:
    """Every kind of response the site gives, by what it is."""
    with demo.database.session() as session:
        number = story_of(session, demo.expected["stories"]["rate-rise"][0])
    story = client.get(f"/story/{number}", follow_redirects=False)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', client.get("/").text).group(1)
    return {
        "home": client.get("/"),
        "home, page 2": client.get("/?page=2"),
        "story": client.get(story.headers["location"]),
        "story, short address": story,
        "tag": client.get("/tag/economy"),
        "feed": client.get("/feed.xml"),
        "api": client.get("/api/sources"),
        "health": client.get("/healthz"),
        "stylesheet": client.get(stylesheet),
        "stylesheet, plain name": client.get("/static/site.css"),
        "not found": client.get("/nowhere"),
        "bad request": client.get("/?page=x"),
        "comment posted": post_form(
            client, f"/story/{number}/comments", {"body": "Fine."}, follow_redirects=False
        ),
        "comment refused": post_form(client, f"/story/{number}/comments", {"body": ""}),
    }


def test_every_response_carries_the_security_headers(
    own_client: TestClient, own_demo: DemoRun
) -> None:
    pages = every_page(own_client, own_demo)
    expected = {"story, short address": 308, "not found": 404, "bad request": 400}
    expected |= {"comment posted": 303, "comment refused": 400}
    for name, response in pages.items():
        assert response.status_code == expected.get(name, 200), name
        assert_secure(response)


def test_pages_have_no_inline_script_or_style(own_client: TestClient, own_demo: DemoRun) -> None:
    pages = every_page(own_client, own_demo)
    html = [r for r in pages.values() if "text/html" in r.headers.get("content-type", "")]
    assert len(html) >= 7
    for response in html:
        tags = re.findall(r"<[a-zA-Z][^>]*>", response.text)
        assert tags
        for tag in tags:
            if tag == '<script type="application/ld+json">':
                continue  # data for search engines, which browsers never run
            assert not re.match(r"<(script|style)\b", tag, re.I), tag
            assert not re.search(r"\s(style|on[a-z]+)\s*=", tag, re.I), tag


def test_a_failure_answers_a_reader_page_with_the_headers(tmp_path: Path) -> None:
    """A database without its tables: the page fails, the reader gets a plain 500 page."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    client = TestClient(
        create_app(demo_settings(url), Database(url)), raise_server_exceptions=False
    )
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
    assert_secure(response)


def test_the_stylesheet_is_served_under_its_content_hash(client_demo: TestClient) -> None:
    css = (STATIC_DIR / "site.css").read_bytes()
    name = hashed_name("site.css", css)
    assert re.fullmatch(r"site\.[0-9a-f]{8}\.css", name)
    assert f'<link rel="stylesheet" href="/static/{name}">' in client_demo.get("/").text
    hashed = client_demo.get(f"/static/{name}")
    assert hashed.status_code == 200 and hashed.content == css
    assert hashed.headers["content-type"].startswith("text/css")
    assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = client_demo.get("/static/site.css")
    assert plain.content == css and plain.headers["cache-control"] == "no-cache"
    assert client_demo.get("/static/site.00000000.css").status_code == 404  # an outdated name
    again = client_demo.get(f"/static/{name}", headers={"If-None-Match": hashed.headers["etag"]})
    assert again.status_code == 304


def test_a_changed_file_gets_a_new_name() -> None:
    assert hashed_name("site.css", b"a { }") != hashed_name("site.css", b"a { color: red }")
    assert hashed_name("desk/desk.css", b"x").startswith("desk/desk.")


@pytest.fixture(scope="module")
def client_demo(demo: DemoRun) -> TestClient:
    return TestClient(create_app(demo.settings, demo.database))


@pytest.mark.parametrize(
    ("markup", "gone"),
    [
        ('<script>alert("x")</script><p>Ferries</p>', ["<script", "alert"]),
        ('<img src="https://ads.example/a.png" onerror="alert(1)" alt="A">', ["onerror", "alert"]),
        ('<a href="/tag/economy" onclick="steal()">Almanac</a>', ["onclick", "steal"]),
        ('<a href="javascript:alert(1)">Almanac</a>', ["javascript", "alert"]),
        ('<a href="JaVaScRiPt&#58;alert(1)">Almanac</a>', ["javascript", "alert"]),
        ('<a href="java\tscript:alert(1)">Almanac</a>', ["script", "alert"]),
        ('<p style="position:fixed">Ferries</p><style>body{}</style>', ["style", "fixed"]),
        ('<iframe src="https://ads.example/"></iframe><form action="/x">', ["iframe", "form"]),
        ('<svg><a href="data:text/html,hi">x</a></svg>', ["svg", "data:"]),
    ],
)
def test_ad_markup_loses_what_could_run(markup: str, gone: list[str]) -> None:
    clean = str(sanitise_ad(markup)).lower()
    for word in gone:
        assert word not in clean, clean


def test_ad_markup_keeps_what_house_ads_need() -> None:
    markup = (
        '<a href="https://ferries.example/" rel="sponsored noopener" title="Ferries">'
        '<img src="https://ferries.example/boat.png" alt="A ferry" width="120" height="60">'
        "<strong>Port Calder Ferries</strong></a><br><em>daily</em> <small>crossings</small>"
    )
    assert str(sanitise_ad(markup)) == markup
    assert str(sanitise_ad('<a href="/tag/economy" rel="preload sponsored">A</a>')) == (
        '<a href="/tag/economy" rel="sponsored">A</a>'
    )


@pytest.mark.parametrize("mode", ["development", "production"])
def test_pages_show_sanitised_ads_only(own_demo: DemoRun, mode: str) -> None:
    add_ad_slot(
        own_demo.database,
        "footer-trap",
        "footer",
        '<a href="javascript:alert(1)" onmouseover="alert(2)">Win</a><script>alert(3)</script>',
    )
    add_ad_slot(own_demo.database, "footer-script", "footer", "<script>alert(4)</script>")
    client = TestClient(create_app(with_mode(own_demo.settings, mode), own_demo.database))
    html = client.get("/").text
    assert '<div class="ad" data-slot="footer-trap"><a>Win</a></div>' in html
    assert "alert(" not in html
    # markup with nothing left is an empty slot: labelled in development, absent in production
    labelled = '<div class="ad-placeholder" data-slot="footer-script">' in html
    assert labelled == (mode == "development")
    assert ('data-slot="footer-script"' in html) == (mode == "development")
