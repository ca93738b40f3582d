"""What the review page shows (/desk/story/{id}): one version of a story's article beside its
sources, each sentence with the passages it cites and the support check's decision, the
story's versions and corrections, and the opinion placed beside it. Read here as plain
records; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette import editing
from gazette.db.asides import AsidePiece, story_asides
from gazette.db.models import Article, Correction, Story, WriteCheck
from gazette.db.states import StoryState


@dataclass(frozen=True)
class Decision:
    """A decision of the support check, as the editor reads it."""

    section: str
    outcome: str
    proposed: str
    reason: str
    final: str | None

    @property
    def warn(self) -> bool:
        return self.outcome in ("replaced", "dropped", "fallback", editing.NOTE)


@dataclass(frozen=True)
class CitedPassage:
    number: int  # the reference
    passage: int | None  # the index of the passage of that source it comes from, if found


@dataclass(frozen=True)
class ReviewSentence:
    position: int
    section: str
    paragraph: int
    kind: str
    text: str
    citations: tuple[CitedPassage, ...]
    decision: Decision | None

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(c.number for c in self.citations)

    @property
    def edit_text(self) -> str:
        """The text the edit form starts from: without the inline markers of a disagreement
        (an edited sentence's sources are ticked, not typed)."""
        return " ".join(editing.MARKERS.sub("", self.text).split()).replace(" ;", ";")


@dataclass(frozen=True)
class Passage:
    index: int
    text: str
    cited_by: tuple[int, ...]  # positions of the sentences that cite it


@dataclass(frozen=True)
class ReviewSource:
    number: int
    outlet: str
    title: str
    url: str
    published_at: datetime | None
    passages: list[Passage]


@dataclass(frozen=True)
class VersionRow:
    version: int
    headline: str
    written_at: datetime
    published_at: datetime | None
    edited_by: str | None
    change_note: str | None
    live: bool


@dataclass(frozen=True)
class CorrectionRow:
    at: datetime
    by: str
    text: str
    version: int | None


@dataclass(frozen=True)
class ReviewPage:
    story_id: int
    slug: str
    state: str
    held_at: datetime | None
    withdrawn_at: datetime | None
    live_version: int | None
    newest_version: int
    version: int
    headline: str
    writer: str
    edited_by: str | None
    change_note: str | None
    written_at: datetime
    summary: list[ReviewSentence]
    paragraphs: list[list[ReviewSentence]]
    sources: list[ReviewSource]
    other_decisions: list[Decision]  # the headline's, the quote's, and sentences left out
    versions: list[VersionRow]
    corrections: list[CorrectionRow] = field(default_factory=list)
    # Opinion and other pieces placed beside the story: shown so the editor knows they exist,
    # never among the sources a sentence may cite.
    asides: list[AsidePiece] = field(default_factory=list)

    @property
    def is_newest(self) -> bool:
        return self.version == self.newest_version

    @property
    def model_written(self) -> bool:
        return self.writer.startswith("llm:")

    @property
    def in_the_queue(self) -> bool:
        """Whether the pipeline is done with the story (edits and publishing are possible)."""
        return self.state in (StoryState.TAGGED, StoryState.PUBLISHED)

    @property
    def unwritten(self) -> bool:
        """Whether its reports give nothing to write from: no new version will come."""
        return self.state == StoryState.UNWRITTEN

    @property
    def unwritten_note(self) -> str:
        """What the page says of an unwritten story: the refusal of an edit's own words."""
        return editing.UNWRITTEN_NOTE.format(story="This story's") + "."

    @property
    def can_publish(self) -> bool:
        return self.is_newest and self.state == StoryState.TAGGED

    @property
    def can_release(self) -> bool:
        """Whether "publish" would only end a hold (readers see the newest version already)."""
        return self.is_newest and self.held_at is not None and self.live_version == self.version

    @property
    def can_correct(self) -> bool:
        """Corrections go with the version readers see, when it is the newest."""
        return self.is_newest and self.live_version == self.version

    @property
    def sentences(self) -> list[ReviewSentence]:
        return self.summary + [s for paragraph in self.paragraphs for s in paragraph]


def _decisions(checks: list[WriteCheck]) -> list[Decision]:
    return [Decision(c.section, c.outcome, c.proposed, c.reason, c.final) for c in checks]


def review_page(session: Session, story_id: int, version: int | None) -> ReviewPage | None:
    """The review page of `story_id` at `version` (default: the newest); None when the story
    or the version does not exist, or the story was merged away."""
    story = session.get(Story, story_id)
    if story is None or story.merged_into_id is not None:
        return None
    versions = session.scalars(
        select(Article).where(Article.story_id == story_id).order_by(Article.version.desc())
    ).all()
    if not versions:
        return None
    article = (
        versions[0]
        if version is None
        else next((a for a in versions if a.version == version), None)
    )
    if article is None:
        return None
    live = next((a.version for a in versions if a.id == story.published_article_id), None)
    texts = editing.source_texts(session, article)
    split = {number: editing.passages(text) for number, (_, text) in texts.items()}
    decisions = _decisions(article.checks)
    by_text = {(d.section, d.final): d for d in decisions if d.final}
    cited_by: dict[tuple[int, int], list[int]] = {}
    summary: list[ReviewSentence] = []
    paragraphs: dict[int, list[ReviewSentence]] = {}
    shown: set[tuple[str, str | None]] = set()
    for sentence in article.sentences:
        citations = []
        for citation in sentence.citations:
            number = citation.reference_number
            index = editing.closest_passage(sentence.text, split.get(number, []))
            if index is not None:
                cited_by.setdefault((number, index), []).append(sentence.position)
            citations.append(CitedPassage(number, index))
        decision = by_text.get((sentence.section, sentence.text))
        if decision is not None:
            shown.add((decision.section, decision.final))
        row = ReviewSentence(
            sentence.position,
            sentence.section,
            sentence.paragraph,
            sentence.kind,
            sentence.text,
            tuple(citations),
            decision,
        )
        if sentence.section == "summary":
            summary.append(row)
        else:
            paragraphs.setdefault(sentence.paragraph, []).append(row)
    sources = [
        ReviewSource(
            r.number,
            r.outlet,
            r.title,
            r.url,
            r.published_at,
            [
                Passage(index, text, tuple(cited_by.get((r.number, index), ())))
                for index, text in enumerate(split.get(r.number, []))
            ],
        )
        for r in article.references
    ]
    corrections = session.execute(
        select(Correction, Article.version)
        .outerjoin(Article, Article.id == Correction.article_id)
        .where(Correction.story_id == story_id)
        .order_by(Correction.created_at.desc(), Correction.id.desc())
    ).all()
    return ReviewPage(
        story_id=story.id,
        slug=story.slug or "story",
        state=story.state,
        held_at=story.held_at,
        withdrawn_at=story.withdrawn_at,
        live_version=live,
        newest_version=versions[0].version,
        version=article.version,
        headline=article.headline,
        writer=article.writer,
        edited_by=article.edited_by,
        change_note=article.change_note,
        written_at=article.created_at,
        summary=summary,
        paragraphs=[paragraphs[k] for k in sorted(paragraphs)],
        sources=sources,
        other_decisions=[d for d in decisions if (d.section, d.final) not in shown],
        versions=[
            VersionRow(
                a.version,
                a.headline,
                a.created_at,
                a.published_at,
                a.edited_by,
                a.change_note,
                a.id == story.published_article_id,
            )
            for a in versions
        ],
        corrections=[
            CorrectionRow(c.created_at, c.created_by, c.text, number) for c, number in corrections
        ],
        asides=story_asides(session, story_id),
    )
