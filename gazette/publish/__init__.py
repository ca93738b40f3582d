"""Publish: make written stories public, and the feeds that announce them."""

from gazette.ads import sync_ad_slots
from gazette.publish.stage import publish, publish_step

__all__ = ["publish", "publish_step", "sync_ad_slots"]
