"""Looking into a story: how it was formed (`story`), what the check did (`checks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gazette.cli.base import (
    app,
    out,
    reports_errors,
    state_of,
)
from gazette.db.engine import fits_in_id
from gazette.errors import NotFound

if TYPE_CHECKING:
    pass


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

    if not fits_in_id(number):  # as for any number with no story
        raise NotFound(f"there is no story {number}")
    with state_of(ctx).database().session() as session:
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
