"""What the API answers, as pydantic models: they validate each answer and describe it in the
OpenAPI document (/api/openapi.json, read at /api/docs)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class Tag(BaseModel):
    name: str
    slug: str
    kind: str = Field(description="person, organisation, place or topic")
    url: str = Field(description="The tag's page on the site.")


class TagCount(Tag):
    stories: int = Field(description="Published stories that carry the tag.")


class StorySummary(BaseModel):
    id: int
    url: str = Field(description="The story's page on the site.")
    api_url: str = Field(description="The whole story in the API.")
    headline: str
    summary: str
    published_at: datetime = Field(description="When the story's first report came out.")
    updated_at: datetime | None = Field(
        description="When the version shown was published; null while it is the first version."
    )
    independent_sources: int = Field(description="Reports that are not copies of another.")
    tags: list[Tag]


class Sentence(BaseModel):
    section: Literal["summary", "body"]
    paragraph: int = Field(description="The body paragraph, from 0; 0 in the summary.")
    kind: str = Field(description="`fact`, or `disagreement` (sources differ; markers inline).")
    text: str
    citations: list[int] = Field(description="Numbers of the references the sentence cites.")


class Reference(BaseModel):
    number: int
    outlet: str
    title: str
    url: str
    published_at: datetime | None


class Aside(BaseModel):
    """A piece about the story that is not a news report: never a source of its facts."""

    kind: str = Field(
        description="What the piece is: `opinion`, `analysis`, `review`, `live` (a live blog), "
        "`podcast` or `newsletter`."
    )
    title: str
    outlet: str
    writers: list[str] = Field(description="Its writers as the page names them; may be empty.")
    url: str
    published_at: datetime | None


class Quote(BaseModel):
    text: str = Field(description="Verbatim from the cited report.")
    speaker: str
    citation: int = Field(description="The number of the reference it is quoted from.")


class Version(BaseModel):
    version: int
    published_at: datetime | None
    headline: str
    change_note: str | None = Field(description="What changed in this version.")
    current: bool = Field(description="Whether this is the version readers see.")


class Story(StorySummary):
    version: int = Field(description="The number of the version shown.")
    change_note: str | None
    sentences: list[Sentence]
    references: list[Reference]
    quote: Quote | None
    versions: list[Version] = Field(description="Every published version, oldest first.")
    asides: list[Aside] = Field(
        description="Opinion, analysis, reviews and other pieces about the story, oldest first: "
        "listed for reading, never cited and never counted among its sources."
    )


class Page(BaseModel):
    page: int
    per_page: int
    total: int = Field(description="How many there are in all, on every page.")
    next: str | None = Field(description="The next page's address; null on the last.")
    previous: str | None = Field(description="The previous page's address; null on the first.")


class StoryList(Page):
    stories: list[StorySummary]


class TagList(Page):
    tags: list[TagCount]


class SnippetPart(BaseModel):
    text: str
    match: bool = Field(description="Whether this part matches the query.")


class SearchResult(BaseModel):
    story: StorySummary
    snippet: str = Field(description="A passage of the story where the query matches.")
    snippet_parts: list[SnippetPart] = Field(description="The snippet, its matches marked.")


class SearchResults(Page):
    query: str
    terms: list[str] = Field(description="The words and phrases searched for, all required.")
    results: list[SearchResult]


class ErrorDetail(BaseModel):
    status: int
    message: str
    problems: list[str] | None = Field(
        default=None, description="For a bad request: each parameter that is wrong, and why."
    )


class Error(BaseModel):
    error: ErrorDetail
