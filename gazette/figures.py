"""Figures in text: numbers with their scale and the word they count ("12,000 people").

Used to check that a sentence's numbers appear in a source (write), to find where sources
disagree (write), and as evidence that two reports describe the same event (cluster).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gazette.text import normalise_for_matching

FIGURE = re.compile(
    r"(?<![\w.])(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<scale>\s?(?:%|per cent|percent|million|billion|trillion|thousand))?"
    r"(?:[\s-](?P<unit>[a-z]+))?"
)


@dataclass(frozen=True)
class Figure:
    """A number as written ("12,000"), its value for comparison, and the word it counts.

    `phrase` is the number with its unit as the sentence writes it ("12,000 people").
    """

    text: str
    value: str
    unit: str
    phrase: str


def figures(sentence: str) -> list[Figure]:
    found = []
    for match in FIGURE.finditer(normalise_for_matching(sentence)):
        scale = (
            (match.group("scale") or "")
            .strip()
            .replace("per cent", "percent")
            .replace("%", "percent")
        )
        value = match.group("value").replace(",", "") + (f" {scale}" if scale else "")
        unit = (match.group("unit") or "").rstrip("s")
        text = match.group("value") + (match.group("scale") or "")
        found.append(Figure(text=text, value=value, unit=unit, phrase=match.group(0).strip()))
    return found


def distinctive_figures(text: str) -> set[str]:
    """Values specific enough to identify an event: not years, not single digits."""
    found = set()
    for figure in figures(text):
        number = float(figure.value.split()[0])
        plain = " " not in figure.value and "." not in figure.value
        if plain and (number < 10 or 1900 <= number <= 2100):
            continue
        found.add(figure.value)
    return found
