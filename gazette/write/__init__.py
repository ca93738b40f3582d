"""Write: one grounded, fully cited article per story."""

from gazette.write.compose import write_article
from gazette.write.stage import write_step
from gazette.write.verify import Verdict, check_support

__all__ = ["Verdict", "check_support", "write_article", "write_step"]
