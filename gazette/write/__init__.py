"""Write: one grounded, fully cited article per story."""

from gazette.write.compose import independent_sources, write_article
from gazette.write.stage import write_pending

__all__ = ["independent_sources", "write_article", "write_pending"]
