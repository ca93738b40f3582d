"""`gazette tags ...`: fixing the tags the tag stage got wrong, without a browser. The work is
gazette/tag/decisions.py's, as it is for the desk's Tags page, and each decision is written to
the audit log as the system user (`cli:<name>`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from gazette import audit
from gazette.cli.base import app, out, reports_errors, state_of
from gazette.cli.listing import print_listing
from gazette.tag import decisions
from gazette.text import how_many

tags_app = typer.Typer(help="List tags; rename, merge, hide and show them.")
app.add_typer(tags_app, name="tags")

Slug = Annotated[str, typer.Argument(help="The tag's slug, as in its page's address /tag/SLUG.")]


@tags_app.command("list")
@reports_errors
def tags_list(
    ctx: typer.Context,
    kind: Annotated[
        str | None, typer.Option(help="Only this kind: person, organisation, place or topic.")
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Only tags whose name or slug holds this.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Most tags listed.", min=1, max=100_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show tags, the most used first, with their kind, stories and the editors' decisions."""
    with state_of(ctx).database().session() as session:
        rows = decisions.list_tags(session, kind, search, limit)
    columns = ("slug", "name", "kind", "stories", "decision")
    print_listing(rows, columns, _row, "no tags", as_json, asdict)


def _row(entry: decisions.TagEntry) -> tuple[str, ...]:
    """The tag in the table: its decision blank when there is none."""
    decision = "" if entry.state == "plain" else entry.state
    if entry.merged_into:
        decision += f" into {entry.merged_into}"
    return (entry.slug, entry.name, entry.kind, str(entry.stories), decision)


@tags_app.command("rename")
@reports_errors
def tags_rename(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str | None, typer.Option(help="The new display name.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="The new kind: person, organisation, place or topic.")
    ] = None,
) -> None:
    """Give a tag a new name and/or kind. Its address (slug) stays."""
    with state_of(ctx).database().transaction() as session:
        entry = decisions.rename(session, slug, audit.command_line_actor(), name, kind)
    out.print(f"tag {entry.slug} is now {entry.name} ({entry.kind})")


@tags_app.command("merge")
@reports_errors
def tags_merge(
    ctx: typer.Context,
    slug: Slug,
    into: Annotated[str, typer.Option("--into", help="The slug of the tag to use instead.")],
) -> None:
    """Merge a tag into another: its stories, and every story tagged later, get the other."""
    with state_of(ctx).database().transaction() as session:
        moved = decisions.merge(session, slug, into, audit.command_line_actor())
    out.print(f"tag {slug} is merged into {into}: {how_many(moved, 'story', 'stories')} moved")


@tags_app.command("hide")
@reports_errors
def tags_hide(ctx: typer.Context, slug: Slug) -> None:
    """Never show a tag: its stories lose it now, and no story gets it again."""
    with state_of(ctx).database().transaction() as session:
        untagged = decisions.hide(session, slug, audit.command_line_actor())
    out.print(f"tag {slug} is hidden: {how_many(untagged, 'story', 'stories')} untagged")


@tags_app.command("show")
@reports_errors
def tags_show(ctx: typer.Context, slug: Slug) -> None:
    """Undo `tags hide` or `tags merge`: stories get the tag again as they are next tagged."""
    with state_of(ctx).database().transaction() as session:
        entry = decisions.show(session, slug, audit.command_line_actor())
    out.print(f"tag {entry.slug} is shown again: stories get it as they are next tagged")
