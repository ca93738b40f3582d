"""The small typed records that pass between stages.

Stages never hand each other database rows or internals: each algorithm takes and returns these
records, and the pipeline translates them to and from the database. The batch commands
(`gazette extract | cluster | summarize`) read and write the same records as JSON Lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where the article is, and what the feed says about it."""

    url: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    guid: str | None = None
    # The feed's categories or tags for the item ("Opinion", "Business"...).
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]
    # Set when the feed was readable but not well-formed (feedparser's "bozo" flag).
    warning: str | None = None
    # For a sitemap index: the sitemaps it lists (their pages are in those, not here).
    sitemaps: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FetchedPage:
    """A response body and where it finally came from, after redirects."""

    requested_url: str
    url: str
    status: int
    content_type: str
    body: bytes
    # Validators for the next, conditional request.
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class ExtractedArticle:
    """What the extractor found on a page."""

    url: str
    canonical_url: str
    title: str
    text: str
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    language: str | None = None
    image: str | None = None
    site_name: str | None = None
    kind: str = "news"  # gazette/report_kinds.py


@dataclass(frozen=True)
class ClusterItem:
    """An article as the clusterer sees it."""

    id: str
    title: str
    text: str
    published: datetime
    source: str = ""
    url: str = ""
    # When the item is a syndicated copy, the id of the item it copies: it joins that story.
    copy_of: str | None = None
    # ISO 639-1, as declared by the page or found by gazette.language; None: not known yet.
    language: str | None = None


@dataclass(frozen=True)
class Assignment:
    """The clusterer's decision for one item, with the reason in words."""

    item_id: str
    story_id: int
    similarity: float
    created: bool
    reason: str
    # The first story of the thread the item's story belongs to (None: a story of its own).
    thread: int | None = None


@dataclass(frozen=True)
class SourceArticle:
    """One report of a story, as the writer reads it."""

    key: str
    title: str
    text: str
    url: str = ""
    outlet: str = ""
    published: datetime | None = None
    # The key of the report this one republishes (wire copies): counted once, not cited twice.
    copy_of: str | None = None
    # ISO 639 code as declared by the page; None: found from the text (gazette.language).
    language: str | None = None
    # Only the feed's title and summary are known: the page could not be had (a paywall).
    summary_only: bool = False


@dataclass(frozen=True)
class Reference:
    number: int
    key: str
    url: str
    title: str
    outlet: str
    published: datetime | None


@dataclass(frozen=True)
class CitedSentence:
    text: str
    citations: tuple[int, ...]
    paragraph: int = 0
    # "fact": a source sentence; "disagreement": built from the sources' differing values.
    kind: str = "fact"

    def with_markers(self) -> str:
        """The sentence with its citation markers. A disagreement sentence carries its markers
        inline, after each side ("A put the figure at 12 [1], while B reported 10 [2].")."""
        if self.kind == "disagreement":
            return self.text
        return self.text + "".join(f"[{n}]" for n in self.citations)


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str
    citation: int


@dataclass(frozen=True)
class Tag:
    name: str
    kind: str  # person, organisation, place or topic

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class CheckDecision:
    """What the support check did with one piece of a language model's answer, for the editor."""

    section: str  # headline, summary, body, quote, or article (the whole answer)
    position: int  # index of the piece within its section of the answer
    proposed: str  # as the model wrote it
    proposed_sources: tuple[int, ...]  # the model's source numbers (as numbered in the prompt)
    outcome: str  # kept, corrected, replaced, dropped or fallback
    reason: str
    final: str | None = None  # what the article says instead (None: nothing)


@dataclass
class WrittenArticle:
    headline: str
    summary: list[CitedSentence]
    body: list[CitedSentence]
    references: list[Reference]
    quote: Quote | None = None
    tags: list[Tag] = field(default_factory=list)
    writer: str = "extractive"
    checks: list[CheckDecision] = field(default_factory=list)
    # Written from thin sources (titles and cut-off standfirsts): readers are told it is brief.
    brief: bool = False

    @property
    def summary_text(self) -> str:
        return " ".join(sentence.text for sentence in self.summary)

    @property
    def body_text(self) -> str:
        """Paragraphs separated by blank lines, every sentence followed by its [n] markers."""
        paragraphs: dict[int, list[str]] = {}
        for sentence in self.body:
            paragraphs.setdefault(sentence.paragraph, []).append(sentence.with_markers())
        return "\n\n".join(" ".join(parts) for _, parts in sorted(paragraphs.items()))

    @property
    def word_count(self) -> int:
        return sum(len(sentence.text.split()) for sentence in self.body)


def independent_sources(sources: list[SourceArticle]) -> list[SourceArticle]:
    """The sources that are not copies of another source in the list, oldest first."""
    keys = {source.key for source in sources}
    originals = [s for s in sources if s.copy_of is None or s.copy_of not in keys]
    return sorted(originals, key=lambda s: (s.published is None, s.published, s.key))


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens, for URLs."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def story_slug(headline: str, max_length: int = 80) -> str:
    """The word part of a story's address, from its headline.

    A headline mostly in Latin letters gives `slugify`'s ASCII words. One mostly in another
    script (Hindi, Russian, Arabic...) keeps that script: its words, lower-cased where the
    script has case, joined by hyphens. `slugify` would keep only the headline's few Latin
    words ("irctc", "to"), an address that misleads about what the page says; a Unicode path is
    a valid address (sent percent-encoded, shown as written by browsers) that tells a reader of
    that script which story it is. Cut at a word, so that no letter loses its vowel sign.
    """
    letters = [char for char in headline if char.isalpha()]
    latin = sum(unicodedata.name(char, "").startswith("LATIN") for char in letters)
    if not letters or latin * 2 >= len(letters):
        return slugify(headline, max_length)
    kept = "".join(
        char if unicodedata.category(char)[0] in "LMN" else "-"
        for char in unicodedata.normalize("NFC", headline).lower()
    )
    slug = "-".join(word for word in kept.split("-") if word)
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug
