"""Given names, to tell a person's name from a place's or a company's when the recogniser is
unsure: "Emil Strand" scored a goal, yet the small model reads it as a facility in three
sentences of four.

The list is the 1990 United States census's first names (1,219 men's and 4,275 women's: the
commonest, which together name 90 per cent of the people counted), as the `names` package ships
them (MIT licence;
the census data is a work of the US government, in the public domain). Nothing is downloaded.
It is American: it knows "Emil" and "Ines" but not "Kofi" or "Rahul", so it can only ever add
evidence for a person, never take it away.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

CENSUS_FILES = ("dist.male.first", "dist.female.first")


@cache
def given_names() -> frozenset[str]:
    """The census's first names, lower-case; read once per process (a few milliseconds, under
    a megabyte), and only when a name needs it."""
    folder = files("names")
    return frozenset(
        line.split()[0].casefold()
        for file in CENSUS_FILES
        for line in (folder / file).read_text().splitlines()
        if line.strip()
    )


def a_given_name(word: str) -> bool:
    """Whether a word is a first name of the census ("Emil", "Ines"; not "Strand")."""
    return word.casefold() in given_names()
