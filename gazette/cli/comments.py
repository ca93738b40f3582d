"""`gazette comments ...`: moderating readers' comments without a browser (gazette/comments.py
does the work, as it does for the desk's Comments page, and writes the audit log)."""

from __future__ import annotations

from typing import Annotated

import typer

from gazette import audit, comments
from gazette.cli.base import app, out, reports_errors, state_of
from gazette.cli.listing import print_listing
from gazette.text import collapse_spaces

comments_app = typer.Typer(help="List, approve, reject and delete readers' comments.")
app.add_typer(comments_app, name="comments")

EXCERPT = 80  # characters of a comment in the table


@comments_app.command("list")
@reports_errors
def comments_list(
    ctx: typer.Context,
    status: Annotated[
        str,
        typer.Option(help="pending (waiting for a moderator), visible, rejected, or all."),
    ] = "pending",
    limit: Annotated[int, typer.Option(help="Most comments listed.", min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show comments: by default those waiting for a moderator, oldest first."""
    wanted = comments.check_status(status)
    with state_of(ctx).database().session() as session:
        rows = comments.list_comments(session, wanted, limit)
    columns = ("id", "story", "posted", "status", "author", "comment", "address")
    print_listing(rows, columns, _row, f"no comments ({status})", as_json, _record)


def _record(row: comments.CommentRow) -> dict[str, object]:
    return {
        "id": row.id,
        "story": row.story_id,
        "author": row.author,
        "body": row.body,
        "status": row.status,
        "posted": row.posted_at.isoformat(),
        "address": row.address_tag,
        "from_address": row.from_address,
        "blocked": row.blocked,
    }


def _row(row: comments.CommentRow) -> tuple[str, ...]:
    """The comment in the table: its text on one line, cut short; its address's label with how
    many comments came from it."""
    text = collapse_spaces(row.body)
    if len(text) > EXCERPT:
        text = text[: EXCERPT - 1] + "…"
    address = row.address_tag or ""
    if address:
        address += f" ({row.from_address})" + (" blocked" if row.blocked else "")
    return (
        str(row.id),
        str(row.story_id),
        f"{row.posted_at:%Y-%m-%d %H:%M}",
        row.status,
        row.author,
        text,
        address,
    )


@comments_app.command("approve")
@reports_errors
def comments_approve(
    ctx: typer.Context, comment: Annotated[str, typer.Argument(help="The comment's id.")]
) -> None:
    """Show a comment to readers."""
    with state_of(ctx).database().transaction() as session:
        done = comments.approve(session, comment, audit.command_line_actor())
    out.print(done.message, soft_wrap=True)


@comments_app.command("reject")
@reports_errors
def comments_reject(
    ctx: typer.Context,
    comment: Annotated[str, typer.Argument(help="The comment's id.")],
    block: Annotated[
        bool,
        typer.Option(
            "--block",
            help="Also refuse every later comment from its address, and reject those of that "
            "address still waiting.",
        ),
    ] = False,
) -> None:
    """Hide a comment from readers (it stays listed as rejected)."""
    with state_of(ctx).database().transaction() as session:
        done = comments.reject(session, comment, audit.command_line_actor(), block)
    out.print(done.message, soft_wrap=True)


@comments_app.command("delete")
@reports_errors
def comments_delete(
    ctx: typer.Context, comment: Annotated[str, typer.Argument(help="The comment's id.")]
) -> None:
    """Remove a comment for good (the audit log keeps its author and first words)."""
    with state_of(ctx).database().transaction() as session:
        done = comments.delete(session, comment, audit.command_line_actor())
    out.print(done.message, soft_wrap=True)
