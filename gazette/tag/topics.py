"""Topics from a small keyword lexicon: what a story is about, in the sections readers know."""

from __future__ import annotations

import re
from collections import Counter

TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Economy": (
        "inflation",
        "interest rate",
        "central bank",
        "mortgage",
        "prices",
        "economists",
        "recession",
        "gdp",
        "unemployment",
        "monetary",
    ),
    "Business": (
        "company",
        "shares",
        "investment",
        "invest",
        "revenue",
        "profit",
        "factory",
        "plant",
        "jobs",
        "chief executive",
        "market",
        "recall",
    ),
    "Technology": (
        "software",
        "robot",
        "data",
        "hackers",
        "cyber",
        "app",
        "artificial intelligence",
        "computer",
        "update",
        "system outage",
        "battery",
    ),
    "Transport": (
        "tram",
        "bus",
        "buses",
        "flights",
        "airline",
        "airport",
        "bridge",
        "cycle",
        "railway",
        "commuters",
        "passengers",
        "transit",
        "traffic",
    ),
    "Weather": ("flood", "floods", "rain", "rainfall", "storm", "heatwave", "drought", "snow"),
    "Environment": (
        "coal",
        "emissions",
        "climate",
        "pollution",
        "clean air",
        "renewable",
        "environmental",
        "sea levels",
        "rising seas",
    ),
    "Health": (
        "vaccine",
        "hospital",
        "illness",
        "virus",
        "patients",
        "medical",
        "disease",
        "medicines",
    ),
    "Science": (
        "astronomers",
        "comet",
        "observatory",
        "scientists",
        "research",
        "discovery",
        "telescope",
        "solar system",
    ),
    "Sport": ("cup", "match", "goal", "coach", "final", "league", "minute", "stadium", "fans"),
    "Culture": ("film", "festival", "museum", "actor", "actress", "director", "gallery", "award"),
    "Politics": (
        "parliament",
        "minister",
        "vote",
        "law",
        "election",
        "opposition",
        "council",
        "councillor",
        "mayor",
        "governor",
        "government",
    ),
    "Labour": ("strike", "union", "wages", "pay rise", "workers", "walkout"),
    "Security": ("hackers", "breach", "police", "stolen", "investigation", "fraud"),
    "Safety": ("recall", "overheating", "fires", "injuries", "safety"),
}
_PATTERNS = {
    topic: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords) + r")\b", re.IGNORECASE)
    for topic, keywords in TOPIC_KEYWORDS.items()
}


def detect_topics(texts: list[str], limit: int = 2) -> list[str]:
    """Topics whose keywords appear in at least half of the texts, best covered first."""
    coverage: Counter = Counter()
    hits: Counter = Counter()
    for text in texts:
        for topic, pattern in _PATTERNS.items():
            found = pattern.findall(text)
            if found:
                coverage[topic] += 1
                hits[topic] += len(found)
    needed = max(1, (len(texts) + 1) // 2)
    ranked = sorted(
        (t for t in coverage if coverage[t] >= needed), key=lambda t: (-coverage[t], -hits[t], t)
    )
    return ranked[:limit]
