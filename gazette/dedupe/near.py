"""Near-duplicate detection with MinHash LSH (datasketch).

A wire story republished by several outlets is the same text with small edits: a new headline, a
trimmed last paragraph, a changed word. Word 5-gram shingles of two such copies overlap far more
than any two independent reports of the same event (which share a quote at most), so a Jaccard
threshold of 0.6 separates them cleanly.

Shingles are hashed with CRC-32 (zlib, C speed, the same in every process) rather than
datasketch's default SHA-1, which dominated the time; MinHash's own permutations do the mixing.
A signature is computed once per document and stored with it (`to_bytes`/`from_bytes`).
"""

from __future__ import annotations

import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH

from gazette.text import matching_words

SHINGLE_WORDS = 5
NUM_PERM = 128
SCHEME = "affine32"  # datasketch's permutation scheme; stored signatures depend on it
DEFAULT_THRESHOLD = 0.6
# Fewer words than two shingles side by side are not compared by their text. In a text this
# short one changed word in the middle touches every shingle, so the similarity measures nothing;
# and such texts are not reports but names, show titles or empty feed summaries ('', 'CM',
# 'India First', an author's name), which recur across reports of unrelated events.
MIN_COMPARED_WORDS = 2 * SHINGLE_WORDS


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    return word_shingles(matching_words(text), size)


def word_shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """The shingles of a text whose matching_words are `words`."""
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


# datasketch draws a MinHash's permutations from a fixed seed each time one is made, which cost
# more than hashing a page's shingles: they are drawn once and shared (read-only) instead.
PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(text: str) -> MinHash:
    return words_signature(matching_words(text))


def words_signature(words: list[str]) -> MinHash:
    """The signature of a text whose matching_words are `words`."""
    minhash = MinHash(
        num_perm=NUM_PERM, hashfunc=zlib.crc32, scheme=SCHEME, permutations=PERMUTATIONS
    )
    minhash.update_batch([s.encode("utf-8") for s in word_shingles(words)])
    return minhash


def comparable(words: list[str]) -> bool:
    """Whether a text whose matching_words are `words` can be a duplicate or a copy by its text."""
    return len(words) >= MIN_COMPARED_WORDS


def to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype(np.uint64).tobytes()


def from_bytes(blob: bytes) -> MinHash:
    values = np.frombuffer(blob, dtype=np.uint64)
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME, permutations=PERMUTATIONS)


# The stored signature of a text that is not compared: the signature of no words, which any
# empty text stored before the floor existed already has. Never added to an index.
UNCOMPARED = to_bytes(words_signature([]))


class NearDuplicateIndex:
    """Signatures added under a key; `find` returns keys whose estimated Jaccard passes."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, MinHash] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._signatures

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, minhash: MinHash) -> None:
        if key in self._signatures:
            return
        self._signatures[key] = minhash
        self._lsh.insert(key, minhash)

    def remove(self, key: str) -> None:
        if self._signatures.pop(key, None) is not None:
            self._lsh.remove(key)

    def find(self, minhash: MinHash) -> list[tuple[str, float]]:
        """Matching keys with their estimated similarity, most similar first."""
        matches = [
            (key, minhash.jaccard(self._signatures[key])) for key in self._lsh.query(minhash)
        ]
        return sorted(
            ((key, score) for key, score in matches if score >= self.threshold),
            key=lambda match: -match[1],
        )
