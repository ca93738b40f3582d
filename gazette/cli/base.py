"""What every command shares: the `app`, its options, the consoles, the settings and database of
a command, the one-line error messages, and progress on the terminal.

Exit codes: 0 success; 1 the work failed or some items failed (each is reported); 2 bad usage,
configuration or input.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import DBAPIError

from gazette import __version__
from gazette.config import DEFAULT_CONFIG_NAME, Settings, find_config_file, load_settings
from gazette.db import Database
from gazette.errors import ConfigError, DatabaseUnavailable, GazetteError

if TYPE_CHECKING:  # the pipeline imports heavy libraries: load it only for commands that run it
    from gazette.pipeline import RunReport, Stage
    from gazette.work import StepReport

app = typer.Typer(
    help="Gazette: multi-source news with every sentence cited. Run `gazette demo` to try it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Markup off: what is printed quotes URLs, titles and messages, whose square brackets are text.
out = Console(highlight=False, markup=False)
err = Console(stderr=True, highlight=False, markup=False)
DATABASE_ENV = "GAZETTE_DATABASE_URL"
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


@dataclass
class State:
    config: Path | None = None
    database_url: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    opened: Database | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            overrides = {"database_url": self.database_url} if self.database_url else {}
            self._settings = load_settings(self.config, **overrides)
        return self._settings

    def database(self, create: bool = False) -> Database:
        """The site's database, its schema brought up to date. Only `create` (for `init`) makes
        a new one: elsewhere, a folder that is not set up is an error, not an empty database."""
        settings = self.settings()
        if not create:
            self._require_setup()
        self.opened = Database(settings.database_url, create=create)
        self.opened.migrate()
        return self.opened

    def _require_setup(self) -> None:
        named = self.database_url or any(n.upper() == DATABASE_ENV for n in os.environ)
        if named or find_config_file(self.config) is not None:
            return
        raise ConfigError(
            f"no {DEFAULT_CONFIG_NAME} in {Path.cwd()}, and no --config, $GAZETTE_CONFIG, "
            f"--database or ${DATABASE_ENV}: run `gazette init` to set Gazette up in this "
            "folder, or pass --config or --database"
        )


def print_error(message: str) -> None:
    """One error line on standard error: "error:" in red, then the message as written."""
    err.print(Text.assemble(("error:", "red"), " ", message), soft_wrap=True)


def reports_errors(command: F) -> F:
    """Turn Gazette's expected errors, and a database that cannot be used (locked, read-only,
    not a database), into a one-line message and the matching exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return command(*args, **kwargs)
            except DBAPIError as exc:
                if (problem := _unusable_database(exc, kwargs.get("ctx"))) is None:
                    raise
                raise problem from exc
        except GazetteError as exc:
            print_error(str(exc))
            raise typer.Exit(exc.exit_code) from exc
        finally:  # its connections closed, as when the process ends
            if (database := _opened(kwargs.get("ctx"))) is not None:
                database.dispose()

    return wrapper  # type: ignore[return-value]


def _opened(ctx: Any) -> Database | None:
    """The database the command opened, if it did."""
    state = ctx.find_object(State) if hasattr(ctx, "find_object") else None  # a typer Context
    return state.opened if state is not None else None


def _unusable_database(exc: DBAPIError, ctx: Any) -> DatabaseUnavailable | None:
    """The operator's side of a failure of the database the command opened, if it has one."""
    database = _opened(ctx)
    return database.unusable(exc) if database is not None else None


def state_of(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def _show_version(wanted: bool) -> None:
    """Eager, so that `gazette --version` needs no command."""
    if wanted:
        out.print(f"gazette {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file (default: ./gazette.toml).")
    ] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL, overriding the config.")
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    ctx.obj = State(config=config, database_url=database)


@contextlib.contextmanager
def stage_progress() -> Iterator[Callable[[Stage, StepReport], None]]:
    """A line per stage on the terminal, updated as its batches go through (nothing when the
    output is not a terminal: cron mail stays short)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    shown = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    lines: dict[str, Any] = {}

    def update(stage: Stage, total: StepReport) -> None:
        if stage.name not in lines:
            lines[stage.name] = shown.add_task(stage.name)
        shown.update(lines[stage.name], description=f"{stage.name}: {total.summary()}")

    with shown:
        yield update


@contextlib.contextmanager
def progress_bar(total: int, what: str) -> Iterator[Callable[[], None]]:
    """A progress bar on the terminal (none when the output is not one); yields the function
    that advances it by one."""
    from rich.progress import Progress

    shown = Progress(console=err, transient=True, disable=not err.is_terminal)
    with shown:
        task = shown.add_task(what, total=total)
        yield lambda: shown.advance(task)


def counted(items: Iterable[T], total: int, what: str) -> Iterator[T]:
    """The items, with a progress bar on the terminal while they are worked through (none when
    the output is not a terminal)."""
    from rich.progress import track

    yield from track(
        items,
        total=total,
        description=what,
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def print_run(report: RunReport) -> None:
    from gazette.pipeline import STAGES

    table = Table("stage", "result", "seconds")
    for stage in STAGES:
        result = getattr(report, stage.name).summary()
        table.add_row(stage.name, result, f"{report.seconds.get(stage.name, 0.0):.2f}")
    out.print(table)
    for where, message in report.sources.warnings.items():
        err.print(f"warning: {where}: {message}", soft_wrap=True)
    for stage in STAGES:
        stage_report = getattr(report, stage.name)
        for key, message in stage_report.errors.items():
            if key in stage_report.first_failures:
                print_error(f"{stage.name} {key}: {message}")
            else:
                err.print(f"still failing: {stage.name} {key}: {message}", soft_wrap=True)
