"""The coverage level (gazette/cluster/coverage.py): stories of one developing topic are linked
into one thread, stories of other topics of the same field are not. Headlines written for these
tests, embedded by the real model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gazette.cluster.coverage import (
    COVERAGE_SIMILARITY,
    Coverage,
    best_coverage,
    coverages_of,
    key_terms,
    match,
)
from gazette.cluster.incremental import PRIOR_COHESION
from gazette.cluster.signals import profile
from gazette.cluster.story import ActiveStory, Member
from gazette.embedding import MiniLMEmbedder

START = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)

# Headlines in title case, as many feeds give them: no name in them can be trusted, so their
# rare words are their key terms.
LAUNCH = [
    "Quasarfall Launch Day Brings Long Queues And Server Trouble",
    "Quasarfall Servers Buckle On Launch Day",
    "Players Queue For Hours As Quasarfall Launches",
]
REVIEWS = [
    "Quasarfall Review: A Shooter That Earns Its Hype",
    "Quasarfall Review Roundup: Critics Praise The Mech Battles",
]
# Another game's news the same day: the same field, another topic.
OTHER_GAME = [
    "Dunewalker Sells A Million Copies In Its First Week",
    "Dunewalker Tops Sales Charts With A Million Copies Sold",
]
# Reports with text, whose names can be trusted: a carmaker's recall, the same recall widened a
# day later, and another carmaker's recall (the same kind of happening, other participants).
RECALL = [
    (
        "Valmont recalls 40,000 sedans",
        "Valmont is recalling 40,000 Arden sedans because a brake sensor can fail, the "
        "carmaker said on Tuesday. Owners will be contacted by Valmont dealers.",
    ),
    (
        "Brake fault prompts Valmont recall",
        "The Arden sedan recall by Valmont covers 40,000 cars with a faulty brake sensor, "
        "Valmont said.",
    ),
]
RECALL_WIDENED = [
    (
        "Recall of Arden sedans widened by Valmont",
        "On Wednesday Valmont widened the recall of Arden sedans to 90,000 cars, saying the "
        "brake sensor fault also affects older Arden models.",
    ),
    (
        "Brake recall by Valmont grows to 90,000 cars",
        "Owners of 90,000 Arden sedans are now covered as Valmont widens its brake recall.",
    ),
]
OTHER_RECALL = [
    (
        "Orrin Motors recalls 30,000 hatchbacks",
        "Orrin Motors is recalling 30,000 Pell hatchbacks because airbag wiring can fail, the "
        "company said on Tuesday. Orrin Motors dealers will repair them.",
    ),
    (
        "Airbag fault prompts Orrin Motors recall",
        "The Pell hatchback recall by Orrin Motors covers 30,000 cars with faulty airbag "
        "wiring, Orrin Motors said.",
    ),
]
# A company's other news the next day: its names, another happening.
VALMONT_FINE = [
    (
        "Regulator fines Valmont over emissions claims",
        "A regulator fined Valmont 12 million over misleading emissions claims in Arden "
        "advertising, Valmont said on Wednesday.",
    ),
    (
        "Valmont fined 12 million for emissions adverts",
        "Valmont must pay 12 million after its Arden adverts overstated emissions savings, "
        "the regulator ruled.",
    ),
]


def story(
    story_id: int,
    reports: list[str] | list[tuple[str, str]],
    embedder: MiniLMEmbedder,
    hours: float = 0,
) -> ActiveStory:
    """A story of reports: headlines alone, or (title, text) pairs."""
    pairs = [(r, "") if isinstance(r, str) else r for r in reports]
    vectors = embedder.encode([f"{title}. {text}".strip(". ") for title, text in pairs])
    members = [
        Member(
            f"{story_id}-{n}",
            vector,
            profile(title, text),
            START + timedelta(hours=hours, minutes=n),
        )
        for n, ((title, text), vector) in enumerate(zip(pairs, vectors, strict=True))
    ]
    return ActiveStory.of(story_id, members)


def one(story_: ActiveStory) -> Coverage:
    return Coverage(story_.story_id, [story_])


def test_a_title_case_headline_has_its_rare_words_as_key_terms() -> None:
    found = profile("Quasarfall Servers Buckle On Launch Day", "")
    assert not found.salient  # title case: no name can be trusted
    terms = key_terms(found.salient, found.words, "en")
    assert {"quasarfall", "servers", "launch"} <= terms
    assert "day" not in terms  # common words are no key terms


def test_a_report_with_names_has_its_salient_names_as_key_terms() -> None:
    title, text = RECALL[0]
    found = profile(title, text)
    assert key_terms(found.salient, found.words, "en") == found.salient
    assert "valmont" in found.salient


def test_reviews_of_a_game_join_the_coverage_of_its_launch(embedder: MiniLMEmbedder) -> None:
    launch = story(1, LAUNCH, embedder)
    reviews = story(2, REVIEWS, embedder, hours=3)
    found = match(one(reviews), one(launch))
    assert found.similarity >= COVERAGE_SIMILARITY
    assert "quasarfall" in found.shared
    assert found.linked
    assert "quasarfall" in found.describe()


def test_another_games_news_stays_out(embedder: MiniLMEmbedder) -> None:
    launch = story(1, LAUNCH, embedder)
    other = story(3, OTHER_GAME, embedder, hours=1)
    found = match(one(other), one(launch))
    assert not found.shared
    assert not found.linked


def test_a_widened_recall_joins_its_recall_and_not_another_carmakers(
    embedder: MiniLMEmbedder,
) -> None:
    recall = story(1, RECALL, embedder)
    other = story(2, OTHER_RECALL, embedder, hours=2)
    widened = story(3, RECALL_WIDENED, embedder, hours=30)
    typical = PRIOR_COHESION  # what two reports of one story score, before a stream shows its own
    coverages = coverages_of([recall, other])
    assert set(coverages) == {1, 2}
    best = best_coverage(one(widened), list(coverages.values()), typical)
    assert best is not None and best.root == 1
    assert "valmont" in best.shared
    # The other carmaker's recall is the same kind of happening, with none of its names.
    assert not match(one(other), one(recall), typical).linked


def test_a_companys_other_news_is_not_the_coverage_of_its_recall(
    embedder: MiniLMEmbedder,
) -> None:
    """With names to go by, a shared name says only that the company is involved: the fine
    must also tell the same kind of happening as closely as a story's own reports do."""
    recall = story(1, RECALL, embedder)
    fine = story(2, VALMONT_FINE, embedder, hours=24)
    typical = PRIOR_COHESION
    found = match(one(fine), one(recall), typical)
    assert "valmont" in found.shared  # the names alone would link it
    assert found.what < found.what_needed
    assert not found.linked


def test_a_coverage_is_its_stories_together(embedder: MiniLMEmbedder) -> None:
    launch = story(1, LAUNCH, embedder)
    reviews = story(2, REVIEWS, embedder, hours=3)
    reviews.thread = 1
    other = story(3, OTHER_GAME, embedder, hours=1)
    coverages = coverages_of([launch, reviews, other])
    assert [s.story_id for s in coverages[1].stories] == [1, 2]
    assert coverages[1].size == 5
    assert [s.story_id for s in coverages[3].stories] == [3]
