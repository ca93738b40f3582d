"""The write stage: a new article version for every story whose reports changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.config import WriteSettings
from gazette.db.models import (
    Article,
    ArticleReference,
    Citation,
    Document,
    Sentence,
    Story,
    StoryMember,
    WriteCheck,
    utcnow,
)
from gazette.db.reports import latest_article, story_sources
from gazette.db.states import StoryState, move
from gazette.embedding import Embedder
from gazette.errors import NotFound, NothingToWrite
from gazette.faults import clear_failure, due, isolated, story_failed
from gazette.llm import ChatClient
from gazette.records import CitedSentence, SourceArticle, WrittenArticle, story_slug
from gazette.work import Batch, StageContext, StepReport
from gazette.write.compose import write_article
from gazette.write.llm_writer import write_with_llm
from gazette.write.memory import StoredEmbedder, forget_old, stored_readings

# Memos (stored sentence splits, vectors and readings) older than their keep time are deleted
# at most this often, by whichever worker writes first after it.
FORGET_EVERY = timedelta(hours=1)


@dataclass
class WriteReport(StepReport):
    written: int = 0
    unchanged: int = 0
    unwritten: int = 0  # nothing to write from: waiting for a report that gives something

    def summary(self) -> str:
        waiting = f", {self.unwritten} with nothing to write from yet" if self.unwritten else ""
        return f"{self.written} articles written, {self.unchanged} unchanged{waiting}"


def article_version(session: Session, story_id: int, version: int | None = None) -> Article:
    """A story's article: the version named, or the latest. Every version stays stored."""
    if version is None:
        article = latest_article(session, story_id)
    else:
        article = session.scalar(
            select(Article).where(Article.story_id == story_id, Article.version == version)
        )
    if article is None:
        which = f"version {version} of story {story_id}" if version else f"story {story_id}"
        raise NotFound(f"no article for {which}")
    return article


class StoryWriter:
    """The configured writer: the language model when `write.llm.url` is set, checked and with
    the default writer to fall back on; the default writer alone otherwise."""

    def __init__(
        self, embedder: Embedder, settings: WriteSettings, client: ChatClient | None = None
    ) -> None:
        self.embedder = embedder
        self.max_words = settings.max_words
        if client is None and settings.llm.enabled:
            client = ChatClient(settings.llm)
        self.client = client

    def write(self, sources: list[SourceArticle]) -> WrittenArticle:
        if self.client is None:
            return write_article(sources, self.embedder, self.max_words)
        return write_with_llm(sources, self.embedder, self.client, self.max_words)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def write_step(context: StageContext) -> WriteReport:
    """Write a batch of the stories whose reports changed. A story whose reports give nothing
    to write from waits as UNWRITTEN for a report that does; one whose writing fails keeps its
    last version (and readers its published one) and is tried again later (gazette/faults.py)."""
    report = WriteReport()
    now = utcnow()
    with context.database.transaction() as session:
        _forget_old_memos(context, session, now)
        waiting = select(Story).where(
            Story.state == StoryState.CLUSTERED,
            Story.merged_into_id.is_(None),
            due(Story.retry_at, now),
        )
        batch = Batch(session, waiting.order_by(Story.id))
        writer = StoryWriter(
            StoredEmbedder(session, context.embedder), context.settings.write, _client(context)
        )
        for story in batch:
            with isolated(session, partial(story_failed, report, story, now)):
                _write_story(session, writer, story, report)
    report.more = batch.more
    return report


def _client(context: StageContext) -> ChatClient | None:
    """The language model's client, kept between steps: it remembers an endpoint that is down
    (write.llm.down_seconds) and the rate limit's last requests."""
    llm = context.settings.write.llm
    if not llm.enabled:
        return None
    if "llm" not in context.kept:
        context.kept["llm"] = ChatClient(llm)
    return context.kept["llm"]


def _forget_old_memos(context: StageContext, session: Session, now: datetime) -> None:
    last = context.kept.get("memos forgotten")
    if last is None or now - last >= FORGET_EVERY:
        forget_old(session)
        context.kept["memos forgotten"] = now


def _write_story(session: Session, writer: StoryWriter, story: Story, report: WriteReport) -> None:
    sources = story_sources(session, story.id)
    try:
        with stored_readings(session, sources):
            written = writer.write(sources)
    except NothingToWrite:
        # Not a failure to retry: a question headline stays one. A report that joins the story
        # moves it back to CLUSTERED (the cluster stage), and it is written then.
        move(story, StoryState.UNWRITTEN)
        clear_failure(story)
        report.unwritten += 1
        return
    previous = latest_article(session, story.id)
    if previous is not None and _same_content(previous, written):
        report.unchanged += 1
    else:
        _store(session, story, written, previous)
        report.written += 1
    story.slug = story_slug(written.headline)
    move(story, StoryState.WRITTEN)
    clear_failure(story)


def _same_content(article: Article, written: WrittenArticle) -> bool:
    stored = [
        (s.section, s.text, tuple(c.reference_number for c in s.citations))
        for s in article.sentences
    ]
    new = [("summary", s.text, s.citations) for s in written.summary] + [
        ("body", s.text, s.citations) for s in written.body
    ]
    stored_refs = [r.document_id for r in article.references]
    new_refs = [int(r.key) for r in written.references]
    return article.headline == written.headline and stored == new and stored_refs == new_refs


def _change_note(session: Session, story: Story, previous: Article) -> str:
    outlets = session.scalars(
        select(Document.outlet)
        .join(StoryMember, StoryMember.document_id == Document.id)
        .where(StoryMember.story_id == story.id, StoryMember.joined_at > previous.created_at)
    ).all()
    names = sorted({o for o in outlets if o})
    if not names:
        return "Revised."
    return "New reports from " + ", ".join(names) + "."


def _store(
    session: Session, story: Story, written: WrittenArticle, previous: Article | None
) -> Article:
    article = Article(
        story_id=story.id,
        version=(previous.version + 1) if previous else 1,
        headline=written.headline,
        summary=written.summary_text,
        quote_text=written.quote.text if written.quote else None,
        quote_speaker=written.quote.speaker if written.quote else None,
        quote_reference=written.quote.citation if written.quote else None,
        writer=written.writer,
        word_count=written.word_count,
        brief=written.brief,
        change_note=_change_note(session, story, previous) if previous else None,
        created_at=utcnow(),
    )
    article.references = [
        ArticleReference(
            number=r.number,
            document_id=int(r.key),
            url=r.url,
            title=r.title,
            outlet=r.outlet,
            published_at=r.published,
        )
        for r in written.references
    ]
    numbered = [("summary", s) for s in written.summary] + [("body", s) for s in written.body]
    article.sentences = [
        _sentence(section, position, sentence)
        for position, (section, sentence) in enumerate(numbered)
    ]
    article.checks = [
        WriteCheck(
            section=check.section,
            position=check.position,
            proposed=check.proposed,
            proposed_sources=",".join(str(n) for n in check.proposed_sources),
            outcome=check.outcome,
            reason=check.reason,
            final=check.final,
        )
        for check in written.checks
    ]
    session.add(article)
    return article


def _sentence(section: str, position: int, sentence: CitedSentence) -> Sentence:
    row = Sentence(
        section=section,
        position=position,
        paragraph=sentence.paragraph,
        kind=sentence.kind,
        text=sentence.text,
    )
    row.citations = [Citation(reference_number=n) for n in sentence.citations]
    return row
