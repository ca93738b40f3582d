"""Small text helpers shared by the stages."""

from __future__ import annotations

import pytest

from gazette.text import how_many, strip_dateline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PORT CALDER (CWS) - The harbour board voted.", "The harbour board voted."),
        ("TEHRAN, Aug. 11 (MNA) – The ministry said.", "The ministry said."),
        ("LONDON, March 3 - Shares fell.", "Shares fell."),
        ("KYIV, Ukraine — Officials said.", "Officials said."),
        ("Posted Oct 26, 2011 8:57 AM CDT A teenager was arrested.", "A teenager was arrested."),
        ("Updated: Wednesday, 05 January 2011 The Saints lost.", "The Saints lost."),
        ("11/30/09 05:40 PM ET An inmate escaped.", "An inmate escaped."),
        ("12:52 p.m. EDT May 2, 2013 She checked in.", "She checked in."),
        ("(CNN) - Turnout was higher than in 2016.", "Turnout was higher than in 2016."),
        ("(CNN)The senator resigned on Friday.", "The senator resigned on Friday."),
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
        "(Reuters was not able to confirm the report.)",
        "(AP) photos of the flood were shared widely.",
    ],
)
def test_a_capitalised_word_before_a_dash_is_not_a_dateline(text: str) -> None:
    """A dateline names an agency in brackets or a date or region after a comma."""
    assert strip_dateline(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "3.50 million people voted.",
        "2013 was a bad year.",
        "May 3 voters will decide.",
        "May 3, 2013 was the day the dam broke.",
    ],
)
def test_figures_that_start_a_sentence_are_not_a_posting_time(text: str) -> None:
    assert strip_dateline(text) == text


def test_an_en_dash_that_touches_the_first_word_still_ends_a_dateline() -> None:
    text = "TEHRAN, Aug. 13 (MNA) –Iranian foreign minister has lashed out at France."
    assert strip_dateline(text) == "Iranian foreign minister has lashed out at France."


def test_character_references_are_decoded_with_or_without_markup() -> None:
    from gazette.text import html_to_text

    assert html_to_text("war between Yemen&#039;s Houthis &amp; Saudi Arabia") == (
        "war between Yemen's Houthis & Saudi Arabia"
    )
    assert html_to_text("<p>Inter Miami&#039;s defeat</p>") == "Inter Miami's defeat"


def test_a_count_has_its_noun_in_the_singular_for_one() -> None:
    assert how_many(1, "report") == "1 report"
    assert how_many(0, "report") == "0 reports"
    assert how_many(1, "new story", "new stories") == "1 new story"
    assert how_many(3, "new story", "new stories") == "3 new stories"
