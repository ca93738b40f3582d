"""The tag stage: a story's tags are the entities several of its sources mention, and topics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gazette.db.models import Document, Story, StoryTag, utcnow
from gazette.db.models import Tag as TagRow
from gazette.db.reports import source_article, story_documents
from gazette.db.states import StoryState, move
from gazette.db.upsert import insert_for
from gazette.embedding import DIMENSIONS, from_bytes
from gazette.faults import clear_failure, due, isolated, story_failed
from gazette.records import SourceArticle, Tag, independent_sources
from gazette.tag.decisions import honoured, set_aside
from gazette.tag.entities import known_people, report_entities
from gazette.tag.headlines import mostly_latin
from gazette.tag.topics import detect_topics
from gazette.work import Batch, StageContext, StepReport

MAX_ENTITY_TAGS = 8
# Sources read for names: a story's main people and places are in all of its first reports.
MAX_TAGGED_SOURCES = 20


def tag_story(
    sources: list[SourceArticle],
    people: Mapping[str, str] | None = None,
    embeddings: Mapping[str, np.ndarray] | None = None,
) -> list[Tag]:
    """Ranked tags: entities in at least two independent sources (one for a single-source story),
    most widely reported first, then up to two topics. `people` maps a surname to the one full
    name earlier stories were tagged with (`known_people`); `embeddings` holds the reports'
    embeddings by key, for the topics' meaning to agree with their keywords (`detect_topics`)."""
    originals = independent_sources(sources)[:MAX_TAGGED_SOURCES]
    texts = [f"{s.title}\n{s.text}" for s in originals]
    needed = min(2, len(originals))
    reports = [(s.title, s.text) for s in originals]
    entities = [e for e in report_entities(reports, people) if len(e.sources) >= needed]
    tags = [Tag(e.name, e.kind) for e in entities[:MAX_ENTITY_TAGS]]
    # The model reads the Latin alphabet only: a report in another script says nothing of topics.
    vectors = [
        embeddings[s.key]
        for s in originals
        if s.key in (embeddings or {}) and mostly_latin(f"{s.title} {s.text[:300]}")
    ]
    tags += [Tag(topic, "topic") for topic in detect_topics(texts, embeddings=vectors)]
    unique: dict[str, Tag] = {}
    for tag in tags:
        unique.setdefault(tag.slug, tag)
    return list(unique.values())


@dataclass
class TagReport(StepReport):
    tagged: int = 0

    def summary(self) -> str:
        return f"{self.tagged} stories tagged"


def tag_step(context: StageContext) -> TagReport:
    """Tag a batch of written stories."""
    report = TagReport()
    now = utcnow()
    with context.database.transaction() as session:
        waiting = select(Story).where(Story.state == StoryState.WRITTEN, due(Story.retry_at, now))
        batch = Batch(session, waiting.order_by(Story.id))
        people = _known_people(session)
        # Full names looked for since `people` was read: a name it leaves out (a surname two
        # people share, a tag an editor hid) would otherwise send every story back to the table.
        looked_for: set[str] = set()
        for story in batch:
            tags: list[Tag] = []
            with isolated(session, partial(story_failed, report, story, now)):
                tags = _tag(session, story, people)
                report.tagged += 1
            new = _full_names(tags) - set(people.values()) - looked_for
            if new:
                # Learnt at once, not at the next batch: a batch ends when its time is up, so
                # waiting would make a story's tags depend on how fast the machine was.
                looked_for |= new
                people = _known_people(session)
    report.more = batch.more
    return report


def _known_people(session: Session) -> dict[str, str]:
    """The full names of the people earlier stories were tagged with, by surname: read once per
    batch, so a name's kind is learnt across stories ("Trump" is Donald Trump everywhere)."""
    query = select(TagRow.name).where(
        TagRow.kind == "person", TagRow.name.contains(" "), TagRow.slug.not_in(set_aside())
    )
    return known_people(session.scalars(query))


def _full_names(tags: list[Tag]) -> set[str]:
    """The people's full names among a story's tags: what `_known_people` learns from."""
    return {tag.name for tag in tags if tag.kind == "person" and " " in tag.name}


def _tag(session: Session, story: Story, people: Mapping[str, str]) -> list[Tag]:
    """Tag one story, as the editors' decisions say (`honoured`): a hidden tag dropped, a merged
    one replaced by its target, a renamed one under the editor's name and kind. The reports are
    read once, for their texts and their stored embeddings both."""
    documents = story_documents(session, story.id)
    sources = [source_article(document) for document in documents]
    tags = tag_story(sources, people, _embeddings(documents))
    session.execute(delete(StoryTag).where(StoryTag.story_id == story.id))
    kept = honoured(session, [_tag_id(session, tag) for tag in tags])
    for rank, tag_id in enumerate(kept):
        session.add(StoryTag(story_id=story.id, tag_id=tag_id, rank=rank))
    move(story, StoryState.TAGGED)
    clear_failure(story)
    return tags


def _embeddings(documents: Iterable[Document]) -> dict[str, np.ndarray]:
    """The embeddings the embed stage stored for the story's reports, by report key (none of
    another size: a blob no model of ours wrote is left out, not allowed to fail the story)."""
    vectors = {
        str(document.id): from_bytes(document.embedding)
        for document in documents
        if document.embedding is not None
    }
    return {key: vector for key, vector in vectors.items() if vector.shape == (DIMENSIONS,)}


def _tag_id(session: Session, tag: Tag) -> int:
    """The tag's row, made if it is new. Two workers may tag two stories naming one new person at
    once: the second insert waits for the first and is then ignored, instead of failing its
    story."""
    new = insert_for(session.get_bind(), TagRow).values(slug=tag.slug, name=tag.name, kind=tag.kind)
    session.execute(new.on_conflict_do_nothing(index_elements=[TagRow.slug]))
    return session.scalars(select(TagRow.id).where(TagRow.slug == tag.slug)).one()
