"""The publish stage: tagged stories go live (or wait for an editor), their text goes into the
search index. (The ad slots the runs sync from the config are gazette/ads.py's.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import ColumnElement, Exists, ScalarSelect, exists, func, or_, select

from gazette.db.models import Article, Story, utcnow
from gazette.db.reports import latest_article
from gazette.db.search import index_stories, stale_stories
from gazette.db.states import StoryState, move
from gazette.work import Batch, StageContext, StepReport

INDEX_BATCH = 200  # search entries written per step, at most


@dataclass
class PublishReport(StepReport):
    published: int = 0
    awaiting_review: int = 0
    indexed: int = 0
    NOT_ITEMS: ClassVar[tuple[str, ...]] = ("awaiting_review",)

    def summary(self) -> str:
        return f"{self.published} published, {self.awaiting_review} awaiting review"


def publish_step(context: StageContext) -> PublishReport:
    """Publish the newest article version of a batch of tagged stories when auto_publish is on;
    without it, a new version waits for an editor while readers keep seeing the published one.
    A version that is already the published one (rewritten to the same text) needs nobody's
    approval. A story an editor holds, or whose published version an editor edited, waits for
    an editor even with auto_publish (gazette/editing.py): the writer's next version must not
    replace the editor's text unseen. Stories left waiting for an editor are counted, not taken
    again.

    Each step also brings the search index up to date with what readers see, however it
    changed (published here, or corrected, unpublished or merged elsewhere)."""
    report = PublishReport()
    now = utcnow()
    settings = context.settings.write
    with context.database.transaction() as session:
        waiting = select(Story).where(Story.state == StoryState.TAGGED)
        already_published = Story.published_article_id == _newest_version(Story.id)
        if not settings.auto_publish:  # only versions already published go out by themselves
            waiting = waiting.where(already_published)
        else:
            waiting = waiting.where(or_(already_published, ~_kept_for_an_editor()))
        batch = Batch(session, waiting.order_by(Story.id))
        for story in batch:
            newest = latest_article(session, story.id)
            if newest is not None:
                publish(story, newest, now)
                report.published += 1
        report.more = batch.more
        session.flush()
        stale = stale_stories(session, INDEX_BATCH)
        report.indexed = index_stories(session, stale)
        report.more = report.more or len(stale) >= INDEX_BATCH
        if not report.more:  # what is left waits for an editor (a count, once per run)
            report.awaiting_review = session.scalar(
                select(func.count()).select_from(Story).where(Story.state == StoryState.TAGGED)
            )
    return report


def _newest_version(story_id: ColumnElement[int]) -> ScalarSelect[int]:
    return (
        select(Article.id)
        .where(Article.story_id == story_id)
        .order_by(Article.version.desc())
        .limit(1)
        .scalar_subquery()
    )


def _kept_for_an_editor() -> ColumnElement[bool]:
    """Stories an editor holds, and those whose published version an editor edited."""
    return or_(Story.held_at.is_not(None), _edited_version_published())


def _edited_version_published() -> Exists:
    return exists().where(Article.id == Story.published_article_id, Article.edited_by.is_not(None))


def publish(story: Story, article: Article, now: datetime) -> None:
    """Make `article` the version readers see; the story's first publication time stays."""
    article.published_at = article.published_at or now
    story.published_article_id = article.id
    story.published_at = story.published_at or now
    move(story, StoryState.PUBLISHED)
