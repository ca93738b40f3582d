"""Asking before a change a click cannot undo (a merge of stories; a tag's rename, merge or
hide): the first post rehearses the change in its transaction, and raising `NotConfirmed`
rolls it back, carrying the `Question` the page then asks. The question's form posts the same
change again with `confirm=yes`, which does it. One record and one macro
(`desk/question.html`) for every such question, so they read and behave alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

CONFIRMED = "yes"  # the value of `confirm` on the question's own button


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
