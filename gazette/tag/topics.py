"""Topics: what a story is about, in the sections readers know.

A small keyword lexicon proposes a topic; where the story's reports have embeddings, their
meaning must agree. A keyword alone has more than one sense: "strike" is a walkout and an air
raid, "final" a cup final and a final goodbye, "data" a data centre and a poll's figures. So a
topic proposed by its keywords is kept only when it is among the three topics (of fourteen)
whose descriptions (`TOPIC_DESCRIPTIONS`) read closest to the story (the mean of its reports'
embeddings, by cosine): "Drone strike hits northern Iraq" reads nothing like workers and wages.

The descriptions' embeddings are shipped with the package (`topic_vectors.json`, made by
`python -m gazette.tag.topics` with the bundled model), so that the tag stage needs the model's
output for the reports, which the embed stage stored, but never the model itself.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

import numpy as np

from gazette.embedding import Embedder, default_embedder

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
# What each topic is about, in plain words, for the embedding model to read. No word here has a
# second sense that belongs to another topic ("strike", "final").
TOPIC_DESCRIPTIONS: dict[str, str] = {
    "Economy": "The economy: inflation, interest rates, central banks, economic growth, "
    "recession, unemployment and the cost of living.",
    "Business": "Business: companies, their profits and results, shares, investment, deals, "
    "factories and markets.",
    "Technology": "Technology: software, apps, computers, artificial intelligence, data centres, "
    "phones and cyber attacks.",
    "Transport": "Transport: trains, buses, trams, flights, airports, roads, traffic and "
    "commuters.",
    "Weather": "Weather: rain, storms, floods, heat waves, droughts, snow and the forecast.",
    "Environment": "The environment: climate change, pollution, emissions, wildlife, oil spills "
    "and conservation.",
    "Health": "Health: hospitals, patients, diseases, viruses, vaccines, doctors and medicines.",
    "Science": "Science: scientists, research, discoveries, space, telescopes and astronomy.",
    "Sport": "Sport: football, cricket, tennis and other games, matches, teams, players, coaches "
    "and tournaments.",
    "Culture": "Culture: films, actors, music, festivals, museums, books, television and the arts.",
    "Politics": "Politics: governments, ministers, parliaments, elections, political parties, "
    "diplomacy and laws.",
    "Labour": "Workers and employers: trade unions, walkouts, wages, pay disputes, jobs and "
    "working conditions.",
    "Security": "Crime and security: police, investigations, fraud, arrests, courts and hackers.",
    "Safety": "Safety: product recalls, accidents, injuries, fire hazards and safety rules.",
}
# A topic its keywords propose is kept when it is among this many closest by meaning.
MEANING_RANK = 3
VECTORS_FILE = "topic_vectors.json"
_PATTERNS = {
    topic: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords) + r")\b", re.IGNORECASE)
    for topic, keywords in TOPIC_KEYWORDS.items()
}


def detect_topics(
    texts: list[str], limit: int = 2, embeddings: Sequence[np.ndarray] = ()
) -> list[str]:
    """Topics whose keywords appear in at least half of the texts, best covered first; with the
    texts' embeddings (unit vectors, any number of them), only those the meaning agrees with."""
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
    if ranked and len(embeddings):
        closest = closest_topics(np.mean(embeddings, axis=0))
        ranked = [topic for topic in ranked if topic in closest]
    return ranked[:limit]


def closest_topics(vector: np.ndarray, count: int = MEANING_RANK) -> list[str]:
    """The topics whose descriptions read closest to a vector of the embedding model's space."""
    names, matrix = topic_vectors()
    similarities = matrix @ vector
    return [names[i] for i in np.argsort(-similarities)[:count]]


@cache
def topic_vectors() -> tuple[list[str], np.ndarray]:
    """The shipped embeddings of the topics' descriptions, as unit rows."""
    stored = json.loads((files("gazette.tag") / VECTORS_FILE).read_text(encoding="utf-8"))
    names = list(TOPIC_DESCRIPTIONS)
    if sorted(stored) != sorted(names):
        raise RuntimeError(
            f"{VECTORS_FILE} does not match TOPIC_DESCRIPTIONS: run python -m gazette.tag.topics"
        )
    matrix = np.array([stored[name] for name in names], dtype=np.float32)
    return names, matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def description_vectors(embedder: Embedder) -> dict[str, list[float]]:
    """The topics' descriptions embedded by the model, rounded for the shipped file."""
    rows = embedder.encode(list(TOPIC_DESCRIPTIONS.values()))
    return {
        name: [round(float(x), 6) for x in row]
        for name, row in zip(TOPIC_DESCRIPTIONS, rows, strict=True)
    }


if __name__ == "__main__":
    target = files("gazette.tag") / VECTORS_FILE
    text = json.dumps(description_vectors(default_embedder()), indent=None)
    with open(str(target), "w", encoding="utf-8") as out:
        out.write(text + "\n")
    print(f"wrote {target}")
