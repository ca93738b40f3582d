"""Property-based tests over every route of the site (hypothesis): whatever a client sends,
no route answers 500, and an error is a page for a reader, never operator text.

The routes, their query parameters and form fields are read from the app's own OpenAPI schema,
so that a route added later is fuzzed without asking.
Each request is made by a reader and by a logged-in admin (whose form token it carries, so that
it reaches the route instead of stopping at the CSRF check), with path parameters, query
strings and bodies drawn from what breaks servers: huge and negative numbers, digits of other
scripts, control characters and NUL, very long values, malformed percent-encoding, broken
multipart bodies. The site has stories, comments and a source to find. It runs on SQLite and
on PostgreSQL, which refuses some text SQLite takes (NUL).
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from forms import token_in
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from readers import post_comment, published_story, reader
from sqlalchemy import func, select
from staff import add_user, browser, log_in

from gazette.db import Database
from gazette.db.models import AuditEntry
from gazette.sources import add_source
from gazette.web import create_app
from gazette.web.auth import safe_next

OPERATOR_TEXT = re.compile(
    r"Traceback|sqlalchemy|psycopg|sqlite3|File \"|Exception|pydantic|starlette", re.I
)
# More examples for a deeper search: GAZETTE_FUZZ_EXAMPLES=2000 pytest tests/test_routes_fuzz.py
FUZZ = settings(
    max_examples=int(os.environ.get("GAZETTE_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Logging the admin out would make the rest of the run anonymous: the reader fuzzes it.
ADMIN_SKIPS = {"/logout"}


@dataclass(frozen=True)
class Route:
    """A route as the app's OpenAPI schema describes it."""

    method: str
    path: str  # with {parameters}
    query: tuple[str, ...]  # the names of its query parameters
    form: tuple[str, ...]  # the names of its form fields


def _routes(schema: dict) -> list[Route]:
    """Every route of the app, from its OpenAPI schema."""
    components = schema.get("components", {}).get("schemas", {})
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            query = tuple(p["name"] for p in parameters if p["in"] == "query")
            form: tuple[str, ...] = ()
            for content in operation.get("requestBody", {}).get("content", {}).values():
                reference = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
                form += tuple(components.get(reference, {}).get("properties", {}))
            routes.append(Route(method.upper(), path, query, form))
    return routes


@dataclass
class Site:
    database: Database
    reader: TestClient
    admin: TestClient
    reader_token: str
    admin_token: str
    routes: list[Route]
    story: str


def _site(url: str) -> Site:
    settings = demo_settings(url)  # fetches come from the demo's mirror: never the network
    # Comments are held for a moderator, so that what the fuzzing posts never shows on the
    # story's page: its text may be anything (Hypothesis draws strings from the code's own
    # constants, "exception" among them), and the pages are searched for operator text.
    held = {"per_address_limit": 10_000, "require_approval": True}
    settings = settings.model_copy(update={"comments": settings.comments.model_copy(update=held)})
    database = Database(url)
    database.migrate()
    story = published_story(database, "fuzz")
    published_story(database, "other")
    with database.transaction() as session:
        add_source(session, "https://brenmouthbeacon.example/feed.xml")
    visitor = reader(settings, database)
    post_comment(visitor, story, "A first comment.")
    add_user(database, "root", role="admin")
    admin = browser(settings, database)
    assert log_in(admin, "root").status_code == 303
    routes = _routes(create_app(settings, database).openapi())
    return Site(
        database,
        visitor,
        admin,
        token_in(visitor.get(story).text),
        token_in(admin.get("/desk").text),
        routes,
        story,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    if request.param == "sqlite":
        yield _site(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'gazette.db'}")
        return
    request.getfixturevalue("postgres_url")  # skips where PostgreSQL is not running
    from deployment import own_schema

    with own_schema() as url:
        built = _site(url)
        yield built
        built.database.dispose()


NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1", "2", "0", "-1", "9" * 19, "9" * 40, "1e9", "0x10", "1.5", " 1", "+1"]),
    st.sampled_from(["²", "١٢", "１２", "٣", "⑦", "Ⅻ", "𝟗", "๑"]),
)
NASTY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        ["", "\x00", "a\x00b", "%", "%zz", "../..", "<script>", "' OR 1=1 --", "\ud7ff"]
    ),
    st.integers(min_value=1, max_value=20_000).map(lambda n: "x" * n),
)
VALUES = st.one_of(NUMBERS, NASTY_TEXT)
# Addresses stay under the 64 KiB that HTTP clients send at most.
SHORT_VALUES = st.one_of(NUMBERS, NASTY_TEXT.filter(lambda text: len(text) <= 8000))
KNOWN_KEYS = ["page", "comments", "comment", "status", "done", "source", "others", "next", "left"]
KEYS = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=20))
FIELDS = ["name", "body", "website", "location", "kind", "interval", "status", "page", "password"]


def _path(template: str, draw: st.DrawFn) -> str:
    def value(match: re.Match[str]) -> str:
        return quote(draw(SHORT_VALUES), safe="")

    return re.sub(r"\{[^}]+\}", value, template)


@st.composite
def queries(draw: st.DrawFn, known: tuple[str, ...] = ()) -> str:
    keys = st.one_of(st.sampled_from(known), KEYS) if known else KEYS
    pairs = draw(st.lists(st.tuples(keys, SHORT_VALUES), max_size=4))
    query = urlencode(pairs)
    junk = draw(st.sampled_from(["", "&&==", "%zz", "%00", "a=%ff%fe", "=" * 50, "page"]))
    return "&".join(part for part in (query, junk) if part)


@st.composite
def bodies(
    draw: st.DrawFn, known: tuple[str, ...] = ()
) -> tuple[dict[str, str], bytes | dict[str, str]]:
    """(extra headers, body): a form of known and unknown fields, or bytes of any kind."""
    kind = draw(st.sampled_from(["form", "form", "bytes", "multipart", "json"]))
    if kind == "form":
        keys = st.one_of(st.sampled_from(known or FIELDS), st.text(max_size=10))
        return {}, draw(st.dictionaries(keys, VALUES, max_size=6))
    raw = draw(st.binary(max_size=2000))
    if kind == "multipart":
        boundary = draw(st.sampled_from(["", "; boundary=xyz", "; boundary=", '; boundary="a b"']))
        prefix = draw(
            st.sampled_from([b"", b'--xyz\r\nContent-Disposition: form-data; name="body"\r\n\r\n'])
        )
        return {"Content-Type": f"multipart/form-data{boundary}"}, prefix + raw
    if kind == "json":
        return {"Content-Type": "application/json"}, raw
    return {"Content-Type": "application/x-www-form-urlencoded"}, raw


def _check(response, what: str, echoed: Iterable[str] = ()) -> None:  # type: ignore[no-untyped-def]
    """No 500, and an error page that tells nothing of the machinery. `echoed`: what the reader
    sent, which a form's error page gives back to be corrected (Hypothesis may send
    "EXCEPTION", drawn from the code's own constants), left out of that search."""
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code >= 400 and "text/html" in response.headers.get("content-type", ""):
        assert "<html" in response.text, what
        page = response.text
        for value in sorted(echoed, key=len, reverse=True):
            if value:
                page = page.replace(str(escape(value)), "")
        assert not OPERATOR_TEXT.search(page), f"{what}: operator text"


@FUZZ
@given(data=st.data())
def test_no_route_answers_500_to_a_request(site: Site, data: st.DataObject) -> None:
    route = data.draw(st.sampled_from(site.routes), label="route")
    as_admin = data.draw(st.booleans(), label="as admin") and route.path not in ADMIN_SKIPS
    client, token = (site.admin, site.admin_token) if as_admin else (site.reader, site.reader_token)
    path = _path(route.path, data.draw)
    query = data.draw(queries(route.query), label="query")
    target = f"{path}?{query}" if query else path
    method = route.method
    if method in ("GET", "HEAD"):
        response = client.request(method, target)
    else:
        headers, body = data.draw(bodies(route.form), label="body")
        headers["X-CSRF-Token"] = token
        if isinstance(body, dict):
            response = client.request(method, target, data=body, headers=headers)
        else:
            response = client.request(method, target, content=body, headers=headers)
    _check(response, f"{method} {target[:200]}")


@FUZZ
@given(
    path=st.one_of(
        st.text(alphabet=string.printable, max_size=300).map(lambda p: "/" + quote(p, safe="/%")),
        st.integers(min_value=100, max_value=20_000).map(lambda n: "/story/" + "7" * n),
        st.sampled_from(
            [
                "/story/%C2%B2",
                "/story/%ff/x",
                "/%00",
                "//evil.example",
                "/tag/%00",
                "/static/../../etc/passwd",
                "/static/%2e%2e/x",
                "/desk/comments/%00/approve",
            ]
        ),
    )
)
def test_no_address_answers_500(site: Site, path: str) -> None:
    _check(site.reader.get(path), f"GET {path[:200]}")
    _check(site.admin.get(path), f"GET {path[:200]} as admin")


@FUZZ
@given(data=st.data())
def test_a_comment_form_of_any_shape_is_taken_or_refused(site: Site, data: st.DataObject) -> None:
    fields = data.draw(st.dictionaries(st.sampled_from(["name", "body", "website"]), VALUES))
    action = site.story.rsplit("/", 1)[0] + "/comments"
    response = site.reader.post(action, data={**fields, "csrf_token": site.reader_token})
    _check(response, f"comment {list(fields)}", echoed=[str(v) for v in fields.values()])
    assert response.status_code in (303, 400, 429)


@pytest.mark.parametrize(
    "path",
    [
        "/story/99999999999999999999",
        "/story/2147483648",
        "/story/2147483648/slug",
        "/story/%C2%B2",
        "/story/%C2%B2/x",
        "/tag/%FF",
        "/nowhere",
    ],
)
def test_unknown_addresses_are_a_readers_404_page(site: Site, path: str) -> None:
    response = site.reader.get(path)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "Back to the latest stories" in response.text


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=%C2%B2", "page=x"])
def test_a_bad_query_is_a_readers_400_page(site: Site, query: str) -> None:
    response = site.reader.get(f"/?{query}")
    assert response.status_code == 400
    assert "<h1>Something is wrong with this request</h1>" in response.text
    assert "page" in response.text and not OPERATOR_TEXT.search(response.text)


@settings(max_examples=500, deadline=None)
@given(value=st.one_of(st.text(), st.sampled_from(["//evil", "/\\evil", "/\t/evil", "https://e"])))
def test_the_return_address_after_login_never_leaves_the_site(value: str) -> None:
    """Whatever `next` holds, a browser following it stays on this host."""
    target = safe_next(value)
    resolved = urlsplit(urljoin("https://news.example/login", target))
    assert resolved.netloc == "news.example"
    assert target.startswith("/") and not target.startswith("//")


@pytest.mark.parametrize(
    "path", ["/tag/%00", "/story/1%00", "/?page=1%00", "/login?next=/desk%00", "/%00"]
)
def test_a_nul_in_the_address_is_a_readers_400_page(site: Site, path: str) -> None:
    response = site.reader.get(path)
    assert response.status_code == 400
    assert "holds a NUL character" in response.text and "<html" in response.text
    assert response.headers["content-security-policy"]


def test_a_nul_in_a_form_is_refused_and_nothing_stored(site: Site) -> None:
    action = site.story.rsplit("/", 1)[0] + "/comments"
    before = site.reader.get(site.story).text.count('class="comment"')
    for body in ("Hidden\x00NUL", "a"):
        data = {"name": "x\x00" if body == "a" else "x", "body": body}
        response = site.reader.post(action, data={**data, "csrf_token": site.reader_token})
        assert response.status_code == 400 and "holds a NUL character" in response.text
    assert site.reader.get(site.story).text.count('class="comment"') == before


def test_a_body_too_large_is_refused_with_413(site: Site) -> None:
    action = site.story.rsplit("/", 1)[0] + "/comments"
    data = {"body": "x" * 2_100_000, "csrf_token": site.reader_token}
    response = site.reader.post(action, data=data)
    assert response.status_code == 413 and "too large" in response.text
    response = site.reader.post(
        "/login",
        content=iter([b"name=" + b"n" * 1_500_000, b"n" * 1_500_000]),  # no length given
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRF-Token": site.reader_token,
        },
    )
    assert response.status_code == 413


def test_every_desk_route_is_closed_to_anonymous_readers(site: Site) -> None:
    """Every route under /desk (read from the schema, so that later ones count too): a page
    sends a reader to the login page, a form is refused (401), whatever token it carries."""
    desk = [route for route in site.routes if route.path.startswith("/desk")]
    assert {"/desk", "/desk/comments", "/desk/sources", "/desk/audit"} <= {r.path for r in desk}
    anonymous = TestClient(site.reader.app, follow_redirects=False)
    token = token_in(anonymous.get("/login").text)
    with site.database.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    for route in desk:
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        if route.method == "GET":
            response = anonymous.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == f"/login?next={path}", path
        else:
            response = anonymous.request(route.method, path, data={"csrf_token": token})
            assert response.status_code == 401, f"{route.method} {path}"
            assert "Log in to the desk first" in response.text
    with site.database.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
