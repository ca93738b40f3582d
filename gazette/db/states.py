"""A story's state, and the only moves between states that Gazette makes.

The state says what work a story waits for; what readers see is a separate matter: the article
version the story's `published_article_id` names. So a published story whose reports change goes
back to CLUSTERED to be written again, and stays on the site at its last published version until
the new one is published (at once with `write.auto_publish`, else by an editor).

    CLUSTERED --write--> WRITTEN --tag--> TAGGED --publish--> PUBLISHED
        ^  |                |                |                    |
        |  +--write: nothing to write from--> UNWRITTEN           |
        +---- its reports change (from any state but MERGED) -----+
    any state but MERGED --merged into another story--> MERGED (final)
    PUBLISHED --an editor edits or unpublishes it--> TAGGED (waits for an editor again)

Every change of state goes through `move`, which refuses any other move: a stage that finds a
story in a state it does not expect has a bug, and says so instead of corrupting the story.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from gazette.errors import InvalidStoryMove


class StoryState(StrEnum):
    CLUSTERED = "clustered"  # its reports changed: the article must be (re)written
    WRITTEN = "written"  # the newest version is written; tags not yet
    TAGGED = (
        "tagged"  # written and tagged; waits to be published (without auto_publish: by an editor)
    )
    PUBLISHED = "published"  # readers see the newest version
    MERGED = "merged"  # folded into another story (merged_into_id), whose page it redirects to
    # Its reports give nothing to write from (a question headline, a programme page's name): it
    # waits, with no error and no retry, for a report that does.
    UNWRITTEN = "unwritten"


ALLOWED_MOVES: dict[StoryState, frozenset[StoryState]] = {
    # Reports can change in every state but MERGED; a story can be merged from any of them too.
    StoryState.CLUSTERED: frozenset(
        {StoryState.CLUSTERED, StoryState.WRITTEN, StoryState.UNWRITTEN, StoryState.MERGED}
    ),
    StoryState.UNWRITTEN: frozenset({StoryState.CLUSTERED, StoryState.MERGED}),
    StoryState.WRITTEN: frozenset({StoryState.CLUSTERED, StoryState.TAGGED, StoryState.MERGED}),
    StoryState.TAGGED: frozenset({StoryState.CLUSTERED, StoryState.PUBLISHED, StoryState.MERGED}),
    # An editor's edit or unpublishing (gazette/editing.py) puts it back in the queue.
    StoryState.PUBLISHED: frozenset({StoryState.CLUSTERED, StoryState.TAGGED, StoryState.MERGED}),
    StoryState.MERGED: frozenset(),
}


class HasState(Protocol):
    id: int
    state: str


def move(story: HasState, to: StoryState) -> None:
    """Set the story's state to `to`, or raise InvalidStoryMove if that move is not allowed."""
    current = StoryState(story.state)
    if to not in ALLOWED_MOVES[current]:
        raise InvalidStoryMove(f"story {story.id} cannot move from {current} to {to}")
    story.state = to.value
