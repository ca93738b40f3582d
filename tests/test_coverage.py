"""The coverage level (gazette/cluster/coverage.py): stories of one developing topic are linked
into one thread, stories of other topics of the same field are not. Headlines written for these
tests, embedded by the real model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from gazette.cluster.coverage import (
    JOIN_PROBABILITY,
    JOIN_WEIGHTS,
    REGROUP_PROBABILITY,
    SIGNAL_NAMES,
    SIMILARITY_FLOOR,
    Coverage,
    PairSignals,
    best_coverage,
    coverages_of,
    key_terms,
    match,
    regroup,
)
from gazette.cluster.incremental import PRIOR_COHESION, IncrementalClusterer
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
    assert found.similarity >= SIMILARITY_FLOOR
    assert "quasarfall" in found.shared
    assert found.probability >= JOIN_PROBABILITY and found.linked
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
    must also tell the same kind of happening as closely as a story's own reports do. (Here
    the fine comes within the hour: a day later the time between them alone keeps them apart.)"""
    recall = story(1, RECALL, embedder)
    fine = story(2, VALMONT_FINE, embedder, hours=1)
    typical = PRIOR_COHESION
    found = match(one(fine), one(recall), typical)
    assert "valmont" in found.shared
    assert found.probability >= JOIN_PROBABILITY  # the names and the wording alone would link it
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


def headline_story(story_id: int, titles: list[str], vectors: list[np.ndarray]) -> ActiveStory:
    """A story of title-case headlines with the given embeddings (no model needed)."""
    members = [
        Member(f"{story_id}-{n}", vector, profile(title, ""), START + timedelta(minutes=n))
        for n, (title, vector) in enumerate(zip(titles, vectors, strict=True))
    ]
    return ActiveStory.of(story_id, members)


def assert_as_if_computed_anew(coverage: Coverage) -> None:
    """The figures a coverage hands out are those of its stories as they are now."""
    fresh = Coverage(coverage.root, list(coverage.stories))
    assert coverage.size == fresh.size
    assert np.array_equal(coverage.vector_sum, fresh.vector_sum)
    assert coverage.term_counts == fresh.term_counts
    assert coverage.named == fresh.named


def test_kept_coverage_figures_follow_reports_threads_and_merges() -> None:
    """The clusterer keeps each coverage's figures between questions (`known`): they must be
    computed anew when a report joins one of its stories, when a story joins its thread, and
    when a merge, split or regroup rebuilds one of its stories under the same id."""
    axis = np.eye(4, dtype=np.float32)
    launch = headline_story(1, LAUNCH[:2], [axis[0], axis[0]])
    reviews = headline_story(2, REVIEWS, [axis[1], axis[1]])
    known: dict = {}
    first = coverages_of([launch, reviews], known)
    figures = first[1].figures
    assert first[1].size == 2 and first[1].term_counts["quasarfall"] == 2
    # Nothing changed: the figures computed before are handed back.
    assert coverages_of([launch, reviews], known)[1].figures is figures

    launch.add(Member("1-2", axis[2], profile(LAUNCH[2], ""), START + timedelta(hours=1)))
    grown = coverages_of([launch, reviews], known)
    assert grown[1].figures is not figures
    assert grown[1].size == 3 and grown[1].term_counts["quasarfall"] == 3
    assert_as_if_computed_anew(grown[1])
    assert grown[2].figures is first[2].figures  # the reviews did not change

    reviews.thread = 1
    joined = coverages_of([launch, reviews], known)
    assert set(joined) == {1} and joined[1].size == 5
    assert joined[1].term_counts["quasarfall"] == 5
    assert_as_if_computed_anew(joined[1])

    # A merge, split or regroup makes a new story object under the same id.
    rebuilt = ActiveStory.of(1, launch.members[:2])
    after = coverages_of([rebuilt, reviews], known)
    assert after[1].size == 4
    assert_as_if_computed_anew(after[1])
    assert np.array_equal(after[1].vector_sum, 2 * axis[0] + 2 * axis[1])


def test_a_shared_key_term_may_be_held_by_half_of_either_side() -> None:
    """A broad coverage names its topic in under half of its reports; a narrow one within it
    names it in all of them. The two share the term whichever of them is asked about."""
    axis = np.eye(2, dtype=np.float32)
    broad_titles = [
        "Quasarfall Launch Day Brings Long Queues",
        "Mech Shooters Dominate The Spring Charts",
        "Critics Weigh The Season Of Big Shooters",
    ]
    broad = headline_story(1, broad_titles, [axis[0]] * 3)
    narrow = headline_story(2, REVIEWS, [axis[0]] * 2)
    assert broad.size == 3 and sum("Quasarfall" in t for t in broad_titles) == 1
    for mine, other in ((one(broad), one(narrow)), (one(narrow), one(broad))):
        found = match(mine, other)
        assert "quasarfall" in found.shared
        assert found.linked


def test_the_what_test_needs_text_beyond_a_headline(embedder: MiniLMEmbedder) -> None:
    """A headline alone, even one written like a sentence with names in it, says too little of
    the kind of happening for the "what" test (on the UCI headline stream it scores pairs of
    one topic and of two alike); with a line of text it is made."""
    fine_titles = [title for title, _ in VALMONT_FINE]
    assert all(profile(title, "").salient for title in fine_titles)
    assert not one(story(2, fine_titles, embedder, 24)).named
    fine = one(story(2, VALMONT_FINE, embedder, 1))
    assert fine.named
    found = match(fine, one(story(1, RECALL, embedder)), PRIOR_COHESION)
    assert found.what_needed > 0.0 and not found.linked


def test_a_lone_headline_joins_the_topic_it_reads_like(embedder: MiniLMEmbedder) -> None:
    """One headline with no text shares no key term with its topic when its few words name
    nothing of it; it joins a coverage whose reports it reads as close to as a story's own
    reports read to each other (the stream's typical cohesion), and only a lone headline does."""
    elephants = [
        "Elephants Can Tell Human Languages Apart, Study Finds",
        "Study: Elephants Distinguish Human Voices By Language",
        "Elephants Judge Human Threats By Listening To Voices",
    ]
    topic = one(story(1, elephants, embedder))
    title = "Giant Mammals Know Which People To Fear"
    lone = one(story(2, [title], embedder, hours=2))
    found = match(lone, topic, typical=0.35)
    assert not found.shared and 0.35 <= found.similarity < 0.5
    assert found.lone and found.linked and "lone headline" in found.describe()
    assert match(topic, lone, typical=0.35).linked  # whichever side is asked
    # Read less closely than a story's own reports (a typical cohesion of 0.5), or with the
    # stream's cohesion unknown (0): no link without a key term.
    assert not match(lone, topic, typical=0.5).linked
    assert not match(lone, topic).linked
    # The same words with a line of text are no lone headline.
    with_text = one(story(2, [(title, "A study of herds in Kenya.")], embedder))
    assert not match(with_text, topic, typical=0.35).lone


def test_the_join_probability_reads_likeness_shared_terms_and_time() -> None:
    """Two coverages are likelier one topic the closer their reports read and the more key
    terms they share, and less likely the longer the time between them: the fitted weights
    must keep those directions, whatever their sizes."""
    base = PairSignals(0.35, 0.5, 0.4, 1, False, (3, 2), 0.0)
    assert len(base.vector()) == len(JOIN_WEIGHTS) == len(SIGNAL_NAMES)  # every signal weighed
    assert base._replace(similarity=0.45, closest=0.5).probability() > base.probability()
    assert (
        base._replace(shared=2).probability()
        > base.probability()
        > base._replace(shared=0).probability()
    )
    assert base._replace(gap_hours=48.0).probability() < base.probability()
    # Far apart in wording and time, with no key term, two coverages stay apart.
    apart = PairSignals(0.3, 0.5, 0.3, 0, False, (5, 5), 72.0)
    assert apart.probability() < JOIN_PROBABILITY


def clusterer_of(stories: list[ActiveStory]) -> IncrementalClusterer:
    """A clusterer holding `stories` as active, none of them in a thread."""
    clusterer = IncrementalClusterer(timedelta(hours=72), 0.6, iter(range(100, 200)).__next__)
    for one_story in stories:
        clusterer.load_story(one_story.story_id, one_story.members)
    return clusterer


def test_a_regroup_joins_groups_while_they_are_one_topic(embedder: MiniLMEmbedder) -> None:
    """Average linkage over units of stories: the launch and its reviews are one coverage,
    the other game's news stays apart; a unit stays whole."""
    launch = story(1, LAUNCH, embedder)
    reviews = story(3, REVIEWS, embedder, hours=3)
    other = story(2, OTHER_GAME, embedder, hours=1)
    assert match(one(reviews), one(launch), PRIOR_COHESION).probability >= REGROUP_PROBABILITY
    units = [one(launch), one(other), one(reviews)]
    assert sorted(regroup(units, PRIOR_COHESION)) == [[0, 2], [1]]
    # A unit of two stories (a follow-up with the story it continues) is never cut.
    units = [Coverage(1, [launch, other]), one(reviews)]
    assert regroup(units, PRIOR_COHESION) == [[0, 1]]


def test_a_regroup_undoes_a_join_the_stories_no_longer_bear_out(
    embedder: MiniLMEmbedder,
) -> None:
    """A coverage joined one question at a time only ever grows; rebuilt from its stories, a
    story of another topic leaves it, and the thread keeps the id of its earliest story."""
    launch = story(1, LAUNCH, embedder)
    other = story(2, OTHER_GAME, embedder, hours=1)
    reviews = story(3, REVIEWS, embedder, hours=3)
    clusterer = clusterer_of([launch, other, reviews])
    clusterer.stories[2].thread = 1  # joined before the reviews came, say
    clusterer.regroup_coverages()
    assert {s.story_id: s.thread for s in clusterer.stories.values()} == {1: None, 2: None, 3: 1}
    links = {(link.story, link.root) for link in clusterer.threads}
    assert links == {(2, None), (3, 1)}
    assert all(link.reason.startswith("coverage regrouped: ") for link in clusterer.threads)
    assert clusterer.thread_roots() == {3: 1, 1: 1}
    clusterer.regroup_coverages()  # nothing has changed: nothing is recorded again
    assert len(clusterer.threads) == 2


def test_a_regroup_keeps_follow_ups_and_threads_it_cannot_measure(
    embedder: MiniLMEmbedder,
) -> None:
    """What already holds stays: a thread loaded from the database (a follow-up or an earlier
    worker's coverage, which it does not tell apart) and a thread whose first story was let go
    (no longer active, so not measured). A story of the same topic joins such a thread, which
    keeps its name."""
    launch = story(1, LAUNCH, embedder)
    other = story(2, OTHER_GAME, embedder, hours=1)
    clusterer = IncrementalClusterer(timedelta(hours=72), 0.6, iter(range(100, 200)).__next__)
    clusterer.load_story(1, launch.members)
    clusterer.load_story(2, other.members, thread=1)
    reviews = story(5, REVIEWS, embedder, hours=3)
    clusterer.load_story(5, reviews.members)
    clusterer.stories[5].thread = 4  # joined the thread of story 4, let go since
    clusterer.regroup_coverages()
    threads = {s.story_id: s.thread for s in clusterer.stories.values()}
    # The reviews (with story 4's thread) join the launch's coverage, named by its earliest
    # story; the other game stays in the thread it was loaded with.
    assert threads == {1: None, 2: 1, 5: 1}
    assert {(link.story, link.root) for link in clusterer.threads} == {(4, 1), (5, 1)}
    assert clusterer.thread_roots() == {2: 1, 4: 1, 5: 1, 1: 1}


def test_a_regroup_never_joins_two_languages(embedder: MiniLMEmbedder) -> None:
    """The reviews' story read as French: one topic by its words, but a coverage, like a story,
    never mixes languages."""
    launch = story(1, LAUNCH, embedder)
    reviews = story(3, REVIEWS, embedder, hours=3)
    reviews.language = "fr"
    assert sorted(regroup([one(launch), one(reviews)], PRIOR_COHESION)) == [[0], [1]]


def test_a_regroup_keeps_a_thread_that_let_go_stories_followed(embedder: MiniLMEmbedder) -> None:
    """Story 3, let go since, was in the thread of story 2; then story 2's coverage joined the
    earlier story 1's (the database moved story 3 along). Rebuilt from the active stories alone,
    story 2 would leave story 1's thread and story 3 would stay behind in the database: story 2
    keeps its thread."""
    other = story(1, OTHER_GAME, embedder)
    launch = story(2, LAUNCH, embedder, hours=1)
    clusterer = clusterer_of([other, launch])
    clusterer._forgotten_threads[3] = 2
    clusterer.stories[2].thread = 1  # joined story 1's coverage
    clusterer.regroup_coverages()
    assert clusterer.stories[2].thread == 1
    assert not clusterer.threads  # nothing to store: the database already holds it
