"""What an editor does to a story: publish, hold, unpublish, edit the headline or a sentence,
correct. The desk's review page and `gazette desk` both call these functions, so that the rules
and the audit log are the same from a browser and from a terminal.

Each function works inside the caller's transaction and writes its audit entry there (so the
log never tells of a change that was rolled back). The story's row is locked first: an editor
and a worker of the pipeline never change one story at once (the pipeline's claims skip locked
rows).

The rules:
- An edit never changes a stored version: it makes a new one from the newest, marked with the
  editor's name (`Article.edited_by`), and the story is held for an editor (`Story.held_at`),
  so that the publish stage does not publish it by itself; readers see it when an editor
  publishes it. While an edited version is the published one, the writer's next version (new
  reports) waits for an editor too (gazette/publish/stage.py).
- An edited sentence goes through the writer's support check (`gazette.write.check_support`)
  against each source it cites: sources that do not support it are no longer cited; a sentence
  that no source supports is refused, unless the editor publishes it as an editor's note,
  which cites nothing and is shown to readers marked as such.
- A correction is an edit published at once with a note readers see, dated; or a note alone
  on the published version. The version before it stays in the history.
- Unpublishing takes the story off the site (its page answers 410, "withdrawn") and holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from gazette import audit
from gazette.db.models import (
    Article,
    ArticleReference,
    Citation,
    Correction,
    Document,
    Sentence,
    SentenceKind,
    Story,
    WriteCheck,
    utcnow,
)
from gazette.db.states import StoryState, move
from gazette.errors import InputError, NotFound
from gazette.publish import publish as make_public
from gazette.sentences import content_words, split_sentences
from gazette.write import Verdict, check_support

HEADLINE_CHARACTERS = 200
SENTENCE_CHARACTERS = 1000
CORRECTION_CHARACTERS = 2000
MARKERS = re.compile(r"\[\d+\]")
# A passage of a source "is" the one a sentence cites when it holds this share of the
# sentence's content words (and more than any other passage).
PASSAGE_OVERLAP = 0.5
# The version's change note ("Updated: ..." on the story page); a correction's own text is in
# the story's Correction box.
EDITED_NOTE = "Edited by the newsroom."
CORRECTED_NOTE = "Corrected."

# Outcomes of the check for an editor's sentence, stored with the writer's (WriteCheck).
EDITED = "edited"  # at least one cited source supports it
NOTE = "note"  # published as an editor's note


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in editor's name and address, or `cli:<system user>`."""

    name: str
    address: str | None = None


@dataclass(frozen=True)
class SourceCheck:
    """The support check's verdict on a sentence for one source it cites."""

    number: int  # the reference number in the article
    outlet: str
    supported: bool
    reason: str


@dataclass(frozen=True)
class QueueEntry:
    """A story that waits for an editor, as `gazette desk list` shows it."""

    story_id: int
    version: int
    headline: str
    live_version: int | None
    held: bool
    withdrawn: bool
    written_at: datetime


# --- reading ---------------------------------------------------------------------------------


def _story(session: Session, story_id: int, lock: bool = True) -> Story:
    query = select(Story).where(Story.id == story_id)
    story = session.scalar(query.with_for_update() if lock else query)
    if story is None:
        raise NotFound(f"there is no story {story_id}")
    if story.state == StoryState.MERGED:
        raise InputError(
            f"story {story_id} was merged into story {story.merged_into_id}: work on that one"
        )
    return story


def newest_version(session: Session, story_id: int) -> Article:
    article = session.scalar(
        select(Article).where(Article.story_id == story_id).order_by(Article.version.desc())
    )
    if article is None:
        raise NotFound(f"story {story_id} has no article yet")
    return article


def _as_seen(article: Article, seen: int | None) -> Article:
    """`article`, the story's newest version, when it is the one the editor acted on (`seen`,
    the version their page showed; None from the command line, which shows none). A version
    written since (by the pipeline or another editor) is refused: publishing it would put out
    text nobody read, and an edit would land on sentences that may have moved."""
    if seen is not None and article.version != seen:
        raise InputError(
            f"v{article.version} of story {article.story_id} was written after the page you "
            f"acted on showed v{seen}: it is shown now; read it, then act again"
        )
    return article


def version(session: Session, story_id: int, number: int) -> Article | None:
    return session.scalar(
        select(Article).where(Article.story_id == story_id, Article.version == number)
    )


def waiting(session: Session, limit: int = 100) -> list[QueueEntry]:
    """Stories whose newest version readers do not see (written and tagged, or held or
    withdrawn), the most recently written first."""
    newest = aliased(Article)
    live = aliased(Article)
    newest_number = (
        select(func.max(Article.version))
        .where(Article.story_id == Story.id)
        .correlate(Story)
        .scalar_subquery()
    )
    query: Select = (
        select(Story, newest, live.version)
        .select_from(Story)
        .join(newest, (newest.story_id == Story.id) & (newest.version == newest_number))
        .outerjoin(live, live.id == Story.published_article_id)
        .where(
            Story.merged_into_id.is_(None),
            Story.state == StoryState.TAGGED,
            (Story.published_article_id.is_(None)) | (Story.published_article_id != newest.id),
        )
        .order_by(newest.created_at.desc(), newest.id.desc())
        .limit(limit)
    )
    return [
        QueueEntry(
            story.id,
            article.version,
            article.headline,
            live_version,
            story.held_at is not None,
            story.withdrawn_at is not None,
            article.created_at,
        )
        for story, article, live_version in session.execute(query)
    ]


def source_texts(session: Session, article: Article) -> dict[int, tuple[str, str]]:
    """Each reference number of `article` with its outlet and its source's stored text ("" when
    the report is gone or had no text)."""
    rows = session.execute(
        select(ArticleReference.number, ArticleReference.outlet, Document.text)
        .outerjoin(Document, Document.id == ArticleReference.document_id)
        .where(ArticleReference.article_id == article.id)
    )
    return {number: (outlet, text or "") for number, outlet, text in rows}


def passages(text: str) -> list[str]:
    """A source's text as the passages the review page shows and highlights: its sentences."""
    return split_sentences(text) if text.strip() else []


def closest_passage(sentence: str, candidates: list[str]) -> int | None:
    """The index of the passage that says most of what `sentence` says, or None when none
    holds PASSAGE_OVERLAP of its content words. Only for showing where a sentence comes from:
    whether a source supports it is the support check's question."""
    wanted = content_words(MARKERS.sub("", sentence))
    if not wanted:
        return None
    best, best_share = None, PASSAGE_OVERLAP
    for index, passage in enumerate(candidates):
        share = len(wanted & content_words(passage)) / len(wanted)
        if share >= best_share and (best is None or share > best_share):
            best, best_share = index, share
    return best


def check_sentence(
    session: Session, article: Article, text: str, citations: list[int]
) -> list[SourceCheck]:
    """The support check of `text` against each of `citations` (reference numbers of
    `article`), in the writer's own terms. A lexical check only: an editor's paraphrase gets
    no allowance for an embedding's similarity, so it errs towards "not supported"."""
    sources = source_texts(session, article)
    checks = []
    for number in citations:
        outlet, source = sources.get(number, ("", ""))
        if number not in sources:
            verdict = Verdict(False, f"the article has no reference [{number}]")
        elif not source:
            verdict = Verdict(False, "the source's text is not stored")
        else:
            verdict = check_support(text, source)
        checks.append(SourceCheck(number, outlet, verdict.supported, verdict.reason))
    return checks


# What an editor is told of a story whose reports give nothing to write from now (its good
# reports were moved away): no new version will come until a report joins it. The one wording,
# for the refusal of an edit and for the review page's note; `{story}` names the story whose
# reports they are ("story 12's", "This story's").
UNWRITTEN_NOTE = (
    "{story} reports give nothing to write from (a question headline, a programme page): no "
    "new version will be written until a report joins it; readers see its last published "
    "version, if any, which you may unpublish"
)


# --- publishing ------------------------------------------------------------------------------


def publish(session: Session, story_id: int, actor: Actor, seen: int | None = None) -> Article:
    """Make the story's newest version the one readers see; a hold or a withdrawal ends. When
    readers see the newest version already, only the hold ends (refused when there is none).
    `seen`: the version the editor's page showed (refused when a newer one exists)."""
    story = _story(session, story_id)
    article = _as_seen(newest_version(session, story_id), seen)
    if story.published_article_id == article.id:
        if story.held_at is None:
            raise InputError(
                f"story {story_id} is already published: readers see v{article.version}"
            )
        story.held_at = None  # nothing new to publish: what is left to do is end the hold
        detail = f"v{article.version} (already published; the hold ends)"
        _log(session, actor, audit.Action.STORY_PUBLISHED, story, detail)
        return article
    if story.state != StoryState.TAGGED:
        raise InputError(
            f"story {story_id} is being rewritten by the pipeline (its reports changed): "
            "its new version is not ready yet"
        )
    make_public(story, article, utcnow())
    story.held_at = story.withdrawn_at = None
    _log(session, actor, audit.Action.STORY_PUBLISHED, story, f"v{article.version}")
    return article


def hold(session: Session, story_id: int, actor: Actor) -> Story:
    """Keep the story's new versions for an editor, even with write.auto_publish; readers go on
    seeing the published version."""
    story = _story(session, story_id)
    if story.held_at is not None:
        raise InputError(f"story {story_id} is already held")
    story.held_at = utcnow()
    _log(session, actor, audit.Action.STORY_HELD, story)
    return story


def unpublish(session: Session, story_id: int, actor: Actor, reason: str = "") -> Story:
    """Take the story off the site: its page says it was withdrawn (410). It stays held, and
    goes back to the queue."""
    story = _story(session, story_id)
    if story.published_article_id is None:
        raise InputError(f"story {story_id} is not published")
    now = utcnow()
    story.published_article_id = None
    story.withdrawn_at = now
    story.held_at = story.held_at or now
    if story.state == StoryState.PUBLISHED:
        move(story, StoryState.TAGGED)
    _log(session, actor, audit.Action.STORY_UNPUBLISHED, story, reason.strip()[:500])
    return story


# --- editing ---------------------------------------------------------------------------------


def _clean(text: str, what: str, longest: int) -> str:
    text = " ".join(text.split())
    if not text:
        raise InputError(f"the {what} is empty")
    if len(text) > longest:
        raise InputError(f"the {what} has {len(text)} characters; at most {longest} fit")
    return text


def _editable(session: Session, story: Story, correction: str, seen: int | None) -> Article:
    """The version an edit starts from: the newest, which must be the one the editor saw. A
    correction goes with the version readers see, so it needs that one to be the newest."""
    if story.state == StoryState.UNWRITTEN:
        raise InputError(UNWRITTEN_NOTE.format(story=f"story {story.id}'s"))
    if story.state not in (StoryState.TAGGED, StoryState.PUBLISHED):
        raise InputError(
            f"story {story.id} is being rewritten by the pipeline (its reports changed): "
            "edit it when its new version is in the queue"
        )
    article = _as_seen(newest_version(session, story.id), seen)
    if correction and story.published_article_id != article.id:
        if story.published_article_id is None:
            raise InputError(f"story {story.id} is not published: edit it without a correction")
        raise InputError(
            f"v{article.version} of story {story.id} waits for review: publish it (or hold it "
            "and edit it) first, then correct what readers see"
        )
    return article


def _copy(article: Article, actor: Actor, note: str) -> Article:
    """A new version with `article`'s text, references and check decisions."""
    copy = Article(
        story_id=article.story_id,
        version=article.version + 1,
        headline=article.headline,
        summary=article.summary,
        quote_text=article.quote_text,
        quote_speaker=article.quote_speaker,
        quote_reference=article.quote_reference,
        writer=article.writer,
        word_count=article.word_count,
        change_note=note,
        created_at=utcnow(),
        edited_by=actor.name,
    )
    copy.references = [
        ArticleReference(
            number=r.number,
            document_id=r.document_id,
            url=r.url,
            title=r.title,
            outlet=r.outlet,
            published_at=r.published_at,
        )
        for r in article.references
    ]
    copy.sentences = []
    for s in article.sentences:
        sentence = Sentence(
            section=s.section, position=s.position, paragraph=s.paragraph, kind=s.kind, text=s.text
        )
        sentence.citations = [Citation(reference_number=c.reference_number) for c in s.citations]
        copy.sentences.append(sentence)
    copy.checks = [
        WriteCheck(
            section=c.section,
            position=c.position,
            proposed=c.proposed,
            proposed_sources=c.proposed_sources,
            outcome=c.outcome,
            reason=c.reason,
            final=c.final,
        )
        for c in article.checks
    ]
    return copy


def _finish(
    session: Session, story: Story, article: Article, actor: Actor, what: str, correction: str
) -> Article:
    """Store the new version: held for an editor, or published at once with its correction."""
    article.summary = " ".join(s.text for s in article.sentences if s.section == "summary")
    article.word_count = sum(len(s.text.split()) for s in article.sentences)
    session.add(article)
    session.flush()
    now = utcnow()
    if story.state == StoryState.PUBLISHED:
        move(story, StoryState.TAGGED)  # waits for an editor, or is published again just below
    if correction:
        make_public(story, article, now)
        story.held_at = None
        session.add(
            Correction(
                story_id=story.id,
                article_id=article.id,
                text=correction,
                created_at=now,
                created_by=actor.name,
            )
        )
        detail = f"v{article.version}: {what}; correction: {correction}"
        _log(session, actor, audit.Action.STORY_CORRECTED, story, detail)
    else:
        story.held_at = story.held_at or now
        _log(session, actor, audit.Action.STORY_EDITED, story, f"v{article.version}: {what}")
    return article


def edit_headline(
    session: Session,
    story_id: int,
    headline: str,
    actor: Actor,
    correction: str = "",
    seen: int | None = None,
) -> Article:
    """A new version with another headline (`seen`: as in `publish`)."""
    headline = _clean(headline, "headline", HEADLINE_CHARACTERS)
    correction = _correction(correction)
    story = _story(session, story_id)
    base = _editable(session, story, correction, seen)
    if headline == base.headline:
        raise InputError("the headline is unchanged")
    note = CORRECTED_NOTE if correction else EDITED_NOTE
    article = _copy(base, actor, note)
    article.headline = headline
    what = f"headline {base.headline!r} -> {headline!r}"
    return _finish(session, story, article, actor, what, correction)


@dataclass(frozen=True)
class SentenceEdit:
    """What became of an edited sentence: the new version, and the check of each source."""

    article: Article
    position: int
    checks: list[SourceCheck]
    as_note: bool


def edit_sentence(
    session: Session,
    story_id: int,
    position: int,
    text: str,
    actor: Actor,
    citations: list[int] | None = None,
    as_note: bool = False,
    correction: str = "",
    seen: int | None = None,
) -> SentenceEdit:
    """A new version in which the sentence at `position` says `text`, citing those of
    `citations` (default: the sentence's own) that support it. When none does, the edit is
    refused (InputError, with each source's reason), unless `as_note`: then the sentence is an
    editor's note, citing nothing. `seen`: as in `publish`."""
    text = _clean(text, "sentence", SENTENCE_CHARACTERS)
    if MARKERS.search(text):
        raise InputError("leave the [n] markers out of the text: tick the sources it cites")
    correction = _correction(correction)
    story = _story(session, story_id)
    base = _editable(session, story, correction, seen)
    old = next((s for s in base.sentences if s.position == position), None)
    if old is None:
        raise NotFound(f"v{base.version} of story {story_id} has no sentence {position}")
    if citations is None:
        citations = [c.reference_number for c in old.citations]
    citations = sorted(set(citations))
    checks = check_sentence(session, base, text, citations)
    supported = [c.number for c in checks if c.supported]
    if not supported and not as_note:
        raise InputError(_unsupported(checks))
    if (
        text == old.text
        and not as_note
        and supported == [c.reference_number for c in old.citations]
    ):
        raise InputError("the sentence is unchanged")
    note = CORRECTED_NOTE if correction else EDITED_NOTE
    article = _copy(base, actor, note)
    sentence = next(s for s in article.sentences if s.position == position)
    sentence.text = text
    sentence.kind = SentenceKind.NOTE if as_note else SentenceKind.FACT
    sentence.citations = [Citation(reference_number=n) for n in ([] if as_note else supported)]
    reasons = "; ".join(
        f"[{c.number}] {'yes' if c.supported else 'no'}: {c.reason}" for c in checks
    )
    # The check's decisions name a sentence by its section and final text (their positions
    # count the model's answer, not the article): the old sentence's make way for the edit's.
    article.checks = [
        c for c in article.checks if (c.section, c.final) != (old.section, old.text)
    ] + [
        WriteCheck(
            section=old.section,
            position=position,
            proposed=text,
            proposed_sources=",".join(map(str, citations)),
            outcome=NOTE if as_note else EDITED,
            reason=f"edited by {actor.name}; " + (reasons or "cites no source"),
            final=text,
        )
    ]
    kind = "editor's note" if as_note else f"cites {','.join(map(str, supported))}"
    what = f"sentence {position} ({kind}): {text}"
    _finish(session, story, article, actor, what, correction)
    return SentenceEdit(article, position, checks, as_note)


def _unsupported(checks: list[SourceCheck]) -> str:
    if not checks:
        return (
            "the sentence cites no source: tick one that supports it, or make it an editor's note"
        )
    reasons = "; ".join(f"[{c.number}] {c.outlet}: {c.reason}" for c in checks)
    return (
        f"no source it cites supports the sentence ({reasons}). Change it to say what a source "
        "says, or publish it as an editor's note"
    )


def _correction(text: str) -> str:
    return " ".join(text.split())[:CORRECTION_CHARACTERS] if text.strip() else ""


def add_correction(session: Session, story_id: int, text: str, actor: Actor) -> Correction:
    """A correction note on the version readers see, when the text itself needs no change (or
    was changed already)."""
    text = _clean(text, "correction", CORRECTION_CHARACTERS)
    story = _story(session, story_id)
    if story.published_article_id is None:
        raise InputError(f"story {story_id} is not published: there is nothing to correct")
    correction = Correction(
        story_id=story.id,
        article_id=story.published_article_id,
        text=text,
        created_at=utcnow(),
        created_by=actor.name,
    )
    session.add(correction)
    _log(session, actor, audit.Action.STORY_CORRECTED, story, f"note: {text}")
    return correction


def _log(
    session: Session, actor: Actor, action: audit.Action, story: Story, detail: str = ""
) -> None:
    audit.record(session, actor.name, action, f"story {story.id}", detail, actor.address)
