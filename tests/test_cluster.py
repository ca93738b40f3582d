"""The incremental clusterer's rules, on hand-made vectors."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fight import DEFENCE, FIGHT, FIGHT_MORE
from wordfreq import top_n_list

from gazette.batch import ClusterInput, cluster_records
from gazette.cluster import IncrementalClusterer
from gazette.cluster.communities import share_across, split_in_two
from gazette.cluster.coverage import Coverage, regroup
from gazette.cluster.evidence import TIME_DECAY_HOURS, TIME_GRACE_HOURS, TIME_WEIGHT, Evidence
from gazette.cluster.incremental import FORGET_EVERY, LEAVE_MARGIN, MERGE_MARGIN
from gazette.cluster.signals import PROFILE_WORDS, dense_rows, dot, profile, weighted_within
from gazette.cluster.story import (
    SPLIT_MIN_PART,
    SPLIT_NEIGHBOURS,
    SPLIT_SEPARATION,
    ActiveStory,
    Member,
    events_in,
    split_similarity,
    two_events,
)
from gazette.cluster.table import StoryTable
from gazette.config import ClusterSettings
from gazette.records import ClusterItem

START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def with_similarity(base: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector at exactly `cosine` to the unit vector `base` (base is along axis 0)."""
    other = np.zeros_like(base)
    other[1] = 1.0
    return (cosine * base + np.sqrt(1 - cosine**2) * other).astype(np.float32)


def clusterer(threshold: float = 0.6, hours: float = 72) -> IncrementalClusterer:
    return IncrementalClusterer(timedelta(hours=hours), threshold, itertools.count(1).__next__)


def item(
    key: str, hours: float = 0, title: str = "", text: str = "", copy_of: str | None = None
) -> ClusterItem:
    return ClusterItem(key, title, text, START + timedelta(hours=hours), copy_of=copy_of)


def add(c: IncrementalClusterer, entry: ClusterItem, vector: np.ndarray):
    return c.assign(entry, vector, profile(entry.title, entry.text))


def two_reports(
    first: tuple[str, str],
    second: tuple[str, str],
    cosine: float,
    threshold: float = 0.6,
    hours: float = 2,
):
    """The assignments of two reports (title, text), the second `hours` later and at `cosine`
    to the first by embedding, in a fresh clusterer."""
    c = clusterer(threshold)
    base = unit(1, 0, 0)
    one = add(c, item("a", title=first[0], text=first[1]), base)
    two = add(c, item("b", hours, title=second[0], text=second[1]), with_similarity(base, cosine))
    return one, two


KLITSCHKO_RAHMAN = (
    "Boxer Ivo Marek kept his heavyweight title on Saturday, stopping Dario Pell in the seventh "
    "round in Brennick. Marek floored Pell twice before the referee stopped the fight."
)
KLITSCHKO_RAHMAN_AGAIN = (
    "Ivo Marek stopped Dario Pell in round seven in Brennick to keep his heavyweight belt. "
    "Pell, the challenger, was down twice; Marek said Pell had been brave."
)
KLITSCHKO_THOMPSON = (
    "Tomas Ruud lasted six rounds against the heavyweight champion Ivo Marek in Oldhaven before "
    "the referee waved the fight off. Ruud's trainer said Marek had been too strong."
)


def test_reports_of_one_event_join_and_the_reason_names_the_evidence() -> None:
    c = clusterer()
    base = unit(1, 0, 0)
    first = add(c, item("a", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    second = add(
        c,
        item("b", 1, title="Marek stops Pell", text=KLITSCHKO_RAHMAN_AGAIN),
        with_similarity(base, 0.85),
    )
    assert first.created and first.reason.startswith("new story: no active story")
    assert second.story_id == first.story_id and not second.created
    assert "similarity 0.85" in second.reason
    assert "shared names:" in second.reason and "pell" in second.reason
    assert "marek" in second.reason


def test_a_name_only_one_report_uses_counts_against_joining() -> None:
    """The embedding sees two title fights alike; the names only one side uses (Ruud, Oldhaven
    against Pell, Brennick) are conflict, and cost the other fight's report what a report of
    the same fight, equally close by embedding, keeps."""
    stories = []
    for key, title, text in (
        ("other", "Marek beats Ruud", KLITSCHKO_THOMPSON),
        ("same", "Pell loses to Marek", KLITSCHKO_RAHMAN_AGAIN),
    ):
        c = clusterer()
        base = unit(1, 0, 0)
        add(c, item("a", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
        add(c, item("b", 1, title="Marek stops Pell", text=KLITSCHKO_RAHMAN), base)
        story = c.stories[1]
        entry = item(key, 2, title=title, text=text)
        stories.append(story.evidence(with_similarity(base, 0.7), profile(entry.title, entry.text)))
    other, same = stories
    assert other.conflict >= 0.5 and same.conflict == 0.0
    assert other.score < same.score - 0.1
    assert "marek" in other.shared_names and "pell" in same.shared_names


def test_unrelated_text_does_not_join_even_with_a_close_vector() -> None:
    c = clusterer()
    base = unit(1, 0, 0)
    add(c, item("a", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    result = add(
        c,
        item("b", 1, title="Quillon Bank raises rates", text="Quillon Bank raised its rate."),
        with_similarity(base, 0.9),
    )
    assert result.created


def test_stories_outside_the_time_window_are_not_candidates() -> None:
    c = clusterer(hours=72)
    base = unit(1, 0, 0)
    first = add(c, item("a", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    late = add(c, item("b", 73, title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    assert late.created and late.story_id != first.story_id
    assert "no active story" in late.reason
    c.forget_before(START + timedelta(hours=200))
    assert c.stories == {}


def test_syndicated_copies_follow_their_original() -> None:
    c = clusterer()
    original = add(c, item("a", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), unit(1, 0, 0))
    copy = add(c, item("b", 1, copy_of="a"), unit(0, 0, 1))  # even if its vector differs
    assert copy.story_id == original.story_id
    assert copy.reason == "syndicated copy of a"


def test_two_stories_of_one_event_merge_into_the_older() -> None:
    """Two stories of one event (split by an earlier run with less evidence) merge once a new
    report makes one of them grow; the older story's id survives."""
    c = clusterer()
    base = unit(1, 0, 0)
    text = KLITSCHKO_RAHMAN
    # Two stories from earlier runs, loaded from the database, that are in fact one event.
    for story_id, key in ((7, "a"), (9, "b")):
        entry = item(key, title="Marek beats Pell", text=text)
        c.load_story(story_id, [Member(key, base, profile(entry.title, entry.text), START)])
    joined = add(c, item("c", 2, title="Marek beats Pell", text=text), base)
    assert joined.story_id in (7, 9)
    assert c.merges, "the grown story should have merged with its twin"
    merge = c.merges[0]
    assert (merge.survivor, merge.absorbed) == (7, 9)
    assert c.final_story(9) == 7 and 9 not in c.stories
    assert {c.story_of_item[k] for k in "abc"} == {7}
    assert "one event" in merge.reason


def test_a_report_that_no_longer_fits_leaves_its_story() -> None:
    """Reviewed for outliers at eight reports, a member that scores far below the rest departs."""
    c = clusterer()
    base = unit(1, 0, 0, 0)
    fight = item("f", title="Marek beats Pell", text=KLITSCHKO_RAHMAN)
    stray = item("x", 1, title="Quillon Bank raises rates", text="Quillon Bank raised its rate.")
    # A story from the database with a mistake in it: an unrelated report.
    members = [Member(key, base, profile(fight.title, fight.text), START) for key in "abc"]
    members.append(Member("x", unit(0, 0, 0, 1), profile(stray.title, stray.text), START))
    c.load_story(5, members)
    for key in "defg":  # the story reaches eight reports: an outlier review
        assert (
            add(c, item(key, 2, title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base).story_id
            == 5
        )
    assert [d.item_id for d in c.departures] == ["x"]
    assert c.story_of_item["x"] != 5 and c.story_of_item["g"] == 5
    assert c.departures[0].reason.startswith("left story 5")


RUUD = [*DEFENCE, ("Marek beats Ruud", KLITSCHKO_THOMPSON)]
# Another event of the same day: a bank's rate rise, told six ways.
BANK_DAY = [
    (
        "Quillon Bank raises savings rates",
        "Quillon Bank raised its savings rate to 4.1 percent in "
        "Selmora on Thursday. Anneke Dahl said savers had waited long enough.",
    ),
    (
        "Savers win as Quillon lifts rates",
        "Savers in Selmora gain as Quillon Bank lifts its easy-access "
        "rate to 4.1 percent, its chief executive Anneke Dahl said.",
    ),
    (
        "Quillon Bank: 4.1 percent",
        "Anneke Dahl of Quillon Bank announced a savings rate of "
        "4.1 percent, the third rise this year, on Thursday in Selmora.",
    ),
    (
        "Dahl raises Quillon rate again",
        "Quillon Bank's Anneke Dahl raised the savings rate again, to "
        "4.1 percent; rival lenders in Selmora are expected to follow.",
    ),
    (
        "Third rise of the year at Quillon",
        "The third rate rise of the year at Quillon Bank "
        "takes easy-access savings to 4.1 percent, Anneke Dahl said in Selmora.",
    ),
    (
        "Selmora lenders eye Quillon move",
        "Lenders in Selmora are studying Quillon Bank's rise to 4.1 "
        "percent; Anneke Dahl said Quillon would not wait for them.",
    ),
]
PELL_MORE = [
    ("Marek beats Pell", KLITSCHKO_RAHMAN),
    ("Marek stops Pell", KLITSCHKO_RAHMAN_AGAIN),
    *FIGHT_MORE,
]


def members_of(key: str, reports: list[tuple[str, str]], vector: np.ndarray) -> list[Member]:
    return [
        Member(f"{key}{i}", vector, profile(title, text), START)
        for i, (title, text) in enumerate(reports)
    ]


@pytest.mark.parametrize("first_fight", [6, 8])
def test_a_story_that_took_in_two_events_splits_in_two(first_fight: int) -> None:
    """A story from an earlier run holds two title defences of one champion, its reports all
    alike to the embedding. When it grows to twelve reports (a review) or fourteen (a story that
    young is asked at every second report) it falls into two groups whose nearest neighbours differ:
    the fight of its first report keeps the id, the other's reports move together to one new
    story, and the next report of that fight joins them there."""
    c = clusterer()
    base = unit(1, 0, 0)
    pell = members_of("p", FIGHT + PELL_MORE[: first_fight - 4], base)
    ruud = members_of("r", RUUD[:5], base)
    c.load_story(5, [m for pair in itertools.zip_longest(pell, ruud) for m in pair if m])
    joined = add(c, item("r5", 2, *RUUD[5]), base)
    assert joined.story_id == 5
    assert {d.item_id for d in c.departures} == {"r0", "r1", "r2", "r3", "r4", "r5"}
    (new_story,) = {d.new_story for d in c.departures}
    assert {c.story_of_item[m.item_id] for m in pell} == {5}
    assert c.departures[0].reason.startswith("split from story 5")
    assert "names shared 0." in c.departures[0].reason
    later = add(c, item("r6", 3, *RUUD[6]), base)
    assert later.story_id == new_story


def test_in_a_script_the_model_does_not_read_two_events_are_told_apart_by_their_words() -> None:
    """Where the embedding model cannot read a story's script its vectors mislead (here: they
    pair every other report of one fight with every other report of the other), and the
    two-events check reads the reports' words and names instead."""
    one, other = unit(1, 0), unit(0, 1)
    reports = members_of("p", FIGHT + PELL_MORE[:2], one) + members_of("r", RUUD[:6], one)
    reports = [replace(m, vector=other) if i % 2 else m for i, m in enumerate(reports)]
    parts = two_events(reports, latin=False)
    assert parts is not None
    assert (parts.first, parts.second) == (list(range(6)), list(range(6, 12)))
    misread = two_events(reports, latin=True)
    assert misread is None or misread.first != list(range(6))


def test_inside_a_story_names_every_report_uses_weigh_less_than_names_some_use() -> None:
    """The champion in every report, each challenger in half: weighted within the story, the
    challenger's name carries more of each report's profile than the champion's."""
    vectors = [{"marek": 0.6, "pell": 0.8}] * 3 + [{"marek": 0.6, "ruud": 0.8}] * 3 + [{}]
    weighted = weighted_within(dense_rows(vectors))
    marek, pell, ruud = 0, 1, 2  # columns in order of first use
    assert np.all(weighted[:6, marek] < 0.6)
    assert np.all(weighted[:3, pell] > 0.8) and np.all(weighted[3:6, ruud] > 0.8)
    assert np.allclose(np.linalg.norm(weighted[:6], axis=1), 1.0)
    assert not weighted[6].any()


def test_one_event_told_in_two_ways_is_not_split_while_both_sides_name_the_same_people() -> None:
    """Twelve reports of one fight whose embeddings fall into two sets of six (two groups of
    outlets with two ways of telling it), far enough apart that the nearest neighbours alone
    would cut the story in two: both sides name the same fighters, town and round, so it is one
    event and stays one story."""
    one, other = unit(1, 0), with_similarity(unit(1, 0), 0.3)
    reports = members_of("a", FIGHT + PELL_MORE[:2], one) + members_of("b", FIGHT_MORE, other)
    similarity, names_similarity = split_similarity(reports, latin=True)
    by_neighbours = split_in_two(similarity, SPLIT_NEIGHBOURS, SPLIT_MIN_PART)
    assert by_neighbours is not None and by_neighbours.separation < SPLIT_SEPARATION
    assert share_across(names_similarity, by_neighbours.first, by_neighbours.second) > 0.5
    assert two_events(reports, latin=True) is None


def test_one_event_in_many_wordings_is_not_split() -> None:
    c = clusterer()
    base = unit(1, 0, 0)
    c.load_story(5, members_of("p", FIGHT, base) + members_of("q", PELL_MORE[:7], base))
    assert add(c, item("q7", 2, *PELL_MORE[7]), base).story_id == 5
    assert c.departures == [] and len(c.stories[5].members) == 12


def test_two_stories_that_would_split_again_do_not_merge() -> None:
    """Two title defences as two stories, alike to the embedding, under a loose join threshold
    at which they score as one event: growing one of them to a review does not fold the other
    in, since together they would fall apart into the same two events."""
    c = clusterer(threshold=0.3)
    base = unit(1, 0, 0)
    c.load_story(5, members_of("p", FIGHT + PELL_MORE[:3], base))
    c.load_story(9, members_of("r", RUUD[:6], base))
    assert add(c, item("q3", 2, *PELL_MORE[3]), base).story_id == 5
    assert c.merges == []
    assert {c.story_of_item[f"r{i}"] for i in range(6)} == {9}


def members_at(key: str, reports: list[tuple[str, str]], vector, hours: float) -> list[Member]:
    return [
        replace(member, published=START + timedelta(hours=hours))
        for member in members_of(key, reports, vector)
    ]


def test_a_report_of_one_event_in_the_others_story_returns_to_its_own() -> None:
    """Two title defences told the same day, each its own story, but one Ruud report had joined
    the Pell story (too few to be split off: a group needs three). When the Pell story grows to a
    review, the two stories are regrouped by the events their pooled reports hold: the stray
    report moves to the Ruud story, each story keeps its id, and the move says why."""
    c = clusterer()
    base = unit(1, 0, 0)
    c.load_story(
        5, members_at("p", FIGHT + PELL_MORE[:2], base, 0) + members_at("x", RUUD[:1], base, 1)
    )
    c.load_story(9, members_at("r", RUUD[1:5], base, 2))
    assert add(c, item("p6", 3, *PELL_MORE[2]), base).story_id == 5
    assert [(d.item_id, d.old_story, d.new_story) for d in c.departures] == [("x0", 5, 9)]
    assert c.departures[0].reason.startswith(
        "regrouped: the 12 reports of stories 5 and 9 fell into 2 events of 7, 5"
    )
    assert {m.item_id[0] for m in c.stories[5].members} == {"p"}
    assert {m.item_id for m in c.stories[9].members} == {"x0", "r0", "r1", "r2", "r3"}
    assert c.merges == []


def test_stories_a_day_apart_are_not_regrouped_by_their_wording() -> None:
    """The same two stories, but the Ruud story's reports come hours after the Pell story's
    last: reports are regrouped only within the hours in which reports of one event come
    (TIME_GRACE_HOURS), since a cut by wording would mix two days' events of the same wording."""
    c = clusterer()
    base = unit(1, 0, 0)
    late = TIME_GRACE_HOURS + 6
    c.load_story(
        5, members_at("p", FIGHT + PELL_MORE[:2], base, 0) + members_at("x", RUUD[:1], base, 1)
    )
    c.load_story(9, members_at("r", RUUD[1:5], base, late))
    # Once the Pell story has grown (its last report at three hours), they are late - 3 apart.
    evidence = c.stories[5].evidence_against(c.stories[9]).later_by(late - 3)
    expected = (c.expected_score(c.stories[5]) + c.expected_score(c.stories[9])) / 2
    assert evidence.score >= (0.6 - LEAVE_MARGIN) * expected  # close enough, but apart in time
    assert add(c, item("p6", 3, *PELL_MORE[2]), base).story_id == 5
    assert c.departures == [] and c.story_of_item["x0"] == 5


@pytest.mark.parametrize(("first", "second", "merged"), [(7, 6, True), (3, 3, False)])
def test_fragments_of_one_event_merge_at_the_join_bar_once_the_split_can_judge_them(
    first: int, second: int, merged: bool
) -> None:
    """Two stories of one fight, told in two wordings the embedding keeps apart, that score
    between the join bar and the merge bar when the first grows to a review. Pooled into twelve
    reports or more, on which the split could tell two events, they merge at the join bar; with
    fewer, merging still asks for MERGE_MARGIN more, since no later split could undo it."""
    base, other = unit(1, 0, 0), with_similarity(unit(1, 0, 0), 0.5)
    fight = FIGHT + PELL_MORE
    growing = members_at("a", fight[: first + 1], base, 0)

    def loaded(threshold: float) -> IncrementalClusterer:
        c = clusterer(threshold)
        c.load_story(7, growing[:first])
        c.load_story(9, members_at("b", fight[-second:], other, 1))
        return c

    # What the two stories score against each other once the first has grown by one report.
    probe = loaded(threshold=5.0)
    probe.stories[7].add(growing[first])
    stories = probe.stories[7], probe.stories[9]
    ratio = stories[0].evidence_against(stories[1]).score / (
        (probe.expected_score(stories[0]) + probe.expected_score(stories[1])) / 2
    )
    threshold = ratio - MERGE_MARGIN / 2  # above the join bar, below the merge bar
    c = loaded(threshold)
    assert add(c, item(growing[first].item_id, 2, *fight[first]), base).story_id == 7
    assert bool(c.merges) == merged
    if merged:
        assert (c.merges[0].survivor, c.merges[0].absorbed) == (7, 9)
        assert len(c.stories[7].members) == first + 1 + second
    else:
        assert {c.story_of_item[key] for key in ("a0", "b0")} == {7, 9}


def test_events_in_cuts_again_until_no_part_holds_two_events() -> None:
    """Three events of a day in one pool of reports: the split is asked again of each part,
    and each event comes out whole; one event stays one."""
    base = unit(1, 0, 0)
    pell = members_of("p", FIGHT + PELL_MORE[:4], base)
    ruud = members_of("r", RUUD, base)
    bank = members_of("b", BANK_DAY, unit(0, 1, 0))
    pooled = [m for trio in itertools.zip_longest(pell, ruud, bank) for m in trio if m]
    events = events_in(pooled, latin=True)
    kinds = sorted("".join(sorted({pooled[i].item_id[0] for i in event})) for event in events)
    assert kinds == ["b", "p", "r"]
    assert sorted(len(event) for event in events) == [len(bank), len(ruud), len(pell)]
    assert events_in(pell, latin=True) == [list(range(len(pell)))]


def test_cluster_batch_takes_undated_items_after_dated_ones(embedder) -> None:
    records = [
        ClusterInput(id="undated", title="Volcano erupts on a remote island, villages evacuated"),
        ClusterInput(id="dated", title="Central bank cuts interest rates", published="2026-01-05"),
    ]
    stories = {a["id"]: a["story"] for a in cluster_records(records, embedder, ClusterSettings())}
    assert stories == {"dated": 1, "undated": 2}  # story ids count up in processing order


def test_cluster_batch_takes_future_dated_items_as_undated(embedder) -> None:
    """A date beyond the run's clock cannot be true yet: such an item comes after dated ones."""
    future = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    records = [
        ClusterInput(id="future", title="Volcano erupts on a remote island", published=future),
        ClusterInput(id="dated", title="Central bank cuts interest rates", published="2026-01-05"),
    ]
    stories = {a["id"]: a["story"] for a in cluster_records(records, embedder, ClusterSettings())}
    assert stories == {"dated": 1, "future": 2}


def test_cluster_batch_compares_an_item_without_a_title_by_its_text(embedder) -> None:
    text = "Ivo Marek kept his heavyweight title, stopping Dario Pell in round seven in Brennick."
    records = [
        ClusterInput(id="a", title="Marek stops Pell to keep heavyweight title", text=text),
        ClusterInput(id="b", title="", text=text),
        ClusterInput(id="c", title="Quillon Bank raises its main rate to 4 percent"),
    ]
    stories = {a["id"]: a["story"] for a in cluster_records(records, embedder, ClusterSettings())}
    assert stories["a"] == stories["b"] != stories["c"]


def test_cluster_batch_says_why_each_item_is_in_its_story(embedder) -> None:
    text = "Ivo Marek kept his heavyweight title, stopping Dario Pell in round seven in Brennick."
    records = [
        ClusterInput(id="a", title="Marek stops Pell to keep heavyweight title", text=text),
        ClusterInput(id="b", title="Marek beats Pell in seventh round", text=text),
    ]
    first, second = cluster_records(records, embedder, ClusterSettings())
    assert first["reason"] == "new story: no active story in the time window"
    assert second["reason"].startswith(f"joined story {first['story']} of 1 report: score ")
    assert "; shared names: pell" in second["reason"]


FRENCH_REPORT = (
    "Le boxeur Ivo Marek a conservé son titre des poids lourds samedi à Brennick, en battant "
    "Dario Pell au septième round après l'avoir envoyé deux fois au tapis."
)


def test_a_report_in_another_language_never_joins_a_story_in_this_one() -> None:
    """Same names, same vector: still a story of its own, because the signals are English. Two
    reports in the other language still find each other."""
    c = clusterer()
    base = unit(1, 0, 0)
    english = add(c, item("en", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    french = ClusterItem("fr", "Marek bat Pell", FRENCH_REPORT, START, language="fr")
    first = c.assign(french, base, profile(french.title, french.text, "fr"))
    again = ClusterItem("fr2", "Marek garde son titre", FRENCH_REPORT, START, language="fr")
    second = c.assign(again, base, profile(again.title, again.text, "fr"))
    assert first.created and first.story_id != english.story_id
    assert second.story_id == first.story_id


# Hindi headlines written for the tests: heavy rain floods Mumbai's roads (twice, in other
# words), and the stock market falls.
MUMBAI_RAIN = "मुंबई में भारी बारिश से सड़कें जलमग्न, लोकल ट्रेनें रुकीं"
MUMBAI_RAIN_AGAIN = "भारी बारिश के बाद मुंबई की सड़कें जलमग्न, लोकल ट्रेन सेवा ठप"
MARKET_FALL = "शेयर बाजार में बड़ी गिरावट, सेंसेक्स 800 अंक टूटा"


def test_words_of_a_script_with_vowel_signs_stay_whole() -> None:
    """Devanagari vowel signs are combining marks: a word must not break at each of them."""
    words = profile(MUMBAI_RAIN, "", "hi").vocabulary
    assert {"मुंबई", "बारिश", "सड़कें", "जलमग्न"} <= words


def test_reports_in_a_script_the_model_does_not_read_are_compared_by_their_words() -> None:
    """The English embedding model scores any two Hindi headlines as close: a headline about
    another happening stays apart even at cosine 0.9, and one about the same happening joins."""
    c = clusterer()
    base = unit(1, 0, 0)

    def hindi(key: str, title: str, vector: np.ndarray):
        report = ClusterItem(key, title, "", START, language="hi")
        return c.assign(report, vector, profile(title, "", "hi"))

    rain = hindi("rain", MUMBAI_RAIN, base)
    market = hindi("market", MARKET_FALL, with_similarity(base, 0.9))
    again = hindi("again", MUMBAI_RAIN_AGAIN, with_similarity(base, 0.9))
    assert market.created and market.story_id != rain.story_id
    assert again.story_id == rain.story_id


def test_cluster_batch_settles_each_items_language(embedder) -> None:
    """Declared languages are taken as given; an undeclared long text is detected; a headline
    too short to tell takes the configured language and can join that language's story."""
    records = [
        ClusterInput(id="en", title="Marek beats Pell", text=KLITSCHKO_RAHMAN),
        ClusterInput(id="fr", title="Marek bat Pell", text=FRENCH_REPORT),
        ClusterInput(id="fr-declared", title="Marek bat Pell", language="fr-FR"),
        ClusterInput(id="short", title="Marek keeps title against Pell"),
    ]
    stories = {a["id"]: a["story"] for a in cluster_records(records, embedder, ClusterSettings())}
    assert stories["fr"] == stories["fr-declared"] != stories["en"]
    assert stories["short"] == stories["en"]


def test_evidence_weakens_with_time_after_a_storys_last_report() -> None:
    evidence = Evidence(0.8, 0.8, 0.8, 0.8, 0.0, ["marek"])
    assert evidence.later_by(TIME_GRACE_HOURS) is evidence
    halfway = evidence.later_by(TIME_GRACE_HOURS + TIME_DECAY_HOURS / 2)
    assert halfway.score == pytest.approx(0.8 * (1 - TIME_WEIGHT / 2))
    assert evidence.later_by(500).score == pytest.approx(0.8 * (1 - TIME_WEIGHT))
    assert "500 h after its last report" in evidence.later_by(500).describe()
    against = Evidence(-0.1, 0.1, 0.0, 0.0, 1.0, [])
    assert against.later_by(500).score == -0.1  # lateness never makes a bad fit better


def test_a_report_a_day_late_still_joins_when_its_evidence_is_strong() -> None:
    c = clusterer()
    base = unit(1, 0, 0)
    first = add(c, item("a", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    late = add(c, item("b", 30, title="Marek stops Pell", text=KLITSCHKO_RAHMAN_AGAIN), base)
    assert late.story_id == first.story_id
    assert "30 h after its last report" in late.reason


REMATCH = (
    "Ivo Marek and Dario Pell will meet again in Brennick in March, promoters said on Monday. "
    "Pell asked for the rematch after losing in seven rounds; Marek agreed to a purse of 12 "
    "million. Marek said the rematch would end sooner."
)


def fight_and_rematch(c: IncrementalClusterer):
    """A title fight reported twice, and two days later the rematch agreed: the first story and
    the follow-up's decisions."""
    base = unit(1, 0, 0)
    fight = add(c, item("a", title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    add(c, item("b", 1, title="Marek stops Pell", text=KLITSCHKO_RAHMAN_AGAIN), base)
    rematch = add(
        c,
        item("c", 48, title="Marek and Pell agree rematch", text=REMATCH),
        with_similarity(base, 0.7),
    )
    return fight, rematch


def test_a_follow_up_days_later_is_a_new_story_in_the_same_thread() -> None:
    c = clusterer()
    fight, follow_up = fight_and_rematch(c)
    unrelated = add(
        c,
        item("d", 49, title="Quillon Bank raises rates", text="Quillon Bank raised its rate."),
        unit(0, 0, 1),
    )
    assert follow_up.created and unrelated.created
    assert [(link.story, link.root) for link in c.threads] == [(follow_up.story_id, fight.story_id)]
    assert "continues story" in c.threads[0].reason and "marek" in c.threads[0].reason
    roots = c.thread_roots()
    assert roots == {fight.story_id: fight.story_id, follow_up.story_id: fight.story_id}


def test_another_happening_of_the_same_company_is_not_its_thread() -> None:
    """A fine against a company the day after its takeover bid shares the company's name, not the
    subject: "earlier in this story" would mislead, so the fine starts no thread."""
    c = clusterer()
    base = unit(1, 0, 0)
    bid = "The board said Fairmoor Insurance had offered 202 million for the solar firm."
    add(c, item("a", title="Fairmoor Insurance bids for a solar firm", text=bid), base)
    add(c, item("b", 1, title="Fairmoor Insurance makes solar offer", text=bid), base)
    fine = "A judge fined Fairmoor Insurance over misleading policies, Fairmoor Insurance said."
    later = add(
        c,
        item("c", 30, title="Judge hits Fairmoor Insurance with record fine", text=fine),
        with_similarity(base, 0.4),
    )
    assert later.created
    assert c.threads == []
    evidence = c.stories[later.story_id].evidence_against(c.stories[1])
    assert evidence.names > 0.8  # the names alone would have made it a thread


def test_a_long_stream_lets_go_of_old_stories_and_keeps_their_threads() -> None:
    """Memory stays flat: stories no later article can join are let go as the stream moves on,
    and a thread found before then is still reported at the end."""
    c = clusterer()
    fight, rematch = fight_and_rematch(c)
    rng = np.random.default_rng(7)
    for hour in range(60, 1260):  # a report an hour for fifty days, each its own event
        vector = rng.normal(size=3).astype(np.float32)
        text = f"Officials in Town{hour} counted {hour * 7} ballots."
        add(
            c,
            item(f"filler{hour}", hour, title=f"Count in Town{hour}", text=text),
            vector / np.linalg.norm(vector),
        )
    assert (
        len(c.stories) <= 72 + FORGET_EVERY
    )  # the window's stories, and those since the last look
    assert fight.story_id not in c.stories and rematch.story_id not in c.stories
    roots = c.thread_roots()
    assert roots[rematch.story_id] == roots[fight.story_id] == fight.story_id


def test_when_a_threads_first_story_is_merged_its_thread_follows_the_survivor() -> None:
    c = clusterer()
    base = unit(1, 0, 0)
    for story_id, key in ((7, "a"), (9, "b")):
        entry = item(key, title="Marek beats Pell", text=KLITSCHKO_RAHMAN)
        c.load_story(story_id, [Member(key, base, profile(entry.title, entry.text), START)])
    rematch = item("r", 48, title="Marek and Pell agree rematch", text=REMATCH)
    c.load_story(
        12, [Member("r", unit(0, 1, 0), profile(rematch.title, rematch.text), rematch.published)], 9
    )
    add(c, item("c", 2, title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
    assert c.merges and c.merges[0].absorbed == 9
    assert c.stories[12].thread == 7
    assert (c.threads[-1].story, c.threads[-1].root) == (12, 7)


def test_story_table_finds_the_closest_stories_in_window_and_language() -> None:
    table = StoryTable(capacity=2)  # grows as stories come
    for story_id in range(1, 71):
        vector = with_similarity(unit(1, 0, 0), story_id / 100)  # higher id, closer
        hours = timedelta(hours=story_id)
        table.put(story_id, vector * 2, 2, START + hours, START + hours, "en")
    table.put(71, unit(1, 0, 0) * 3, 3, START, START, "fr")
    table.remove(70)
    moment, window = START + timedelta(hours=70), timedelta(hours=10).total_seconds()
    found = table.closest(unit(1, 0, 0), moment, window, "en", count=3)
    assert sorted(found) == [67, 68, 69]  # 70 is gone; 71 is French; 1-59 are out of the window
    assert sorted(table.closest(unit(1, 0, 0), moment, window, "en", 3, exclude=[69])) == [
        66,
        67,
        68,
    ]
    earlier = table.closest(
        unit(1, 0, 0), moment, window, "en", 3, started_before=START + timedelta(hours=62)
    )
    assert sorted(earlier) == [60, 61]
    assert table.closest(unit(1, 0, 0), moment, window, "de", 3) == []
    table.put(72, unit(1, 0, 0), 1, moment, moment, "en")  # takes the freed row
    assert 72 in table.closest(unit(1, 0, 0), moment, window, "en", 3)


def test_one_shared_name_does_not_carry_a_different_happening_into_a_story() -> None:
    """Headlines about two happenings that share only "Trump": the names match fully, but what
    happened does not, and one name alone does not waive the floor on "what" (two would)."""
    first, other = two_reports(
        ("Presidents before Trump hid risky trips", "Aides to Trump said so."),
        ("Man Deported to Eswatini May Never Go Free", "A policy of Trump."),
        0.34,
    )
    assert other.created and other.story_id != first.story_id
    assert "names 1.00" in other.reason  # the names alone would have been a perfect match


SENATE_VOTE = (
    "Senate passes stimulus bill",
    "Senators approved the stimulus package after Trump and McConnell agreed with Pelosi.",
)
SENATE_HEARING = (
    "Trump nominee questioned over judicial record",
    "McConnell defended the nominee as Trump looked on beside Barrett.",
)


def test_a_loose_threshold_does_not_join_two_happenings_that_share_no_word() -> None:
    """Two headlines of one field (same names, a broad subject, no word of what happened in
    common) fall below the "what" of any one event, however low the configured bar."""
    first, other = two_reports(SENATE_VOTE, SENATE_HEARING, 0.46, threshold=0.2, hours=1)
    assert other.created and other.story_id != first.story_id
    assert "below the 0.26 of any one event" in other.reason
    assert "words 0.00" in other.reason and "trump" in other.reason


def test_two_headlines_of_one_event_that_share_only_its_participants_join() -> None:
    """No word in common but the same rare names: the floor on "what" gives way."""
    first, second = two_reports(
        (
            "From village school to Tata Sons: Chandrasekaran's journey",
            "How Natarajan Chandrasekaran rose to lead Tata Sons.",
        ),
        (
            "Questions for Noel Tata as Chandrasekaran resigns",
            "Tata Sons must find a new chairman after Natarajan Chandrasekaran quit.",
        ),
        0.5,
    )
    assert second.story_id == first.story_id, second.reason
    assert "words 0.00" in second.reason


def test_a_loose_threshold_does_not_merge_two_happenings_that_share_no_word() -> None:
    c = clusterer(threshold=0.1)  # merging asks for a margin above the join ratio
    base = unit(1, 0, 0)
    for story_id, key, (title, text), vector in (
        (7, "a", SENATE_VOTE, base),
        (9, "b", SENATE_HEARING, with_similarity(base, 0.46)),
    ):
        c.load_story(story_id, [Member(key, vector, profile(title, text), START)])
    grown = add(c, item("c", 1, title=SENATE_VOTE[0], text=SENATE_VOTE[1]), base)
    assert grown.story_id == 7
    assert not c.merges and 9 in c.stories


def test_an_agency_dateline_is_not_evidence_of_one_event() -> None:
    """Every report an agency files on a day opens "TEHRAN, Aug. 11 (MNA) –": the place, the
    date and the agency say nothing about what happened, and two unrelated reports stay apart."""
    first = profile(
        "Minister receives envoy",
        "TEHRAN, Aug. 11 (MNA) – The foreign minister received the Pakistani envoy for talks.",
    )
    second = profile(
        "Flotilla sets sail",
        "TEHRAN, Aug. 11 (MNA) – A flotilla of eleven boats set sail towards Gaza with aid.",
    )
    assert not {"tehran", "11", "mna", "aug"} & (first.names.keys() | second.names.keys())
    assert not first.salient & second.salient


def test_a_possessive_is_the_same_name() -> None:
    with_possessive = profile("Leavitt to leave", "Aides say Trump's press aide Leavitt will go.")
    plain = profile("Leavitt to leave", "Aides say the press aide of Trump, Leavitt, will go.")
    assert "trump" in with_possessive.names and "trump's" not in with_possessive.vocabulary
    assert with_possessive.names.keys() == plain.names.keys()


def test_capitals_inside_a_sentence_case_title_are_names() -> None:
    """ "Karoline Leavitt to step down as press secretary" capitalises only names, so "Leavitt"
    is one even where the text only has it at the start of a sentence; a headline-style title
    capitalises every word, and only the names its text confirms count."""
    text = "Leavitt is leaving to spend more time with her family, the president said."
    sentence_case = profile("Karoline Leavitt to step down as press secretary", text)
    headline_style = profile("Karoline Leavitt to Step Down as Press Secretary", text)
    assert "leavitt" in sentence_case.salient and "step" not in sentence_case.names
    assert "leavitt" not in headline_style.names


def test_a_long_report_keeps_its_heaviest_words() -> None:
    """Past PROFILE_WORDS content words, the commonest leave the profile and the rare stay."""
    common = [w for w in top_n_list("en", 600) if w.isalpha() and len(w) > 3][:120]
    entry = profile("", " ".join([*common, "zeugma", "quillon"]) + ".")
    assert len(entry.words) == PROFILE_WORDS
    assert {"zeugma", "quillon"} <= entry.words.keys()
    assert common[0] not in entry.words
    assert abs(sum(v * v for v in entry.words.values()) - 1.0) < 1e-9


def test_sparse_dot_product_counts_only_the_words_both_use() -> None:
    """The dot product skips the words one side lacks and equals the full sum, either way round."""
    story = {"storm": 0.5, "coast": 0.25, "ferry": 2.0, "harbour": 1.0}
    report = {"ferry": 0.5, "storm": 0.25, "lighthouse": 3.0}
    expected = 0.5 * 2.0 + 0.25 * 0.5
    assert dot(report, story) == dot(story, report) == expected
    assert dot(report, {"lighthouse": 0.0}) == 0.0
    assert dot({}, story) == 0.0


def test_sums_in_thousands_share_no_figure() -> None:
    """ "16,000" and "27,000" are two figures; split at the comma they would share a "000"."""
    first = profile("Price drops", "The phone is cheaper by Rs 16,000 from today.")
    second = profile("Price drops", "The tablet is cheaper by Rs 27,000 from today.")
    assert "16,000" in first.names and "27,000" in second.names
    assert not {"000", "16", "27"} & (first.vocabulary | second.vocabulary)


def test_names_at_different_grains_do_not_veto_one_happening() -> None:
    """Two headlines of one flood, one naming the city and one the state: the names hardly
    match, but what happened does, and a weak names match only lowers the score (a sum, not a
    product of "what" and "who")."""
    first, second = two_reports(
        (
            "Floodwaters swamp Houston as rescuers pull families from flooded homes",
            "Rescuers in boats pulled families from flooded homes across Houston.",
        ),
        (
            "Texas floods: rescuers pull families from homes as waters rise",
            "Across Texas rescuers in boats reached families trapped by rising floodwaters.",
        ),
        0.75,
    )
    assert second.story_id == first.story_id, second.reason


def test_two_reports_that_share_no_salient_name_stay_apart_however_alike_their_wording() -> None:
    """Two deals written from one template ("X is cheaper now: check the deal") read alike to
    the embedding and share words; every name of each is one the other never uses (conflict 1),
    which tells two events apart."""
    _, second = two_reports(
        (
            "OnePlus 13 gets cheaper on Amazon: check the new deal",
            "The OnePlus 13 now sells for less on Amazon after a discount.",
        ),
        (
            "Samsung Galaxy S26 is cheaper now: check the latest deal",
            "Buyers of the Samsung Galaxy S26 can now save in a limited sale.",
        ),
        0.64,
    )
    assert second.created, second.reason
    assert "conflict 1.00" in second.reason


def test_a_name_with_a_word_hyphenated_to_it_is_the_name() -> None:
    """A name with a lower-case word hyphenated to it ("Colombia-based") names Colombia, as
    "Colombia's" does; a hyphenated name ("Saint-Denis") stays whole."""
    hyphenated = profile("Rescue goes on", "A Colombia-based reporter and a Kremlin-backed group.")
    assert {"colombia", "kremlin"} <= hyphenated.names.keys()
    assert "based" in hyphenated.vocabulary and "colombia-based" not in hyphenated.names
    whole = profile("Fans gather", "Crowds filled the streets of Saint-Denis on Sunday night.")
    assert "saint-denis" in whole.names


def test_a_headline_style_title_without_text_names_nothing() -> None:
    """Without a body to show which capitalised words are names, a headline-style title gives
    none: "Bright", "Spot" and "Free" would be salient names in conflict with every other report
    of the earthquake. Its words still count, as words."""
    bare = profile("A Bright Spot in Colombia as Rescuers Free Quake Victim", "")
    assert not bare.names and not bare.salient
    assert {"colombia", "quake", "rescuers"} <= bare.words.keys()
    sentence = profile("Rescuers free a quake victim in Colombia", "")
    assert "colombia" in sentence.names


def test_leaving_a_member_out_scores_as_the_story_without_it() -> None:
    """A story asks whether a member still fits from its running sums less that member (and
    reuses the products it computed for one report); the answers must be those of the story built
    without the member, and scoring reports first must not change what joining them adds."""
    reports = members_of("p", FIGHT + PELL_MORE + RUUD[:3], unit(1, 0, 0))
    rng = np.random.default_rng(7)
    for member in reports:  # vectors of their own, so that every sum differs
        member.vector = unit(*rng.normal(size=8))
    scored_first = ActiveStory(1)
    for member in reports:
        if scored_first.members:
            scored_first.evidence(member.vector, member.profile)
        scored_first.add(member)
    assert scored_first.squares == ActiveStory.of(2, reports).squares
    for size in range(3, len(reports) + 1):  # odd and even sizes: "half" of the rest differs
        story = ActiveStory.of(2, reports[:size])
        for member in story.members:
            rest = ActiveStory.of(3, [m for m in story.members if m is not member])
            left_out = story.evidence(member.vector, member.profile, without=member)
            against_rest = rest.evidence(member.vector, member.profile)
            assert left_out.score == pytest.approx(against_rest.score, abs=1e-6)
            assert story.cohesion(member) == pytest.approx(rest.cohesion(), abs=1e-6)
            assert story.core_names(member) == rest.core_names()


def test_a_follow_up_stays_in_its_thread_when_the_coverages_are_regrouped() -> None:
    """The regroup rebuilds coverages by the join probability; a follow-up is linked by its
    names and its kind of happening, and stays linked where that probability, two days on,
    would keep the two apart."""
    c = clusterer()
    fight, rematch = fight_and_rematch(c)
    stories = [c.stories[fight.story_id], c.stories[rematch.story_id]]
    alone = [Coverage(story.story_id, [story]) for story in stories]
    assert regroup(alone, c.typical_cohesion()) == [[0], [1]]
    c.regroup_coverages()
    assert [(link.story, link.root) for link in c.threads] == [(rematch.story_id, fight.story_id)]
    assert c.thread_roots() == {fight.story_id: fight.story_id, rematch.story_id: fight.story_id}
