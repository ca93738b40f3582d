"""`gazette desk ...`: the editor's decisions from a terminal, for operators without a browser.
The same operations as the desk's review page (gazette/editing.py), recorded in the audit log
as `cli:<system user>`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gazette.cli.base import app, out, reports_errors, state_of
from gazette.cli.listing import print_listing
from gazette.db.engine import fits_in_id
from gazette.errors import NotFound

if TYPE_CHECKING:
    from gazette.editing import Actor, QueueEntry

desk_app = typer.Typer(
    help="List the stories that wait for an editor; publish, hold or unpublish one."
)
app.add_typer(desk_app, name="desk")

StoryNumber = Annotated[int, typer.Argument(help="The story's number, as in /story/NUMBER/.")]


def _checked(story: int) -> int:
    if not fits_in_id(story):
        raise NotFound(f"there is no story {story}")
    return story


@desk_app.command("list")
@reports_errors
def desk_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 100,
) -> None:
    """The stories whose newest version waits for an editor, the most recently written first."""
    from gazette import editing

    with state_of(ctx).database().session() as session:
        entries = editing.waiting(session, limit)
    columns = ("story", "version", "readers see", "state", "written", "headline")
    print_listing(entries, columns, _row, "nothing waits for an editor")


def _row(entry: QueueEntry) -> tuple[str, ...]:
    marks = [m for m, on in (("held", entry.held), ("withdrawn", entry.withdrawn)) if on]
    return (
        str(entry.story_id),
        f"v{entry.version}",
        f"v{entry.live_version}" if entry.live_version else "nothing",
        ", ".join(marks) or "waiting",
        f"{entry.written_at:%Y-%m-%d %H:%M}",
        entry.headline,
    )


def _actor() -> Actor:
    from gazette import audit, editing

    return editing.Actor(audit.command_line_actor())


@desk_app.command("publish")
@reports_errors
def desk_publish(ctx: typer.Context, story: StoryNumber) -> None:
    """Publish the story's newest version (a hold or a withdrawal ends)."""
    from gazette import editing

    with state_of(ctx).database().transaction() as session:
        article = editing.publish(session, _checked(story), _actor())
    out.print(f"published story {story}: readers see v{article.version}")


@desk_app.command("hold")
@reports_errors
def desk_hold(ctx: typer.Context, story: StoryNumber) -> None:
    """Keep the story's new versions for an editor, even with write.auto_publish on."""
    from gazette import editing

    with state_of(ctx).database().transaction() as session:
        editing.hold(session, _checked(story), _actor())
    out.print(f"held story {story}: its new versions wait for an editor")


@desk_app.command("unpublish")
@reports_errors
def desk_unpublish(
    ctx: typer.Context,
    story: StoryNumber,
    reason: Annotated[str, typer.Option(help="Why, for the audit log.")] = "",
) -> None:
    """Take the story off the site: its page tells readers it was withdrawn (HTTP 410)."""
    from gazette import editing

    with state_of(ctx).database().transaction() as session:
        editing.unpublish(session, _checked(story), _actor(), reason)
    out.print(f"unpublished story {story}: its page says it was withdrawn")
