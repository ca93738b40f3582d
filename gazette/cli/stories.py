"""Looking into a story: how it was formed (`story`), what the check did (`checks`); fixing
the clustering by hand (`stories move | merge | split`, gazette/regroup.py does the work)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from gazette import audit
from gazette.cli.base import (
    app,
    out,
    reports_errors,
    state_of,
)
from gazette.db.engine import fits_in_id
from gazette.errors import InputError, NotFound
from gazette.text import how_many

stories_app = typer.Typer(
    help="Fix the clustering by hand: move a report, merge two stories, split one. The "
    "pipeline keeps these decisions on every later run."
)
app.add_typer(stories_app, name="stories")


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

    if not fits_in_id(story) or not fits_in_id(version or 0):  # as for any number with no row
        which = f"version {version} of story {story}" if version else f"story {story}"
        raise NotFound(f"no article for {which}")
    with state_of(ctx).database().session() as session:
        article = article_version(session, story, version)
        out.print(
            f"story {story}, version {article.version}, written by {article.writer}: "
            f"{article.headline}",
            soft_wrap=True,
        )
        if not article.checks:
            out.print("no check decisions: the default writer takes its sentences from the sources")
            return
        colours = {"kept": "green", "corrected": "yellow", "replaced": "red", "dropped": "red"}
        for check in article.checks:
            colour = colours.get(check.outcome, "red")
            cited = f" citing [{check.proposed_sources}]" if check.proposed_sources else ""
            where = f"\n{check.section} {check.position + 1}{cited}: "
            out.print(Text.assemble(where, (check.outcome, colour)), soft_wrap=True)
            lines = [f"  why:       {check.reason}"]
            if check.proposed:
                lines.insert(0, f"  proposed:  {check.proposed}")
            if check.final != check.proposed:
                lines.append(f"  published: {check.final or '(nothing)'}")
            out.print("\n".join(lines), soft_wrap=True)


@app.command()
@reports_errors
def story(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The story's number, as in /story/NUMBER/.")],
) -> None:
    """Show how a story was formed: each report with why it joined (or started) the story and
    any move since, the stories merged into it, the thread it continues, and apart from its
    reports the opinion and other pieces placed beside it (never its sources)."""
    from gazette.cluster.history import story_history
    from gazette.db.asides import story_asides

    if not fits_in_id(number):  # as for any number with no story
        raise NotFound(f"there is no story {number}")
    with state_of(ctx).database().session() as session:
        history = story_history(session, number)
        asides = story_asides(session, history.story_id)
    for absorbed, survivor, reason in history.redirects:
        out.print(
            f"story {absorbed} was merged into story {survivor}: {reason}",
            soft_wrap=True,
        )
    title = f": {history.headline}" if history.headline else ""
    out.print(
        f"story {history.story_id} ({history.state}), "
        f"{how_many(len(history.reports), 'report')}{title}",
        soft_wrap=True,
    )
    if history.thread_root is not None:
        why = f": {history.thread_reason}" if history.thread_reason else ""
        out.print(
            f"continues the thread of story {history.thread_root}{why}",
            soft_wrap=True,
        )
    if history.continued_by:
        later = ", ".join(str(story_id) for story_id in history.continued_by)
        out.print(f"continued by stories {later}")
    if history.kept_apart:
        apart = ", ".join(str(story_id) for story_id in history.kept_apart)
        which = "story" if len(history.kept_apart) == 1 else "stories"
        out.print(f"kept apart by an editor from {which} {apart}")
    for report in history.reports:
        when = f"{report.published:%Y-%m-%d %H:%M}" if report.published else "undated"
        placed = "  (placed by an editor)" if report.pinned else ""
        out.print(
            f"\n{when}  report {report.document_id}{placed}  {report.outlet}: {report.title}"
            f"\n  {report.url}\n  why: {report.reason}",
            soft_wrap=True,
        )
    for absorbed in history.absorbed:
        out.print(
            f"\nstory {absorbed.story_id} merged into it: {absorbed.reason}",
            soft_wrap=True,
        )
    if asides:
        out.print(
            f"\nOpinion on this story ({len(asides)}, listed apart, never cited or counted):",
            soft_wrap=True,
        )
    for piece in asides:
        when = f"{piece.published_at:%Y-%m-%d %H:%M}" if piece.published_at else "undated"
        writers = f"{', '.join(piece.writers)} in " if piece.writers else ""
        out.print(
            f"\n{when}  {piece.kind} {piece.document_id}  {writers}{piece.outlet}: {piece.title}"
            f"\n  {piece.url}\n  why: {piece.reason}",
            soft_wrap=True,
        )


def _show(outcome: object) -> None:
    from gazette.regroup import Outcome

    assert isinstance(outcome, Outcome)
    message = outcome.message if outcome.changed else f"nothing to do: {outcome.message}"
    out.print(message, soft_wrap=True)
    if outcome.rewritten:
        listed = ", ".join(str(story_id) for story_id in outcome.rewritten)
        which = "story" if len(outcome.rewritten) == 1 else "stories"
        out.print(
            f"{which} {listed} will be written again by the next `gazette run` or the worker",
            soft_wrap=True,
        )


@stories_app.command("move")
@reports_errors
def stories_move(
    ctx: typer.Context,
    report: Annotated[int, typer.Argument(help="The report's number (see `gazette story`).")],
    to: Annotated[int | None, typer.Option("--to", help="The story to move it to.")] = None,
    new: Annotated[bool, typer.Option("--new", help="Move it out to a new story.")] = False,
) -> None:
    """Move a report (with its syndicated copies) to another story, or out to a new one. The
    clusterer never moves it back, and keeps its old and new stories apart."""
    from gazette.regroup import move_report

    if (to is None) == (not new):
        raise InputError("give either --to STORY or --new")
    with state_of(ctx).database().transaction() as session:
        outcome = move_report(session, report, to, audit.command_line_actor())
    _show(outcome)


@stories_app.command("merge")
@reports_errors
def stories_merge(
    ctx: typer.Context,
    story: Annotated[int, typer.Argument(help="The story to merge away.")],
    into: Annotated[int, typer.Argument(help="The story it joins, which keeps its number.")],
) -> None:
    """Merge story STORY into story INTO: its reports join INTO, and its address leads there.
    The clusterer never splits what an editor merged."""
    from gazette.regroup import merge_stories

    with state_of(ctx).database().transaction() as session:
        outcome = merge_stories(session, story, into, audit.command_line_actor())
    _show(outcome)


def _report_numbers(value: str) -> list[int]:
    numbers = []
    for part in value.split(","):
        part = part.strip()
        if not (part.isascii() and part.isdigit()):
            raise InputError(f"--reports takes report numbers separated by commas, not {part!r}")
        numbers.append(int(part))
    return numbers


@stories_app.command("split")
@reports_errors
def stories_split(
    ctx: typer.Context,
    story: Annotated[int, typer.Argument(help="The story to split.")],
    reports: Annotated[
        str, typer.Option("--reports", help="The reports that leave it, e.g. 12,15,17.")
    ],
) -> None:
    """Split the reports given off STORY into a new story. The clusterer never merges the two
    again."""
    from gazette.regroup import split_story

    numbers = _report_numbers(reports)
    with state_of(ctx).database().transaction() as session:
        outcome = split_story(session, story, numbers, audit.command_line_actor())
    _show(outcome)
