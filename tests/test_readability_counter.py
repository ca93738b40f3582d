"""The readability benchmark's near-duplicate counter (bench/readability.py) against the pairs
labelled by hand in bench/labels/near-duplicate-pairs.jsonl: it must count the same claim told
twice, and not two claims about one subject."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

readability = pytest.importorskip("readability")
LABELS = [
    json.loads(line)
    for line in (BENCH / "labels" / "near-duplicate-pairs.jsonl").read_text().splitlines()
]


def test_the_counter_agrees_with_the_labels() -> None:
    flagged = [readability.same_thing(p["a"], p["b"]) for p in LABELS]
    same = [p["same_fact"] for p in LABELS]
    true_positives = sum(f and s for f, s in zip(flagged, same, strict=True))
    assert true_positives / sum(flagged) >= 0.9  # precision
    assert true_positives / sum(same) >= 0.65  # recall


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (  # the same charges, in other words
            "The driver was charged with DWI, leaving the scene of an accident resulting in "
            "death, criminally negligent homicide and vehicular manslaughter.",
            "Subryan was also charged with vehicular manslaughter, and leaving the scene of an "
            "accident resulting in death.",
            True,
        ),
        (  # one subject, another claim
            "After she abruptly left a rehab facility in Newport Beach on Thursday, Lindsay "
            "Lohan has checked into the Betty Ford Center in Rancho Mirage.",
            "Lohan has spent time at Betty Ford before.",
            False,
        ),
        (  # a figure the other does not give: a different count
            "Facebook said Sunday that it removed 1.5 million videos of the attack.",
            "More than 1.2 million were blocked at upload, she said.",
            False,
        ),
        (  # a name the other does not know: someone else
            "The parliament election is over in Turkmenistan.",
            "The elections had 2.5 million eligible voters picking between 288 candidates for "
            "125 seats in the revived parliament.",
            False,
        ),
        (  # a quotation and its paraphrase
            "“I want both sides back at the table by Friday,” Mayor Ilse Varga said.",
            "Mayor Ilse Varga said she wanted both sides back at the table by Friday.",
            True,
        ),
    ],
)
def test_same_claim(first: str, second: str, same: bool) -> None:
    assert readability.same_thing(first, second) is same
    assert readability.same_thing(second, first) is same


def test_a_byline_is_junk_and_a_sentence_opening_with_by_is_not() -> None:
    assert readability.is_junk("By Anna Holt Staff writer")
    assert not readability.is_junk(
        "By the end an officer's face had been hit with bricks, and 46 people had been arrested."
    )
