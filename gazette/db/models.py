"""The database schema: what every stage reads and writes.

Sources feed documents; documents join stories; each story has versions of a written article made
of cited sentences; stories carry tags, comments sit under stories, ad slots are the publisher's.
Times are stored in UTC and always come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from gazette.db.states import StoryState


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC (SQLite has no time zones) and returns aware UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Gazette stores aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def url_host(url: str) -> str:
    """The host name of a URL as the fetcher's per-host limits know it ("" for a local file)."""
    try:
        return (urlsplit(url).hostname or "")[:255]
    except ValueError:
        return ""


def _url_host(context: Any) -> str:
    """Column default: the host of the row's URL, however the row is inserted."""
    return url_host(context.get_current_parameters().get("url") or "")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict] = {datetime: UTCDateTime(), dict: JSON, list: JSON}


class Source(Base):
    """A feed, sitemap or single page that Gazette polls, with its health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="feed")  # feed | sitemap | page
    name: Mapped[str | None] = mapped_column(String(300))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Minutes between polls; None means the configured default.
    interval_minutes: Mapped[float | None] = mapped_column(Float)
    # Language the source publishes in, when its pages do not say (ISO 639-1, e.g. "en").
    language: Mapped[str | None] = mapped_column(String(16))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_fetched_at: Mapped[datetime | None]
    # When the source is next due (None: at once); set from its interval at every poll.
    next_poll_at: Mapped[datetime | None] = mapped_column(index=True)
    # A worker polling the source holds it until then (gazette/work.py).
    lease_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Something the last poll noticed without failing (a malformed but readable feed, a cap).
    last_warning: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)


class HttpValidator(Base):
    """ETag and Last-Modified of a URL's last response, for conditional requests."""

    __tablename__ = "http_validators"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentStatus:
    DISCOVERED = "discovered"  # known from a feed, not downloaded yet
    FETCHED = "fetched"  # page downloaded, not extracted yet
    EXTRACTED = "extracted"  # text extracted, not checked for duplicates yet
    READY = "ready"  # unique (or a syndicated copy): goes to clustering
    DUPLICATE = "duplicate"  # the same article as another document: ignored
    # Not a news report (opinion, analysis, a review...: `Document.kind`): kept, never clustered
    # or cited as fact.
    ASIDE = "aside"
    FAILED = "failed"  # could not be fetched or extracted; see `error`


class Document(Base):
    """One article from one outlet, from discovery to extracted text."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    canonical_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    guid: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.DISCOVERED, index=True)
    # The last failure of the stage the document waits in, how often that stage failed on it,
    # and when it may be tried again (gazette/faults.py).
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(index=True)
    # A worker fetching the page holds the document until then (gazette/work.py).
    lease_until: Mapped[datetime | None]
    # A report made from the feed's title and summary alone, because its page could not be
    # fetched or holds no article (a paywall). Its page is tried again at page_retry_at (None:
    # no more), and replaces the summary when it arrives.
    summary_only: Mapped[bool] = mapped_column(Boolean, default=False)
    page_retry_at: Mapped[datetime | None] = mapped_column(index=True)
    page_attempts: Mapped[int] = mapped_column(Integer, default=0)
    page_error: Mapped[str | None] = mapped_column(Text)
    # The host the page is fetched from: workers fetch a host one at a time (`Host`).
    host: Mapped[str | None] = mapped_column(String(255), default=_url_host, index=True)
    feed_title: Mapped[str | None] = mapped_column(Text)
    feed_summary: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    discovered_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime | None]
    extracted_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(16))
    image_url: Mapped[str | None] = mapped_column(String(2048))
    outlet: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    content_type: Mapped[str | None] = mapped_column(String(255))
    # What kind of piece it is (gazette/report_kinds.py): from the feed at discovery, then from
    # the page's own declarations when it is extracted.
    kind: Mapped[str] = mapped_column(String(16), default="news", server_default="news")
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary)  # gzip, kept for re-extraction
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Exactly the same article as another document (status DUPLICATE).
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL")
    )
    # A syndicated near-copy (wire story): joins the story but is not an independent source.
    copy_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    # MinHash signature of the text (dedupe), kept so later runs need not compute it again.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)

    source: Mapped[Source | None] = relationship()


class Story(Base):
    """One event, as reported by one or more documents."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What work the story waits for (gazette/db/states.py); change it with `states.move` only.
    state: Mapped[str] = mapped_column(String(16), default=StoryState.CLUSTERED.value, index=True)
    # The article version readers see; None until one is published. A newer version waiting for
    # an editor does not replace it.
    published_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", use_alter=True, ondelete="SET NULL")
    )
    slug: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_report_at: Mapped[datetime] = mapped_column(index=True)
    last_report_at: Mapped[datetime] = mapped_column(index=True)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"))
    # The first story of the thread this one continues (gazette/cluster/incremental.py).
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    # The clusterer's reasons for the merge into `merged_into_id` and for the thread link.
    merge_reason: Mapped[str | None] = mapped_column(Text)
    thread_reason: Mapped[str | None] = mapped_column(Text)
    # The last failure of the stage the story waits in (write or tag), how often it failed, and
    # when it may be tried again; cleared when the stage succeeds or the reports change.
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None]
    # Set by an editor who holds the story (and by editing or unpublishing it): the publish
    # stage publishes none of its new versions by itself until an editor publishes one.
    held_at: Mapped[datetime | None]
    # Set when an editor unpublished the story: its page tells readers it was withdrawn (410).
    withdrawn_at: Mapped[datetime | None]

    members: Mapped[list[StoryMember]] = relationship(back_populates="story")


class StoryMember(Base):
    """A document's place in a story, with why it was put there."""

    __tablename__ = "story_members"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    similarity: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Placed by an editor (gazette/regroup.py): the clusterer never moves it out of its story
    # (it goes along only when its whole story is merged).
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)

    story: Mapped[Story] = relationship(back_populates="members")
    document: Mapped[Document] = relationship()


class StoryAside(Base):
    """A piece that is not a news report (opinion, analysis, a review...: `Document.kind`) and
    the story it is about, for the story page's "Opinion on this story". It is never one of the
    story's reports: it adds nothing to the story's facts, its place in clustering or its count
    of sources. `story_id` None: the piece was looked at and is about no story of its time, so
    it is listed nowhere."""

    __tablename__ = "story_asides"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    # False while a piece placed beside no story waits for its second and last look, once the
    # reports of the hours after it are in (a live page can open before its event's first
    # report); True once it stays where it is.
    final: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    document: Mapped[Document] = relationship()


class StorySeparation(Base):
    """Two stories an editor keeps apart (split, or a report moved from one to the other): the
    clusterer never merges them. Stored with the smaller id first; when the clusterer or an
    editor merges one of them into a third story, the pair moves to that story."""

    __tablename__ = "story_separations"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Article(Base):
    """One version of the written article of a story. Versions are never overwritten."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("story_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    headline: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    quote_text: Mapped[str | None] = mapped_column(Text)
    quote_speaker: Mapped[str | None] = mapped_column(String(300))
    quote_reference: Mapped[int | None] = mapped_column(Integer)
    writer: Mapped[str] = mapped_column(String(200))  # "extractive" or "llm:<model>"
    word_count: Mapped[int] = mapped_column(Integer)
    # Written from thin sources (titles and cut-off standfirsts): the page says it is brief.
    brief: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    change_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    # The editor who made this version by hand (gazette/editing.py); None for the writer's. A
    # published edited version is never replaced by the pipeline alone: the writer's next
    # version waits for an editor.
    edited_by: Mapped[str | None] = mapped_column(String(100))

    sentences: Mapped[list[Sentence]] = relationship(
        order_by="Sentence.position", cascade="all, delete-orphan"
    )
    references: Mapped[list[ArticleReference]] = relationship(
        order_by="ArticleReference.number", cascade="all, delete-orphan"
    )
    checks: Mapped[list[WriteCheck]] = relationship(
        order_by="WriteCheck.id", cascade="all, delete-orphan"
    )


class ArticleReference(Base):
    """A numbered reference of an article version, with the source's details as cited."""

    __tablename__ = "article_references"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[datetime | None]


class SentenceKind:
    FACT = "fact"
    DISAGREEMENT = "disagreement"
    NOTE = "note"  # an editor's note: no source supports it, readers see it marked as such


class Sentence(Base):
    """A sentence of an article version (summary or body), with its citations."""

    __tablename__ = "sentences"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(String(16))  # summary | body
    position: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # SentenceKind
    text: Mapped[str] = mapped_column(Text)

    citations: Mapped[list[Citation]] = relationship(
        order_by="Citation.reference_number", cascade="all, delete-orphan"
    )


class WriteCheck(Base):
    """A decision of the support check on a language model's answer, kept for the editor."""

    __tablename__ = "write_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    proposed: Mapped[str] = mapped_column(Text)
    proposed_sources: Mapped[str] = mapped_column(String(200))  # "1,3"
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    final: Mapped[str | None] = mapped_column(Text)


class Citation(Base):
    """Sentence -> reference number within the same article version."""

    __tablename__ = "citations"

    sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), primary_key=True
    )
    reference_number: Mapped[int] = mapped_column(Integer, primary_key=True)


class Correction(Base):
    """A correction an editor made to a published story, shown to readers with its date. The
    version it came with (`article_id`) and the one before it both stay in the history."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(100))


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # person | organisation | place | topic


class StoryTag(Base):
    __tablename__ = "story_tags"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)

    tag: Mapped[Tag] = relationship()


class TagDecision(Base):
    """An editor's decision about a tag, by its slug, kept so that the tag stage honours it every
    time it tags a story (gazette/tag/decisions.py): `hidden`, never a tag; `merged_into`, the
    slug of the tag used instead; or a rename, `name` and `kind` (the tag's row carries them, and
    this row says an editor chose them). One row per tag: its latest decision."""

    __tablename__ = "tag_decisions"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(16))
    merged_into: Mapped[str | None] = mapped_column(String(100), index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str] = mapped_column(String(100))


class SearchEntry(Base):
    """The searchable text of a story's published version: what full-text search looks in.

    The publish stage writes it (gazette/db/search.py); the database indexes it with means that
    the models cannot describe, made by migration 0018: an FTS5 table kept in step by triggers on
    SQLite, a weighted `tsvector` column with a GIN index on PostgreSQL."""

    __tablename__ = "search_entries"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    # The version this text is of: an entry whose version is no longer the published one is
    # written again by the next publish step.
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    headline: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(Text)  # the tags' names, one per line
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommentStatus:
    VISIBLE = "visible"  # readers see it
    PENDING = "pending"  # held for a moderator
    REJECTED = "rejected"  # a moderator refused it: kept for the record, never shown


class Comment(Base):
    """A reader's comment under a story, as typed (escaped when shown), with its moderation."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_address_hash_created_at", "address_hash", "created_at"),
        Index("ix_comments_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    author_name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=CommentStatus.VISIBLE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The sender's address as a keyed hash (gazette/comments.py): enough to count and block an
    # address, never the address itself. None for comments from before it was kept.
    address_hash: Mapped[str | None] = mapped_column(String(64))
    moderated_at: Mapped[datetime | None]
    moderated_by: Mapped[str | None] = mapped_column(String(100))


class BlockedAddress(Base):
    """An address whose comments are refused, as the same keyed hash comments keep."""

    __tablename__ = "blocked_addresses"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    blocked_at: Mapped[datetime] = mapped_column(default=utcnow)
    blocked_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(200), default="")  # "comment 12", as moderated


class AdSlot(Base):
    """A place on the page the publisher can sell; `html` is the publisher's markup, cleaned
    each time a page shows it (gazette/ads.py).

    `edited_at` and `edited_by` mark markup an editor set on the desk (gazette/ads.py): the
    runs' sync from the config leaves such markup alone until an editor hands the slot back."""

    __tablename__ = "ad_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    placement: Mapped[str] = mapped_column(String(16))
    html: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    edited_at: Mapped[datetime | None]
    edited_by: Mapped[str | None] = mapped_column(String(100))


class Memo(Base):
    """Something worked out from a text and kept so that later runs need not work it out again
    (a sentence's vector, a report's sentences). It is addressed by a hash of the text it was
    worked out from, so it never goes stale: a changed text simply has another key."""

    __tablename__ = "memos"

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class StageState(Base):
    """What a stage must know about its own steps. For a serialized stage (dedupe, cluster):
    how many there were, so that a worker that keeps the stage's memory between steps knows
    whether another worker has stepped since (and reloads it from the database). For every
    stage run as Celery tasks: a step that failed as a whole after its retries, which parks the
    stage until `retry_at` (gazette/tasks.py)."""

    __tablename__ = "stage_states"

    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failed_at: Mapped[datetime | None]
    retry_at: Mapped[datetime | None]


class WorkerBeat(Base):
    """A worker process's sign of life, renewed as it works (`gazette status` lists the live
    ones)."""

    __tablename__ = "workers"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid
    engine: Mapped[str] = mapped_column(String(16))  # local | celery
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    steps: Mapped[int] = mapped_column(Integer, default=0)  # steps that found work


class StageStat(Base):
    """Running totals of a stage's steps over every worker, for the metrics (/metrics)."""

    __tablename__ = "stage_stats"

    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    steps: Mapped[int] = mapped_column(Integer, default=0)  # steps that found work
    items: Mapped[int] = mapped_column(Integer, default=0)  # items they worked on
    errors: Mapped[int] = mapped_column(Integer, default=0)  # items that failed
    seconds: Mapped[float] = mapped_column(Float, default=0.0)  # time those steps took
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Host(Base):
    """A site pages are fetched from, shared by every worker: one worker at a time fetches
    from it (the lease), and none starts a request before `next_request_at`, so that the
    per-host limits and robots.txt's Crawl-delay hold across workers and machines."""

    __tablename__ = "hosts"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    lease_until: Mapped[datetime | None]
    holder: Mapped[str | None] = mapped_column(String(300))
    next_request_at: Mapped[datetime | None]


class RobotsFile(Base):
    """An origin's robots.txt as last read by any worker (a definite answer: a file, or a 4xx
    that allows everything), so that workers share one reading a day instead of each its own."""

    __tablename__ = "robots_files"

    origin: Mapped[str] = mapped_column(String(300), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRole:
    EDITOR = "editor"  # works on the desk: reviews, publishes, corrects, moderates
    ADMIN = "admin"  # an editor who may also read the audit log and what is for admins only


class User(Base):
    """A member of the newsroom who logs in to the desk. Created and changed only through
    `gazette/accounts.py`; the password is kept as an Argon2 hash, never as typed."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # lower case
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class StaffSession(Base):
    """A user's login, from the desk's session cookie. The cookie carries a random token; only
    its SHA-256 is stored, so that a copy of the database opens no session. A row ends at
    logout, when it stays unused or grows too old (`desk.session_*`), and with its user's
    password change or removal."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))


class LoginAttempt(Base):
    """One try at logging in, kept for as long as the login limits look back
    (`desk.login_window_minutes`), so that they hold across every web process."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)  # as typed, in lower case
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Base):
    """Something a member of the staff did (or tried: a failed login), written by
    `gazette/audit.py` only, and never changed afterwards."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))  # a user's name, or "cli:<system user>"
    action: Mapped[str] = mapped_column(String(40), index=True)  # "login", "user.added", ...
    target: Mapped[str] = mapped_column(String(200), default="")  # "user ann", "story 12"
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str | None] = mapped_column(String(64))  # the client's, for the web


class SiteKey(Base):
    """A secret the site makes for itself when the settings give none (the key that signs its
    cookies), kept here so that every web process uses the same one."""

    __tablename__ = "site_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
