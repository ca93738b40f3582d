"""Benchmark: the default writer's summaries against human references, and its speed.

Usage: python bench/summary_quality.py [--limit N] [--words N] [--quality-only]

Quality: ROUGE-1, ROUGE-2 and ROUGE-L F1 (the rouge-score package, Porter stemming) of each
system's summary against the human-written neutral summary of every story of
`../shared/data/summarization-dev/neus-val.jsonl` (307 stories, three outlets each), and of the
15 demo stories against the references in demo/reference_summaries.toml. Compared in the same
run, on the same input:
- gazette: the article summary of `gazette.write.write_article` (two or three sentences), the
  same code as the pipeline and `gazette summarize`, citation markers left out;
- lead-3: the first three sentences of the first source, the classic news baseline;
- lexrank, textrank: sumy's implementations, three sentences from all sources together.
Every system reads sentences split by the project's splitter (pysbd), so the comparison is of
selection, not of segmentation; sumy's stemmer and stop words ship with it (no download).
ROUGE F1 favours longer output up to the reference's length, so, as in the DUC evaluations,
every summary is also scored cut to the same number of words (`--words`, default 65: the mean
length of the references); both figures are reported.

Speed: stories per second of `write_article`, embeddings included, on ten-source stories of two
kinds: the storyset's events with ten reports or more (bench/storyset.py: short templated
reports, about 31 sentences a story) and the ECB+ events with ten articles or more (real full
texts, about 150 sentences a story; skipped when the data is absent). Each story is written as
the write stage writes it, keeping what it read in a database: first with nothing known, then
again in the same process (a report joined: everything remembered), then as a new process would
(memories emptied, the reports' sentences and vectors read back from the database).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import pstats
import re
import statistics
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import storyset
from common import ECBPLUS, NEUS, ROOT, ecbplus_stories, save_results
from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from gazette.batch import SummarizeInput, story_sources
from gazette.db import Database
from gazette.embedding import Embedder, MiniLMEmbedder, default_embedder
from gazette.records import SourceArticle, WrittenArticle
from gazette.sentences import split_sentences
from gazette.write import write_article
from gazette.write.memory import StoredEmbedder, forget_in_process, stored_readings

DEMO = ROOT / "demo"
SENTENCES = 3
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
METRICS = ("rouge1", "rouge2", "rougeL")
PHASES = ("first", "rewrite", "new_process")


class WordTokenizer:
    """What sumy asks of a tokenizer: words of a sentence (sentences come split already)."""

    language = "english"

    def to_words(self, sentence: str) -> list[str]:
        return WORD.findall(sentence)


def demo_stories() -> list[dict]:
    """The demo's events in the shape of neus-val: sources (title, text) and a summary."""
    references = tomllib.loads((DEMO / "reference_summaries.toml").read_text())
    stories = []
    for path in sorted((DEMO / "events").glob("*.toml")):
        event = tomllib.loads(path.read_text())
        # news reports only, as the pipeline: the opinion column is never one of its sources
        sources = [
            {"title": a["title"], "text": a["body"]}
            for a in event["articles"]
            if a.get("kind", "news") == "news"
        ]
        stories.append(
            {"id": event["event"], "sources": sources, "summary": references[event["event"]]}
        )
    return stories


def sources_of(story: dict) -> list[SourceArticle]:
    """The story's sources as `gazette summarize` reads them (syndicated copies linked)."""
    record = SummarizeInput.model_validate(
        {
            "id": story["id"],
            "sources": [
                {**source, "source": source.get("source") or f"Outlet {number + 1}"}
                for number, source in enumerate(story["sources"])
            ],
        }
    )
    return story_sources(record)


def gazette_summary(sources: list[SourceArticle], embedder: Embedder) -> str:
    return write_article(sources, embedder).summary_text


def lead_3(sources: list[SourceArticle], _: Embedder) -> str:
    return " ".join(split_sentences(sources[0].text)[:SENTENCES])


def _sumy(summarizer_class: type) -> Callable[[list[SourceArticle], Embedder], str]:
    tokenizer = WordTokenizer()
    summarizer = summarizer_class(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def summarize(sources: list[SourceArticle], _: Embedder) -> str:
        paragraphs = [
            Paragraph([Sentence(s, tokenizer) for s in split_sentences(source.text)])
            for source in sources
        ]
        chosen = summarizer(ObjectDocumentModel(paragraphs), SENTENCES)
        return " ".join(str(sentence) for sentence in chosen)

    return summarize


SYSTEMS: dict[str, Callable[[list[SourceArticle], Embedder], str]] = {
    "gazette": gazette_summary,
    "lead-3": lead_3,
    "lexrank": _sumy(LexRankSummarizer),
    "textrank": _sumy(TextRankSummarizer),
}


def rouge(stories: list[dict], embedder: Embedder, words: int) -> dict[str, dict[str, float]]:
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    cut = f"at {words} words"
    columns = (*METRICS, *(f"{metric} {cut}" for metric in METRICS), "words")
    scores: dict[str, dict[str, list[float]]] = {
        name: {column: [] for column in columns} for name in SYSTEMS
    }
    for story in stories:
        sources = sources_of(story)
        for name, system in SYSTEMS.items():
            summary = system(sources, embedder)
            whole = scorer.score(story["summary"], summary)
            short = scorer.score(story["summary"], " ".join(summary.split()[:words]))
            for metric in METRICS:
                scores[name][metric].append(whole[metric].fmeasure)
                scores[name][f"{metric} {cut}"].append(short[metric].fmeasure)
            scores[name]["words"].append(len(summary.split()))
    return {
        name: {metric: round(statistics.mean(values), 4) for metric, values in by_metric.items()}
        for name, by_metric in scores.items()
    }


def ten_source_stories() -> list[list[SourceArticle]]:
    items, gold = storyset.generate()
    by_event: dict[str, list[SourceArticle]] = {}
    for item in items:
        by_event.setdefault(gold[item.id], []).append(
            SourceArticle(
                key=item.id,
                title=item.title,
                text=item.text,
                url=item.url,
                outlet=item.source,
                published=item.published,
            )
        )
    return [reports[:10] for reports in by_event.values() if len(reports) >= 10]


def speed(
    stories: list[list[SourceArticle]],
    embedder: MiniLMEmbedder,
    articles: list[str] | None = None,
    profile: cProfile.Profile | None = None,
) -> dict[str, float]:
    """Each story written three times, as the write stage writes it, into a SQLite file:
    - first: nothing known, every report split and every sentence embedded (and stored);
    - rewrite: again in the same process, everything remembered in memory (a report joined);
    - new process: every in-process memory emptied, the reports' sentences and vectors read
      from the database, where the first write stored them (a later run or another worker).
    Wall seconds and CPU seconds (`time.process_time`, which other work on a shared machine
    moves far less) are both counted. `articles` collects every article written, as JSON, to
    check that two versions of the code write the same ones; `profile` profiles the new-process
    writes."""
    write_article(stories[0], embedder)  # the model's first call is slower: not timed
    wall = dict.fromkeys(PHASES, 0.0)
    cpu = dict.fromkeys(PHASES, 0.0)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/memos.db")
        database.migrate()

        def write(sources: list[SourceArticle], phase: str) -> None:
            if profile is not None and phase == "new_process":
                profile.enable()
            started, started_cpu = time.perf_counter(), time.process_time()
            with database.transaction() as session, stored_readings(session, sources):
                article = write_article(sources, StoredEmbedder(session, embedder))
            wall[phase] += time.perf_counter() - started
            cpu[phase] += time.process_time() - started_cpu
            if profile is not None:
                profile.disable()
            if articles is not None:
                articles.append(article_json(article))

        for sources in stories:
            embedder.forget()
            forget_in_process()
            write(sources, "first")
            write(sources, "rewrite")
            embedder.forget()
            forget_in_process()
            write(sources, "new_process")
        database.engine.dispose()
    n = len(stories)
    return {
        "stories": n,
        "stories_per_second": round(n / wall["first"], 2),
        "rewrites_per_second": round(n / wall["rewrite"], 2),
        "new_process_stories_per_second": round(n / wall["new_process"], 2),
        "cpu_seconds_per_story": {phase: round(cpu[phase] / n, 4) for phase in PHASES},
    }


def article_json(article: WrittenArticle) -> str:
    """An article as one line of JSON, every field included, for comparing two runs."""
    return json.dumps(dataclasses.asdict(article), default=str, ensure_ascii=False)


def demo_articles(embedder: Embedder) -> list[str]:
    """The demo's articles, written from nothing, from memory and from stored readings."""
    articles: list[str] = []
    speed([sources_of(story) for story in demo_stories()], embedder, articles)
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="score only the first N stories")
    parser.add_argument("--words", type=int, default=65, help="length every summary is cut to")
    parser.add_argument(
        "--quality-only", action="store_true", help="score the summaries, leave speed out"
    )
    parser.add_argument("--speed-only", action="store_true", help="skip ROUGE: speed alone")
    parser.add_argument(
        "--articles",
        type=Path,
        help="write every article of the speed runs (demo, ECB+) to this JSON Lines file",
    )
    parser.add_argument(
        "--same-as",
        type=Path,
        help="exit 1 unless the articles are byte-identical to this file's (from --articles)",
    )
    parser.add_argument(
        "--profile", type=int, metavar="N", help="profile the new-process writes of N ECB+ stories"
    )
    args = parser.parse_args()
    embedder = default_embedder()
    if args.profile:
        profile = cProfile.Profile()
        print(speed(ecbplus_stories()[: args.profile], embedder, profile=profile))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
        return
    if args.articles or args.same_as:
        articles = demo_articles(embedder)
        if ECBPLUS.is_file():
            speed(ecbplus_stories(), embedder, articles)
        text = "".join(line + "\n" for line in articles)
        if args.articles:
            args.articles.write_text(text)
        if args.same_as:
            same = args.same_as.read_text() == text
            print(f"{len(articles)} articles, {'identical' if same else 'DIFFERENT'}")
            raise SystemExit(0 if same else 1)
        return
    figures: dict = {}
    if NEUS.is_file() and not args.speed_only:
        stories = [json.loads(line) for line in NEUS.read_text().splitlines() if line.strip()]
        stories = stories[: args.limit] if args.limit else stories
        figures["neus_val"] = {
            "stories": len(stories),
            "rouge_f1": rouge(stories, embedder, args.words),
        }
    elif not args.speed_only:
        print(f"skipping neus-val: {NEUS} not found")
    if not args.speed_only:
        demo = demo_stories()
        figures["demo"] = {"stories": len(demo), "rouge_f1": rouge(demo, embedder, args.words)}
    if args.quality_only:
        save_results("summary_quality", figures)
        return
    figures["speed_storyset_ten_sources"] = speed(ten_source_stories(), embedder)
    if ECBPLUS.is_file():
        figures["speed_ecbplus_ten_sources"] = speed(ecbplus_stories(), embedder)
    save_results("summary_quality", figures)


if __name__ == "__main__":
    main()
