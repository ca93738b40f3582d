"""Named entities without a model: capitalised phrases, normalised and sorted into kinds.

The method, and its limits:
- Candidates are runs of capitalised words, joined by "of", "of the", "de", "van", "von"
  after a single word ("Bank of Vestria"; but "Tomas Reinholt of the Bank" is two names).
  Leading function words and titles are removed ("The", "Mayor").
- A phrase seen only at the start of sentences as a single word is dropped: in English that
  position capitalises ordinary words ("Owners", "Construction").
- Names are normalised: possessives go, known aliases are folded ("U.S." = "US" = "United
  States"), corporate suffixes are dropped ("Nvidia Corp." = "Nvidia"), case is ignored when
  comparing ("NVIDIA" = "Nvidia"), and a lone surname or first word is folded into the full name
  used elsewhere in the story ("Varga" -> "Ilse Varga", "Halvorsen" -> "Halvorsen Robotics").
- Kinds come from cues in the text: organisation words ("Bank", "Union", "Agency"), person cues
  (a title or role before the name, "said" next to it, two or three words), place cues ("in",
  "near", "from" before it, for one word or a name with a place word such as "Port", "Park"),
  a corporate suffix ("Corp.", "Ltd"), and the known kind of an aliased name.
  Anything without a cue is left out rather than guessed.
It misses lower-case names, names inside a sentence-initial run, and kinds without cues; and
unrelated people with the same surname in one story would be merged.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from gazette.sentences import STOPWORDS, split_sentences
from gazette.text import normalise_for_matching

CONNECTORS = r"(?:of the|of|de|van|von|al|bin|du|la)"
CAPITALISED = r"(?:[A-Z][\w'’&.-]*[\w]|[A-Z])"
CANDIDATE = re.compile(rf"{CAPITALISED}(?:\s+(?:{CONNECTORS}\s+)?{CAPITALISED})*")

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
}
NON_NAMES = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "today",
    "yesterday",
    "tomorrow",
    "mr",
    "ms",
    "mrs",
    "dr",
}
ORG_WORDS = {
    "agency",
    "airline",
    "airlines",
    "air",
    "alliance",
    "association",
    "authority",
    "bank",
    "biotech",
    "board",
    "center",
    "centre",
    "club",
    "commission",
    "committee",
    "company",
    "corp",
    "corporation",
    "council",
    "court",
    "department",
    "federation",
    "forge",
    "foundation",
    "fund",
    "group",
    "inc",
    "institute",
    "league",
    "ltd",
    "mariners",
    "ministry",
    "observatory",
    "organisation",
    "organization",
    "parliament",
    "party",
    "plc",
    "police",
    "robotics",
    "securities",
    "service",
    "society",
    "university",
    "union",
    "press",
    "times",
    "news",
    "labs",
    "systems",
    "technologies",
    "motors",
    "energy",
    "holdings",
    "partners",
    "festival",
}
PLACE_WORDS = {
    "port",
    "park",
    "street",
    "square",
    "river",
    "lake",
    "island",
    "bay",
    "valley",
    "mountain",
    "mount",
    "city",
    "county",
    "province",
    "state",
    "harbour",
    "harbor",
    "airport",
    "station",
    "bridge",
    "stadium",
    "coast",
    "sea",
    "ocean",
    "falls",
    "north",
    "south",
    "east",
    "west",
}
PLACE_CUES = {"in", "near", "from", "across", "to", "at", "outside", "around", "of"}
PERSON_ROLES = re.compile(
    r"(?:said|says|mayor|governor|minister|executive|chief|director|leader|coach|councillor|"
    r"analyst|officer|"
    r"president|chairman|chairwoman|spokesperson|spokesman|spokeswoman|professor|dr\.?|mr\.?|"
    r"ms\.?|mrs\.?|actor|actress|player|manager|founder|judge|senator)\s*$",
    re.IGNORECASE,
)
SAID_NEAR = re.compile(r"^\s*(?:,[^,]{0,60},\s*)?(?:said|says|told|added|apologised|urged)\b")
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


@dataclass
class Mention:
    name: str
    sentence_start: bool
    kind_cues: Counter = field(default_factory=Counter)


@dataclass
class Entity:
    name: str
    kind: str
    sources: set[int]
    mentions: int


def _clean(phrase: str) -> str:
    words = [re.sub(r"['’]s$", "", w) for w in phrase.split()]
    while words and (words[0].lower().rstrip(".") in TITLES or words[0].lower() in STOPWORDS):
        words = words[1:]
    while words and words[-1].lower() in STOPWORDS:
        words = words[:-1]
    name = CORPORATE_SUFFIXES.sub("", " ".join(words).strip(" ,'’")).strip(" .,'’")
    known = ALIASES.get(name.lower().replace(".", ""))
    return known[0] if known else name


def _split_at_connectors(phrase: str) -> list[str]:
    """'Bank of Vestria' stays whole; 'Tomas Reinholt of the Bank' is two names: a connector
    only joins after a single word, as in most names of institutions."""
    parts = re.split(rf"\s+{CONNECTORS}\s+", phrase, maxsplit=1)
    if len(parts) == 2 and len(parts[0].split()) >= 2:
        return [parts[0], *_split_at_connectors(parts[1])]
    return [phrase]


def mentions_in(text: str) -> list[Mention]:
    found = []
    for sentence in map(normalise_for_matching, split_sentences(text)):
        for match in CANDIDATE.finditer(sentence):
            offset = match.start()
            for phrase in _split_at_connectors(match.group(0)):
                start = sentence.index(phrase, offset)
                offset = start + len(phrase)
                mention = _mention(sentence, phrase, start)
                if mention is not None:
                    found.append(mention)
    return found


def _mention(sentence: str, phrase: str, start: int) -> Mention | None:
    """One candidate name in its sentence, with the cues its surroundings give."""
    name = _clean(phrase)
    if not name or name.lower() in NON_NAMES or len(name) < 2:
        return None
    before = sentence[:start].rstrip()
    after = sentence[start + len(phrase) :]
    original_first = phrase.split()[0].lower().rstrip(".")
    mention = Mention(name, sentence_start=start <= 1)
    if set(w.lower() for w in name.split()) & ORG_WORDS or CORPORATE_SUFFIXES.search(phrase):
        mention.kind_cues["organisation"] += 1
    if PERSON_ROLES.search(before) or original_first in TITLES - ORG_WORDS:
        mention.kind_cues["person"] += 1
    if SAID_NEAR.match(after) and len(name.split()) <= 3:
        mention.kind_cues["person"] += 1  # a surname's cue counts once it is folded
    previous = [w.lower() for w in before.split()[-2:]]
    if previous and (previous[-1] in PLACE_CUES or previous[-2:] in (["in", "the"], ["to", "the"])):
        mention.kind_cues["place"] += 1
    return mention


def extract_entities(texts: list[str]) -> list[Entity]:
    """Entities across several texts (one per independent source), most widely reported first."""
    by_key: dict[str, list[tuple[int, Mention]]] = defaultdict(list)
    for index, text in enumerate(texts):
        for mention in mentions_in(text):
            by_key[mention.name.casefold()].append((index, mention))
    _fold_partial_names(by_key)
    entities = []
    for group in by_key.values():
        mentions = [m for _, m in group]
        if all(m.sentence_start for m in mentions) and len(mentions[0].name.split()) == 1:
            continue
        cues: Counter = Counter()
        for mention in mentions:
            cues.update(mention.kind_cues)
        kind = _kind(cues, mentions[0].name)
        if kind is None:
            continue
        forms = Counter(m.name for m in mentions)
        full = Counter({n: c for n, c in forms.items() if " " in n}) or forms
        name = full.most_common(1)[0][0]
        entities.append(Entity(name, kind, {i for i, _ in group}, len(mentions)))
    return sorted(entities, key=lambda e: (-len(e.sources), -e.mentions, e.name))


def _kind(cues: Counter, name: str) -> str | None:
    known = ALIASES.get(name.lower())
    if known:
        return known[1]
    if cues["organisation"] > cues["place"]:
        return "organisation"
    if cues["person"] and len(name.split()) >= 2:
        return "person"
    words = name.lower().split()
    if cues["place"] > cues["person"] and (len(words) == 1 or set(words) & PLACE_WORDS):
        return "place"
    return None


def _fold_partial_names(by_key: dict[str, list[tuple[int, Mention]]]) -> None:
    """Fold a one-word name into the one multi-word name it starts or ends, if unambiguous."""
    long_names = [k for k in by_key if " " in k]
    for key in [k for k in by_key if " " not in k]:
        owners = [n for n in long_names if n.split()[-1] == key or n.split()[0] == key]
        if len(owners) == 1:
            by_key[owners[0]].extend(by_key.pop(key))
