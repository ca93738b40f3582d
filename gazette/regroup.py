"""Fixing the clustering by hand: an editor moves a report to another story or to a new one,
merges two stories, or splits one. The desk (gazette/web/desk/regroup.py) and the command line
(`gazette stories ...`) call the same three operations.

Each decision is kept in the database, where the cluster stage reads it on every later run, so
that the clusterer never undoes it:
- every report the editor placed is pinned (`StoryMember.pinned`): the clusterer never moves it
  out of its story again (it goes along only when its whole story is merged);
- the two stories of a move or a split are kept apart (`StorySeparation`): the clusterer never
  merges them again, nor the stories they are later merged into.

Each operation runs under the cluster stage's lock and counts as one of its steps (its
generation, gazette/work.py), so that a worker holding the clusterer in memory reads the stories
again before it assigns another report. The stories whose reports changed go back to CLUSTERED
(gazette/db/states.py) to be written, tagged and published again, by the next run or the worker;
without `write.auto_publish` their new versions wait on the desk. Readers keep the published
version meanwhile; a story merged away redirects to the one it joined. Every change is in the
audit log, with who made it, in the same transaction.

Doing the same thing twice changes nothing the second time, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gazette import audit
from gazette.cluster.stage import merge_story, refresh_stories, separate, separated_from
from gazette.db.engine import fits_in_id
from gazette.db.models import Article, Document, DocumentStatus, Story, StoryMember, utcnow
from gazette.errors import InputError, NotFound
from gazette.text import how_many
from gazette.work import generation, serialized, stepped

STAGE = "cluster"
MAX_SPLIT = 1000  # reports named in one split: more is not a selection an editor made


@dataclass(frozen=True)
class Outcome:
    """What an operation did: `story_id` is where to look next (the story the report or the
    selection is now in, or the story that survived a merge)."""

    changed: bool
    message: str
    story_id: int
    rewritten: tuple[int, ...] = ()
    # What was done: "moved", "kept" (a report pinned where it was), "merged", "split", or
    # "unchanged" (it had been done already).
    done: str = "unchanged"


@dataclass(frozen=True)
class NearbyStory:
    """A story of the same days as another, offered to an editor as a place to move a report."""

    story_id: int
    headline: str | None
    reports: int
    first_report: datetime
    last_report: datetime


def _start(session: Session) -> None:
    """Wait for the cluster stage's lock (one clustering at a time, editors' included)."""
    serialized(session, STAGE)
    generation(session, STAGE)


def _story(session: Session, story_id: int, role: str = "") -> Story:
    story = session.get(Story, story_id) if fits_in_id(story_id) else None
    if story is None:
        raise NotFound(f"there is no story {story_id}")
    if story.merged_into_id is not None:
        final = _final(session, story)
        raise InputError(
            f"story {story_id} was merged into story {final.id}{role}: use story {final.id}"
        )
    return story


def _final(session: Session, story: Story) -> Story:
    """The story `story` now lives on as, following merges."""
    seen = set()
    while story.merged_into_id is not None and story.id not in seen:
        seen.add(story.id)
        story = session.get(Story, story.merged_into_id)
    return story


def _member(session: Session, report_id: int) -> StoryMember:
    member = session.get(StoryMember, report_id) if fits_in_id(report_id) else None
    if member is not None:
        return member
    document = session.get(Document, report_id) if fits_in_id(report_id) else None
    if document is None:
        raise NotFound(f"there is no report {report_id}")
    why = {
        DocumentStatus.ASIDE: f"is not a news report ({document.kind}): it is never put in a story",
        DocumentStatus.DUPLICATE: "is a duplicate of another report: it is never put in a story",
        DocumentStatus.FAILED: "could not be fetched or read: it is in no story",
    }.get(document.status, "is in no story yet: it waits to be clustered")
    raise InputError(f"report {report_id} {why}")


def _copies_in(session: Session, story_id: int, report_ids: Iterable[int]) -> list[StoryMember]:
    """The syndicated copies of `report_ids` that are in story `story_id`: they go where their
    original goes (a copy is the same text, counted once with it)."""
    wanted = list(report_ids)
    return list(
        session.scalars(
            select(StoryMember)
            .join(Document, Document.id == StoryMember.document_id)
            .where(
                StoryMember.story_id == story_id,
                Document.copy_of_id.in_(wanted),
                StoryMember.document_id.not_in(wanted),
            )
        )
    )


def _new_story(session: Session, reports: list[StoryMember]) -> Story:
    """An empty story for `reports`, with their times (`refresh_stories` keeps them right)."""
    times = [m.document.published_at or m.document.discovered_at or utcnow() for m in reports] or [
        utcnow()
    ]
    story = Story(first_report_at=min(times), last_report_at=max(times))
    session.add(story)
    session.flush()
    return story


def _place(member: StoryMember, story_id: int, why: str, now: datetime) -> None:
    member.story_id = story_id
    member.pinned = True
    member.joined_at = now
    member.reason = f"{member.reason}; then {why}"


def _pin(session: Session, story_id: int) -> None:
    session.execute(update(StoryMember).where(StoryMember.story_id == story_id).values(pinned=True))


def _finish(session: Session, rewritten: set[int]) -> tuple[int, ...]:
    """Send the changed stories back to be written, and count the change as a step of the
    cluster stage (a worker's clusterer in memory is then read again)."""
    refresh_stories(session, rewritten)
    stepped(session, STAGE)
    return tuple(sorted(rewritten))


def move_report(
    session: Session,
    report_id: int,
    to_story: int | None,
    actor: str,
    address: str | None = None,
) -> Outcome:
    """Move report `report_id` (and its syndicated copies in the same story) to story
    `to_story`, or to a new story when it is None. The report is pinned where it lands, and its
    old story and its new one are kept apart. A story left without reports is merged into the
    one its last report went to (its address redirects there). Moving a report to the story it
    is in, or a story's only report to a new story, pins it where it is."""
    _start(session)
    member = _member(session, report_id)
    old_id = member.story_id
    target = None if to_story is None else _story(session, to_story, " (the story to move to)")
    now = utcnow()
    moving = [member, *_copies_in(session, old_id, [report_id])]
    alone = len(moving) == session.scalar(
        select(func.count()).select_from(StoryMember).where(StoryMember.story_id == old_id)
    )
    if (target is None and alone) or (target is not None and target.id == old_id):
        if member.pinned:
            return Outcome(False, f"report {report_id} is already placed in story {old_id}", old_id)
        member.pinned = True
        member.reason = f"{member.reason}; then kept in story {old_id} by {actor}"
        audit.record(
            session,
            actor,
            audit.Action.REPORT_MOVED,
            f"report {report_id}",
            f"kept in story {old_id}",
            address,
        )
        stepped(session, STAGE)
        return Outcome(True, f"report {report_id} is kept in story {old_id}", old_id, (), "kept")
    created = target is None
    if target is None:
        target = _new_story(session, moving)
    why = f"moved from story {old_id} to story {target.id} by {actor}"
    for moved in moving:
        _place(moved, target.id, why, now)
    session.flush()
    separate(session, old_id, target.id)
    emptied = alone  # with all of its reports gone, the old story redirects to the new one
    if emptied:
        reason = f"its last report moved to story {target.id} by {actor}"
        merge_story(session, old_id, target.id, reason, "")
    rewritten = _finish(session, {old_id, target.id} - ({old_id} if emptied else set()))
    copies = len(moving) - 1
    detail = (
        f"from story {old_id} to {'a new ' if created else ''}story {target.id}"
        + (f", with {copies} syndicated {'copy' if copies == 1 else 'copies'}" if copies else "")
        + (f"; story {old_id}, left empty, now redirects there" if emptied else "")
    )
    audit.record(session, actor, audit.Action.REPORT_MOVED, f"report {report_id}", detail, address)
    return Outcome(True, f"report {report_id} moved {detail}", target.id, rewritten, "moved")


def merge_check(session: Session, story_id: int, into: int) -> Outcome | None:
    """What `merge_stories(session, story_id, into, ...)` would answer, without changing
    anything: its refusals are raised, its outcome returned when the merge was done already,
    and None when it would merge. It only reads, and takes no lock: the desk asks its question
    with it while the pipeline may be clustering (gazette/web/desk/regroup.py)."""
    absorbed = session.get(Story, story_id) if fits_in_id(story_id) else None
    if absorbed is None:
        raise NotFound(f"there is no story {story_id}")
    survivor = _story(session, into, " (the story to merge into)")
    if absorbed.merged_into_id is not None:
        final = _final(session, absorbed)
        if final.id == survivor.id:
            return Outcome(False, f"story {story_id} is already merged into story {into}", into)
        raise InputError(f"story {story_id} was merged into story {final.id}: use story {final.id}")
    if absorbed.id == survivor.id:
        raise InputError("a story cannot be merged into itself: give two different stories")
    return None


def merge_stories(
    session: Session, story_id: int, into: int, actor: str, address: str | None = None
) -> Outcome:
    """Merge story `story_id` into story `into`: its reports join `into`, which keeps its
    number, and its address redirects there. Every report of the merged story is pinned (the
    clusterer will not split it again), and an earlier decision to keep the two apart ends."""
    _start(session)
    if (done := merge_check(session, story_id, into)) is not None:
        return done
    now = utcnow()
    session.execute(
        update(StoryMember).where(StoryMember.story_id == story_id).values(joined_at=now)
    )
    _pin(session, story_id)
    _pin(session, into)
    # An earlier decision to keep the two apart ends with the merge (`merge_story` drops the
    # merged story's pairs, and hands its others to `into`).
    note = f"; then with story {story_id} merged into story {into} by {actor}"
    merge_story(session, story_id, into, f"merged into story {into} by {actor}", note)
    rewritten = _finish(session, {into})
    audit.record(
        session,
        actor,
        audit.Action.STORY_MERGED,
        f"story {story_id}",
        f"merged into story {into}, which keeps its number",
        address,
    )
    message = f"story {story_id} merged into story {into}; its address now leads there"
    return Outcome(True, message, into, rewritten, "merged")


def split_story(
    session: Session,
    story_id: int,
    report_ids: Iterable[int],
    actor: str,
    address: str | None = None,
) -> Outcome:
    """Split the reports `report_ids` (with their syndicated copies) off story `story_id` into
    a new story. Both sides are pinned and the two stories are kept apart."""
    _start(session)
    _story(session, story_id)
    chosen = sorted(set(report_ids))
    if not chosen:
        raise InputError("choose the reports to split off the story")
    if len(chosen) > MAX_SPLIT:
        raise InputError(f"at most {MAX_SPLIT} reports can be split off at once")
    for report in chosen:
        if not fits_in_id(report):
            raise NotFound(f"there is no report {report}")
    members = {
        m.document_id: m
        for m in session.scalars(select(StoryMember).where(StoryMember.story_id == story_id))
    }
    outside = [report for report in chosen if report not in members]
    if outside:
        done = _already_split(session, story_id, chosen)
        if done is not None:
            return Outcome(False, f"those reports are already split off into story {done}", done)
        where = _member(session, outside[0]).story_id
        raise InputError(f"report {outside[0]} is not in story {story_id} but in story {where}")
    leaving = [members[report] for report in chosen]
    leaving += _copies_in(session, story_id, chosen)
    if len(leaving) == len(members):
        raise InputError(
            "leave at least one report in the story: to move all of its reports, merge it "
            "into another story instead"
        )
    new = _new_story(session, leaving)
    now = utcnow()
    why = f"split from story {story_id} into story {new.id} by {actor}"
    for member in leaving:
        _place(member, new.id, why, now)
    session.flush()
    _pin(session, story_id)
    separate(session, story_id, new.id)
    rewritten = _finish(session, {story_id, new.id})
    listed = ", ".join(str(m.document_id) for m in leaving)
    audit.record(
        session,
        actor,
        audit.Action.STORY_SPLIT,
        f"story {story_id}",
        f"reports {listed} split off into the new story {new.id}",
        address,
    )
    leaving_reports = how_many(len(leaving), "report")
    message = f"{leaving_reports} split off story {story_id} into the new story {new.id}"
    return Outcome(True, message, new.id, rewritten, "split")


def _already_split(session: Session, story_id: int, chosen: list[int]) -> int | None:
    """The story `chosen` were split off into from `story_id`, if they are all in one story
    kept apart from it (the same split asked again; reports may have joined it since)."""
    stories = set(
        session.scalars(
            select(StoryMember.story_id).where(StoryMember.document_id.in_(chosen)).distinct()
        )
    )
    placed = session.scalar(
        select(func.count()).select_from(StoryMember).where(StoryMember.document_id.in_(chosen))
    )
    if placed != len(chosen) or len(stories) != 1:
        return None
    (other,) = stories
    return other if other in separated_from(session, story_id) else None


def nearby_stories(session: Session, story_id: int, limit: int, hours: float) -> list[NearbyStory]:
    """Stories (not merged away) with reports within `hours` of story `story_id`'s, the closest
    in time first: where a report of it most likely belongs instead."""
    story = session.get(Story, story_id)
    if story is None:
        return []
    margin = timedelta(hours=hours)
    newest = (
        select(Article.headline)
        .where(Article.story_id == Story.id)
        .order_by(Article.version.desc())
        .limit(1)
        .correlate(Story)
        .scalar_subquery()
    )
    reports = (
        select(func.count())
        .select_from(StoryMember)
        .where(StoryMember.story_id == Story.id)
        .correlate(Story)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Story.id, newest, reports, Story.first_report_at, Story.last_report_at)
        .where(
            Story.id != story_id,
            Story.merged_into_id.is_(None),
            Story.last_report_at >= story.first_report_at - margin,
            Story.first_report_at <= story.last_report_at + margin,
        )
        .order_by(Story.last_report_at.desc(), Story.id.desc())
        .limit(limit * 4)
    ).all()
    middle = story.first_report_at + (story.last_report_at - story.first_report_at) / 2

    def distance(row: tuple) -> float:
        return abs((row[3] + (row[4] - row[3]) / 2 - middle).total_seconds())

    rows = [row for row in rows if row[2]]
    return [NearbyStory(*row) for row in sorted(rows, key=distance)[:limit]]
