"""The score of a report against a story (or of two stories), and the reasons for it.

One event needs the same happening (embedding and words: "what") and the same participants
(names: "who"); a name that one side uses and the other never does counts against them
("conflict"); and a report long after a story's last report is more likely a follow-up. See
`incremental` for how the score is held against a bar.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Container
from dataclasses import dataclass, replace

# The score is a weighted sum (see `weigh`). The embedding weighs most: as a similarity between
# two reports it ranks pairs of one event above others better than words or names do, on long
# articles and on headlines alike; words and names tell apart two events of the same kind.
EMBEDDING_WEIGHT = 0.5
WORDS_WEIGHT = 0.25
NAMES_WEIGHT = 0.25
# The conflict of names counts by its square: a follow-up's new name or figure makes a small
# conflict and says little, while two reports that never use any salient name of the other
# (conflict 1: "OnePlus 13 gets cheaper", "Galaxy S26 is cheaper") tell two events apart.
CONFLICT_WEIGHT = 0.2

# Reports of one event come in a burst; one that arrives long after a story's last report is
# more likely a follow-up. Past the grace, a score loses up to TIME_WEIGHT of itself over the
# decay, so a report a day late still joins when its evidence is strong: it keeps 0.4 of its
# score, and with the join ratio of 0.6 (gazette.config) joins from one and a half times what
# two reports of the story score between themselves.
TIME_GRACE_HOURS = 6.0
TIME_DECAY_HOURS = 24.0
TIME_WEIGHT = 0.6


@dataclass
class Evidence:
    """Why an article and a story are (or are not) one event."""

    score: float
    embedding: float
    words: float
    names: float
    conflict: float
    shared_names: list[str]
    what: float = 0.0  # the "same happening" part: embedding and words
    hours_late: float = 0.0
    # How many names both sides use (a report's names that its story's reports use; two stories'
    # names used by both): one name alone matches fully where it is each side's only one.
    common_names: int = 0

    def describe(self) -> str:
        shared = ", ".join(self.shared_names) or "none"
        late = f"; {self.hours_late:.0f} h after its last report" if self.hours_late else ""
        return (
            f"score {self.score:.2f}: similarity {self.embedding:.2f}, words {self.words:.2f}, "
            f"names {self.names:.2f}, conflict {self.conflict:.2f}; shared names: {shared}{late}"
        )

    def later_by(self, hours: float) -> Evidence:
        """The evidence for a report `hours` after the story's last one (see TIME_WEIGHT)."""
        if hours <= TIME_GRACE_HOURS:
            return self
        late = min(1.0, (hours - TIME_GRACE_HOURS) / TIME_DECAY_HOURS)
        score = self.score * (1.0 - TIME_WEIGHT * late) if self.score > 0 else self.score
        return replace(self, score=score, hours_late=hours)


class Remaining:
    """Words of a story's vocabulary that remain when one report's words are taken out."""

    def __init__(self, counts: Counter[str], removed: Container[str]) -> None:
        self.counts, self.removed = counts, removed

    def __contains__(self, word: object) -> bool:
        return self.counts.get(word, 0) > (word in self.removed)


def conflict_share(
    names_a: Collection[str],
    vocabulary_b: Container[str],
    names_b: Collection[str],
    vocabulary_a: Container[str],
) -> float:
    """The share of each side's salient names that the other side never uses, averaged over the
    sides that have any."""
    total, sides = 0.0, 0
    for names, vocabulary in ((names_a, vocabulary_b), (names_b, vocabulary_a)):
        if names:
            total += len([name for name in names if name not in vocabulary]) / len(names)
            sides += 1
    return total / sides if sides else 0.0


def weigh(
    embedding: float,
    words: float,
    names: float,
    conflict: float,
    shared: list[str],
    has_names: bool = True,
    common_names: int = 0,
) -> Evidence:
    """The weighted sum of the signals, less the conflict of names. Without names on one side
    there is nothing to compare them by, and the names' share goes to the embedding and words.

    A sum, not a product: a geometric mean of "what" and "who" lets a weak names match veto a
    strong "what" (headlines name few people, and places at different grains: "Texas",
    "Houston"), and as a similarity between two reports it ranks pairs worse than the embedding
    alone on every real set but long ECB+ articles (docs/benchmarks.md)."""
    what = max(0.5 * embedding + 0.5 * words, 0.0)  # for the floor on "what" (incremental)
    score = EMBEDDING_WEIGHT * embedding + WORDS_WEIGHT * words
    if has_names:
        score += NAMES_WEIGHT * names
    else:
        score /= EMBEDDING_WEIGHT + WORDS_WEIGHT
    score -= CONFLICT_WEIGHT * conflict**2
    return Evidence(
        score, embedding, words, names, conflict, shared, what, common_names=common_names
    )
