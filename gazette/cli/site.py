"""Setting a site up and serving it: `init`, `serve`, and the bundled `demo`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import SecretStr

from gazette.cli.base import (
    app,
    out,
    print_run,
    reports_errors,
    stage_progress,
    state_of,
)
from gazette.config import Settings, load_settings
from gazette.db import Database
from gazette.errors import InputError
from gazette.settings_reference import default_config_text

if TYPE_CHECKING:
    from fastapi import FastAPI

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "demo"


Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)]
Workers = Annotated[
    int | None,
    typer.Option(
        help="Worker processes serving the site (default: one per core, 2 to 8, in production "
        "mode; 1 in development mode).",
        min=1,
        max=64,
    ),
]
# The environment variable that carries the settings to uvicorn's worker processes. It does not
# start with GAZETTE_, which would make it a setting of its own.
SERVED_SETTINGS = "_GAZETTE_SERVED_SETTINGS"


@app.command()
@reports_errors
def init(
    ctx: typer.Context,
    write_config: Annotated[
        bool, typer.Option(help="Write ./gazette.toml with every default if it does not exist.")
    ] = True,
) -> None:
    """Create the database (or bring its schema up to date) and a starter gazette.toml."""
    state = state_of(ctx)
    if write_config and state.config is None and not Path("gazette.toml").exists():
        Path("gazette.toml").write_text(default_config_text(), encoding="utf-8")
        out.print("wrote gazette.toml")
    database = state.database(create=True)
    out.print(f"database ready: {database.url}")


def default_workers(settings: Settings) -> int:
    """Worker processes when `--workers` is not given: one per core (two at least, eight at
    most) in production, where one Python process cannot use more than one core; one in
    development, where a single process is simpler to follow."""
    if settings.site.mode == "development":
        return 1
    return max(2, min(8, os.cpu_count() or 1))


def served_app() -> FastAPI:
    """The app of one worker process, built from the settings its parent serialised (uvicorn
    starts workers by importing a factory: they cannot be handed an app object)."""
    from gazette.web import create_app

    return create_app(Settings.model_validate_json(os.environ[SERVED_SETTINGS]))


def settings_json(settings: Settings) -> str:
    """`settings` as JSON that `Settings.model_validate_json` turns back into the same settings,
    secrets included (pydantic writes a secret as asterisks)."""

    def plain(value: object) -> object:
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        return str(value)  # paths

    return json.dumps(settings.model_dump(), default=plain)


def _serve(settings: Settings, host: str, port: int, workers: int | None = None) -> None:
    import uvicorn

    from gazette.web import create_app

    workers = workers or default_workers(settings)
    out.print(
        f"serving {settings.site.title} on http://{host}:{port}/ with {workers} worker "
        f"process{'es' if workers > 1 else ''}  (Ctrl+C to stop)"
    )
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
        return
    os.environ[SERVED_SETTINGS] = settings_json(settings)
    uvicorn.run(
        f"{__name__}:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


@app.command()
@reports_errors
def serve(
    ctx: typer.Context,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Workers = None,
) -> None:
    """Serve the website: home, stories, tags, RSS feed, comments."""
    state = state_of(ctx)
    state.database()
    _serve(state.settings(), host, port, workers)


@app.command()
@reports_errors
def demo(
    ctx: typer.Context,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    serve_site: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after the run.")
    ] = True,
    workdir: Annotated[Path, typer.Option(help="Where the demo database is created.")] = Path(
        ".demo"
    ),
    corpus: Annotated[Path, typer.Option(help="The demo corpus folder.")] = DEMO_DIR,
    workers: Workers = None,
) -> None:
    """Run the whole pipeline on the bundled demo corpus (offline), then serve the site."""
    from gazette.pipeline import run_pipeline
    from gazette.sources import add_source

    if not (corpus / "sources.txt").is_file():
        raise InputError(f"no demo corpus at {corpus} (expected {corpus / 'sources.txt'})")
    workdir.mkdir(parents=True, exist_ok=True)
    database_file = (workdir / "gazette.db").resolve()
    for leftover in (database_file, *database_file.parent.glob("gazette.db-*")):
        leftover.unlink(missing_ok=True)  # a fresh demo each time; nothing else is touched
    settings = load_settings(corpus / "gazette.toml", database_url=f"sqlite:///{database_file}")
    database = state_of(ctx).opened = Database(settings.database_url)
    database.migrate()
    feeds = (corpus / "sources.txt").read_text(encoding="utf-8").split()
    with database.transaction() as session:
        for feed in feeds:
            add_source(session, feed)
    out.print(f"demo: {len(feeds)} sources, database {database.url}")
    with stage_progress() as progress:
        report = run_pipeline(database, settings, progress=progress)
    print_run(report)
    if serve_site:
        _serve(settings, host, port, workers)
