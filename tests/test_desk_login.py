"""Logging in to the desk, through the site's HTTP interface on a real SQLite file: who gets
in, the session cookie, session fixation, login limits, expiry, logout, and where a login
returns to."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from forms import form_token, token_in
from review_story import harbour_story
from sqlalchemy import func, select
from staff import PASSWORD, add_user, browser, log_in, with_desk

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Article, AuditEntry, LoginAttempt, StaffSession

COOKIE = "gazette_session"


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return with_desk(
        demo_settings(sqlite_url), login_failures_per_account=3, login_failures_per_address=5
    )


@pytest.fixture
def site(settings: Settings, database: Database) -> TestClient:
    add_user(database, "ann")
    add_user(database, "root", role="admin")
    return browser(settings, database)


def set_cookie_of(response, name: str) -> str:  # type: ignore[no-untyped-def]
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]


def session_value(response) -> str:  # type: ignore[no-untyped-def]
    return set_cookie_of(response, COOKIE).split(";")[0].split("=", 1)[1]


def move_back(database: Database, column, by: timedelta) -> None:  # type: ignore[no-untyped-def]
    """Move a time column of every row of its table back by `by`: time passing."""
    with database.transaction() as session:
        for row in session.scalars(select(column.class_)):
            setattr(row, column.key, getattr(row, column.key) - by)


def wear(client: TestClient, value: str) -> None:
    """Make the browser hold `value` as its session cookie, whatever it held."""
    client.cookies.delete(COOKIE)
    client.cookies.set(COOKIE, value)


def sends_to_login(client: TestClient, path: str = "/desk") -> bool:
    response = client.get(path)
    if response.status_code == 200:
        return False
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={quote(path, safe='/')}"
    return True


def test_anonymous_readers_are_sent_to_the_login_page(site: TestClient) -> None:
    assert sends_to_login(site, "/desk")
    assert sends_to_login(site, "/desk/audit?page=2")
    page = site.get("/login?next=/desk/audit%3Fpage%3D2")
    assert page.status_code == 200 and "Log in to the desk" in page.text
    assert '<input type="hidden" name="next" value="/desk/audit?page=2">' in page.text


def test_an_editor_logs_in_and_reaches_the_page_asked_for(site: TestClient) -> None:
    response = log_in(site, "Ann", next_path="/desk?x=1")  # names are not case-sensitive
    assert response.status_code == 303 and response.headers["location"] == "/desk?x=1"
    desk = site.get("/desk")
    assert desk.status_code == 200 and "Waiting for review" in desk.text
    assert '<span class="who">ann <span class="role">editor</span>' in desk.text
    assert desk.headers["cache-control"] == "no-store"


def test_a_wrong_password_or_name_is_refused_alike(site: TestClient, database: Database) -> None:
    for name, password in [("ann", "not the right one"), ("nobody", PASSWORD)]:
        response = log_in(site, name, password)
        assert response.status_code == 401
        assert "Wrong name or password." in response.text
        assert COOKIE not in response.headers.get("set-cookie", "")
    assert sends_to_login(site)
    with database.session() as session:
        failed = session.scalars(
            select(AuditEntry.target).where(AuditEntry.action == "login.failed")
        )
        assert list(failed) == ["user ann", "user nobody"]


def test_the_session_cookie_is_signed_httponly_and_samesite(
    site: TestClient, database: Database
) -> None:
    response = log_in(site, "ann")
    header = set_cookie_of(response, COOKIE)
    flags = {flag.strip().lower() for flag in header.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags
    assert "secure" not in flags  # the site is served over plain HTTP here
    token, signature = session_value(response).rsplit(".", 1)
    assert len(token) >= 40 and len(signature) >= 40
    with database.session() as session:
        stored = session.scalars(select(StaffSession.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]  # only a hash of the token is kept
    wear(site, f"{token}.{signature[:-2]}xx")  # the same token, with a signature not ours
    assert sends_to_login(site)
    wear(site, f"{token}.{signature}")
    assert not sends_to_login(site)


def test_cookies_are_secure_when_the_site_is_served_over_https(
    settings: Settings, database: Database
) -> None:
    add_user(database, "ann")
    site = settings.site.model_copy(update={"base_url": "https://news.example.org"})
    plain = browser(settings.model_copy(update={"site": site}), database)
    form = plain.get("/login")  # reached over HTTP, but the site's address is https
    assert "secure" in set_cookie_of(form, "gazette_csrf").lower().split("; ")
    # behind a proxy uvicorn trusts, X-Forwarded-Proto: https makes the request's scheme https
    secure = browser(settings, database, base_url="https://testserver")
    assert "secure" in set_cookie_of(secure.get("/login"), "gazette_csrf").lower().split("; ")
    response = log_in(secure, "ann")
    assert response.status_code == 303
    assert "secure" in set_cookie_of(response, COOKIE).lower().split("; ")


def test_a_login_never_keeps_a_session_id_the_browser_brought(
    settings: Settings, site: TestClient
) -> None:
    """Session fixation: an attacker plants a session cookie (one they made up, or their own
    login's) in the victim's browser before the victim logs in."""
    attacker = browser(settings, site.app.state.database)
    add_user(site.app.state.database, "eve")
    planted = session_value(log_in(attacker, "eve"))
    for value in ["made-up-by-the-attacker", planted]:
        wear(site, value)
        response = log_in(site, "ann")
        assert response.status_code == 303
        fresh = session_value(response)
        assert fresh != value
        wear(attacker, value)
        assert sends_to_login(attacker)  # the planted id opens nothing, not even eve's login
        wear(site, fresh)
        assert '<span class="who">ann' in site.get("/desk").text


def test_logout_is_a_post_that_ends_the_session_on_the_server(
    site: TestClient, database: Database
) -> None:
    value = session_value(log_in(site, "ann"))
    assert site.get("/logout").status_code == 405
    token = form_token(site, "/desk")
    response = site.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login?left=1"
    assert "max-age=0" in set_cookie_of(response, COOKIE).lower()
    assert "You are logged out." in site.get("/login?left=1").text
    wear(site, value)  # the old cookie, kept by someone, opens nothing
    assert sends_to_login(site)
    with database.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert session.scalar(select(func.count()).select_from(StaffSession)) == 0
    assert actions[-2:] == ["login", "logout"]


def test_sessions_end_when_idle_and_when_too_old(
    settings: Settings, site: TestClient, database: Database
) -> None:
    log_in(site, "ann")
    idle = timedelta(minutes=settings.desk.session_idle_minutes + 1)
    move_back(database, StaffSession.last_seen_at, idle)
    assert sends_to_login(site)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(StaffSession)) == 0
    log_in(site, "ann")
    old = timedelta(hours=settings.desk.session_max_hours, minutes=1)
    move_back(database, StaffSession.created_at, old)  # in use all along, but too old
    assert sends_to_login(site)


def test_an_account_is_locked_after_too_many_failures(
    settings: Settings, site: TestClient, database: Database
) -> None:
    for _ in range(settings.desk.login_failures_per_account):
        assert log_in(site, "ann", "not the right one").status_code == 401
    refused = log_in(site, "ann")  # the right password, too late
    assert refused.status_code == 429
    assert "Too many failed logins to this account: try again in 15 minutes." in refused.text
    assert 14 * 60 < int(refused.headers["retry-after"]) <= 15 * 60
    assert COOKIE not in refused.headers.get("set-cookie", "")
    assert log_in(site, "root").status_code == 303  # another account, from the same address
    window = timedelta(minutes=settings.desk.login_window_minutes)
    move_back(database, LoginAttempt.at, window)  # the window passes
    assert log_in(site, "ann").status_code == 303


def test_a_success_starts_the_accounts_count_again(settings: Settings, site: TestClient) -> None:
    limit = settings.desk.login_failures_per_account
    for _ in range(limit - 1):
        assert log_in(site, "ann", "not the right one").status_code == 401
    assert log_in(site, "ann").status_code == 303
    for _ in range(limit - 1):
        assert log_in(site, "ann", "not the right one").status_code == 401
    assert log_in(site, "ann").status_code == 303


def test_an_address_is_refused_after_too_many_failures(
    settings: Settings, site: TestClient, database: Database
) -> None:
    """Guessing at many accounts from one address (an IPv6 /64 counts as one)."""
    first = browser(settings, database, client=("2001:db8:5::1", 4000))
    same_network = browser(settings, database, client=("2001:db8:5::99", 4001))
    elsewhere = browser(settings, database, client=("203.0.113.9", 4002))
    names = [f"guess{n}" for n in range(settings.desk.login_failures_per_address)]
    for index, name in enumerate(names):
        client = first if index % 2 else same_network
        assert log_in(client, name, "not the right one").status_code == 401
    refused = log_in(same_network, "ann")
    assert refused.status_code == 429
    assert "Too many failed logins from your address" in refused.text
    assert log_in(first, "root").status_code == 429  # a success would not reset it either
    assert log_in(elsewhere, "ann").status_code == 303
    with database.session() as session:
        addresses = set(session.scalars(select(LoginAttempt.address)))
    assert addresses == {"2001:db8:5::/64", "203.0.113.9"}


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        " /desk",
        "evil.example",
    ],
)
def test_the_return_address_is_only_ever_a_local_path(site: TestClient, next_path: str) -> None:
    page = site.get("/login", params={"next": next_path})
    assert 'name="next" value="/desk"' in page.text
    response = log_in(site, "ann", next_path=next_path)
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"


def test_a_login_in_use_is_noted_at_most_once_a_minute(
    site: TestClient, database: Database
) -> None:
    log_in(site, "ann")
    with database.session() as session:
        started = session.scalar(select(StaffSession.last_seen_at))
    assert site.get("/desk").status_code == 200
    with database.session() as session:
        assert session.scalar(select(StaffSession.last_seen_at)) == started
    move_back(database, StaffSession.last_seen_at, timedelta(minutes=5))
    assert site.get("/desk").status_code == 200
    with database.session() as session:
        assert session.scalar(select(StaffSession.last_seen_at)) > started


def test_an_edit_sent_after_the_login_ended_is_shown_and_the_login_leads_back(
    settings: Settings, site: TestClient, database: Database
) -> None:
    """The editor typed into a form, and their login ended meanwhile (idle too long). The form
    is refused without saving anything, and the answer is the login page: it says so, shows
    what was typed for the editor to copy, and the login leads back to the page of the form."""
    story_id = harbour_story(database)
    assert log_in(site, "ann").status_code == 303
    review = f"/desk/story/{story_id}"
    token = token_in(site.get(review).text)
    move_back(database, StaffSession.last_seen_at, timedelta(hours=3))
    typed = "Union members backed the pay offer <b>on Sunday</b>."

    refused = site.post(
        f"{review}/sentence",
        data={"csrf_token": token, "version": "1", "position": "2", "text": typed},
        headers={"referer": f"http://testserver{review}?version=1"},
    )
    assert refused.status_code == 401
    assert refused.headers["cache-control"] == "no-store"
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", refused.text)).split())
    assert "Your login ended before this form was sent, so nothing was saved" in said
    assert re.search(
        r'<textarea id="typed-1"[^>]*readonly>' + re.escape(html.escape(typed)), refused.text
    )
    assert '<label for="typed-1">Sentence S2</label>' in refused.text
    assert f'<input type="hidden" name="next" value="{review}?version=1">' in refused.text
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1  # nothing saved

    back = site.post(
        "/login",
        data={
            "name": "ann",
            "password": PASSWORD,
            "next": f"{review}?version=1",
            "csrf_token": token_in(refused.text),
        },
    )
    assert back.status_code == 303 and back.headers["location"] == f"{review}?version=1"
    # a form sent with no Referer leads to the page the form belongs to
    token = token_in(site.get(review).text)
    move_back(database, StaffSession.last_seen_at, timedelta(hours=3))
    data = {"csrf_token": token, "reason": "legal review"}
    unsent = site.post(f"{review}/unpublish", data=data)
    assert unsent.status_code == 401
    assert f'<input type="hidden" name="next" value="{review}">' in unsent.text
    assert re.search(r'<textarea id="typed-1"[^>]*readonly>legal review</textarea>', unsent.text)


def send_after_the_login_ended(
    site: TestClient, database: Database, path: str, data: dict[str, str], **headers: str
):  # type: ignore[no-untyped-def]
    """Log in, take a desk form's token, let the login end (idle), then send the form."""
    assert log_in(site, "ann").status_code == 303
    token = token_in(site.get("/desk").text)
    move_back(database, StaffSession.last_seen_at, timedelta(hours=3))
    return site.post(path, data={**data, "csrf_token": token}, headers=headers)


def next_of(page: str) -> str:
    found = re.search(r'<input type="hidden" name="next" value="([^"]*)">', page)
    assert found, page
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("http://testserver{review}?version=1", "{review}?version=1"),
        ("http://testserver:80{review}?version=1", "{review}?version=1"),  # csrf's rule too
        ("http://127.0.0.1:8000{review}?version=1", "{review}?version=1"),  # site.base_url
        ("http://testserver{review}/sentence", "{review}"),  # a refusal drawn at the POST
        ("http://evil.example{review}?version=1", "{review}"),  # another host
        ("//evil.example{review}", "{review}"),
        ("//evil", "{review}"),
        ("http://testserver//evil.example/", "{review}"),
        ("http://testserver/static/site.css", "{review}"),  # this site's, but no desk page
        ("http://testserver/metrics", "{review}"),
        ("http://testserver{review}?" + "q=x&" * 600, "{review}"),  # too long to lead back to
        ("", "{review}"),
    ],
)
def test_the_login_leads_back_only_to_a_page_of_this_site(
    site: TestClient, database: Database, referer: str, back: str
) -> None:
    """A Referer that is no page (a POST-only address would answer 405 after the login) or
    not this site's leads back to the page the form belongs to: a sentence's, to its story."""
    review = f"/desk/story/{harbour_story(database)}"
    headers = {"origin": "http://testserver"}
    if referer:
        headers["referer"] = referer.format(review=review)
    data = {"version": "1", "position": "2", "text": "Typed."}
    refused = send_after_the_login_ended(site, database, f"{review}/sentence", data, **headers)
    assert refused.status_code == 401
    assert next_of(refused.text) == back.format(review=review)
    again = site.post(
        "/login",
        data={
            "name": "ann",
            "password": PASSWORD,
            "next": next_of(refused.text),
            "csrf_token": token_in(refused.text),
        },
    )
    assert again.status_code == 303
    assert site.get(again.headers["location"]).status_code == 200


@pytest.mark.parametrize(
    ("path", "back"),
    [
        ("/desk/story/{story}/merge", "/desk/story/{story}"),
        ("/desk/story/{story}/reports/1/move", "/desk/story/{story}/reports"),
        ("/desk/tags/rsv/merge", "/desk/tags"),
        ("/desk/ads/header/set", "/desk/ads"),
        ("/desk/sources", "/desk/sources"),
    ],
)
def test_a_form_drawn_at_its_post_address_leads_back_to_its_page(
    site: TestClient, database: Database, path: str, back: str
) -> None:
    """A refused merge, tag question or ad change is drawn at the address it was posted to:
    the next form sent from there, after the login ended, leads back to the page it is on."""
    story = harbour_story(database)
    posted = path.format(story=story)
    headers = {"origin": "http://testserver", "referer": f"http://testserver{posted}"}
    refused = send_after_the_login_ended(site, database, posted, {"other": "014"}, **headers)
    assert refused.status_code == 401
    assert next_of(refused.text) == back.format(story=story)


@pytest.mark.parametrize(
    ("path", "field", "label"),
    [
        ("/desk/story/{story}/correction", "text", "Correction for readers"),
        ("/desk/story/{story}/sentence", "text", "Text"),  # no position: no sentence to name
        ("/desk/ads/header/set", "html", "Ad markup"),
        ("/desk/tags/rsv/rename", "name", "Name"),
    ],
)
def test_what_was_typed_is_labelled_as_its_form_labels_it(
    site: TestClient, database: Database, path: str, field: str, label: str
) -> None:
    posted = path.format(story=harbour_story(database))
    typed = "<b>Sold by hand</b> at the harbour"
    refused = send_after_the_login_ended(site, database, posted, {field: typed})
    assert refused.status_code == 401
    assert '<label for="typed-1">' + label + "</label>" in refused.text
    assert re.search(r'id="typed-1"[^>]*readonly>' + re.escape(html.escape(typed)), refused.text)


def test_a_desk_form_sent_after_logging_out_elsewhere_shows_what_was_typed(
    settings: Settings, site: TestClient, database: Database
) -> None:
    """Log out in another tab (or a browser restart) takes the login's cookie, so the form's
    token is no longer this browser's: refused (403), nothing saved, and the answer is the
    login page with what was typed. Logged in again meanwhile, the form is only refused."""
    story_id = harbour_story(database)
    review = f"/desk/story/{story_id}"
    assert log_in(site, "ann").status_code == 303
    token = token_in(site.get(review).text)
    assert site.post("/logout", data={"csrf_token": token}).status_code == 303  # another tab
    typed = "Union members backed the pay offer on Sunday."
    data = {"csrf_token": token, "version": "1", "position": "2", "text": typed}
    headers = {"origin": "http://testserver", "referer": f"http://testserver{review}"}

    refused = site.post(f"{review}/sentence", data=data, headers=headers)
    assert refused.status_code == 403
    assert refused.headers["cache-control"] == "no-store"
    assert "Your login ended before this form was sent, so nothing was saved" in refused.text
    assert '<label for="typed-1">Sentence S2</label>' in refused.text
    assert re.search(r'id="typed-1"[^>]*readonly>' + re.escape(typed), refused.text)
    assert next_of(refused.text) == review
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1  # nothing saved

    foreign = site.post(f"{review}/sentence", data=data, headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403 and typed not in foreign.text  # not from this site
    # Nothing said of its origin (an old browser's cross-site post): the 403 page, no echo.
    silent = site.post(f"{review}/sentence", data=data)
    assert silent.status_code == 403 and typed not in silent.text
    assert 'name="password"' not in silent.text
    assert log_in(site, "ann").status_code == 303  # a new login: the old form's token is stale
    stale = site.post(f"{review}/sentence", data=data, headers=headers)
    assert stale.status_code == 403
    assert "reload the page" in stale.text and typed not in stale.text
    assert 'name="password"' not in stale.text


JSON = {"accept": "application/json"}


def json_error_of(response) -> dict:  # type: ignore[no-untyped-def]
    """The error of a JSON refusal, checked to be JSON and to repeat no page of the site."""
    assert response.headers["content-type"] == "application/json"
    assert "<html" not in response.text and 'name="password"' not in response.text
    error = response.json()["error"]
    assert error["status"] == response.status_code
    return error


def test_a_script_whose_login_ended_is_told_so_in_json(
    site: TestClient, database: Database
) -> None:
    """A client that sends the token in the X-CSRF-Token header (a script, not a browser's
    form) or asks for JSON gets a JSON 401 naming the ended login, not the login page."""
    story_id = harbour_story(database)
    typed = "Union members backed the pay offer on Sunday."
    data = {"version": "1", "position": "2", "text": typed}
    assert log_in(site, "ann").status_code == 303
    token = token_in(site.get("/desk").text)
    move_back(database, StaffSession.last_seen_at, timedelta(hours=3))
    path = f"/desk/story/{story_id}/sentence"

    by_header = site.post(path, data=data, headers={"X-CSRF-Token": token})
    by_accept = site.post(path, data={**data, "csrf_token": token}, headers=JSON)
    wrong_token = site.post(path, data=data, headers={"X-CSRF-Token": "x" * 43})
    for refused in (by_header, by_accept, wrong_token):
        assert refused.status_code == 401
        error = json_error_of(refused)
        assert error["code"] == "login_ended" and "log in again at /login" in error["message"]
        assert refused.headers["cache-control"] == "no-store"
        assert typed not in refused.text
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1  # nothing saved
    page = site.post(path, data={**data, "csrf_token": token})  # a browser's form
    assert page.status_code == 401 and 'name="password"' in page.text and typed in page.text


def test_a_script_without_a_login_or_with_a_wrong_token_is_told_which_in_json(
    site: TestClient, database: Database
) -> None:
    story_id = harbour_story(database)
    path = f"/desk/story/{story_id}/hold"
    anonymous = site.post(path, headers={"X-CSRF-Token": "x" * 43})
    assert anonymous.status_code == 401
    assert json_error_of(anonymous)["code"] == "login_needed"
    asked = site.get("/desk", headers=JSON)  # a page asked for as JSON: no redirect to follow
    assert asked.status_code == 401 and json_error_of(asked)["code"] == "login_needed"
    assert sends_to_login(site)  # a browser is still sent to the login page

    assert log_in(site, "ann").status_code == 303
    for headers in ({"X-CSRF-Token": "x" * 43}, JSON, {"X-CSRF-Token": "", **JSON}):
        refused = site.post(path, headers=headers)
        assert refused.status_code == 403
        error = json_error_of(refused)
        assert error["code"] == "csrf_token" and "X-CSRF-Token header" in error["message"]
    foreign = site.post(
        path,
        headers={"X-CSRF-Token": token_in(site.get("/desk").text), "origin": "http://evil.example"},
    )
    assert foreign.status_code == 403 and json_error_of(foreign)["code"] == "foreign_origin"
    done = site.post(path, headers={"X-CSRF-Token": token_in(site.get("/desk").text)})
    assert done.status_code == 303  # the right token in the header does it
    with database.session() as session:
        held = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("story.%")))
        assert list(held) == ["story.held"]
