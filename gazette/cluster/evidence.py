"""The score of a report against a story (or of two stories), and the reasons for it.

One event needs both the same happening (embedding and words: "what") and the same participants
(names: "who"); a name that one side uses and the other never does counts against them
("conflict"); and a report long after a story's last report is more likely a follow-up. See
`incremental` for how the score is held against a bar.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Container
from dataclasses import dataclass, replace

EMBEDDING_WEIGHT = 0.5
WORDS_WEIGHT = 0.5
NAMES_WEIGHT = 0.5
CONFLICT_WEIGHT = 0.2

# Reports of one event come in a burst; one that arrives long after a story's last report is
# more likely a follow-up. Past the grace, a score loses up to TIME_WEIGHT of itself over the
# decay, so a report a day late still joins when its evidence is strong.
TIME_GRACE_HOURS = 6.0
TIME_DECAY_HOURS = 24.0
TIME_WEIGHT = 0.7


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

    def describe(self) -> str:
        shared = ", ".join(self.shared_names) or "none"
        late = f"; {self.hours_late:.0f} h after its last report" if self.hours_late else ""
        return (
            f"score {self.score:.2f}: similarity {self.embedding:.2f}, words {self.words:.2f}, "
            f"names {self.names:.2f}, conflict {self.conflict:.2f}; shared names: {shared}{late}"
        )

    @property
    def fit(self) -> float:
        """What is held against a bar to join or merge: the score, but never more than its "what"
        part alone. The geometric mean lets strong names make up for a weak "what"; on headlines
        one shared name ("Trump", "Colombia") is a full names match, and would otherwise carry
        a report about another happening into the story."""
        return min(self.score, self.what)

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
    shares = [
        sum(1 for name in names if name not in vocabulary) / len(names)
        for names, vocabulary in ((names_a, vocabulary_b), (names_b, vocabulary_a))
        if names
    ]
    return sum(shares) / len(shares) if shares else 0.0


def weigh(
    embedding: float,
    words: float,
    names: float,
    conflict: float,
    shared: list[str],
    has_names: bool = True,
) -> Evidence:
    """One event needs both the same happening (embedding and words: "what") and the same
    participants (names: "who"): a geometric mean, so that neither makes up for the other.
    Without names on one side, "what" decides alone."""
    what = max(EMBEDDING_WEIGHT * embedding + WORDS_WEIGHT * words, 0.0)
    who = max(names, 0.0) if has_names else what
    score = what ** (1 - NAMES_WEIGHT) * who**NAMES_WEIGHT - CONFLICT_WEIGHT * conflict
    return Evidence(score, embedding, words, names, conflict, shared, what)
