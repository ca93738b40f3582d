"""Full-text search of published stories, the same on SQLite and PostgreSQL.

A story is found by its headline, summary, body and tag names, as its published version says
them. The publish stage keeps one `SearchEntry` per published story (`index_stories`); the
database indexes those rows with its own means, made by migration 0018:

- SQLite: an FTS5 table (`search_fts`, Porter stemming, diacritics folded) over the entries,
  kept in step by triggers; ranked by BM25 with the headline weighing most, then tags and
  summary, then the body; snippets by FTS5's `snippet`.
- PostgreSQL: a `tsvector` column computed from the entry (English stemming, the same weights)
  with a GIN index; ranked by `ts_rank_cd`; snippets by `ts_headline`.

A reader's query is read the same way on both (`parse_query`): words and "quoted phrases",
all of which must match; anything else in it (operators, brackets, stray quotes) is ignored, so
no query is ever a syntax error. Search only reads: the web app calls `search`, never writes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from gazette.db.models import Article, SearchEntry, Sentence, Story, StoryTag, Tag, utcnow

# The index objects that the models cannot describe (migration 0018): the schema comparison
# of the tests and of `alembic revision --autogenerate` leaves them out.
UNMODELLED = frozenset(
    {
        "search_fts",
        "search_fts_data",
        "search_fts_idx",
        "search_fts_docsize",
        "search_fts_config",
        "document",
        "ix_search_entries_document",
    }
)
# Highlighted words in a snippet are wrapped in these (private-use characters, never in text).
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
SNIPPET_WORDS = 30
CHUNK = 500  # stories read or written per statement: well below any bound-parameter limit
WORD = re.compile(r"\w+")
TERM = re.compile(r'"([^"]*)"|(\w+)')
MARKER = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True)
class Hit:
    story_id: int
    # The snippet as (text, highlighted) parts, in order.
    snippet: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SearchResults:
    query: tuple[str, ...]  # the terms searched for, as parsed
    total: int
    hits: list[Hit]


def parse_query(raw: str) -> tuple[str, ...]:
    """The words and phrases of a reader's query, each made of plain words only: `"state
    budget" (vote` -> ("state budget", "vote"). At most MAX_TERMS, each cut to a sane length."""
    terms: list[str] = []
    for match in TERM.finditer(raw):
        words = WORD.findall(match.group(1) if match.group(1) is not None else match.group(2))
        term = " ".join(words)[:MAX_TERM_LENGTH].strip()
        if term and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return tuple(terms[:MAX_TERMS])


def _fts5_query(terms: Iterable[str]) -> str:
    """Every term as an FTS5 string (a phrase when it has several words), all required."""
    return " AND ".join(f'"{term}"' for term in terms)


def _websearch_query(terms: Iterable[str]) -> str:
    """The same terms for PostgreSQL's `websearch_to_tsquery`, which never fails on input;
    quoted, so that a word such as "or" is a word and not an operator."""
    return " ".join(f'"{term}"' for term in terms)


def snippet_parts(marked: str) -> tuple[tuple[str, bool], ...]:
    """A snippet with MARK_START/MARK_END around its matches, as (text, highlighted) parts."""
    parts: list[tuple[str, bool]] = []
    for chunk in marked.split(MARK_START):
        inside, _, after = chunk.partition(MARK_END) if MARK_END in chunk else ("", "", chunk)
        if inside:
            parts.append((inside, True))
        if after:
            parts.append((after, False))
    return tuple(parts)


def search(session: Session, raw_query: str, limit: int, offset: int = 0) -> SearchResults:
    """The published stories matching `raw_query`, best first, a page of `limit` from `offset`,
    and how many match in all. A query with no words finds nothing."""
    terms = parse_query(raw_query)
    if not terms:
        return SearchResults(terms, 0, [])
    if session.get_bind().dialect.name == "sqlite":
        return _search_sqlite(session, terms, limit, offset)
    return _search_postgres(session, terms, limit, offset)


VISIBLE = """JOIN stories ON stories.id = {entry_id}
    WHERE stories.published_article_id IS NOT NULL AND stories.merged_into_id IS NULL"""


def _search_sqlite(session: Session, terms: tuple[str, ...], limit: int, offset: int):
    match = _fts5_query(terms)
    visible = VISIBLE.format(entry_id="search_fts.rowid")
    total = session.execute(
        text(f"SELECT count(*) FROM search_fts {visible} AND search_fts MATCH :match"),
        {"match": match},
    ).scalar_one()
    rows = session.execute(
        text(
            f"""SELECT search_fts.rowid,
                snippet(search_fts, 2, :start, :end, ' … ', {SNIPPET_WORDS}),
                snippet(search_fts, 1, :start, :end, ' … ', {SNIPPET_WORDS})
            FROM search_fts {visible} AND search_fts MATCH :match
            ORDER BY bm25(search_fts, 10.0, 4.0, 1.0, 4.0), stories.last_report_at DESC
            LIMIT :limit OFFSET :offset"""
        ),
        {"match": match, "start": MARK_START, "end": MARK_END, "limit": limit, "offset": offset},
    ).all()
    hits = [Hit(row[0], snippet_parts(_best_snippet(row[1], row[2]))) for row in rows]
    return SearchResults(terms, total, hits)


def _best_snippet(body: str, summary: str) -> str:
    """The body's passage where the query matches; the summary's when only it matches."""
    return summary if MARK_START not in body and MARK_START in summary else body


def _search_postgres(session: Session, terms: tuple[str, ...], limit: int, offset: int):
    query = "websearch_to_tsquery('english', :query)"
    visible = VISIBLE.format(entry_id="search_entries.story_id")
    found = f"FROM search_entries {visible} AND search_entries.document @@ {query}"
    parameters = {"query": _websearch_query(terms)}
    # The total comes with the page (a window over every match, before the limit): one pass.
    page = session.execute(
        text(
            f"""SELECT search_entries.story_id, count(*) OVER () {found}
            ORDER BY ts_rank_cd(search_entries.document, {query}) DESC,
                stories.last_report_at DESC
            LIMIT :limit OFFSET :offset"""
        ),
        {**parameters, "limit": limit, "offset": offset},
    ).all()
    if page:
        total = page[0][1]
    else:  # a page past the last: count on its own
        total = session.execute(text(f"SELECT count(*) {found}"), parameters).scalar_one()
    ids = [row[0] for row in page]
    # Snippets for this page only: ts_headline reads the whole text, so it runs on few rows.
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
        "MaxFragments=2, FragmentDelimiter=' … '"
    )
    snippets = dict(
        session.execute(
            text(
                f"""SELECT story_id, ts_headline('english', summary || ' ' || body, {query},
                    :options) FROM search_entries WHERE story_id = ANY(:ids)"""
            ),
            {**parameters, "options": options, "ids": ids},
        ).all()
    )
    return SearchResults(terms, total, [Hit(i, snippet_parts(snippets.get(i, ""))) for i in ids])


def _entries(session: Session, stories: list[Story]) -> list[dict[str, object]]:
    """The search entries of visible `stories`, read in a few queries for the whole batch."""
    articles = {
        row.id: row
        for row in session.execute(
            select(Article.id, Article.story_id, Article.headline, Article.summary).where(
                Article.id.in_([s.published_article_id for s in stories])
            )
        )
    }
    bodies: dict[int, list[str]] = defaultdict(list)
    for article_id, sentence in session.execute(
        select(Sentence.article_id, Sentence.text)
        .where(Sentence.article_id.in_(list(articles)), Sentence.section == "body")
        .order_by(Sentence.article_id, Sentence.position)
    ):
        # Citation markers ("[2]") inside disagreement sentences are no words of the story.
        bodies[article_id].append(MARKER.sub("", sentence))
    tags: dict[int, list[str]] = defaultdict(list)
    for story_id, name in session.execute(
        select(StoryTag.story_id, Tag.name)
        .join(Tag, Tag.id == StoryTag.tag_id)
        .where(StoryTag.story_id.in_([s.id for s in stories]))
        .order_by(StoryTag.story_id, StoryTag.rank)
    ):
        tags[story_id].append(name)
    now = utcnow()
    return [
        {
            "story_id": article.story_id,
            "article_id": article.id,
            "headline": article.headline,
            "summary": article.summary,
            "body": " ".join(bodies[article.id]),
            "tags": "\n".join(tags[article.story_id]),
            "indexed_at": now,
        }
        for article in articles.values()
    ]


def index_stories(session: Session, stories: Iterable[Story]) -> int:
    """Write the search entries of `stories` from their published versions, and remove those of
    stories readers cannot see; the number of stories done."""
    stories = list(stories)
    visible = [s for s in stories if s.published_article_id is not None and not s.merged_into_id]
    ids = [s.id for s in stories]
    for first in range(0, len(ids), CHUNK):  # replaced whole: delete, then insert
        chunk = ids[first : first + CHUNK]
        session.execute(delete(SearchEntry).where(SearchEntry.story_id.in_(chunk)))
    for first in range(0, len(visible), CHUNK):
        entries = _entries(session, visible[first : first + CHUNK])
        if entries:
            session.execute(insert(SearchEntry), entries)
    session.flush()
    return len(stories)


def stale_stories(session: Session, limit: int) -> list[Story]:
    """Stories whose search entry is missing or is not of their published version, and entries
    of stories readers no longer see (unpublished or merged)."""
    entry = SearchEntry.__table__
    published = select(Story).outerjoin(entry, entry.c.story_id == Story.id)
    missing = published.where(
        Story.published_article_id.is_not(None),
        Story.merged_into_id.is_(None),
        (entry.c.story_id.is_(None))
        | (entry.c.article_id != Story.published_article_id)
        | entry.c.article_id.is_(None),
    )
    gone = (
        select(Story)
        .join(entry, entry.c.story_id == Story.id)
        .where((Story.published_article_id.is_(None)) | (Story.merged_into_id.is_not(None)))
    )
    found = list(session.scalars(missing.order_by(Story.id).limit(limit)))
    return found + list(session.scalars(gone.order_by(Story.id).limit(limit)))
