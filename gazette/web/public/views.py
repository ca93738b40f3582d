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
    latest_report_at: datetime  # when its latest report came out: lists are ordered by it
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
class ReportLink:
    outlet: str
    title: str
    url: str


@dataclass(frozen=True)
class OpinionLink:
    """A piece about the story that is not a news report (opinion, analysis, a review...):
    listed apart from the article, as its writer's view in its outlet, never as a fact."""

    kind: str  # gazette/report_kinds.py: "opinion", "analysis", "review"...
    writers: tuple[str, ...]
    outlet: str
    title: str
    url: str
    published_at: datetime | None

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.capitalize())


KIND_LABELS = {"live": "Live blog"}


@dataclass(frozen=True)
class WireGroup:
    """Reports that are copies of one wire story: they count as one source. `wire` is the
    service the copies credit (their common byline), empty when they name none."""

    wire: str
    original: ReportLink
    copies: tuple[ReportLink, ...]


@dataclass(frozen=True)
class Coverage:
    independent_sources: int
    reports: int
    outlets: list[tuple[str, str]]  # (name, domain)
    first_report: datetime
    latest_report: datetime
    wire_groups: tuple[WireGroup, ...] = ()


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
    # Stories of the same thread (separate events of one ongoing subject), oldest first.
    earlier: list[StoryCard] = field(default_factory=list)
    later: list[StoryCard] = field(default_factory=list)
    language: str = "en"
    # The same event told in other languages: (language code, card), for `hreflang`.
    translations: list[tuple[str, StoryCard]] = field(default_factory=list)
    versions: int = 1  # how many versions readers have seen (a link to their history past 1)
    # Opinion and other pieces about the story, listed apart from its facts, oldest first.
    opinions: list[OpinionLink] = field(default_factory=list)

    @property
    def thread_size(self) -> int:
        return 1 + len(self.earlier) + len(self.later)


@dataclass(frozen=True)
class SentenceChange:
    """One sentence of a version compared with the version before it."""

    text: str
    change: str  # "kept" | "added" | "removed"


@dataclass(frozen=True)
class VersionView:
    """One published version of a story's article and what changed from the one before."""

    number: int
    published_at: datetime | None
    headline: str
    change_note: str | None
    sentences: list[SentenceView]
    references: list[ReferenceView]  # what this version's markers cite
    changes: list[SentenceChange]  # empty for the first version
    headline_before: str | None  # the previous headline, when this version changed it

    @property
    def added(self) -> int:
        return sum(1 for c in self.changes if c.change == "added")

    @property
    def removed(self) -> int:
        return sum(1 for c in self.changes if c.change == "removed")


@dataclass
class VersionsView:
    card: StoryCard
    versions: list[VersionView]  # newest first


@dataclass(frozen=True)
class AdView:
    """An ad slot as a page shows it: `html` is the sanitised markup, empty when unsold."""

    name: str
    placement: str
    html: Markup
