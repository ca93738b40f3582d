"""The writer's same-claim test by figures, names and words (gazette/write/claim.py), and the
chooser's use of it: a claim told twice is told once, in the summary as in the body, and the
outlets of the telling left out are cited with the one kept where their text states it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gazette.write.choose import SUMMARY_REDUNDANT, Chooser, same_fact, same_passage
from gazette.write.claim import same_claim, stem
from gazette.write.facts import Fact, SourceSentence, describe_source, states

LABELS = Path(__file__).resolve().parent.parent / "bench" / "labels" / "near-duplicate-pairs.jsonl"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (  # a short sentence whose every word of substance is in the long one
            "Lindqvist city council approved plans on Tuesday evening for 40 kilometres of "
            "protected cycle lanes, to be built over the next four years.",
            "Construction will be spread over four years.",
        ),
        (  # the same figure of the same thing, in other words
            "About 180,000 passengers use the city's trams and buses on a normal weekday.",
            "Some 180,000 passengers rely on the network every weekday.",
        ),
        (  # a quotation and its paraphrase
            "“I want both sides back at the table by Friday,” Mayor Ilse Varga said.",
            "Mayor Ilse Varga said she wanted both sides back at the table by Friday.",
        ),
        (  # other forms of the same words: "charged" and "charges", "leaving" and "left"
            "The driver was charged with DWI, leaving the scene of an accident resulting in "
            "death, and vehicular manslaughter.",
            "Subryan faces charges of vehicular manslaughter and leaving the scene of an accident.",
        ),
    ],
)
def test_one_claim_told_twice(first: str, second: str) -> None:
    assert same_claim(first, second)
    assert same_claim(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (  # one subject, another claim
            "After she abruptly left a rehab facility in Newport Beach on Thursday, Lindsay "
            "Lohan has checked into the Betty Ford Center in Rancho Mirage.",
            "Lohan has spent time at Betty Ford before.",
        ),
        (  # a number the other does not give: another count
            "Facebook said Sunday that it removed 1.5 million videos of the attack.",
            "More than 1.2 million were blocked at upload, she said.",
        ),
        (  # other people, other acts
            "The army has deployed 300 soldiers to the valley.",
            "Governor Anneli Brask has declared a state of emergency for the region.",
        ),
        (  # a name the other does not know: someone else's election
            "The parliament election is over in Turkmenistan.",
            "The elections had 2.5 million eligible voters picking between 288 candidates for "
            "125 seats in the revived parliament.",
        ),
    ],
)
def test_two_claims_stay_two(first: str, second: str) -> None:
    assert not same_claim(first, second)


def test_forms_of_one_word_meet() -> None:
    assert len({stem(w) for w in ("charge", "charged", "charges", "charging")}) == 1
    assert stem("injuries") == stem("injury") == stem("injured")
    assert stem("Palin's") == stem("Palin")


def test_the_labelled_same_claim_pairs_are_found() -> None:
    """Against the pairs a reader labelled: most same-claim pairs are found, and most pairs it
    finds are the same claim (a false alarm costs a sentence, not a wrong one)."""
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    found = [same_claim(p["a"], p["b"]) for p in labels]
    same = [p["same_fact"] for p in labels]
    right = sum(f and s for f, s in zip(found, same, strict=True))
    assert right / sum(same) >= 0.65
    assert right / sum(found) >= 0.75


LEAD = (
    "Lindqvist city council approved plans on Tuesday for 40 kilometres of protected cycle "
    "lanes, to be built over the next four years."
)
# no figure, name or passage in common with the lead, and far from it by embedding: only the
# reading of what each says makes them one
SHORT = "Construction of the lanes will be spread over four years, the council said."
OTHER = "Shopkeepers on Harbour Street fear the loss of parking spaces outside their doors."
SOURCES = [
    LEAD + " Work starts in spring.",
    # the second outlet's text states the lead in a passage of its own
    "The city council approved plans on Tuesday for 40 kilometres of protected cycle lanes in "
    "Lindqvist. " + SHORT,
    OTHER,
]


def test_no_other_repeat_rule_makes_them_one() -> None:
    assert not same_fact(LEAD, SHORT)
    assert not same_passage(LEAD, SHORT)
    assert same_claim(LEAD, SHORT)


def _fact(row: int, source: int, text: str, score: float) -> Fact:
    fact = Fact(SourceSentence(row, source, 0, 0.0, text), [source], 0.0)
    fact.score = score
    return fact


def _chooser() -> Chooser:
    matrix = np.full((3, 3), 0.2, dtype=np.float32)
    np.fill_diagonal(matrix, 1.0)
    described = [describe_source(i, [i], text) for i, text in enumerate(SOURCES)]
    return Chooser(
        matrix, lambda _: [], lambda chosen, source: states(chosen.sentence.text, described[source])
    )


def test_the_summary_tells_a_claim_once_and_cites_both_outlets() -> None:
    lead, short, other = _fact(0, 0, LEAD, 3.0), _fact(1, 1, SHORT, 2.0), _fact(2, 2, OTHER, 1.0)
    chosen = _chooser().section(
        [lead, short, other], words=85, most=3, least=2, redundant=SUMMARY_REDUNDANT
    )
    assert chosen == [lead, other]  # the next in rank takes the left-out one's place
    assert lead.supporters == [0, 1]


def test_the_body_does_not_tell_again_what_the_summary_told() -> None:
    lead, short, other = _fact(0, 0, LEAD, 3.0), _fact(1, 1, SHORT, 2.0), _fact(2, 2, OTHER, 1.0)
    choosing = _chooser()
    assert choosing.section([lead], words=85, most=3, redundant=SUMMARY_REDUNDANT) == [lead]
    assert choosing.section([short, other], words=250, most=5) == [other]
