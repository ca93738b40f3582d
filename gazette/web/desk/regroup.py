"""Fixing the clustering on the desk: a story's reports (/desk/story/{id}/reports), with forms
to move one to another story or out to a new one, to merge the story with another, and to split
a selection off it. The work is gazette/regroup.py's, the same as `gazette stories ...`.

Every route needs an editor's login (the router's dependency) and every form its CSRF token
(gazette/web/csrf.py, for the whole app). A form that succeeds is answered with a redirect to
the page of the story where things now are (so that reloading does not send it again); one the
service refuses shows the page again with why, and changes nothing. A merge is asked twice: the
first post reads what it would do (without the cluster stage's lock), and the page asks whether
to do it, naming both stories as they are, with a button that posts it again, confirmed, with
what the question showed; when either story changed meanwhile, the page asks again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette import regroup
from gazette.cluster.history import StoryHistory, story_history
from gazette.db.models import StoryMember
from gazette.errors import InputError, NotFound
from gazette.text import how_many
from gazette.web.auth import Editor, Staff, client_address, require_editor
from gazette.web.dependencies import ReadSession
from gazette.web.desk import queries
from gazette.web.desk.questions import CONFIRMED, SEEN, NotConfirmed, Question, fingerprint
from gazette.web.desk.routes import desk_page
from gazette.web.desk.views import MergeSide
from gazette.web.templating import path_for
from gazette.work import serialized

MAX_ID_DIGITS = 18  # below 2**63, the largest integer SQLite and PostgreSQL store
NEARBY = 20  # stories offered as places to move a report to
NEARBY_HOURS = 72.0
# What the page says after a form succeeded (`?done=`): fixed texts, nothing from the request.
DONE = {
    "moved": "The report was moved. Both stories will be written again.",
    "merged": "The stories were merged: this story has all their reports, and the other "
    "story's address now leads here. It will be written again.",
    "split": "The reports were split off into this new story. Both stories will be written again.",
    "kept": "The report is kept in this story: the clustering will not move it.",
    "unchanged": "Nothing to do: that was already done.",
}

BUSY = "The database is busy with other work. Nothing was changed: send the form again soon."

router = APIRouter(prefix="/desk", dependencies=[Depends(require_editor)])


@dataclass(frozen=True)
class ReportsPage:
    story: StoryHistory
    nearby: list[regroup.NearbyStory]


def _number(raw: str, what: str) -> int:
    """A story or report number typed in a form; anything else is refused with InputError,
    which the story's page shows above the forms, with what was typed still in them."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_ID_DIGITS:
        raise InputError(f"give {what} as a number, such as 12")
    return int(raw)


def _in_path(raw: str, what: str) -> int:
    """A story or report number from the address: anything else is a page that is not there."""
    try:
        return _number(raw, what)
    except InputError as exc:
        raise HTTPException(404, f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from exc


def _page_path(request: Request, story_id: int, done: str) -> str:
    return f"{path_for(request, 'desk_story_reports', story_id=str(story_id))}?done={done}"


def _render(
    request: Request,
    session: Session,
    staff: Staff,
    history: StoryHistory,
    done: str | None = None,
    error: str | None = None,
    status: int = 200,
    typed: Mapping[str, object] | None = None,
    ask: Question | None = None,
) -> Response:
    nearby = regroup.nearby_stories(session, history.story_id, NEARBY, NEARBY_HOURS)
    context = {
        "page": ReportsPage(history, nearby),
        "done": DONE.get(done or ""),
        "error": error,
        "typed": typed or {},
        "ask": ask,
    }
    return desk_page(request, staff, "regroup.html", context, status)


@router.get("/story/{story_id}/reports", name="desk_story_reports", response_class=HTMLResponse)
def story_reports(
    request: Request,
    session: ReadSession,
    staff: Editor,
    story_id: str,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The story's reports and the forms that regroup them. A story merged into another is
    shown where it now lives."""
    number = _in_path(story_id, "the story")
    history = _history_or_404(session, number)
    done = done if done in DONE else ""
    if history.story_id != number:
        return RedirectResponse(_page_path(request, history.story_id, done), 303)
    return _render(request, session, staff, history, done)


def _history_or_404(session: Session, number: int) -> StoryHistory:
    try:
        return story_history(session, number)
    except NotFound as exc:
        raise HTTPException(404, f"There is no story {number}.") from exc


Operation = Callable[[Session, str, str], regroup.Outcome]


def _apply(
    request: Request,
    staff: Staff,
    story_id: int,
    operation: Operation,
    typed: Mapping[str, object],
    writes: bool = True,
) -> Response:
    """Run `operation(session, actor, address)` in a transaction of its own (a read-only one
    unless it `writes`): on success, go to the page of the story it names; when refused, show
    this story's page with why (the transaction rolled back: nothing changed) and what was
    `typed` in the form's fields; when it asks a question first, show the page with it."""
    database = request.app.state.database
    try:
        with database.transaction() if writes else database.session() as session:
            outcome = operation(session, staff.name, client_address(request))
    except NotConfirmed as asked:
        with database.session() as session:
            history = _history_or_404(session, story_id)
            return _render(request, session, staff, history, typed=typed, ask=asked.question)
    except (InputError, NotFound) as exc:
        with database.session() as session:
            history = _history_or_404(session, story_id)
            status = exc.http_status
            return _render(
                request, session, staff, history, error=str(exc), status=status, typed=typed
            )
    except DBAPIError as exc:  # another process held the database too long: try again later
        if (problem := database.unusable(exc)) is None:
            raise
        raise HTTPException(problem.http_status, BUSY) from exc
    return RedirectResponse(_page_path(request, outcome.story_id, outcome.done), 303)


@router.post("/story/{story_id}/reports/{report_id}/move", name="desk_move_report")
def move_report(
    request: Request,
    staff: Editor,
    story_id: str,
    report_id: str,
    to: Annotated[str, Form(max_length=40)] = "",
    new: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    number = _in_path(story_id, "the story")
    report = _in_path(report_id, "the report")

    def operation(session: Session, actor: str, address: str) -> regroup.Outcome:
        target = None if new else _number(to, "the story to move the report to")
        member = session.get(StoryMember, report)
        if member is None or member.story_id != number:  # the page was out of date
            raise InputError(f"report {report} is not in story {number} any more")
        return regroup.move_report(session, report, target, actor, address)

    return _apply(request, staff, number, operation, {"report": report, "to": to})


def _described(side: MergeSide) -> str:
    """A story as a merge's question names it: its number, headline and reports."""
    headline = side.headline or "not written yet"
    reports = how_many(len(side.reports), "report", "reports")
    return f"story {side.story_id} (“{headline}”, {reports})"


def _seen(side: MergeSide) -> str:
    """What the question showed of a story, and what would change what the merge does: its
    newest version (a rewrite, an edit) and its reports (one that joined or left)."""
    return fingerprint(side.headline, side.version, side.reports)


def _merge_question(
    request: Request,
    session: Session,
    number: int,
    pair: tuple[int, int],
    direction: str,
    seen: str,
) -> Question:
    """The question a merge of `pair` (absorbed, survivor) asks, asked from story `number`'s
    page: it names both stories as they are now, and its button posts the other story's number
    as read and what the question showed (`SEEN`). Given the `seen` of an earlier question that
    no longer holds, it says which story changed since, and that nothing was merged."""
    sides = [queries.merge_side(session, story) for story in pair]
    now = [_seen(side) for side in sides]
    absorbed, survivor = pair
    text = (
        f"Merge {_described(sides[0])} into {_described(sides[1])}? Story {survivor} keeps "
        f"its number and gets all the reports, story {absorbed}'s address leads there from then "
        f"on, and story {survivor} is written again. Nothing is changed until you say yes."
    )
    title = "Confirm the merge"
    was = [*seen.split("."), "", ""][:2] if seen else now  # a story's fingerprint, each side
    pairs = zip(sides, now, was, strict=True)
    changed = [side.story_id for side, digest, before in pairs if digest != before]
    if changed:
        named = " and ".join(f"story {story}" for story in changed)
        title = f"Confirm the merge again: {named} changed"
        text = (
            f"Nothing was merged: {named} changed after you were asked (reports joined or left, "
            f"or it was written again). As {'it is' if len(changed) == 1 else 'they are'} now: "
            f"{text}"
        )
    return Question(
        title=title,
        text=text,
        action=path_for(request, "desk_merge_story", story_id=str(number)),
        button=f"Yes, merge story {absorbed} into story {survivor}",
        cancel=path_for(request, "desk_story_reports", story_id=str(number)),
        fields={
            "other": str(survivor if absorbed == number else absorbed),
            "direction": direction,
            SEEN: ".".join(now),
        },
    )


@router.post("/story/{story_id}/merge", name="desk_merge_story")
def merge_story(
    request: Request,
    staff: Editor,
    story_id: str,
    other: Annotated[str, Form(max_length=40)] = "",
    direction: Annotated[str, Form(max_length=10)] = "into",
    confirm: Annotated[str, Form(max_length=10)] = "",
    seen: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """`direction` "into": this story is merged into `other`; "from": `other` into this one.
    Asked twice: without `confirm=yes` the page asks the question, naming both stories as they
    are (or says why the merge would be refused); with it, the merge is done if both stories
    are still as the question showed them (`seen`), else the page asks again.

    Asking reads and takes no lock, so it is not kept waiting while the pipeline clusters. It
    does not rehearse the merge in a transaction rolled back: on SQLite a transaction that
    writes takes the database's one write lock, rolled back or not, and on PostgreSQL the
    rehearsed updates would wait for the rows the clusterer holds. `regroup.merge_check` says
    instead, by the same rules, what the merge would do."""
    number = _in_path(story_id, "the story")
    confirmed = confirm == CONFIRMED

    def operation(session: Session, actor: str, address: str) -> regroup.Outcome:
        other_number = _number(other, "the other story")
        if direction not in ("into", "from"):
            raise InputError("choose which story keeps its number")
        pair = (number, other_number) if direction == "into" else (other_number, number)
        if confirmed:
            # Under the cluster stage's lock no report joins or leaves either story between the
            # check and the merge (on SQLite the transaction holds the write lock from its start
            # and nothing changes at all; on PostgreSQL a version written meanwhile goes
            # unseen, harmlessly: the merged story is written again).
            serialized(session, regroup.STAGE)
        if (done := regroup.merge_check(session, *pair)) is not None:
            return done  # merged already: nothing to ask
        question = _merge_question(request, session, number, pair, direction, seen)
        if not confirmed or question.fields[SEEN] != seen:
            raise NotConfirmed(question)
        return regroup.merge_stories(session, *pair, actor, address)

    typed = {"other": other, "direction": direction}
    return _apply(request, staff, number, operation, typed, writes=confirmed)


@router.post("/story/{story_id}/split", name="desk_split_story")
def split_story(
    request: Request,
    staff: Editor,
    story_id: str,
    reports: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    number = _in_path(story_id, "the story")

    def operation(session: Session, actor: str, address: str) -> regroup.Outcome:
        if len(reports) > regroup.MAX_SPLIT:
            raise InputError(f"choose at most {regroup.MAX_SPLIT} reports")
        chosen = [_number(report, "each report") for report in reports]
        return regroup.split_story(session, number, chosen, actor, address)

    return _apply(request, staff, number, operation, {})
