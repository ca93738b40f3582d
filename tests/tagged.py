"""Tags on stories for the tests of editors' tag decisions: rows as the tag stage leaves them."""

from __future__ import annotations

from sqlalchemy import select

from gazette.db import Database
from gazette.db.models import StoryTag, Tag


def tag_stories(database: Database, tags: dict[str, list[int]]) -> None:
    """Tag each story of `tags[name]` with `name` (kind "organisation"), in the order given."""
    from gazette.records import slugify

    with database.transaction() as session:
        for name, story_ids in tags.items():
            tag = session.scalar(select(Tag).where(Tag.slug == slugify(name)))
            if tag is None:
                tag = Tag(slug=slugify(name), name=name, kind="organisation")
                session.add(tag)
                session.flush()
            for story_id in story_ids:
                rank = len(
                    session.scalars(select(StoryTag).where(StoryTag.story_id == story_id)).all()
                )
                session.add(StoryTag(story_id=story_id, tag_id=tag.id, rank=rank))


def tags_of(database: Database, story_id: int) -> list[tuple[str, str, str]]:
    """A story's tags in rank order: (slug, name, kind)."""
    with database.session() as session:
        rows = session.execute(
            select(Tag.slug, Tag.name, Tag.kind)
            .join(StoryTag, StoryTag.tag_id == Tag.id)
            .where(StoryTag.story_id == story_id)
            .order_by(StoryTag.rank)
        )
        return [tuple(row) for row in rows]
