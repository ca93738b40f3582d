"""Article extraction: a page's text and metadata as one `ExtractedArticle`.

The page is parsed once. Metadata is read first (`metadata.py`), because extracting the text
prunes the tree (`text.py`).
"""

from __future__ import annotations

from trafilatura.utils import load_html

from gazette.errors import ExtractionEmpty
from gazette.extract.metadata import read_metadata
from gazette.extract.text import main_text
from gazette.records import ExtractedArticle
from gazette.report_kinds import report_kind
from gazette.text import without_nul
from gazette.urls import MAX_URL_LENGTH, canonical_url, is_web_url

# Fewer words than this is a menu, a caption or an error page, not an article.
MIN_ARTICLE_WORDS = 5


def extract_article(html: bytes | str, url: str) -> ExtractedArticle:
    """Text and metadata of the article on a page; ExtractionEmpty when there is no article."""
    tree = load_html(html)
    if tree is None:
        raise ExtractionEmpty(f"{url}: not an HTML document")
    metadata = read_metadata(tree, url)
    text = main_text(html, tree, url, metadata.title)
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise ExtractionEmpty(f"{url}: no article text found on the page")
    return ExtractedArticle(
        url=url,
        canonical_url=_canonical(metadata.url, url),
        title=without_nul(metadata.title),
        text=without_nul(text),
        authors=tuple(name for name in map(without_nul, metadata.authors) if name),
        published=metadata.published,
        language=metadata.language,
        image=_declared(metadata.image),
        site_name=without_nul(metadata.site_name or "") or None,
        kind=report_kind(url, metadata.title, metadata.sections, metadata.schema_types),
    )


def _declared(address: str | None) -> str | None:
    """An address the page gives for itself or its image, if it is a web address the database
    can keep: a canonical link with a port past 65535 would fail the page's extraction, one
    longer than its column the extract stage's whole batch on PostgreSQL, and a `javascript:`
    one is no address to cite."""
    if not address or len(address) > MAX_URL_LENGTH:
        return None
    return address if is_web_url(address) else None


def _canonical(declared: str | None, url: str) -> str:
    """The canonical form of the page's own canonical address, else of the page's."""
    canonical = canonical_url(_declared(declared) or url)
    return canonical if len(canonical) <= MAX_URL_LENGTH else canonical_url(url)
