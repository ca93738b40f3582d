"""Read-backs for tests: what the pipeline stored, in plain Python structures.

Support checks here are written independently of the writer's own: a test that reused the code
under test to judge it could not fail.
"""

from __future__ import annotations

import re
import time
import unicodedata

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from gazette.db import Database
from gazette.db.models import Article, Document, Story, StoryMember


def grouping(session: Session) -> dict[int, set[str]]:
    """Story id -> canonical URLs of its documents."""
    stories: dict[int, set[str]] = {}
    rows = session.execute(
        select(StoryMember.story_id, Document.canonical_url).join(
            Document, Document.id == StoryMember.document_id
        )
    )
    for story_id, url in rows:
        stories.setdefault(story_id, set()).add(url)
    return stories


def story_of(session: Session, url: str) -> int:
    return session.scalar(
        select(StoryMember.story_id)
        .join(Document, Document.id == StoryMember.document_id)
        .where(Document.canonical_url == url)
    )


def latest_articles(session: Session) -> list[Article]:
    newest = (
        select(Article.story_id, func.max(Article.version).label("version"))
        .group_by(Article.story_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(Article).join(
                newest,
                (Article.story_id == newest.c.story_id) & (Article.version == newest.c.version),
            )
        )
    )


def row_counts(session: Session) -> dict[str, int]:
    from gazette.db.models import Base

    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


# Tables that readers and staff write through the site (the web tests use the shared demo):
# not the pipeline's to compare between two runs.
SITE_TABLES = (
    "comments", "site_keys", "blocked_addresses", "login_attempts", "users", "staff_sessions",
    "audit_log", "corrections",
)  # fmt: skip


def pipeline_counts(session: Session) -> dict[str, int]:
    """Row counts of the tables the pipeline writes."""
    counts = row_counts(session)
    for table in SITE_TABLES:
        counts.pop(table, None)
    return counts


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    return re.sub(r"\s+", " ", text).strip().casefold()


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def names(text: str) -> set[str]:
    """Capitalised words after the first word of the sentence."""
    words = re.findall(r"[A-Z][a-z]+", text)
    first = text.split()[0].lstrip("\"'“‘") if text.split() else ""
    return {w for w in words if not first.startswith(w)}


def source_texts(session: Session, article: Article) -> dict[int, str]:
    """Reference number -> full text of the document it cites."""
    return {ref.number: session.get(Document, ref.document_id).text for ref in article.references}


def stories_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Story))


def assert_one_line_error(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    """A command refused: exit 2, and one line on stderr that says what is wrong and holds
    `words`; no traceback."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def waits_for_a_lock(database: Database, seconds: float) -> bool:
    """Whether some other connection of the database comes to wait for a row lock."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )
    deadline = time.monotonic() + seconds
    with database.engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.execute(waiting).scalar():
                return True
            connection.rollback()
            time.sleep(0.1)
    return False
