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


def test_promotional_lines_go_and_article_sentences_stay() -> None:
    from gazette.extract.text import clean_lines

    text = "\n".join(
        [
            "Mayor resigns over budget row",
            "The mayor of Port Calder resigned on Monday after the council rejected her budget.",
            "Subscribers to the city's newsletter were told first.",
            "Sign up for our free morning briefing",
            "Like this story? Share it with a friend!",
            "12 Comments",
            "Read more: Council budget explained",
        ]
    )
    cleaned = clean_lines(text, "Mayor resigns over budget row").split("\n")
    assert cleaned == [
        "The mayor of Port Calder resigned on Monday after the council rejected her budget.",
        "Subscribers to the city's newsletter were told first.",
    ]


JSON_LD_ONLY = b"""<!DOCTYPE html><html><head><meta charset="utf-8">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Tram line extended to the airport", "datePublished": "2026-10-02T06:15:00+02:00",
"author": {"@type": "Person", "name": "Ana Lima"}, "image": "https://x.example/tram.jpg",
"publisher": {"@type": "Organization", "name": "City Wire"}}</script></head>
<body><article><h1>Tram line extended to the airport</h1>
<p>The city's tram line will reach the airport from next spring, the transport department said
on Friday, after years of delays and two failed tenders for the construction work.</p>
<p>Trams will run every ten minutes and the trip from the centre will take twenty-two minutes.</p>
</article></body></html>"""


def test_metadata_from_json_ld_alone() -> None:
    article = extract_article(JSON_LD_ONLY, "https://x.example/tram")
    assert article.title == "Tram line extended to the airport"
    assert article.authors == ("Ana Lima",)
    assert article.published == datetime(2026, 10, 2, 4, 15, tzinfo=UTC)
    assert article.site_name == "City Wire"
    assert article.text.startswith("The city's tram line will reach the airport")


def test_date_in_the_text_and_language_from_a_meta_tag() -> None:
    html = (
        b'<html><head><meta http-equiv="content-language" content="pt-BR"><title>Feira</title>'
        b"</head><body><article><p>Publicado em 2025-03-14</p><p>A feira do livro de Lisboa abre "
        b"as portas na sexta-feira com mais de trezentos expositores e um programa cheio.</p>"
        b"</article></body></html>"
    )
    article = extract_article(html, "https://y.example/feira")
    assert article.language == "pt"
    assert article.published == datetime(2025, 3, 14, tzinfo=UTC)


def test_wrong_declared_charset_and_broken_bytes_do_not_crash() -> None:
    from gazette.text import decode_document

    body = (
        "<html><head><title>Caf\xe9 opens</title></head><body><article><p>The caf\xe9 on the "
        "harbour opened on Monday with a queue round the block and a brass band.</p>"
        "<p>Its owner said the first week would be free coffee for fishermen.</p>"
        "</article></body></html>"
    ).encode("latin-1") + b"\xff\xfe\x80"
    page = decode_document(body, "text/html; charset=utf-8")  # wrong: these bytes are latin-1
    assert isinstance(page, bytes)  # left for the parser to detect
    article = extract_article(page, "https://cafe.example/opens")
    assert "harbour opened on Monday" in article.text


def test_an_amp_page_maps_to_its_canonical_page() -> None:
    amp = (
        b'<!doctype html><html amp lang="en"><head><link rel="canonical" '
        b'href="https://www.news.example/world/2026/11/ferry-strike?utm_source=amp">'
        b"<title>Ferry strike ends</title></head><body><article><p>The ferry strike ended on "
        b"Thursday after the crews accepted a new pay offer from the operator.</p>"
        b"<p>Sailings to the islands resume on Friday morning.</p></article></body></html>"
    )
    article = extract_article(amp, "https://amp.news.example/world/2026/11/ferry-strike/amp")
    assert article.canonical_url == "https://www.news.example/world/2026/11/ferry-strike"


@pytest.mark.parametrize(
    "canonical", ["https://news.example:99999/a", "javascript:alert(1)", "http://[::1"]
)
def test_a_canonical_link_that_is_not_a_web_address_is_ignored(canonical: str) -> None:
    """The page is still read, at its own address: a canonical link with a port past 65535
    made its extraction fail as a bug, every time it was tried."""
    page = (
        f'<html><head><title>Bridge</title><link rel="canonical" href="{canonical}">'
        f'<meta property="og:url" content="{canonical}">'
        '<meta property="og:image" content="javascript:alert(3)"></head><body><article>'
        "<p>The council approved the new harbour bridge on Sunday after a long debate.</p>"
        "</article></body></html>"
    )
    article = extract_article(page.encode(), "https://news.example/a")
    assert article.canonical_url == "https://news.example/a" and article.image is None


def test_no_nul_character_comes_out_of_a_page() -> None:
    """JSON-LD may write one as \\u0000; PostgreSQL refuses it, and the extract stage's update
    of the whole batch with it, on every run."""
    page = (
        b'<html><head><script type="application/ld+json">{"@context": "https://schema.org",'
        b' "@type": "NewsArticle",'
        b' "headline": "Bridge\\u0000 plan", "author": {"@type": "Person",'
        b' "name": "Ana\\u0000 Lima"}}</script>'
        b'<meta property="og:site_name" content="Harbour\\u0000 Times"></head><body><article>'
        b"<p>The council approved the new harbour bridge on Sunday after a long debate.</p>"
        b"</article></body></html>"
    )
    article = extract_article(page, "https://news.example/a")
    fields = (article.title, article.text, *article.authors, article.site_name or "")
    assert not any("\x00" in field for field in fields)
    assert article.title == "Bridge plan" and article.authors == ("Ana Lima",)
