"""Small text helpers shared by the stages."""

from __future__ import annotations

import pytest

from gazette.text import strip_dateline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PORT CALDER (CWS) - The harbour board voted.", "The harbour board voted."),
        ("TEHRAN, Aug. 11 (MNA) – The ministry said.", "The ministry said."),
        ("LONDON, March 3 - Shares fell.", "Shares fell."),
        ("KYIV, Ukraine — Officials said.", "Officials said."),
    ],
)
def test_a_dateline_goes_and_the_sentence_stays(text: str, expected: str) -> None:
    assert strip_dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NATO - Russia talks resumed on Monday.",
        "US - China trade talks stall.",
        "The AI race - what next",
    ],
)
def test_a_capitalised_word_before_a_dash_is_not_a_dateline(text: str) -> None:
    """A dateline names an agency in brackets or a date or region after a comma."""
    assert strip_dateline(text) == text
