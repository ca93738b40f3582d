"""Tag: people, organisations, places and topics of a story."""

from gazette.tag.stage import tag_pending, tag_story

__all__ = ["tag_pending", "tag_story"]
