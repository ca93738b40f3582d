"""Does a pair similarity learned on some labelled sets rank pairs better than the plain cosine on
the others?

Usage: python bench/learned_similarity.py

The clusterer compares reports by the cosine of their MiniLM embeddings (with their words and
names). A similarity learned from labelled pairs could weigh the embedding's dimensions for what
"one event" (or "one topic") means rather than what "alike" means. The classic form is tried: a
logistic regression over the element-wise product and the absolute difference of two
embeddings (a learned weighted cosine plus a learned distance), trained on every pair of one
gold event against a sample of the other pairs (balanced classes), at three strengths of
regularisation. Each pair of every set is then ranked by it and by the cosine, and both rankings
are scored against the gold pairs: ROC AUC, and average precision over all pairs (what a
threshold can reach). Two fits:

- events: trained on ECB+ development and the storyset; checked on NeuS and the real feeds;
- topics (the coverage level): trained on `uci-even`; checked on `uci-odd` (other Google News
  stories) and the real feeds.

Offline: no stream, no order. About five minutes on the 2-core machine (embeddings cached by
cluster_quality.py's cache).
"""

from __future__ import annotations

import numpy as np
from cluster_quality import (
    CachedEmbedder,
    ecbplus_sets,
    feeds_real_set,
    neus_sets,
    storyset_sets,
    uci_sets,
)
from common import save_results
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from gazette.cluster import embedding_text
from gazette.config import ClusterSettings

# Pairs of two gold events sampled per set for training (all pairs of one event are kept).
TRAINING_NEGATIVES = 60_000
# Inverse regularisation strengths tried (scikit-learn's C).
STRENGTHS = (0.01, 0.1, 1.0)
# Pairs scored at a time: the features of all pairs of a large set do not fit in memory.
CHUNK = 200_000
FITS = {
    "events": (("ecbplus", "storyset"), ("neus", "feeds-real")),
    "topics": (("uci-even",), ("uci-odd", "feeds-real")),
}


def labelled_sets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each set's unit embeddings (as the clusterer embeds a report) and gold labels."""
    chosen = {
        "ecbplus": ecbplus_sets(0)[:1],
        "neus": neus_sets(0)[:1],
        "feeds-real": feeds_real_set(),
        "storyset": [s[:3] for s in storyset_sets()[:1]],
        "uci": uci_sets(0)[1:],
    }
    lead_words = ClusterSettings().lead_words
    found = {}
    for family in chosen.values():
        for name, items, gold in family:
            texts = [embedding_text(i.title, i.text, lead_words) for i in items]
            vectors = CachedEmbedder().encode(texts)
            vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
            found[name] = (vectors, np.array([gold[i.id] for i in items]))
    return found


def features(vectors: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    a, b = vectors[first], vectors[second]
    return np.hstack([a * b, np.abs(a - b)])


def training_pairs(labels: np.ndarray, seed: int = 0) -> tuple[np.ndarray, ...]:
    first, second = np.triu_indices(len(labels), 1)
    same = labels[first] == labels[second]
    others = np.flatnonzero(~same)
    if len(others) > TRAINING_NEGATIVES:
        others = np.random.default_rng(seed).choice(others, TRAINING_NEGATIVES, replace=False)
    kept = np.concatenate([np.flatnonzero(same), others])
    return first[kept], second[kept], same[kept]


def scores(model: LogisticRegression, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The learned score and the cosine of every pair of a set, in triu order."""
    first, second = np.triu_indices(len(vectors), 1)
    learned = np.concatenate(
        [
            model.decision_function(features(vectors, first[s : s + CHUNK], second[s : s + CHUNK]))
            for s in range(0, len(first), CHUNK)
        ]
    )
    cosine = np.einsum("ij,ij->i", vectors[first], vectors[second])
    return learned, cosine


def main() -> None:
    sets = labelled_sets()
    results = []
    for fit, (trained_on, checked_on) in FITS.items():
        parts = [training_pairs(sets[name][1]) for name in trained_on]
        pairs = zip(trained_on, parts, strict=True)
        x = np.vstack([features(sets[n][0], f, s) for n, (f, s, _) in pairs])
        y = np.concatenate([same for _, _, same in parts])
        for strength in STRENGTHS:
            model = LogisticRegression(C=strength, max_iter=2000, class_weight="balanced")
            model.fit(x, y)
            for name in trained_on + checked_on:
                vectors, labels = sets[name]
                first, second = np.triu_indices(len(labels), 1)
                gold = labels[first] == labels[second]
                learned, cosine = scores(model, vectors)
                row = {
                    "fit": fit,
                    "C": strength,
                    "set": name,
                    "role": "trained on" if name in trained_on else "held out",
                    "auc_cosine": roc_auc_score(gold, cosine),
                    "auc_learned": roc_auc_score(gold, learned),
                    "ap_cosine": average_precision_score(gold, cosine),
                    "ap_learned": average_precision_score(gold, learned),
                }
                results.append(row)
                print(
                    f"{fit:6s} C={strength:<5} {row['role']:10s} {name:10s} "
                    f"AUC {row['auc_cosine']:.3f} -> {row['auc_learned']:.3f}  "
                    f"AP {row['ap_cosine']:.3f} -> {row['ap_learned']:.3f}"
                )
    save_results("learned_similarity", {"pairs": results})


if __name__ == "__main__":
    main()
