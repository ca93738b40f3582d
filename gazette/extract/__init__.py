"""Extract: article text and metadata from an HTML page."""

from gazette.extract.article import extract_article
from gazette.extract.stage import extract_step

__all__ = ["extract_article", "extract_step"]
