"""Cross-site request forgery: every form that changes something needs a token bound to the
browser's login (or, for a reader, to the site's signed cookie) and must come from the site
itself. Through the HTTP interface, on a copy of the demo's database."""

from __future__ import annotations

import re

import pytest
from conftest import DemoRun
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from forms import form_token, token_in
from helpers import story_of
from sqlalchemy import func, select
from staff import PASSWORD, add_user, browser, log_in

from gazette.db.models import Comment
from gazette.web.error_pages import prefers_json

EXPIRED = "This form was refused: it has expired"
FOREIGN = "This form was sent from another site"


@pytest.fixture
def site(own_demo: DemoRun) -> TestClient:
    return browser(own_demo.settings, own_demo.database)


@pytest.fixture
def story(own_demo: DemoRun, site: TestClient) -> str:
    """The address of a story's page, whose form posts a comment."""
    with own_demo.database.session() as session:
        number = story_of(session, own_demo.expected["stories"]["cup-final"][0])
    return site.get(f"/story/{number}").headers["location"]


def comments(demo: DemoRun) -> int:
    with demo.database.session() as session:
        return session.scalar(select(func.count()).select_from(Comment))


def post_comment(client: TestClient, story: str, token: str | None, **headers: str):  # type: ignore[no-untyped-def]
    action = story.rsplit("/", 1)[0] + "/comments"
    data = {"name": "Fan", "body": "What a match."}
    if token is not None:
        data["csrf_token"] = token
    return client.post(action, data=data, headers=headers)


def test_a_comment_with_the_pages_token_is_posted(
    site: TestClient, story: str, own_demo: DemoRun
) -> None:
    page = site.get(story)
    response = post_comment(site, story, token_in(page.text))
    assert response.status_code == 303
    assert comments(own_demo) == 1


@pytest.mark.parametrize("token", [None, "", "forged-token", "x" * 43])
def test_a_post_without_the_right_token_is_refused(
    site: TestClient, story: str, own_demo: DemoRun, token: str | None
) -> None:
    site.get(story)  # the browser has the cookie, but sends no (or a wrong) token
    response = post_comment(site, story, token)
    assert response.status_code == 403
    assert EXPIRED in response.text
    assert comments(own_demo) == 0


def test_a_refusal_never_echoes_what_was_posted(site: TestClient, story: str) -> None:
    marker = "UNMISTAKABLE-MARKER "
    action = story.rsplit("/", 1)[0] + "/comments"
    response = site.post(action, data={"name": marker, "body": marker * 5000})  # 100 KB
    assert response.status_code == 403
    assert "UNMISTAKABLE" not in response.text
    assert len(response.content) < 10_000


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Referer": "https://evil.example/page.html"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_post_from_another_site_is_refused_even_with_a_token(
    site: TestClient, story: str, own_demo: DemoRun, headers: dict[str, str]
) -> None:
    token = token_in(site.get(story).text)
    response = post_comment(site, story, token, **headers)
    assert response.status_code == 403
    assert FOREIGN in response.text
    assert comments(own_demo) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "http://127.0.0.1:8000"},  # the demo's site.base_url
        {"Referer": "http://testserver/story/1/x"},
        {"Sec-Fetch-Site": "same-origin"},
    ],
)
def test_a_post_from_the_site_itself_goes_through(
    site: TestClient, story: str, headers: dict[str, str]
) -> None:
    token = token_in(site.get(story).text)
    assert post_comment(site, story, token, **headers).status_code == 303


def test_a_token_is_good_for_its_own_browser_only(
    own_demo: DemoRun, site: TestClient, story: str
) -> None:
    other = browser(own_demo.settings, own_demo.database)
    theirs = token_in(other.get(story).text)
    site.get(story)
    assert post_comment(site, story, theirs).status_code == 403
    assert post_comment(other, story, theirs).status_code == 303


def test_an_editors_token_is_bound_to_their_login(own_demo: DemoRun, site: TestClient) -> None:
    database = own_demo.database
    add_user(database, "ann")
    add_user(database, "bob")
    reader_token = form_token(site, "/login")
    assert log_in(site, "ann").status_code == 303
    ann_token = form_token(site, "/desk")
    assert ann_token != reader_token  # logging in changes the token
    bob = browser(own_demo.settings, database)
    log_in(bob, "bob")
    for stale in (reader_token, form_token(bob, "/desk")):  # before login; another login's
        refused = site.post("/logout", data={"csrf_token": stale})
        assert refused.status_code == 403
        assert site.get("/desk").status_code == 200  # still logged in
    assert site.post("/logout", data={"csrf_token": ann_token}).status_code == 303
    assert site.get("/desk").status_code == 303


def test_the_login_form_needs_its_token(own_demo: DemoRun, site: TestClient) -> None:
    """Login CSRF: another site must not log a browser in to an account of its choosing."""
    add_user(own_demo.database, "ann")
    response = site.post("/login", data={"name": "ann", "password": PASSWORD})
    assert response.status_code == 403
    assert "gazette_session" not in response.headers.get("set-cookie", "")


def test_the_token_may_come_in_a_header(site: TestClient, story: str, own_demo: DemoRun) -> None:
    token = token_in(site.get(story).text)
    action = story.rsplit("/", 1)[0] + "/comments"
    response = site.post(
        action, data={"body": "Sent by a script."}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("token", "headers", "code"),
    [
        ("header", {"X-CSRF-Token": "forged-token"}, "csrf_token"),
        ("field", {"Accept": "application/json"}, "csrf_token"),
        ("header", {"X-CSRF-Token": "{good}", "Origin": "https://evil.example"}, "foreign_origin"),
        ("field", {"Accept": "application/json", "Sec-Fetch-Site": "cross-site"}, "foreign_origin"),
    ],
)
def test_a_script_is_refused_in_json_naming_what_is_wrong(
    site: TestClient, story: str, own_demo: DemoRun, token: str, headers: dict, code: str
) -> None:
    """A client that sends the token in the header, or asks for JSON, is a script: it is told
    in JSON (403, with a code) rather than with the page a reader gets."""
    good = token_in(site.get(story).text)
    headers = {name: value.format(good=good) for name, value in headers.items()}
    action = story.rsplit("/", 1)[0] + "/comments"
    data = {"body": "Sent by a script."} | ({"csrf_token": "forged"} if token == "field" else {})
    response = site.post(action, data=data, headers=headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["status"] == 403 and error["code"] == code
    assert "Nothing was changed." in error["message"] and "Sent by" not in response.text
    assert comments(own_demo) == 0


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        ("application/json", True),
        ("application/problem+json", True),
        ("application/json, text/html;q=0.9", True),
        ("text/html;q=0.5, application/vnd.api+json", True),
        ("application/json, text/html", True),  # as good, and named first
        ("text/html, application/json", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),  # browsers
        ("*/*", False),
        ("", False),
        ("application/json;q=0", False),
        ("application/json;q=nan", False),
        ("application/json;q=x, text/html;q=0.1", False),
        ("application/json;q=2", False),
    ],
)
def test_json_is_preferred_only_when_accept_puts_it_before_html(accept: str, json: bool) -> None:
    request = Request({"type": "http", "headers": [(b"accept", accept.encode())]})
    assert prefers_json(request) is json


def test_a_page_with_a_form_is_private_to_its_browser(site: TestClient, story: str) -> None:
    first = site.get(story)
    cookie = first.headers["set-cookie"]
    assert re.match(r"gazette_csrf=[\w-]+\.[\w-]+; Path=/; HttpOnly; SameSite=Lax$", cookie)
    assert first.headers["cache-control"] == "private, no-cache"
    assert "cookie" in first.headers["vary"].lower()
    again = site.get(story)
    assert "set-cookie" not in again.headers  # the browser keeps its cookie
    assert token_in(again.text) == token_in(first.text)
    assert "set-cookie" not in site.get("/").headers  # a page without a form sets none


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_route_added_later_is_protected_without_asking(site: TestClient, method: str) -> None:
    """The protection is the app's, not each route's: a router included like the desk's, with
    a route that does not mention it, refuses a form without its token."""
    extra = APIRouter(prefix="/desk-extra")
    extra.add_api_route("/action", lambda: {"done": True}, methods=[method])
    site.app.include_router(extra)
    assert site.request(method, "/desk-extra/action", data={"x": "1"}).status_code == 403
    token = form_token(site, "/login")
    sent = site.request(method, "/desk-extra/action", data={"x": "1", "csrf_token": token})
    assert sent.status_code == 200 and sent.json() == {"done": True}
    assert site.get("/healthz").status_code == 200  # safe methods need nothing
