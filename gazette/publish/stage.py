"""The publish stage: tagged stories go live (or wait for an editor), ad slots follow the config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.config import AdSlotSettings, WriteSettings
from gazette.db.models import AdSlot, Article, Story, utcnow
from gazette.db.reports import latest_article
from gazette.db.states import StoryState, move


@dataclass
class PublishReport:
    published: int = 0
    awaiting_review: int = 0


def publish_ready(session: Session, settings: WriteSettings) -> PublishReport:
    """Publish every tagged story's newest article version when auto_publish is on; without it,
    a new version waits for an editor while readers keep seeing the published one. A version
    that is already the published one (rewritten to the same text) needs nobody's approval."""
    report = PublishReport()
    now = utcnow()
    for story in session.scalars(select(Story).where(Story.state == StoryState.TAGGED)).all():
        newest = latest_article(session, story.id)
        if newest is None:
            continue
        if settings.auto_publish or newest.id == story.published_article_id:
            publish(story, newest, now)
            report.published += 1
        else:
            report.awaiting_review += 1
    session.flush()
    return report


def publish(story: Story, article: Article, now: datetime) -> None:
    """Make `article` the version readers see; the story's first publication time stays."""
    article.published_at = article.published_at or now
    story.published_article_id = article.id
    story.published_at = story.published_at or now
    move(story, StoryState.PUBLISHED)


def sync_ad_slots(session: Session, slots: list[AdSlotSettings]) -> None:
    """Create or update the slots the config names; slots made elsewhere are left alone."""
    for slot in slots:
        row = session.scalar(select(AdSlot).where(AdSlot.name == slot.name))
        if row is None:
            session.add(AdSlot(name=slot.name, placement=slot.placement, html=slot.html))
        else:
            row.placement, row.html = slot.placement, slot.html
    session.flush()
