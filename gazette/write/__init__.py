"""Write: one grounded, fully cited article per story."""

from gazette.write.compose import write_article
from gazette.write.stage import write_step

__all__ = ["write_article", "write_step"]
