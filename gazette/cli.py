"""The `gazette` command: a thin layer over the library.

Exit codes: 0 success; 1 the work failed or some items failed (each is reported); 2 bad usage,
configuration or input.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from gazette import __version__
from gazette.config import Settings, default_config_text, load_settings
from gazette.db import Database
from gazette.errors import GazetteError, InputError

if TYPE_CHECKING:  # the pipeline imports heavy libraries: load it only for commands that run it
    from gazette.pipeline import RunReport

app = typer.Typer(
    help="Gazette: multi-source news with every sentence cited. Run `gazette demo` to try it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
sources_app = typer.Typer(help="Add, list and remove the feeds and pages Gazette follows.")
app.add_typer(sources_app, name="sources")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    config: Path | None = None
    database_url: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            overrides = {"database_url": self.database_url} if self.database_url else {}
            self._settings = load_settings(self.config, **overrides)
        return self._settings

    def database(self) -> Database:
        database = Database(self.settings().database_url)
        database.migrate()
        return database


def reports_errors(command: F) -> F:
    """Turn Gazette's expected errors into a one-line message and the matching exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GazetteError as exc:
            err.print(f"[red]error:[/red] {exc}", markup=True, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file (default: ./gazette.toml).")
    ] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL, overriding the config.")
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"gazette {__version__}")
        raise typer.Exit()
    ctx.obj = State(config=config, database_url=database)


@app.command()
@reports_errors
def init(
    ctx: typer.Context,
    write_config: Annotated[
        bool, typer.Option(help="Write ./gazette.toml with every default if it does not exist.")
    ] = True,
) -> None:
    """Create the database (or bring its schema up to date) and a starter gazette.toml."""
    state = _state(ctx)
    if write_config and state.config is None and not Path("gazette.toml").exists():
        Path("gazette.toml").write_text(default_config_text(), encoding="utf-8")
        out.print("wrote gazette.toml")
    database = state.database()
    out.print(f"database ready: {database.url}")


@sources_app.command("add")
@reports_errors
def sources_add(
    ctx: typer.Context,
    location: Annotated[
        str, typer.Argument(help="URL of a feed, sitemap, site or page; or a file.")
    ],
    kind: Annotated[
        str,
        typer.Option(
            help="auto (look at what the URL serves; for a site, take the feed it links to), "
            "feed, sitemap, or page (a single article)."
        ),
    ] = "auto",
    name: Annotated[
        str | None, typer.Option(help="Display name (default: the feed's title).")
    ] = None,
    interval: Annotated[
        float | None,
        typer.Option(help="Minutes between polls (default: fetch.default_interval_minutes)."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(help="ISO 639 code of the source's language, when its pages omit it."),
    ] = None,
) -> None:
    """Follow a new source."""
    from gazette.sources import add_source

    state = _state(ctx)
    database = state.database()
    targets = [(location, kind)]
    if kind == "auto":
        targets = [(c.url, c.kind) for c in _discover(state.settings(), location)[:1]]
    with database.transaction() as session:
        for url, found_kind in targets:
            source = add_source(session, url, found_kind, name, interval, language)
            out.print(f"added {source.kind} {source.id}: {source.url}")


def _discover(settings: Settings, location: str) -> list[Any]:
    """What `location` offers as sources, by fetching it once."""
    from gazette.fetch import FetchRequest, fetch_all
    from gazette.sources.discover import discover
    from gazette.urls import location_to_url

    url = location_to_url(location)
    root = Path(url.removeprefix("file://")).parent if url.startswith("file:") else None
    outcome = fetch_all(settings.fetch, [FetchRequest(url, file_root=root)])[0]
    if outcome.error is not None:
        raise outcome.error
    candidates = discover(outcome.page)
    if len(candidates) > 1:
        others = ", ".join(c.url for c in candidates[1:])
        err.print(f"the page links to several feeds; adding the first. Others: {others}")
    return candidates


@sources_app.command("list")
@reports_errors
def sources_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show every source with its settings and health: last success, last error or warning,
    consecutive failures, items seen."""
    from gazette.sources import list_sources
    from gazette.sources.registry import source_status

    database = _state(ctx).database()
    with database.session() as session:
        sources = list_sources(session)
        rows = [source_status(s) for s in sources]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(
        "id", "kind", "url", "name", "every", "last success", "failures", "items", "problem"
    )
    for row in rows:
        every = f"{row['interval_minutes']:g} min" if row["interval_minutes"] else "default"
        table.add_row(
            str(row["id"]) + ("" if row["enabled"] else " (off)"),
            row["kind"],
            row["url"],
            row["name"] or "",
            every,
            row["last_success"] or "never",
            str(row["consecutive_failures"]),
            str(row["items_seen"]),
            row["last_error"] or row["last_warning"] or "",
        )
    out.print(table)


@sources_app.command("update")
@reports_errors
def sources_update(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The source's id or URL.")],
    name: Annotated[str | None, typer.Option(help="New display name.")] = None,
    interval: Annotated[float | None, typer.Option(help="Minutes between polls.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639 language code.")] = None,
    enabled: Annotated[
        bool | None, typer.Option("--enable/--disable", help="Poll the source, or pause it.")
    ] = None,
) -> None:
    """Change a source's name, polling interval, language, or pause and resume it."""
    from gazette.sources.registry import update_source

    database = _state(ctx).database()
    with database.transaction() as session:
        changed = update_source(
            session,
            source,
            name=name,
            interval_minutes=interval,
            language=language,
            enabled=enabled,
        )
        state = "enabled" if changed.enabled else "disabled"
        out.print(f"source {changed.id} ({state}): {changed.url}")


@sources_app.command("import")
@reports_errors
def sources_import(
    ctx: typer.Context,
    opml: Annotated[Path, typer.Argument(help="An OPML subscription list.")],
) -> None:
    """Follow every feed of an OPML file (as exported by feed readers)."""
    from gazette.sources.registry import import_opml

    if not opml.is_file():
        raise InputError(f"no such file: {opml}")
    database = _state(ctx).database()
    with database.transaction() as session:
        added, known = import_opml(session, opml.read_bytes())
    out.print(f"imported {len(added)} sources; {len(known)} were already followed")


@sources_app.command("export")
@reports_errors
def sources_export(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(help="Write here (default: stdout).")] = None,
) -> None:
    """Write every source as an OPML 2.0 subscription list."""
    from gazette.sources import list_sources
    from gazette.sources.registry import export_opml

    state = _state(ctx)
    with state.database().session() as session:
        document = export_opml(list_sources(session), state.settings().site.title)
    if output is None:
        sys.stdout.buffer.write(document)
    else:
        output.write_bytes(document)


@sources_app.command("remove")
@reports_errors
def sources_remove(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The source's id or URL.")],
) -> None:
    """Stop following a source. Its articles and stories stay."""
    from gazette.sources import remove_source

    database = _state(ctx).database()
    with database.transaction() as session:
        removed = remove_source(session, source)
        out.print(f"removed source {removed.id}: {removed.url}")


def _print_run(report: RunReport) -> None:
    results = {
        "sources": f"{report.sources.sources} read, {report.sources.new_documents} new articles",
        "fetch": f"{report.fetch.fetched} pages",
        "extract": f"{report.extract.extracted} articles",
        "dedupe": f"{report.dedupe.ready} unique, {report.dedupe.copies} syndicated copies, "
        f"{report.dedupe.duplicates} duplicates",
        "cluster": f"{report.cluster.assigned} assigned, {report.cluster.new_stories} new stories",
        "write": f"{report.write.written} articles written, {report.write.unchanged} unchanged",
        "tag": f"{report.tag.tagged} stories tagged",
        "publish": f"{report.publish.published} published, "
        f"{report.publish.awaiting_review} awaiting review",
    }
    table = Table("stage", "result", "seconds")
    for stage, result in results.items():
        table.add_row(stage, result, f"{report.seconds.get(stage, 0.0):.2f}")
    out.print(table)
    for where, message in report.sources.warnings.items():
        err.print(f"warning: {where}: {message}", soft_wrap=True)
    for where, message in report.errors().items():
        err.print(f"[red]error:[/red] {where}: {message}", soft_wrap=True)


@app.command()
@reports_errors
def run(
    ctx: typer.Context,
    all_sources: Annotated[
        bool, typer.Option("--all-sources", help="Read every source now, due or not.")
    ] = False,
) -> None:
    """Run one pass of the whole pipeline: sources, fetch, extract, dedupe, cluster, write, tag,
    publish. Exits with 1 if any source, page or story failed (the rest is still stored)."""
    from gazette.pipeline import run_pipeline

    state = _state(ctx)
    report = run_pipeline(state.database(), state.settings(), all_sources=all_sources)
    _print_run(report)
    if report.errors():
        raise typer.Exit(1)


@app.command()
@reports_errors
def checks(
    ctx: typer.Context,
    story: Annotated[int, typer.Argument(help="The story's number, as in /story/NUMBER/.")],
    version: Annotated[
        int | None, typer.Option(help="The article version (default: the latest).")
    ] = None,
) -> None:
    """Show what the support check decided about a language model's article: each proposed
    sentence, quote and headline, whether it was kept, corrected, replaced or dropped, and why."""
    from gazette.write.stage import article_version

    with _state(ctx).database().session() as session:
        article = article_version(session, story, version)
        out.print(
            f"story {story}, version {article.version}, written by {article.writer}: "
            f"{article.headline}",
            soft_wrap=True,
            markup=False,
        )
        if not article.checks:
            out.print("no check decisions: the default writer takes its sentences from the sources")
            return
        colours = {"kept": "green", "corrected": "yellow", "replaced": "red", "dropped": "red"}
        for check in article.checks:
            colour = colours.get(check.outcome, "red")
            cited = f" citing [{check.proposed_sources}]" if check.proposed_sources else ""
            out.print(
                f"\n{check.section} {check.position + 1}{cited}: "
                f"[{colour}]{check.outcome}[/{colour}]",
                soft_wrap=True,
            )
            lines = [f"  why:       {check.reason}"]
            if check.proposed:
                lines.insert(0, f"  proposed:  {check.proposed}")
            if check.final != check.proposed:
                lines.append(f"  published: {check.final or '(nothing)'}")
            out.print("\n".join(lines), soft_wrap=True, markup=False)


@app.command()
@reports_errors
def story(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The story's number, as in /story/NUMBER/.")],
) -> None:
    """Show how a story was formed: each report with why it joined (or started) the story and
    any move since, the stories merged into it, and the thread it continues."""
    from gazette.cluster.history import story_history

    with _state(ctx).database().session() as session:
        history = story_history(session, number)
    for absorbed, survivor, reason in history.redirects:
        out.print(
            f"story {absorbed} was merged into story {survivor}: {reason}",
            soft_wrap=True,
            markup=False,
        )
    title = f": {history.headline}" if history.headline else ""
    out.print(
        f"story {history.story_id} ({history.state}), {len(history.reports)} reports{title}",
        soft_wrap=True,
        markup=False,
    )
    if history.thread_root is not None:
        why = f": {history.thread_reason}" if history.thread_reason else ""
        out.print(
            f"continues the thread of story {history.thread_root}{why}",
            soft_wrap=True,
            markup=False,
        )
    if history.continued_by:
        later = ", ".join(str(story_id) for story_id in history.continued_by)
        out.print(f"continued by stories {later}", markup=False)
    for report in history.reports:
        when = f"{report.published:%Y-%m-%d %H:%M}" if report.published else "undated"
        out.print(
            f"\n{when}  {report.outlet}: {report.title}\n  {report.url}\n  why: {report.reason}",
            soft_wrap=True,
            markup=False,
        )
    for absorbed in history.absorbed:
        out.print(
            f"\nstory {absorbed.story_id} merged into it: {absorbed.reason}",
            soft_wrap=True,
            markup=False,
        )


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from gazette.web import create_app

    out.print(f"serving {settings.site.title} on http://{host}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
@reports_errors
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the website: home, stories, tags, RSS feed, comments."""
    state = _state(ctx)
    state.database()
    _serve(state.settings(), host, port)


@app.command()
@reports_errors
def demo(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    serve_site: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after the run.")
    ] = True,
    workdir: Annotated[Path, typer.Option(help="Where the demo database is created.")] = Path(
        ".demo"
    ),
    corpus: Annotated[Path, typer.Option(help="The demo corpus folder.")] = DEMO_DIR,
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
    database = Database(settings.database_url)
    database.migrate()
    feeds = (corpus / "sources.txt").read_text(encoding="utf-8").split()
    with database.transaction() as session:
        for feed in feeds:
            add_source(session, feed)
    out.print(f"demo: {len(feeds)} sources, database {database.url}")
    report = run_pipeline(database, settings)
    _print_run(report)
    if serve_site:
        _serve(settings, host, port)


@app.command()
@reports_errors
def extract(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="HTML files (.html, .html.gz) or URLs.")],
    output: Annotated[
        Path | None, typer.Option(help="Write JSON Lines here (default: stdout).")
    ] = None,
) -> None:
    """Extract article text and metadata: one JSON object per input, with path, url, title,
    text, authors, published, language and image. Exits with 1 if any input failed."""
    from gazette.batch import extract_inputs, write_jsonl

    settings = _state(ctx).settings()
    failed = 0
    handle = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for result in extract_inputs(inputs, settings.fetch):
            if isinstance(result, GazetteError):
                err.print(f"[red]error:[/red] {result}", soft_wrap=True)
                failed += 1
            else:
                write_jsonl([result], handle)
    finally:
        if output:
            handle.close()
    if failed:
        raise typer.Exit(1)


@app.command()
@reports_errors
def cluster(
    ctx: typer.Context,
    input: Annotated[
        Path,
        typer.Option("--input", "-i", help="JSON Lines: id, title, text, published, source, url."),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSON Lines: id, story, thread, reason.")
    ],
) -> None:
    """Group items into stories with the pipeline's clustering, in publication order."""
    from gazette.batch import ClusterInput, cluster_records, read_jsonl, write_jsonl
    from gazette.embedding import default_embedder

    settings = _state(ctx).settings()
    records = read_jsonl(input, ClusterInput)
    assignments = cluster_records(records, default_embedder(), settings.cluster)
    with output.open("w", encoding="utf-8") as handle:
        write_jsonl(assignments, handle)
    stories = len({a["story"] for a in assignments})
    err.print(f"{len(assignments)} items in {stories} stories -> {output}")


@app.command()
@reports_errors
def summarize(
    ctx: typer.Context,
    input: Annotated[Path, typer.Option("--input", "-i", help="JSON Lines: id, sources[].")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSON Lines: one article per story.")
    ],
    max_words: Annotated[int | None, typer.Option(help="Body length budget in words.")] = None,
) -> None:
    """Write one cited article per story: headline, summary, body with [n] markers, sentences
    with citations, references, quote and tags. A story that cannot be written gets a line with
    its id and an `error` instead; the others are written, and the command then exits 1."""
    from gazette.batch import SummarizeInput, read_jsonl, summarize_records, write_jsonl
    from gazette.embedding import default_embedder
    from gazette.write.stage import StoryWriter

    settings = _state(ctx).settings()
    records = read_jsonl(input, SummarizeInput)
    words = max_words or settings.write.max_words
    if words < 40:
        raise InputError("--max-words must be at least 40")
    write_settings = settings.write.model_copy(update={"max_words": words})
    writer = StoryWriter(default_embedder(), write_settings)
    try:
        with output.open("w", encoding="utf-8") as handle:
            articles = list(summarize_records(records, writer))
            write_jsonl(articles, handle)
    finally:
        writer.close()
    failed = [a for a in articles if "error" in a]
    err.print(f"{len(articles) - len(failed)} articles -> {output}")
    for article in failed:
        err.print(f"story {article['id']!r} not written: {article['error']}")
    if failed:
        raise typer.Exit(1)


def main() -> None:
    app()
