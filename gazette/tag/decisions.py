"""An editor's decisions about tags, and the tag stage honouring them.

The small entity model gets some tags wrong ("RSV" an organisation, a person tagged as a place,
a common word as a tag). An editor fixes a tag once, by its slug, and it stays fixed:

- rename: a new display name and/or kind. The tag keeps its slug (its page's address); a name
  that is another tag's is refused, since that is a merge.
- merge into another tag: the stories tagged with it are tagged with the other instead, and so
  is every story tagged later; its page and feeds redirect to the other's.
- hide: never a tag. Its stories lose it, and no story gets it again; its page is gone.
- show: undo a hide or a merge. Stories get the tag again as they are tagged again (the
  stories that lost it are not known any more).

The desk (`/desk/tags`) and `gazette tags` both call these functions, inside the caller's
transaction, and each writes its audit entry there. Merges are kept flat (a tag merged into one
that is later merged elsewhere follows it), so a decision never leads through a chain or a
cycle. The tag's row is locked first: the tag stage reads the decisions after locking the rows
of the tags it writes (`honoured`), so a story tagged while an editor decides is either seen by
the decision or sees it (PostgreSQL; SQLite runs one writer at a time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from gazette import audit
from gazette.db.models import StoryTag, TagDecision, utcnow
from gazette.db.models import Tag as TagRow
from gazette.errors import InputError, NotFound
from gazette.records import slugify
from gazette.text import collapse_spaces

KINDS = ("person", "organisation", "place", "topic")
NAME_LENGTH = 200  # the column's
SLUG_LENGTH = 100  # the column's
DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class TagEntry:
    """A tag as the desk and `gazette tags list` show it: `stories` is how many stories carry
    it (published or not); `state` is plain, renamed, merged or hidden."""

    slug: str
    name: str
    kind: str
    stories: int
    state: str = "plain"
    merged_into: str | None = None


# --- reading ---------------------------------------------------------------------------------


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_tags(
    session: Session,
    kind: str | None = None,
    search: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[TagEntry]:
    """Tags, most used first, with their decisions; `search` in names and slugs, any case."""
    if kind is not None:
        kind = check_kind(kind)
    stories = (
        select(func.count(StoryTag.story_id))
        .where(StoryTag.tag_id == TagRow.id)
        .scalar_subquery()
        .label("stories")
    )
    query = select(TagRow, stories, TagDecision).outerjoin(
        TagDecision, TagDecision.slug == TagRow.slug
    )
    if kind is not None:
        query = query.where(TagRow.kind == kind)
    if search and (wanted := collapse_spaces(search)):
        found = [func.lower(TagRow.name).like(f"%{_escaped(wanted.lower())}%", escape="\\")]
        if any(c.isascii() and c.isalnum() for c in wanted):  # else its slug is a placeholder
            found.append(TagRow.slug.like(f"%{_escaped(slugify(wanted))}%", escape="\\"))
        query = query.where(or_(*found))
    rows = session.execute(query.order_by(stories.desc(), TagRow.name).limit(limit))
    return [_entry(tag, count, decision) for tag, count, decision in rows]


def _entry(tag: TagRow, stories: int, decision: TagDecision | None) -> TagEntry:
    state = "plain"
    if decision is not None:
        if decision.hidden:
            state = "hidden"
        elif decision.merged_into:
            state = "merged"
        elif decision.name or decision.kind:
            state = "renamed"
    into = decision.merged_into if decision is not None else None
    return TagEntry(tag.slug, tag.name, tag.kind, stories, state, into)


def tag_entry(session: Session, slug: str) -> TagEntry:
    tag = _tag(session, slug, lock=False)
    count = session.scalar(select(func.count()).where(StoryTag.tag_id == tag.id)) or 0
    return _entry(tag, count, session.get(TagDecision, tag.slug))


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InputError(f"the kind must be one of {', '.join(KINDS)}, not {kind[:20]!r}")
    return kind


def _tag(session: Session, slug: str, lock: bool = True) -> TagRow:
    slug = slug.strip()
    query = select(TagRow).where(TagRow.slug == slug[:SLUG_LENGTH])
    tag = session.scalar(query.with_for_update() if lock else query)
    if tag is None or len(slug) > SLUG_LENGTH:
        raise NotFound(f"there is no tag {slug[:SLUG_LENGTH]!r}")
    return tag


def _decision(session: Session, slug: str) -> TagDecision:
    decision = session.get(TagDecision, slug)
    if decision is None:
        decision = TagDecision(slug=slug, hidden=False)
        session.add(decision)
    return decision


def _refuse_merged(decision: TagDecision | None, slug: str, what: str) -> None:
    if decision is not None and decision.merged_into:
        raise InputError(
            f"{slug} is merged into {decision.merged_into}: {what} {decision.merged_into} instead"
        )


# --- deciding --------------------------------------------------------------------------------


def rename(
    session: Session,
    slug: str,
    actor: str,
    name: str | None = None,
    kind: str | None = None,
    address: str | None = None,
) -> TagEntry:
    """Give a tag a new display name and/or kind; its slug stays."""
    tag = _tag(session, slug)
    new_name = collapse_spaces(name or "") or None
    if new_name is None and not kind:
        raise InputError("give a new name or a new kind")
    if new_name is not None and len(new_name) > NAME_LENGTH:
        raise InputError(f"the name is longer than {NAME_LENGTH} characters")
    new_kind = check_kind(kind) if kind else None
    _refuse_merged(session.get(TagDecision, tag.slug), tag.slug, "rename")
    alias = slugify(new_name) if new_name is not None else tag.slug
    if alias != tag.slug:
        taken = session.scalar(select(TagRow.slug).where(TagRow.slug == alias))
        own = session.get(TagDecision, alias)
        if taken is not None and not (own is not None and own.merged_into == tag.slug):
            raise InputError(
                f"there is a tag {taken} named like that already: merge {tag.slug} into it instead"
            )
    before = f"{tag.name} ({tag.kind})"
    decision = _decision(session, tag.slug)
    decision.name = tag.name = new_name or tag.name
    decision.kind = tag.kind = new_kind or tag.kind
    _decided(decision, actor)
    if alias != tag.slug:
        # The tag stage makes tags from names: the new name's own slug ("grace-okafor" for a
        # renamed "okafor") leads to this tag, or the stage would start a second tag of it.
        merged = _decision(session, alias)
        merged.merged_into, merged.hidden = tag.slug, False
        _decided(merged, actor)
    detail = f"{before} -> {tag.name} ({tag.kind})"
    audit.record(session, actor, audit.Action.TAG_RENAMED, f"tag {tag.slug}", detail, address)
    return tag_entry(session, tag.slug)


def merge(session: Session, slug: str, into: str, actor: str, address: str | None = None) -> int:
    """Merge a tag into another: its stories get the other tag instead, now and from now on.
    Returns how many stories were moved."""
    if slug.strip() == into.strip():
        raise InputError(f"{slug.strip()} cannot be merged into itself")
    tag, target = _both(session, slug, into)
    decision = session.get(TagDecision, tag.slug)
    if decision is not None and decision.merged_into:
        raise InputError(f"{tag.slug} is merged into {decision.merged_into} already")
    towards = session.get(TagDecision, target.slug)
    if towards is not None and towards.merged_into == tag.slug:
        raise InputError(f"{target.slug} is merged into {tag.slug}: that would make a cycle")
    _refuse_merged(towards, target.slug, "merge into")
    if towards is not None and towards.hidden:
        raise InputError(f"{target.slug} is hidden: show it first, or hide {tag.slug} as well")
    # The tags merged into this one are locked too: a story being tagged with one of them (the
    # tag stage locks the rows it names, then reads where they lead) is either in before the
    # stories move, or reads the new decision.
    followers = select(TagDecision.slug).where(TagDecision.merged_into == tag.slug)
    session.execute(select(TagRow.id).where(TagRow.slug.in_(followers)).with_for_update())
    moved = _move_stories(session, tag.id, target.id)
    decision = _decision(session, tag.slug)
    decision.merged_into, decision.hidden = target.slug, False
    _decided(decision, actor)
    # Merges stay flat: the tags merged into this one now lead to the target.
    session.execute(
        update(TagDecision)
        .where(TagDecision.merged_into == tag.slug)
        .values(merged_into=target.slug)
    )
    _touch(session, tag)
    detail = f"into {target.slug} ({target.name}); {moved} stories moved"
    audit.record(session, actor, audit.Action.TAG_MERGED, f"tag {tag.slug}", detail, address)
    return moved


def _both(session: Session, slug: str, into: str) -> tuple[TagRow, TagRow]:
    """Both rows, locked in one order so that two merges never wait on each other."""
    first, second = sorted([slug, into])
    found = {first: _tag(session, first), second: _tag(session, second)}
    return found[slug], found[into]


def _move_stories(session: Session, source_id: int, target_id: int) -> int:
    """The stories tagged `source_id` are tagged `target_id` at the better of the two ranks."""
    moved = session.execute(
        select(StoryTag.story_id, StoryTag.rank).where(StoryTag.tag_id == source_id)
    ).all()
    session.execute(delete(StoryTag).where(StoryTag.tag_id == source_id))
    for story_id, rank in moved:
        existing = session.get(StoryTag, (story_id, target_id))
        if existing is None:
            session.add(StoryTag(story_id=story_id, tag_id=target_id, rank=rank))
        else:
            existing.rank = min(existing.rank, rank)
    return len(moved)


def hide(session: Session, slug: str, actor: str, address: str | None = None) -> int:
    """Never show this tag: its stories lose it now, and no story gets it again. Returns how
    many stories lost it."""
    tag = _tag(session, slug)
    decision = session.get(TagDecision, tag.slug)
    _refuse_merged(decision, tag.slug, "hide")
    if decision is not None and decision.hidden:
        raise InputError(f"{tag.slug} is hidden already")
    merged_here = sorted(
        session.scalars(select(TagDecision.slug).where(TagDecision.merged_into == tag.slug))
    )
    if merged_here:
        raise InputError(
            f"{', '.join(merged_here)} merged into {tag.slug}: their stories would lose the tag "
            "without a word; hide them first, or rename this tag"
        )
    untagged = session.execute(delete(StoryTag).where(StoryTag.tag_id == tag.id)).rowcount
    decision = _decision(session, tag.slug)
    decision.hidden = True
    _decided(decision, actor)
    _touch(session, tag)
    detail = f"{tag.name} ({tag.kind}); {untagged} stories untagged"
    audit.record(session, actor, audit.Action.TAG_HIDDEN, f"tag {tag.slug}", detail, address)
    return untagged


def show(session: Session, slug: str, actor: str, address: str | None = None) -> TagEntry:
    """Undo a hide or a merge: stories get the tag again when they are next tagged (which
    stories lost it, or moved to the other tag, is not kept)."""
    tag = _tag(session, slug)
    decision = session.get(TagDecision, tag.slug)
    if decision is None or not (decision.hidden or decision.merged_into):
        raise InputError(f"{tag.slug} is neither hidden nor merged")
    undone = f"merged into {decision.merged_into}" if decision.merged_into else "hidden"
    decision.hidden, decision.merged_into = False, None
    _decided(decision, actor)
    _touch(session, tag)
    detail = f"{tag.name} ({tag.kind}), no longer {undone}"
    audit.record(session, actor, audit.Action.TAG_SHOWN, f"tag {tag.slug}", detail, address)
    return tag_entry(session, tag.slug)


def _decided(decision: TagDecision, actor: str) -> None:
    decision.decided_at = utcnow()
    decision.decided_by = actor[:100]


def _touch(session: Session, tag: TagRow) -> None:
    """A write to the tag's row, so that the site's generation moves and no reader is served a
    page kept from before the decision (gazette/db/site_generation.py watches `tags`)."""
    session.execute(update(TagRow).where(TagRow.id == tag.id).values(name=tag.name))


# --- readers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fate:
    """What readers get for a tag an editor hid or merged: nothing, or the target's page."""

    hidden: bool
    merged_into: str | None


def fate(session: Session, slug: str) -> Fate | None:
    """The tag's fate for its page and feeds; None for a tag shown as it is (or renamed)."""
    decision = session.get(TagDecision, slug[:SLUG_LENGTH])
    if decision is None or not (decision.hidden or decision.merged_into):
        return None
    return Fate(decision.hidden, None if decision.hidden else decision.merged_into)


# --- the tag stage ---------------------------------------------------------------------------


def honoured(session: Session, tag_ids: Iterable[int]) -> list[int]:
    """The tags a story gets instead of `tag_ids` (ranked): hidden ones dropped, merged ones
    replaced by their target, each once, in the order given. A renamed tag is its own row,
    which carries the editor's name and kind. The rows are locked (shared) before the
    decisions are read, so that a decision being made waits for this story or is seen by it."""
    ids = list(dict.fromkeys(tag_ids))
    if not ids:
        return []
    rows = session.execute(
        select(TagRow.id, TagRow.slug).where(TagRow.id.in_(ids)).with_for_update(read=True)
    ).all()
    slugs = {row.id: row.slug for row in rows}
    decisions = {
        d.slug: d
        for d in session.scalars(
            select(TagDecision).where(TagDecision.slug.in_(list(slugs.values())))
        )
    }
    targets = [d.merged_into for d in decisions.values() if d.merged_into and not d.hidden]
    target_ids = _target_ids(session, targets)
    kept: dict[int, None] = {}
    for tag_id in ids:
        decision = decisions.get(slugs.get(tag_id, ""))
        if decision is not None and decision.hidden:
            continue
        if decision is not None and decision.merged_into:
            tag_id = target_ids.get(decision.merged_into, 0)
            if not tag_id:  # the target is hidden (or gone): no tag at all
                continue
        kept.setdefault(tag_id, None)
    return list(kept)


def _target_ids(session: Session, slugs: list[str]) -> dict[str, int]:
    """Merge targets' ids, by slug, leaving out targets that are hidden themselves."""
    if not slugs:
        return {}
    hidden = select(TagDecision.slug).where(TagDecision.hidden.is_(True))
    rows = session.execute(
        select(TagRow.slug, TagRow.id).where(TagRow.slug.in_(slugs), TagRow.slug.not_in(hidden))
    )
    return {slug: tag_id for slug, tag_id in rows}


def set_aside() -> object:
    """The slugs of hidden and merged tags, as a subquery: what learning names from earlier
    tags (`known_people`) leaves out."""
    return select(TagDecision.slug).where(
        or_(TagDecision.hidden.is_(True), TagDecision.merged_into.is_not(None))
    )
