"""Full-text search speed on SQLite (FTS5) and PostgreSQL (tsvector, GIN): how fast the publish
stage indexes stories, and how long a page of results (ten, with snippets, and the total) takes
for a common word, a rarer word, two words and a phrase.

Stories are generated: headline, summary and a 200-word body drawn from English word
frequencies (wordfreq), so that common words match many stories, as in real news. PostgreSQL is
skipped when it does not answer at GAZETTE_TEST_POSTGRES_URL (default as the tests').

    .venv/bin/python bench/search_speed.py [--stories 10000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from common import save_results
from sqlalchemy import create_engine, insert, text
from wordfreq import top_n_list, word_frequency

from gazette.db import Database
from gazette.db.models import Article, Sentence, Story
from gazette.db.search import index_stories, search, stale_stories

POSTGRES = os.environ.get(
    "GAZETTE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 1, 1, tzinfo=UTC)
QUERIES = {
    "common word": "people",
    "rarer word": "harbour",
    "two words": "government report",
    "phrase": '"last year"',
}


def vocabulary() -> tuple[list[str], list[float]]:
    words = [w for w in top_n_list("en", 8000) if w.isalpha()]
    return words, [word_frequency(w, "en") for w in words]


def sentence(rng: random.Random, words: list[str], weights: list[float], length: int) -> str:
    chosen = rng.choices(words, weights, k=length)
    return " ".join(chosen).capitalize() + "."


def fill(database: Database, count: int, seed: int = 7) -> None:
    """`count` published stories written with bulk inserts, in batches."""
    rng = random.Random(seed)
    words, weights = vocabulary()
    with database.engine.begin() as connection:
        for first in range(1, count + 1, 1000):
            ids = range(first, min(count, first + 999) + 1)
            moment = [START + timedelta(minutes=10 * i) for i in ids]
            connection.execute(
                insert(Story),
                [
                    {"id": i, "state": "PUBLISHED", "slug": f"s{i}", "first_report_at": m,
                     "last_report_at": m, "published_at": m, "created_at": m, "updated_at": m}
                    for i, m in zip(ids, moment, strict=True)
                ],
            )  # fmt: skip
            connection.execute(
                insert(Article),
                [
                    {"id": i, "story_id": i, "version": 1, "writer": "extractive",
                     "headline": sentence(rng, words, weights, 8)[:-1],
                     "summary": sentence(rng, words, weights, 30), "word_count": 230,
                     "created_at": m, "published_at": m}
                    for i, m in zip(ids, moment, strict=True)
                ],
            )  # fmt: skip
            connection.execute(
                insert(Sentence),
                [
                    {"article_id": i, "section": "body", "position": p, "paragraph": p // 3,
                     "kind": "fact", "text": sentence(rng, words, weights, 20)}
                    for i in ids
                    for p in range(10)
                ],
            )  # fmt: skip
            connection.execute(
                text("UPDATE stories SET published_article_id = id WHERE id BETWEEN :a AND :b"),
                {"a": ids[0], "b": ids[-1]},
            )


def measure(database: Database, repeat: int) -> dict:
    started = time.perf_counter()
    indexed = 0
    while True:  # as the publish stage does, 200 stories a step
        with database.transaction() as session:
            done = index_stories(session, stale_stories(session, 200))
        if not done:
            break
        indexed += done
    seconds = time.perf_counter() - started
    if database.engine.dialect.name == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE search_entries"))
    figures: dict = {"indexed": indexed, "indexed_per_second": round(indexed / seconds)}
    for name, query in QUERIES.items():
        times, total = [], 0
        for _ in range(repeat):
            with database.session() as session:
                began = time.perf_counter()
                total = search(session, query, 10).total
                times.append(time.perf_counter() - began)
        figures[name] = {
            "query": query,
            "matches": total,
            "median_ms": round(statistics.median(times) * 1000, 1),
            "fastest_ms": round(min(times) * 1000, 1),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    arguments = parser.parse_args()
    results: dict = {"stories": arguments.stories}
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/search.db")
        database.migrate()
        fill(database, arguments.stories)
        results["sqlite"] = measure(database, arguments.repeat)
        database.dispose()
    schema = f"bench_search_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the benchmark runs without PostgreSQL
        print(f"PostgreSQL skipped: {exc}")
    else:
        try:
            separator = "&" if "?" in POSTGRES else "?"
            database = Database(f"{POSTGRES}{separator}options=-csearch_path%3D{schema}")
            database.migrate()
            fill(database, arguments.stories)
            with database.engine.begin() as connection:
                connection.execute(text("ANALYZE"))  # as autovacuum would after such a load
            results["postgresql"] = measure(database, arguments.repeat)
            database.dispose()
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
    save_results("search_speed", results)


if __name__ == "__main__":
    main()
