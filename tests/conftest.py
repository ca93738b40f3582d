"""Shared fixtures: the demo run once per session, a real PostgreSQL schema, the real model."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gazette.config import Settings, load_settings
from gazette.db import Database
from gazette.embedding import MiniLMEmbedder, default_embedder
from gazette.pipeline import RunReport, run_pipeline
from gazette.sources import add_source

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
POSTGRES_URL = os.environ.get(
    "GAZETTE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@dataclass
class DemoRun:
    database: Database
    settings: Settings
    report: RunReport
    expected: dict


def demo_settings(database_url: str, **overrides: object) -> Settings:
    return load_settings(DEMO / "gazette.toml", database_url=database_url, **overrides)


def run_demo(database_url: str, embedder: MiniLMEmbedder, **overrides: object) -> DemoRun:
    settings = demo_settings(database_url, **overrides)
    database = Database(settings.database_url)
    database.migrate()
    with database.transaction() as session:
        for feed in (DEMO / "sources.txt").read_text().split():
            add_source(session, feed)
    report = run_pipeline(database, settings, embedder)
    expected = json.loads((DEMO / "expected.json").read_text())
    return DemoRun(database, settings, report, expected)


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return default_embedder()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> DemoRun:
    """The bundled demo, run once through the whole pipeline into a SQLite file."""
    path = tmp_path_factory.mktemp("demo") / "gazette.db"
    return run_demo(f"sqlite:///{path}", embedder)


@pytest.fixture
def own_demo(demo: DemoRun, tmp_path: Path) -> Iterator[DemoRun]:
    """The demo's database copied for one test that writes (a comment, an ad slot), so that no
    test sees another's writes or depends on their order (datasette's `make_app_client`)."""
    copy = tmp_path / "demo-copy.db"
    source = sqlite3.connect(demo.database.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    try:
        source.backup(target)  # consistent even while the demo's WAL holds recent pages
    finally:
        source.close()
        target.close()
    settings = demo.settings.model_copy(update={"database_url": f"sqlite:///{copy}"})
    database = Database(settings.database_url)
    yield DemoRun(database, settings, demo.report, demo.expected)
    database.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gazette.db'}"


@pytest.fixture
def database(sqlite_url: str) -> Database:
    """An empty, migrated SQLite database of its own for one test."""
    database = Database(sqlite_url)
    database.migrate()
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
def each_database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """Each kind of database in turn, of the test's own: a SQLite file, then a PostgreSQL schema
    dropped afterwards (what other tests stored never meets this test's)."""
    if request.param == "sqlite":
        yield sqlite_url
        return
    request.getfixturevalue("postgres_url")  # skipped, or failed in CI, without PostgreSQL
    schema = f"gazette_each_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh schema in the machine's PostgreSQL, dropped afterwards.

    Skipped on a developer machine without PostgreSQL; in CI (CI=true) its absence is a failure.
    """
    schema = f"gazette_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the current directory, with no GAZETTE_* settings from outside."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.upper().startswith("GAZETTE_")]:
        monkeypatch.delenv(name)
    return tmp_path


# The browser tests' fixtures (tests/browser.py): one real server and one headless Chromium for
# the session, a page per test.
pytest_plugins = ["browser"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright leaves an event loop marked as running in the
    main thread, under which the other tests' `asyncio.run` would refuse to start."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
