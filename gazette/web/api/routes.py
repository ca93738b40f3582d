"""The JSON API, read-only: stories (a page at a time, by tag and date), one story whole with
its cited sentences, references, quote, tags and versions (and apart, the opinion and other
pieces about it), tags, search, and the sources' health. Errors are JSON too
(gazette/web/error_pages.py); bad parameters are a 400 that names each one. The OpenAPI
document is built from these routes and their models (`openapi.py`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.exceptions import HTTPException

from gazette.config import Settings
from gazette.db.engine import fits_in_id
from gazette.db.models import Tag as TagRow
from gazette.sources.registry import list_sources, source_status
from gazette.tag import decisions
from gazette.web.api import models
from gazette.web.api import queries as api_queries
from gazette.web.dependencies import AppSettings, ReadSession
from gazette.web.public import listings, queries
from gazette.web.public.feeds import absolute_url, http_date, names_a_tag
from gazette.web.public.views import StoryCard, StoryView, TagLink

MAX_PAGE = 100_000
MAX_PER_PAGE = 100
MAX_QUERY_LENGTH = 200

router = APIRouter(prefix="/api", responses={400: {"model": models.Error}})

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="Items on each page.")]


def _tag(request: Request, settings: Settings, tag: TagLink) -> models.Tag:
    url = absolute_url(request, settings, "tag", slug=tag.slug)
    return models.Tag(name=tag.name, slug=tag.slug, kind=tag.kind, url=url)


def _summary(request: Request, settings: Settings, card: StoryCard) -> dict:
    return {
        "id": card.id,
        "url": absolute_url(request, settings, "story", story_id=card.id, slug=card.slug),
        "api_url": absolute_url(request, settings, "api_story", story_id=card.id),
        "headline": card.headline,
        "summary": card.summary,
        "published_at": card.published_at,
        "updated_at": card.updated_at,
        "independent_sources": card.sources,
        "tags": [_tag(request, settings, tag) for tag in card.tags],
    }


def _page_links(request: Request, page: int, per_page: int, total: int) -> dict:
    def link(number: int) -> str:
        url = request.url.include_query_params(page=number)
        return f"{url.path}?{url.query}"

    last = max(1, -(-total // per_page))
    return {
        "page": page,
        "per_page": per_page,
        "total": total,
        "next": link(page + 1) if page < last else None,
        "previous": link(min(page, last + 1) - 1) if page > 1 else None,
    }


def _utc(moment: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.get(
    "/stories",
    name="api_stories",
    summary="Stories, a page at a time",
    response_model=models.StoryList,
)
def stories(
    request: Request,
    session: ReadSession,
    settings: AppSettings,
    page: PageNumber = 1,
    per_page: PerPage = 20,
    tag: Annotated[str | None, Query(max_length=100, description="A tag's slug.")] = None,
    since: Annotated[
        datetime | None, Query(description="First report at or after (ISO 8601; UTC if no zone).")
    ] = None,
    until: Annotated[datetime | None, Query(description="First report before this time.")] = None,
) -> dict:
    """Published stories, the latest report first."""
    if tag is not None and (fate := decisions.fate(session, tag)) is not None:
        if fate.hidden:
            raise HTTPException(404, f"There is no tag {tag!r}.")
        tag = fate.merged_into  # an editor merged it: its stories are the target's
    known = tag is None or (
        names_a_tag(tag) and session.scalar(select(TagRow.id).where(TagRow.slug == tag))
    )
    if not known:
        raise HTTPException(404, f"There is no tag {tag!r}.")
    where = api_queries.StoryFilter(tag, _utc(since), _utc(until))
    total, cards = api_queries.stories(session, where, per_page, (page - 1) * per_page)
    return {
        **_page_links(request, page, per_page, total),
        "stories": [_summary(request, settings, card) for card in cards],
    }


def _sentences(view: StoryView) -> list[models.Sentence]:
    found = [
        models.Sentence(
            section="summary", paragraph=0, kind=s.kind, text=s.text, citations=list(s.citations)
        )
        for s in view.summary
    ]
    for number, paragraph in enumerate(view.paragraphs):
        found += [
            models.Sentence(
                section="body",
                paragraph=number,
                kind=s.kind,
                text=s.text,
                citations=list(s.citations),
            )
            for s in paragraph
        ]
    return found


@router.get(
    "/stories/{story_id}",
    name="api_story",
    summary="One story whole",
    response_model=models.Story,
    responses={404: {"model": models.Error}, 308: {"description": "Merged: the story it joined."}},
)
def story(
    request: Request,
    response: Response,
    session: ReadSession,
    settings: AppSettings,
    story_id: Annotated[int, Path(description="The story's id.")],
) -> object:
    """One published story whole: its sentences with their citations, references, quote, tags
    and published versions, and apart from them the opinion and other pieces about it (never
    its sources). A story merged into another redirects to that one."""
    view = queries.story_view(session, story_id) if fits_in_id(story_id) else None
    if view is None:
        raise HTTPException(404, f"There is no published story {story_id}.")
    if view.card.id != story_id:
        return RedirectResponse(request.url_for("api_story", story_id=view.card.id).path, 308)
    # All it shows changes with a new published version (or new tags, which come with one).
    response.headers["Last-Modified"] = http_date(view.card.last_changed)
    quote = view.quote
    return {
        **_summary(request, settings, view.card),
        "version": view.version,
        "change_note": view.change_note,
        "sentences": _sentences(view),
        "references": [
            models.Reference(
                number=r.number,
                outlet=r.outlet,
                title=r.title,
                url=r.url,
                published_at=r.published_at,
            )
            for r in view.references
        ],
        "quote": models.Quote(text=quote.text, speaker=quote.speaker, citation=quote.reference)
        if quote
        else None,
        "versions": [
            models.Version(**vars(row), current=row.version == view.version)
            for row in api_queries.versions(session, view.card.id)
        ],
        "asides": [
            models.Aside(
                kind=piece.kind,
                title=piece.title,
                outlet=piece.outlet,
                writers=list(piece.writers),
                url=piece.url,
                published_at=piece.published_at,
            )
            for piece in view.opinions
        ],
    }


@router.get("/tags", name="api_tags", summary="Tags in use", response_model=models.TagList)
def tags(
    request: Request,
    session: ReadSession,
    settings: AppSettings,
    page: PageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    kind: Annotated[
        Literal["person", "organisation", "place", "topic"] | None, Query(description="Only these.")
    ] = None,
) -> dict:
    """Tags that published stories carry, the most used first."""
    total, rows = api_queries.tags(session, kind, per_page, (page - 1) * per_page)
    return {
        **_page_links(request, page, per_page, total),
        "tags": [
            {
                **_tag(request, settings, TagLink(r.name, r.slug, r.kind)).model_dump(),
                "stories": r.stories,
            }
            for r in rows
        ],
    }


@router.get(
    "/search", name="api_search", summary="Search stories", response_model=models.SearchResults
)
def search(
    request: Request,
    session: ReadSession,
    settings: AppSettings,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            description='Words, all required; "quoted words" as a phrase.',
        ),
    ],
    page: PageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 10,
) -> dict:
    """Published stories matching the query by headline, summary, body and tags, best first."""
    terms, total, found = listings.search_page(session, q, per_page, (page - 1) * per_page)
    return {
        **_page_links(request, page, per_page, total),
        "query": q,
        "terms": list(terms),
        "results": [
            {
                "story": _summary(request, settings, item.card),
                "snippet": "".join(text for text, _ in item.hit.snippet),
                "snippet_parts": [{"text": t, "match": m} for t, m in item.hit.snippet],
            }
            for item in found
        ],
    }


@router.get("/sources", name="api_sources", summary="Sources and their health")
def sources(session: ReadSession) -> list[dict]:
    """Every source with its settings and health, as `gazette sources list --json` shows."""
    return [source_status(source) for source in list_sources(session)]
