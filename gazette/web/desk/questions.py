"""Asking before a change a click cannot undo (a merge of stories; a tag's rename, merge or
hide): the first post finds out what the change would do without doing it, and raising
`NotConfirmed` (which rolls back whatever the post's transaction did) carries the `Question`
the page then asks. The question's form posts the same change again with `confirm=yes`, which
does it. One record and one macro (`desk/question.html`) for every such question, so they read
and behave alike.

A question can carry what it showed (`SEEN`, a `fingerprint` of it): the "yes" is then done
only while the same fingerprint is made again from the database, under the lock the change
takes; otherwise what the editor saw is gone (reports joined a story meanwhile, it was written
again), and the page asks again, showing how things are now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gazette.text import short_digest

CONFIRMED = "yes"  # the value of `confirm` on the question's own button
SEEN = "seen"  # the field that carries the fingerprint of what the question showed


def fingerprint(*parts: object) -> str:
    """A short digest of what a question showed (numbers, headlines, lists of ids), for its
    "yes" to bring back. Not a secret and not a signature: the editor may send any change the
    desk offers anyway; it only tells one state of things from another."""
    return short_digest(repr(parts))


@dataclass(frozen=True)
class Question:
    """What the page asks, and the form that answers yes: its `fields` are the change as the
    server read it (a story number as a number, not as typed), posted again unchanged."""

    title: str
    text: str
    action: str
    button: str
    cancel: str
    fields: Mapping[str, str] = field(default_factory=dict)
    button_class: str = "danger"


class NotConfirmed(Exception):
    """Rolls a rehearsed change back, carrying the question to ask before doing it."""

    def __init__(self, question: Question) -> None:
        super().__init__(question.text)
        self.question = question
