"""The whole pipeline on the bundled demo: grouping, independence, grounding, idempotence."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from conftest import DemoRun, run_demo
from helpers import (
    grouping,
    latest_articles,
    names,
    normalise,
    numbers,
    pipeline_counts,
    row_counts,
    source_texts,
    story_of,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db import Database
from gazette.db.models import Document
from gazette.pipeline import run_pipeline
from gazette.web.public.queries import story_view


def test_demo_run_reports_no_errors(demo: DemoRun) -> None:
    assert demo.report.errors() == {}
    assert demo.report.sources.new_documents == demo.expected["articles"]
    assert demo.report.extract.extracted == demo.expected["articles"]


def test_expected_story_grouping_is_reproduced(demo: DemoRun) -> None:
    with demo.database.session() as session:
        found = {frozenset(urls) for urls in grouping(session).values()}
    expected = {frozenset(urls) for urls in demo.expected["stories"].values()}
    assert found == expected


@pytest.mark.parametrize("pair_index", range(4))
def test_look_alike_events_stay_separate_stories(demo: DemoRun, pair_index: int) -> None:
    first, second = demo.expected["separate"][pair_index]
    with demo.database.session() as session:
        first_stories = {story_of(session, u) for u in demo.expected["stories"][first]}
        second_stories = {story_of(session, u) for u in demo.expected["stories"][second]}
    assert len(first_stories) == 1 and len(second_stories) == 1
    assert first_stories != second_stories


def test_the_opinion_column_is_listed_beside_its_story_and_never_a_source(demo: DemoRun) -> None:
    """The demo's one column (a /opinion/ page of type OpinionNewsArticle) is no report of the
    coal law: it is placed beside that story, and the article never cites it."""
    ((event, urls),) = demo.expected["asides"].items()
    with demo.database.session() as session:
        assert all(story_of(session, url) is None for url in urls)
        view = story_view(session, story_of(session, demo.expected["stories"][event][0]))
        assert view is not None
        assert [(o.kind, o.url, o.writers) for o in view.opinions] == [
            ("opinion", urls[0], ("Mikael Dahl",))
        ]
        assert urls[0] not in {reference.url for reference in view.references}


def test_wire_copies_count_as_one_independent_source(demo: DemoRun) -> None:
    wire_urls = demo.expected["wire_groups"]["cws-rate-rise"]
    story_urls = demo.expected["stories"]["rate-rise"]
    with demo.database.session() as session:
        view = story_view(session, story_of(session, story_urls[0]))
        assert view is not None
        assert view.coverage.reports == len(story_urls)
        assert view.coverage.independent_sources == len(story_urls) - len(wire_urls) + 1
        assert view.card.sources == view.coverage.independent_sources
        cited_wire_copies = [r for r in view.references if r.url in wire_urls]
        assert len(cited_wire_copies) == 1
        # every outlet still shows in the coverage box
        outlets = {domain for _, domain in view.coverage.outlets}
        assert {re.sub(r"https://([^/]+)/.*", r"\1", u) for u in story_urls} == outlets


def cut_from(sentence: str, source: str, most_cuts: int = 2, longest_cut: int = 15) -> bool:
    """Whether the sentence is a sentence of the (normalised) source with side clauses cut out:
    its words, in order, in the source's, with at most `most_cuts` gaps of at most
    `longest_cut` words ("The 1.2 kilometre bridge links..." from "The 1.2 kilometre bridge,
    opened by mayor Ilse Varga, links...")."""
    words, told = re.findall(r"\w+", normalise(sentence)), re.findall(r"\w+", source)
    for start in (i for i, word in enumerate(told) if word == words[0]):
        at, gaps = start, 0
        for word in words:
            if at < len(told) and told[at] == word:
                at += 1
                continue
            gap = next(
                (g for g in range(1, longest_cut + 1) if told[at + g : at + g + 1] == [word]), 0
            )
            gaps += 1
            if not gap or gaps > most_cuts:
                break
            at += gap + 1
        else:
            return True
    return False


def verbatim(sentence: str, source: str) -> bool:
    """Whether the sentence is in the (normalised) source word for word, or with a side clause
    cut (`cut_from`), or is once a person's name the source gives is put back as the pronoun it
    replaced ("..., Anneli Brask said." for "..., she said.")."""
    if normalise(sentence) in source or cut_from(sentence, source):
        return True
    for name in re.findall(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+", sentence):
        if normalise(name) not in source:
            continue
        for pronoun in ("he", "she", "He", "She"):
            if normalise(sentence.replace(name, pronoun, 1)) in source:
                return True
    return False


def test_every_body_sentence_is_cited_and_grounded_in_its_sources(demo: DemoRun) -> None:
    with demo.database.session() as session:
        articles = latest_articles(session)
        assert len(articles) == len(demo.expected["stories"])
        for article in articles:
            sources = {n: normalise(t) for n, t in source_texts(session, article).items()}
            raw = source_texts(session, article)
            for sentence in article.sentences:
                cited = [c.reference_number for c in sentence.citations]
                assert cited, f"uncited sentence: {sentence.text}"
                assert set(cited) <= set(sources), f"citation without a reference: {sentence.text}"
                if sentence.kind == "disagreement":
                    continue
                # verbatim (or trimmed from, or with a pronoun named) in a cited source...
                assert any(verbatim(sentence.text, sources[n]) for n in cited), sentence.text
                # ...and every cited source carries its numbers and names
                for number in cited:
                    assert numbers(sentence.text) <= numbers(raw[number]), (sentence.text, number)
                    assert names(sentence.text) <= set(re.findall(r"[A-Z][a-z]+", raw[number])), (
                        sentence.text,
                        number,
                    )


def test_disagreement_on_a_figure_is_stated_with_each_side_cited(demo: DemoRun) -> None:
    values = demo.expected["disagreements"]["ravel-floods"]
    url = demo.expected["stories"]["ravel-floods"][0]
    with demo.database.session() as session:
        article = next(a for a in latest_articles(session) if a.story_id == story_of(session, url))
        texts = source_texts(session, article)
        statements = [s for s in article.sentences if s.kind == "disagreement"]
        assert len(statements) == 1
        statement = statements[0].text
        for value in values:
            assert value in statement
        # each side's value is followed by markers for sources that report that value
        for value, markers in re.findall(r"([\d,]+) \w+ ((?:\[\d+\])+)", statement):
            for number in map(int, re.findall(r"\d+", markers)):
                assert value in texts[number]


def test_key_quotes_are_verbatim_and_attributed(demo: DemoRun) -> None:
    with demo.database.session() as session:
        articles = latest_articles(session)
        with_quotes = [a for a in articles if a.quote_text]
        # the key quote is one the article does not already print, so not every story has one
        assert len(with_quotes) * 2 >= len(articles)
        for article in with_quotes:
            source = source_texts(session, article)[article.quote_reference]
            assert normalise(article.quote_text) in normalise(source)
            assert article.quote_speaker.split()[-1] in source
            printed = normalise(" ".join(s.text for s in article.sentences))
            assert normalise(article.quote_text) not in printed


def test_article_bodies_respect_the_word_budget(demo: DemoRun) -> None:
    with demo.database.session() as session:
        for article in latest_articles(session):
            body_words = sum(len(s.text.split()) for s in article.sentences if s.section == "body")
            assert 0 < body_words <= demo.settings.write.max_words
            summary = [s for s in article.sentences if s.section == "summary"]
            assert 2 <= len(summary) <= 3
            # the body carries on from the summary: it does not say it again
            body = {normalise(s.text) for s in article.sentences if s.section == "body"}
            assert not body & {normalise(s.text) for s in summary}


def test_a_second_run_changes_nothing(demo: DemoRun) -> None:
    with demo.database.session() as session:
        before = row_counts(session)
    report = run_pipeline(demo.database, demo.settings)
    with demo.database.session() as session:
        after = row_counts(session)
    assert report.sources.new_documents == 0
    assert report.write.written == 0
    assert after == before


class ExplodingEmbedder:
    """Interrupted on the first call, as a run stopped in the middle (Ctrl+C) would be. (An
    ordinary error on a text is the item's own: it is recorded and the run goes on.)"""

    name = "exploding"

    def encode(self, texts: list[str]) -> np.ndarray:
        raise KeyboardInterrupt("simulated crash during clustering")


def test_a_run_stopped_midway_keeps_its_finished_batches_and_a_rerun_matches_a_clean_run(
    sqlite_url: str, demo: DemoRun, embedder
) -> None:
    with pytest.raises(KeyboardInterrupt, match="simulated crash"):
        run_demo(sqlite_url, ExplodingEmbedder())  # type: ignore[arg-type]
    database = Database(sqlite_url)
    with database.session() as session, demo.database.session() as clean:
        counts = row_counts(session)
        # every batch committed before the crash stays: each report is read and checked for
        # copies, as in the clean run; the clustering batch in flight left nothing
        assert statuses(session) == statuses(clean)
    assert counts["documents"] == demo.expected["articles"]
    assert counts["stories"] == counts["story_members"] == counts["articles"] == 0
    # the same run again, now without the crash, ends in the same state as a clean run
    report = run_pipeline(database, demo.settings, embedder)
    assert report.errors() == {}
    assert report.sources.new_documents == 0  # nothing was read twice
    with database.session() as session, demo.database.session() as clean:
        assert {frozenset(u) for u in grouping(session).values()} == {
            frozenset(u) for u in grouping(clean).values()
        }
        assert pipeline_counts(session) == pipeline_counts(clean)


def statuses(session: Session) -> Counter[str]:
    return Counter(session.scalars(select(Document.status)))
