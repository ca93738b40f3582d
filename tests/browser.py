"""The site in a real browser: headless Chromium (Debian's `chromium` package, driven by
Playwright) on the real server (uvicorn, in a thread of the test process) over a SQLite file of
the tests' own.

Playwright's own browser download is not used: it fetches from a host that this project cannot
reach, so Playwright is pointed at the system's binary. One server and one browser serve the
whole test session; each test opens a fresh browser context (its own cookies), which costs a few
milliseconds.

Playwright's synchronous API keeps an event loop marked as running in the thread that started
it, and `asyncio.run` refuses to start under it. The browser tests therefore run after all the
others (tests/conftest.py moves them to the end), so that the fetch tests' own loops never meet
Playwright's.

Accessibility is checked with axe-core (installed from npm by `make test`), evaluated in
the page through the DevTools protocol, which the site's Content-Security-Policy does not govern
(a `<script>` tag would be refused by it, rightly).
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from gazette import accounts
from gazette.config import Settings
from gazette.db import Database
from gazette.web import create_app
from gazette.web.public import routes as public_routes

CHROMIUM = Path(os.environ.get("GAZETTE_TEST_CHROMIUM", "/usr/bin/chromium"))
# Installed from the npm registry by `make test` (the Makefile pins its version).
AXE = Path(__file__).resolve().parent.parent / ".cache/npm/node_modules/axe-core/axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A story's headline linked from a list of stories (home, tag, search), and a tag's link.
STORY_LINK = "main article :is(h1, h2, h3) a[href^='/story/']"
TAG_LINK = "a[rel=tag]"
# The story page's versions page and its citation markers that keep to their word came
# together; tests of them run where the site has the versions page.
HAS_VERSIONS_PAGE = any(
    getattr(route, "name", "") == "story_versions" for route in public_routes.router.routes
)
COMES_WITH_SITE_STORY = "no versions page (/story/N/versions) in this version of the site"
# Waits are bounds for hangs, not speed targets: stretched on a loaded machine, as the
# deployment tests' are (tests/deployment.py).
PATIENCE = float(os.environ.get("GAZETTE_TEST_PATIENCE", "3"))
ACTION_TIMEOUT_MS = 10_000 * PATIENCE  # a click, a navigation
EXPECT_TIMEOUT_MS = 5_000 * PATIENCE  # an `expect(...)` waiting for the page to agree
# axe-core's impact levels, from least to most severe; the tests refuse the last two.
REFUSED_IMPACTS = ("serious", "critical")


def missing_chromium() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.is_file():
        return (
            f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
            "(or set GAZETTE_TEST_CHROMIUM to another binary)"
        )
    return None


@dataclass
class LiveSite:
    """The real server, listening on 127.0.0.1, and the database it serves."""

    url: str
    settings: Settings
    database: Database

    def at(self, path: str) -> str:
        return self.url + path


@contextmanager
def serving(settings: Settings, database: Database) -> Iterator[LiveSite]:
    """Gazette's app under uvicorn on a free port of 127.0.0.1, for as long as the block runs."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings = settings.model_copy(
        update={"site": settings.site.model_copy(update={"base_url": url})}
    )
    config = uvicorn.Config(create_app(settings, database), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-site", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the site did not start on {url}")
        time.sleep(0.01)
    try:
        yield LiveSite(url, settings, database)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@dataclass
class PageLog:
    """What a page said in the browser's console: errors, and any refused by the CSP."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", lambda message: self._console(message))
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")


# The integrity that axe-core 4.14.1's package lists for its axe.min.js (its sri-history.json).
AXE_INTEGRITY = "sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="


@cache
def axe_source() -> str:
    """axe-core as npm installed it, refused if it is not the file its package published;
    without it the test is skipped, except in CI."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            raise RuntimeError(f"{AXE} is missing: `make test` installs it with npm")
        pytest.skip(f"axe-core is not installed ({AXE}): `make test` installs it with npm")
    source = AXE.read_bytes()
    integrity = "sha256-" + base64.b64encode(hashlib.sha256(source).digest()).decode()
    if integrity != AXE_INTEGRITY:
        raise RuntimeError(f"{AXE} is not axe-core's published file ({integrity})")
    return source.decode("utf-8")


def axe_violations(page: Any, impacts: tuple[str, ...] = REFUSED_IMPACTS) -> list[dict]:
    """axe-core's violations on the page as it is now, at the given impact levels.

    The WCAG 2.0 to 2.2 A and AA rules (2.2's target size among them) and axe's best
    practices are run; each violation names its rule and the elements that break it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async () => {
            const found = await axe.run(document, {
                resultTypes: ["violations"],
                runOnly: {type: "tag", values: [
                    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
            });
            return found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }"""
    )
    return [violation for violation in result if violation["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """Violations as a reader of a failed test wants them: rule, impact, where, why."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


def log_in(page: Any, site: LiveSite, name: str, password: str) -> None:
    """Fill and send the login form as a person does; waits for the page that follows."""
    page.goto(site.at("/login"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


# Fixtures: imported by tests/conftest.py, so that every test module can ask for them.

EDITOR = "ann"
ADMIN = "root"
PASSWORD = "a long and quiet harbour"


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Without Chromium the browser tests are skipped on a developer machine, and fail in CI
    (CI=true), where .ci/run installs it."""
    reason = missing_chromium()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium(browser_available: None, live_site: LiveSite) -> Iterator[Any]:
    """The session's one browser, started after the site (whose demo run needs asyncio free
    of Playwright's loop)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file, even while its WAL holds recent pages."""
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


def with_sections(settings: Settings, **sections: dict[str, Any]) -> Settings:
    """`settings` with some fields of some sections changed: `comments={"max_links": 0}`."""
    changes = {
        name: getattr(settings, name).model_copy(update=values) for name, values in sections.items()
    }
    return settings.model_copy(update=changes)


@pytest.fixture(scope="session")
def site_seed(
    browser_available: None, demo: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Settings]:
    """The demo's database with an editor and an admin (hashing their passwords once): every
    site of the browser tests starts from a copy of it."""
    seed = tmp_path_factory.mktemp("browser-seed") / "gazette.db"
    copy_database(Path(demo.database.url.removeprefix("sqlite:///")), seed)
    settings = demo.settings.model_copy(update={"database_url": f"sqlite:///{seed}"})
    database = Database(settings.database_url)
    with database.transaction() as session:
        accounts.add_user(session, EDITOR, "editor", PASSWORD, "test")
        accounts.add_user(session, ADMIN, "admin", PASSWORD, "test")
    database.dispose()
    return seed, settings


@contextmanager
def site_from_seed(
    seed: tuple[Path, Settings], folder: Path, **sections: dict[str, Any]
) -> Iterator[LiveSite]:
    path, settings = seed
    copy = folder / "gazette.db"
    copy_database(path, copy)
    settings = with_sections(settings, **sections)
    settings = settings.model_copy(update={"database_url": f"sqlite:///{copy}"})
    database = Database(settings.database_url)
    try:
        with serving(settings, database) as site:
            yield site
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def live_site(
    site_seed: tuple[Path, Settings], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveSite]:
    """The demo's site served for real, shared by the tests that only read, or write things
    that no other test counts (a comment of their own, a login)."""
    with site_from_seed(site_seed, tmp_path_factory.mktemp("browser")) as site:
        yield site


@pytest.fixture
def own_site(site_seed: tuple[Path, Settings], tmp_path: Path) -> Iterator[Callable[..., LiveSite]]:
    """Start a site of the test's own (a fresh copy of the demo, its own server), for a test
    that publishes, holds, corrects or moderates: `own_site(comments={"require_approval":
    True})`. A copy and a server cost a fraction of a second; the browser stays shared."""
    with ExitStack() as stack:

        def start(**sections: dict[str, Any]) -> LiveSite:
            folder = Path(tempfile.mkdtemp(prefix="site-", dir=tmp_path))
            return stack.enter_context(site_from_seed(site_seed, folder, **sections))

        yield start


@pytest.fixture
def new_page(live_site: LiveSite, chromium: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (its own cookies): `new_page(viewport=PHONE)`,
    `new_page(storage_state=...)`. Each page has `.log`, what its console said."""
    contexts = []

    def open_page(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = chromium.new_context(viewport=viewport, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.log = PageLog()
        page.log.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def reader(new_page: Callable[..., Any]) -> Any:
    """An anonymous reader's page at desktop width."""
    return new_page()


@pytest.fixture(scope="session")
def editor_state(live_site: LiveSite, chromium: Any) -> dict:
    """The cookies of one editor's login through the login form, shared by the tests that
    need an editor (none of them logs out: the logout test logs in for itself)."""
    context = chromium.new_context()
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        page = context.new_page()
        log_in(page, live_site, EDITOR, PASSWORD)
        assert page.url == live_site.at("/desk"), page.url
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def editor(new_page: Callable[..., Any], editor_state: dict) -> Any:
    """A logged-in editor's page at desktop width."""
    return new_page(storage_state=editor_state)
