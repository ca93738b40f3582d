"""The batch interfaces: extract, cluster and summarize over JSON Lines files.

They run exactly the algorithms the pipeline runs, on records instead of the database, for users
with archives and for measuring quality. Every input line is validated; a bad one stops the run
with its line number and what is wrong, before anything is written.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from gazette.cluster import cluster_items
from gazette.config import ClusterSettings, FetchSettings
from gazette.dedupe.near import NearDuplicateIndex, signature
from gazette.embedding import Embedder
from gazette.errors import GazetteError, InputError
from gazette.extract import extract_article
from gazette.http import FetchRequest, fetch_all
from gazette.records import ClusterItem, SourceArticle, WrittenArticle
from gazette.tag import tag_story
from gazette.text import decode_document
from gazette.times import believable, parse_iso_time
from gazette.write.stage import StoryWriter


def _parse_time(value: str | int | float | None) -> datetime | None:
    """ISO 8601 (a missing zone means UTC) or epoch milliseconds."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            return datetime.fromtimestamp(int(value) / 1000, UTC)
        except (OverflowError, OSError, ValueError) as exc:  # past year 9999, infinite, NaN
            raise ValueError(f"not a date in epoch milliseconds: {value!r}") from exc
    try:
        return parse_iso_time(str(value))
    except ValueError as exc:
        raise ValueError(f"not ISO 8601 or epoch milliseconds: {value!r}") from exc


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ClusterInput(_Record):
    id: str | int
    title: str = ""
    text: str = ""
    published: datetime | None = None
    source: str = ""
    url: str = ""
    language: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _time(cls, value: Any) -> datetime | None:
        return _parse_time(value)

    @model_validator(mode="after")
    def _has_words(self) -> ClusterInput:
        if not (self.title.strip() or self.text.strip()):
            raise ValueError("title and text are both empty: nothing to cluster by")
        return self


class SummarizeSource(_Record):
    title: str = ""
    text: str = ""
    url: str = ""
    source: str = ""
    published: datetime | None = None
    language: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _time(cls, value: Any) -> datetime | None:
        return _parse_time(value)


class SummarizeInput(_Record):
    id: str | int
    sources: list[SummarizeSource] = Field(min_length=1)


Record = TypeVar("Record", bound=BaseModel)


def read_jsonl(path: Path, model: type[Record]) -> list[Record]:
    """Every line of a JSON Lines file as `model`; InputError names the first bad line."""
    if not path.is_file():
        raise InputError(f"input file not found: {path}")
    records = []
    with path.open("rb") as handle:  # decoded a line at a time, to name a line that is not UTF-8
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                records.append(model.model_validate(json.loads(raw.decode("utf-8"))))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
            except ValidationError as exc:
                problems = "; ".join(_problem(error) for error in exc.errors())
                raise InputError(f"{path}:{number}: {problems}") from exc
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{number}: not UTF-8 text") from exc
    return records


def _problem(error: Any) -> str:
    """One validation error in words: the field it is about (if any), then what is wrong."""
    message = error["msg"].removeprefix("Value error, ")
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {message}" if where else message


def write_jsonl(records: Iterable[dict], handle: TextIO) -> int:
    count = 0
    for record in records:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- extract ---------------------------------------------------------------------------------


def extract_inputs(
    inputs: list[str], fetch_settings: FetchSettings
) -> Iterator[dict[str, Any] | GazetteError]:
    """One output object per input, in order, or the error that input raised. URLs are fetched
    together first, with the pipeline's fetcher and its limits."""
    urls = [item for item in inputs if item.startswith(("http://", "https://"))]
    outcomes = dict(
        zip(urls, fetch_all(fetch_settings, [FetchRequest(u) for u in urls]), strict=True)
    )
    for item in inputs:
        try:
            if item in outcomes:
                outcome = outcomes[item]
                if outcome.error is not None:
                    raise outcome.error
                assert outcome.page is not None
                html: str | bytes = decode_document(outcome.page.body, outcome.page.content_type)
                url: str | None = outcome.page.url
            else:
                html, url = _read_page(Path(item)), None
            article = extract_article(html, url or Path(item).resolve().as_uri())
        except GazetteError as exc:
            yield exc
            continue
        canonical = article.canonical_url
        yield {
            "path": item,
            "url": canonical if not canonical.startswith("file:") else url,
            "title": article.title,
            "text": article.text,
            "authors": list(article.authors),
            "published": _iso(article.published),
            "language": article.language,
            "image": article.image,
            "kind": article.kind,
        }


def _read_page(path: Path) -> bytes:
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a valid gzip file: {exc}") from exc
    return data


# --- cluster ---------------------------------------------------------------------------------


def cluster_records(
    records: list[ClusterInput],
    embedder: Embedder,
    settings: ClusterSettings,
    progress: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Assignments in input order (`progress` is called after each item is assigned).

    The rules for bad input (docs/clustering.md): a duplicated id is an error (the same item
    twice would be counted twice); an item without a date, or dated in the future of the run's
    clock, is processed after all dated ones, in input order; an item with an empty title is
    compared by its text; a language other than the stream's only joins stories of its own.
    """
    seen: set[str] = set()
    now = datetime.now(UTC)
    dates = [believable(record.published, now) for record in records]
    latest = max((d for d in dates if d), default=datetime(1970, 1, 1, tzinfo=UTC))
    items = []
    for index, (record, published) in enumerate(zip(records, dates, strict=True)):
        key = str(record.id)
        if key in seen:
            raise InputError(f"duplicate id {key!r} in input (line {index + 1})")
        seen.add(key)
        items.append(
            ClusterItem(
                id=key,
                title=record.title,
                text=record.text,
                # undated: after every dated item, one microsecond apart to keep input order
                published=published or latest + timedelta(microseconds=index + 1),
                source=record.source,
                url=record.url,
                language=record.language,
            )
        )
    assignments = {
        a.item_id: a for a in cluster_items(items, embedder, settings, progress=progress)
    }
    return [
        {
            "id": record.id,
            "story": assignments[str(record.id)].story_id,
            "thread": assignments[str(record.id)].thread,
            "reason": assignments[str(record.id)].reason,
        }
        for record in records
    ]


# --- summarize -------------------------------------------------------------------------------


def story_sources(record: SummarizeInput) -> list[SourceArticle]:
    """The input's sources as writer records, with syndicated copies linked to their original."""
    index = NearDuplicateIndex()
    sources = []
    for number, source in enumerate(record.sources):
        key = str(number)
        minhash = signature(source.text)
        copies = index.find(minhash) if source.text.strip() else []
        sources.append(
            SourceArticle(
                key=key,
                title=source.title,
                text=source.text,
                url=source.url,
                outlet=source.source,
                published=source.published,
                copy_of=copies[0][0] if copies else None,
                language=source.language,
            )
        )
        if source.text.strip():
            index.add(key, minhash)
    return sources


def summarize_records(
    records: list[SummarizeInput], writer: StoryWriter
) -> Iterator[dict[str, Any]]:
    """One output object per story, in order. A story that cannot be written does not stop the
    others: its object holds its id and an `error` with the reason."""
    for record in records:
        try:
            yield summarize_record(record, writer)
        except InputError as exc:
            yield {"id": record.id, "error": str(exc)}


def summarize_record(record: SummarizeInput, writer: StoryWriter) -> dict[str, Any]:
    sources = story_sources(record)
    try:
        article = writer.write(sources)
    except InputError as exc:
        raise InputError(f"story {record.id!r}: {exc}") from exc
    article.tags = tag_story(sources)
    output = article_to_json(record.id, article)
    if writer.client is not None:
        # With a language model, also what wrote the article and what the check decided.
        output["writer"] = article.writer
        output["checks"] = [asdict(check) for check in article.checks]
    return output


def article_to_json(story_id: str | int, article: WrittenArticle) -> dict[str, Any]:
    return {
        "id": story_id,
        "headline": article.headline,
        "summary": article.summary_text,
        "body": article.body_text,
        "sentences": [{"text": s.text, "citations": list(s.citations)} for s in article.body],
        "references": [
            {"url": r.url, "title": r.title, "source": r.outlet, "published": _iso(r.published)}
            for r in article.references
        ],
        "quote": (
            {
                "text": article.quote.text,
                "speaker": article.quote.speaker,
                "citation": article.quote.citation,
            }
            if article.quote
            else None
        ),
        "tags": [tag.name for tag in article.tags],
    }
