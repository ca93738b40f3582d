"""The records the public pages are rendered from: plain values, never database rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from gazette.urls import domain_of


@dataclass(frozen=True)
class TagLink:
    name: str
    slug: str
    kind: str


@dataclass(frozen=True)
class StoryCard:
    """A story in a list: the version readers see, its sources and tags."""

    id: int
    slug: str
    headline: str
    summary: str
    published_at: datetime  # when its first report came out
    # When the version readers see was published; None while that is the first version.
    updated_at: datetime | None
    sources: int
    tags: tuple[TagLink, ...]

    @property
    def last_changed(self) -> datetime:
        return self.updated_at or self.published_at


@dataclass(frozen=True)
class SentenceView:
    text: str
    citations: tuple[int, ...]
    kind: str


@dataclass(frozen=True)
class ReferenceView:
    number: int
    outlet: str
    title: str
    url: str
    published_at: datetime | None

    @property
    def domain(self) -> str:
        return domain_of(self.url)


@dataclass(frozen=True)
class QuoteView:
    text: str
    speaker: str
    reference: int


@dataclass(frozen=True)
class Coverage:
    independent_sources: int
    reports: int
    outlets: list[tuple[str, str]]  # (name, domain)
    first_report: datetime
    latest_report: datetime


@dataclass(frozen=True)
class CommentView:
    author: str
    body: str
    posted_at: datetime


@dataclass
class StoryView:
    card: StoryCard
    version: int
    change_note: str | None
    summary: list[SentenceView]
    paragraphs: list[list[SentenceView]]
    references: list[ReferenceView]
    quote: QuoteView | None
    coverage: Coverage
    # Written from thin sources (titles and cut-off standfirsts): the page says it is brief.
    brief: bool = False
    related: list[StoryCard] = field(default_factory=list)
    comments: list[CommentView] = field(default_factory=list)
    # Stories of the same thread (separate events of one ongoing subject), oldest first.
    earlier: list[StoryCard] = field(default_factory=list)
    later: list[StoryCard] = field(default_factory=list)


@dataclass(frozen=True)
class AdView:
    """An ad slot as a page shows it: `html` is the sanitised markup, empty when unsold."""

    name: str
    placement: str
    html: Markup
