"""What a source's text must lose, or be cut into, before its sentences are printed
(gazette/write/clean.py): page stamps are not sentences."""

from __future__ import annotations

import pytest

from gazette.write.clean import is_clean


@pytest.mark.parametrize(
    "stamp",
    [
        "May 2, 2013 1: 35 pm.",  # 1_ecbplus printed it in the body, cited
        "Dec. 7, 2026, 09:47 UTC",
        "Saturday, August 24, 2013 9:29 PM",
    ],
)
def test_a_time_stamp_is_not_a_sentence(stamp: str) -> None:
    assert not is_clean(stamp)


def test_a_sentence_with_a_date_is_one() -> None:
    assert is_clean("On May 2, 2013, the council voted 7 to 2 in favour of the plan.")
