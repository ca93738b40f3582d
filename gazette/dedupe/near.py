"""Near-duplicate detection with MinHash LSH (datasketch).

A wire story republished by several outlets is the same text with small edits: a new headline, a
trimmed last paragraph, a changed word. Word 5-gram shingles of two such copies overlap far more
than any two independent reports of the same event (which share a quote at most), so a Jaccard
threshold of 0.6 separates them cleanly.
"""

from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

from gazette.text import normalise_for_matching

SHINGLE_WORDS = 5
NUM_PERM = 128
DEFAULT_THRESHOLD = 0.6


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = re.findall(r"\w+", normalise_for_matching(text).casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash(text: str) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM)
    signature.update_batch([s.encode("utf-8") for s in shingles(text)])
    return signature


class NearDuplicateIndex:
    """Texts added under a key; `find` returns keys whose estimated Jaccard passes the threshold."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, MinHash] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._signatures

    def add(self, key: str, text: str) -> None:
        if key in self._signatures:
            return
        signature = minhash(text)
        self._signatures[key] = signature
        self._lsh.insert(key, signature)

    def find(self, text: str) -> list[tuple[str, float]]:
        """Matching keys with their estimated similarity, most similar first."""
        signature = minhash(text)
        matches = [
            (key, signature.jaccard(self._signatures[key])) for key in self._lsh.query(signature)
        ]
        return sorted(
            ((key, score) for key, score in matches if score >= self.threshold),
            key=lambda match: -match[1],
        )
