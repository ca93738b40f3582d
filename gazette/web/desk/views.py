"""The records the desk's pages are rendered from: plain values, never database rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The support check's outcomes, in the order the desk lists them (gazette/write/llm_check.py).
CHECK_OUTCOMES = ("kept", "corrected", "replaced", "dropped")


@dataclass(frozen=True)
class CheckSummary:
    """What the support check decided about a model-written version, outcome by outcome."""

    counts: tuple[tuple[str, int], ...]  # (outcome, how many), in CHECK_OUTCOMES' order

    @property
    def label(self) -> str:
        if not self.counts:
            return "no decisions recorded"
        return ", ".join(f"{count} {outcome}" for outcome, count in self.counts)

    @property
    def needs_a_look(self) -> bool:
        """Whether the check replaced or dropped any of the model's sentences."""
        return any(outcome in ("replaced", "dropped") for outcome, _ in self.counts)


@dataclass(frozen=True)
class QueueItem:
    """An article version on the desk: one waiting for review, or one readers see."""

    story_id: int
    slug: str
    version: int
    headline: str
    writer: str  # "extractive" or "llm:<model>"
    written_at: datetime
    published_at: datetime | None  # of this version; None while it waits
    live_version: int | None  # the version readers see meanwhile, if any
    sources: int  # references the version cites
    check: CheckSummary | None  # None for the extractive writer, which the check does not read
    held: bool = False  # an editor holds the story (gazette/editing.py)
    withdrawn: bool = False  # an editor unpublished it
    edited_by: str | None = None  # the editor who made this version by hand

    @property
    def model_written(self) -> bool:
        return self.writer.startswith("llm:")


@dataclass(frozen=True)
class Rewriting:
    """A story readers do not see whose reports changed: the pipeline writes it again, then it
    waits for review (or is published, with auto-publish)."""

    story_id: int
    headline: str | None  # of its newest version; None when it was never written
    # Its reports give nothing to write from now (a move left it a question headline): no new
    # version will come until a report joins it.
    unwritten: bool = False


@dataclass(frozen=True)
class DeskHome:
    waiting: list[QueueItem]  # the newest of those waiting
    published: list[QueueItem]
    waiting_total: int  # all that wait, listed or not
    rewriting: list[Rewriting]


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    target: str
    detail: str
    address: str | None


@dataclass(frozen=True)
class MergeSide:
    """A story as a merge's question names it (gazette/web/desk/regroup.py), with what the
    question's "yes" checks is still so: its newest version and the reports it has."""

    story_id: int
    headline: str | None  # of its newest version; None when it was never written
    version: int | None
    reports: tuple[int, ...]  # the ids of its reports, in order
