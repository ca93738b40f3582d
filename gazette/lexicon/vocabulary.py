"""The words the entity rules read: the recogniser's labels that are tags, titles and roles,
head nouns of institutions' and places' names, words of things that are not tags, known aliases,
and the word frequencies that tell a name from an English word. Kept apart from the rules
(`entities.py`) so that each can be read on its own."""

from __future__ import annotations

import re

# The recogniser's labels that are tags, and the tag kind of each.
KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
# Characters of each text read: a report's people and places are named in its first paragraphs,
# and the recogniser's time grows with the text.
MAX_CHARS = 3000
MAX_WORDS = 6
TITLES = {
    "mr",
    "ms",
    "mrs",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "governor",
    "mayor",
    "president",
    "minister",
    "chief",
    "councillor",
    "coach",
    "senator",
    "judge",
    "captain",
    "general",
    "director",
    "chancellor",
    "premier",
    "prime",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "saint",
    "st",
    "lord",
    "lady",
    "executive",
    "officer",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "secretary",
    "leader",
    "opposition",
    "union",
    "energy",
    "transport",
    "health",
    "finance",
    "foreign",
    "interior",
    "environment",
    "pm",
    "cm",
    "fm",
    "mp",
    "mla",
}
# A name before a verb of saying, after a quotation or a comma: '"...," Holt said'.
SPEAKER = re.compile(
    r"[,”\"]\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})\s+(?:said|says|told|added)\b"
)
# Runs of two or more capitalised words.
CAPITALISED_RUN = re.compile(r"[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*)+")
# Head nouns of institutions' names, and of places' names, in general English use.
ORG_HEADS = {
    "academy", "administration", "agency", "airline", "airlines", "airways", "alliance", "army",
    "assembly", "association", "authority", "bank", "biotech", "board", "brigade", "bureau",
    "cabinet", "centre", "center", "club", "coalition", "college", "command", "commission",
    "committee", "company", "congress", "corporation", "corps", "council", "court",
    "department", "directorate", "enterprises", "exchange", "federation", "festival", "forces",
    "foundation", "front", "fund", "government", "group", "guard", "holdings", "hospital",
    "industries", "institute", "labs", "league", "magazine", "media", "ministry", "motors",
    "movement", "navy", "network", "observatory", "office", "organisation", "organization",
    "parliament", "partners", "party", "pharmaceuticals", "police", "press", "railway",
    "railways", "robotics", "school", "secretariat", "senate", "sons", "studios", "tribunal",
    "forge", "foundry", "fc", "united", "rovers", "wanderers", "athletic",
    "service", "society", "systems", "technologies", "times", "trust", "trusts", "union",
    "university",
}  # fmt: skip
# Head nouns that also name one body on their own ("Congress" in India and the US, "Times").
NAME_HEADS = {"congress", "times", "united", "rovers", "wanderers", "athletic", "forge", "fc"}
PLACE_HEADS = {
    "airport", "basin", "bay", "beach", "bridge", "canal", "castle", "cathedral", "coast",
    "county", "delta", "desert", "district", "falls", "garden", "gardens", "glacier", "gulf",
    "harbour", "harbor", "heights", "hills", "island", "islands", "lake", "mosque",
    "mountains", "ocean", "palace", "park", "peninsula", "plateau", "province", "region",
    "river", "sea", "shrine", "square", "stadium", "state", "station", "strait", "street",
    "strip", "temple", "tower", "valley",
}  # fmt: skip
# Words that make a part of a place: "Southern Africa", "North Kivu".
COMPASS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "upper", "lower",
}  # fmt: skip
PLACE_PREPOSITIONS = {"in", "near", "across", "outside", "around"}
PLACE_PREFIXES = {"lake", "mount", "port", "gulf", "strait", "bay", "river", "cape", "isle"}
PERSON_TITLES = {
    "mr", "ms", "mrs", "dr", "prof", "professor", "sir", "dame", "governor", "mayor",
    "president", "minister", "executive", "chancellor", "premier", "king", "queen", "prince",
    "princess", "pope", "lord", "lady", "chairman", "chairwoman", "spokesman", "spokeswoman",
    "spokesperson", "secretary", "senator", "judge", "coach", "captain", "director", "leader",
    "officer", "councillor", "actor", "actress", "star", "striker", "goalkeeper", "manager",
    "founder", "astronomer", "scientist", "singer", "author", "writer", "economist", "analyst",
    "pm", "cm", "fm", "mp", "mla", "count", "owner", "activist",
}  # fmt: skip
# Titles written as the first word of a person's name ("Count Binface", "Queen Camilla"); job
# titles are not among them, as they open the names of bodies too ("Leader of the House").
HONORIFICS = {
    "mr", "mrs", "ms", "dr", "sir", "dame", "count", "countess", "duke", "duchess", "lord",
    "lady", "king", "queen", "prince", "princess", "pope", "sheikh",
}  # fmt: skip
NON_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "today", "yesterday", "tomorrow", "ai", "a.i",
}  # fmt: skip
# Head nouns of things that are not tags (works, laws, instruments, missions) and first words of
# events ("Operation Safed Sagar"): a name ending or starting so is none of the three kinds.
THING_HEADS = {
    "telescope", "mission", "satellite", "rocket", "spacecraft", "bill", "act", "law", "app",
    "award", "prize", "index", "summit", "games", "cup", "election", "convention", "treaty",
    "accord", "accords", "agreement", "protocol", "charter", "declaration",
}  # fmt: skip
EVENT_WORDS = {"operation", "battle", "war", "summit"}
# Words after a name that say it names a facility or a landmark, a place: "the Grauberg power
# station", "the former Kessler steelworks", "the Calder estuary".
FACILITIES = dict.fromkeys(
    ["power", "station", "plant", "steelworks", "works", "factory", "mine", "mill", "refinery",
     "estuary", "river", "airport", "stadium", "harbour", "valley", "coast"],
    "place",
)  # fmt: skip
FACILITIES.update(dict.fromkeys(["council", "city", "police", "government", "mayor"], "place"))
# Capitalised nouns before "of" that make one place's name with what follows: "Bay of Bengal",
# "Strait of Hormuz", "Isle of Man".
PLACE_NAME_NOUNS = {"bay", "gulf", "strait", "straits", "isle", "sea", "cape", "lake", "mount"}
# Nouns before "of" that make what follows a place: "the suburb of Elmstead".
PLACE_NOUNS = {"city", "town", "village", "suburb", "region", "province", "district", "island"}
# Endings of demonyms ("Vestrian", "Iranian", "Chinese"): the country they name is a place.
DEMONYM_ENDINGS = ("an", "ans", "ese", "i", "is", "ish")
PORTFOLIO_TITLES = {"minister", "ministry", "secretary", "commissioner"}
# Zipf frequency (4 = once per 100,000 words) from which a lone word is a common English word:
# "Focus", "Least", "Fun", "Bill", "Uncle" are capitalised by a headline, not names.
COMMON_WORD = 4.4
# From this frequency a name seen once is one the recogniser has learnt ("Putin" 4.1, "Nato"
# 3.9), below it a guess ("Xavi" 2.8, "Clacton" 2.0, "Fahrenheit" 3.2).
KNOWN_NAME = 3.5
# Below COMMON_WORD, a lone word that only ever opens a sentence is one too ("Rejoin").
# From this frequency a word says whether a headline is in title case ("Declares", "Around").
RARE_WORD = 3.0
TITLE_CASE_WORD = 4.0
# Known names in every spelling (looked up lower-case, without dots), with their kind.
ALIASES = {
    "us": ("United States", "place"),
    "usa": ("United States", "place"),
    "united states": ("United States", "place"),
    "united states of america": ("United States", "place"),
    "uk": ("United Kingdom", "place"),
    "britain": ("United Kingdom", "place"),
    "great britain": ("United Kingdom", "place"),
    "united kingdom": ("United Kingdom", "place"),
    "eu": ("European Union", "organisation"),
    "european union": ("European Union", "organisation"),
    "un": ("United Nations", "organisation"),
    "united nations": ("United Nations", "organisation"),
}
CORPORATE_SUFFIXES = re.compile(r"\s+(?:Corp\.?|Corporation|Inc\.?|Ltd\.?|plc|PLC|LLC|AG|SA|NV)$")
# Nouns of vessels and craft: a name just after one is a ship's or an aircraft's ("the restored
# trawler Marta Lund", "aircraft carrier USS Abraham Lincoln"), not a person's or a place's.
VESSELS = {
    "ship", "vessel", "tanker", "trawler", "ferry", "yacht", "carrier", "submarine", "frigate",
    "destroyer", "warship", "boat", "freighter", "liner", "cruiser", "aircraft", "jet",
}  # fmt: skip
