"""Dedupe: the same article under several URLs, and syndicated copies of one report."""

from gazette.dedupe.near import NearDuplicateIndex
from gazette.dedupe.stage import dedupe_step

__all__ = ["NearDuplicateIndex", "dedupe_step"]
