"""Extraction of the demo's pages: text without boilerplate, and precise metadata."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gazette.errors import ExtractionEmpty
from gazette.extract import extract_article

SITE = Path(__file__).resolve().parent.parent / "demo" / "site"


@pytest.mark.parametrize(
    "relative",
    [
        "harbortimes.example/news/2026/11/19/bank-of-vestria-raises-rates.html",
        "caldercourier.example/news/2026/11/18/northgate-bridge-opens.html",
        "northernledger.example/news/2026/11/17/tidy-3-robot-recall.html",
    ],
)
def test_demo_pages_extract_cleanly(relative: str) -> None:
    html = (SITE / relative).read_bytes()
    url = "https://" + relative.removesuffix(".html") + "?utm_source=rss"
    article = extract_article(html, url)
    assert article.canonical_url == "https://" + relative.removesuffix(".html")
    assert article.language == "en"
    assert article.published is not None and article.published.tzinfo == UTC
    assert article.published.hour != 0  # the time of day, not only the date
    assert article.site_name and article.authors
    assert article.image and article.image.startswith("https://")
    first_line = article.text.split("\n")[0]
    assert first_line != article.title  # the heading is not repeated as text
    for boilerplate in (
        "Subscribe",
        "Sign up",
        "All rights reserved",
        "Share this article",
        "Most read",
    ):
        assert boilerplate not in article.text


def test_published_time_comes_from_the_page_metadata() -> None:
    html = (
        SITE / "valleyherald.example/news/2026/11/16/ravel-bursts-banks-thousands-evacuated.html"
    ).read_bytes()
    article = extract_article(html, "https://valleyherald.example/x")
    assert article.published == datetime(2026, 11, 16, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "html", [b"", b"<html><body><nav>Home</nav></body></html>", b"\x00\x01\x02"]
)
def test_pages_without_an_article_are_a_clear_error(html: bytes) -> None:
    with pytest.raises(ExtractionEmpty, match=re.escape("https://example.com/x")):
        extract_article(html, "https://example.com/x")
