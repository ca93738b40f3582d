"""The publish stage: tagged stories go live (or wait for an editor), ad slots follow the config."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.config import AdSlotSettings, WriteSettings
from gazette.db.models import AdSlot, Article, Story, StoryState, utcnow


@dataclass
class PublishReport:
    published: int = 0
    awaiting_review: int = 0


def publish_ready(session: Session, settings: WriteSettings) -> PublishReport:
    """Publish every tagged story's newest article version when auto_publish is on."""
    report = PublishReport()
    stories = session.scalars(select(Story).where(Story.state == StoryState.TAGGED))
    for story in stories:
        if not settings.auto_publish:
            report.awaiting_review += 1
            continue
        now = utcnow()
        article = session.scalar(
            select(Article)
            .where(Article.story_id == story.id)
            .order_by(Article.version.desc())
            .limit(1)
        )
        if article is None:
            continue
        if article.published_at is None:
            article.published_at = now
        story.published_at = story.published_at or now
        story.state = StoryState.PUBLISHED
        report.published += 1
    session.flush()
    return report


def sync_ad_slots(session: Session, slots: list[AdSlotSettings]) -> None:
    """Create or update the slots the config names; slots made elsewhere are left alone."""
    for slot in slots:
        row = session.scalar(select(AdSlot).where(AdSlot.name == slot.name))
        if row is None:
            session.add(AdSlot(name=slot.name, placement=slot.placement, html=slot.html))
        else:
            row.placement, row.html = slot.placement, slot.html
    session.flush()
