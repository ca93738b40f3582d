"""Tag: people, organisations, places and topics of a story."""

from gazette.tag.stage import tag_step, tag_story

__all__ = ["tag_step", "tag_story"]
