"""A number that counts something is told once, in the summary as in the body, and a detail told
in the very same words once in the body: a sentence that repeats one already chosen gives way
to the next in rank (gazette/write/choose.py, `counts` and `same_passage`)."""

from __future__ import annotations

import numpy as np
import pytest

from gazette.write.choose import SUMMARY_REDUNDANT, Chooser, counts, same_fact, same_passage
from gazette.write.facts import Fact, SourceSentence

PLANT = (
    "Halvorsen Robotics will build a battery plant in Lindqvist at a cost of 1.4 billion crowns, "
    "creating 600 jobs, the company announced on Tuesday."
)
AGAIN = (
    "The factory will produce battery packs for the home and warehouse robots Halvorsen sells, "
    "and it is expected to create 600 jobs."
)
NEXT = "Production should begin in 2028 after construction starts in spring 2027."


def fact(row: int, text: str) -> Fact:
    return Fact(SourceSentence(row, row, 0, 0.0, text), [row], 0.0)


def test_the_summary_tells_a_count_once_and_takes_the_next_fact_instead() -> None:
    # far apart in meaning and in words: only the count makes them one
    similarity = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.2], [0.2, 0.2, 1.0]], dtype=np.float32)
    chooser = Chooser(similarity, lambda _: [])
    facts = [fact(0, PLANT), fact(1, AGAIN), fact(2, NEXT)]
    chosen = chooser.section(facts, words=85, most=2, redundant=SUMMARY_REDUNDANT)
    assert [f.sentence.text for f in chosen] == [PLANT, NEXT]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (PLANT, AGAIN, True),
        # a year is not a count
        (NEXT, "The plant will be the largest in the region by 2028.", False),
        # a number inside a name is not a count
        ("Covid-19 cases rose in Lindqvist.", "Covid-19 cases fell in Orrin hospitals.", False),
        # an age is not a count
        (
            "Jurors heard the trial of the teen accused of killing 10-year-old Kathina Thomas.",
            "A stray bullet killed 10-year-old Kathina Thomas on the steps of her home.",
            False,
        ),
        # the same number of other things
        ("The storm killed 12 people.", "The storm destroyed 12 houses near the coast.", False),
    ],
)
def test_what_counts_the_same_thing(first: str, second: str, same: bool) -> None:
    assert bool(counts(first) & counts(second)) is same
    if same:
        assert same_fact(first, second)


STEELWORKS = (
    "The plant will be built on the site of the former Kessler steelworks and will make battery "
    "packs for the company's robots."
)
STEELWORKS_AGAIN = (
    "The factory will rise on the site of the former Kessler steelworks on the east bank of the "
    "river Ostra, which has stood empty since 2011."
)


def test_the_body_tells_a_detail_in_the_same_words_once() -> None:
    # close in meaning (0.55, as the sentence model has them), a third of the words shared:
    # only the passage makes them one
    similarity = np.array([[1.0, 0.55], [0.55, 1.0]], dtype=np.float32)
    facts = [fact(0, STEELWORKS), fact(1, STEELWORKS_AGAIN)]
    assert Chooser(similarity, lambda _: []).section(facts, words=200, most=5) == facts[:1]
    # far in meaning, a shared passage alone is not enough (here the same names and words of
    # them make the two one claim all the same: gazette/write/claim.py)
    similarity = np.array([[1.0, 0.3], [0.3, 1.0]], dtype=np.float32)
    facts = [fact(0, STEELWORKS), fact(1, STEELWORKS_AGAIN)]
    assert not Chooser(similarity, lambda _: []).same_claim(*facts)
    # two outlets' leads share "to avoid a government shutdown" and are two facts
    assert not same_passage(
        "The House passed a bill to avoid a government shutdown on Friday.",
        "The Senate will vote to avoid a government shutdown next week.",
    )
