"""`gazette sources ...`: the feeds, sitemaps and pages Gazette follows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from gazette.cli.base import (
    app,
    err,
    out,
    reports_errors,
    state_of,
)
from gazette.config import Settings
from gazette.errors import InputError

if TYPE_CHECKING:
    pass

sources_app = typer.Typer(help="Add, list and remove the feeds and pages Gazette follows.")
app.add_typer(sources_app, name="sources")


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
    from gazette.sources.registry import check_settings

    check_settings(interval, language, name)  # before anything is fetched
    state = state_of(ctx)
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
    from gazette.sources.discover import discover_location

    candidates = discover_location(settings.fetch, location)
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

    database = state_of(ctx).database()
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
    for row in rows:
        if row["ignored_interval"]:
            out.print(
                f"source {row['id']}: its stored interval ({row['ignored_interval']} minutes) is "
                f"not usable and is ignored: the default applies until `gazette sources update "
                f"{row['id']} --interval MINUTES` sets one",
                soft_wrap=True,
            )


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

    database = state_of(ctx).database()
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
    database = state_of(ctx).database()
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

    state = state_of(ctx)
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

    database = state_of(ctx).database()
    with database.transaction() as session:
        removed = remove_source(session, source)
        out.print(f"removed source {removed.id}: {removed.url}")
