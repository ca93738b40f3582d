"""Opinion, analysis, reviews, live blogs, podcasts and newsletters are told from news reports,
and kept out of stories: an opinion is never published as a cited fact."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import format_datetime
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fight import FIGHT, START
from sqlalchemy import select, update
from webserver import send, serve

from gazette.config import Settings, load_settings
from gazette.db import Database
from gazette.db.models import (
    ArticleReference,
    Document,
    DocumentStatus,
    Source,
    StoryAside,
    StoryMember,
)
from gazette.embedding import MiniLMEmbedder
from gazette.extract.article import extract_article
from gazette.pipeline import run_pipeline
from gazette.report_kinds import ReportKind, report_kind
from gazette.sources import add_source
from gazette.sources.feeds import read_listing
from gazette.web import create_app


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Opinion | Toppling the council sends a message", ReportKind.OPINION),
        ("OPINION: The bridge is a mistake", ReportKind.OPINION),
        ("Editorial: Brennick deserves better", ReportKind.OPINION),
        ("Analysis: What the vote means for the port", ReportKind.ANALYSIS),
        ("Review – a gripping night at the opera", ReportKind.REVIEW),
        ("Live: Storm hits the coast", ReportKind.LIVE),
        ("Podcast: The week in Brennick", ReportKind.PODCAST),
        # Labels only as labels: the same words inside a headline are news.
        ("Opinion polls show the mayor ahead", ReportKind.NEWS),
        ("Opinion polls: the mayor leads by six points", ReportKind.NEWS),
        ("Varga: I want both sides back at the table", ReportKind.NEWS),
        ("Crowds gather to watch live music in the square", ReportKind.NEWS),
    ],
)
def test_a_headline_label_names_the_kind(title: str, kind: ReportKind) -> None:
    assert report_kind(title=title) == kind


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://news.example/opinion/2026/11/16/the-bridge", ReportKind.OPINION),
        ("https://news.example/commentisfree/2026/nov/16/ferries", ReportKind.OPINION),
        ("https://news.example/live/2026/11/16/storm-updates/a-post", ReportKind.LIVE),
        ("https://news.example/audio/2026/storm", ReportKind.NEWS),  # too general alone
        ("https://news.example/world/live-updates/storm", ReportKind.LIVE),
        ("https://news.example/podcasts/episode-12", ReportKind.PODCAST),
        # The last segment is the piece's own slug, not a section.
        ("https://news.example/news/opinion", ReportKind.NEWS),
        ("https://news.example/business/analysis-of-water-prices", ReportKind.NEWS),
        ("not a url at all [", ReportKind.NEWS),
    ],
)
def test_a_section_in_the_path_names_the_kind(url: str, kind: ReportKind) -> None:
    assert report_kind(url=url) == kind


def test_the_page_and_the_feed_say_what_a_piece_is() -> None:
    assert report_kind(labels=["World", "Opinion"]) == ReportKind.OPINION
    assert report_kind(labels=["Opinion > Op-Ed"]) == ReportKind.OPINION
    assert report_kind(labels=["Business", "Energy"]) == ReportKind.NEWS
    assert report_kind(schema_types=["OpinionNewsArticle"]) == ReportKind.OPINION
    assert report_kind(schema_types=["ReviewNewsArticle"]) == ReportKind.REVIEW
    assert report_kind(schema_types=["NewsArticle"]) == ReportKind.NEWS
    # A page's own declaration outranks its URL.
    declared = report_kind("https://x.example/opinion/a/b", "", (), ["LiveBlogPosting"])
    assert declared == ReportKind.LIVE


def test_extraction_reads_the_declared_type_and_section() -> None:
    body = "<p>" + "The mayor is wrong about the ferries, and here is why. " * 5 + "</p>"
    typed = (
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "OpinionNewsArticle", "headline": "Ferries"}</script></head>'
        f"<body><article><h1>Ferries</h1>{body}</article></body></html>"
    )
    sectioned = (
        '<html><head><meta property="article:section" content="Editorials"></head>'
        f"<body><article><h1>Ferries</h1>{body}</article></body></html>"
    )
    plain = f"<html><body><article><h1>Ferries</h1>{body}</article></body></html>"
    assert extract_article(typed, "https://x.example/a/1").kind == ReportKind.OPINION
    assert extract_article(sectioned, "https://x.example/a/1").kind == ReportKind.OPINION
    assert extract_article(plain, "https://x.example/a/1").kind == ReportKind.NEWS


def test_feeds_give_their_items_categories() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>https://x.example/a</link>"
        b"<category>Opinion</category><category>Ferries</category></item></channel></rss>"
    )
    json_feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": '
        b'[{"id": "1", "url": "https://x.example/b", "tags": ["Podcasts", 7]}]}'
    )
    assert read_listing(rss, "https://x.example/feed").entries[0].categories == (
        "Opinion",
        "Ferries",
    )
    assert read_listing(json_feed, "https://x.example/feed.json").entries[0].categories == (
        "Podcasts",
    )


OPINION_TEXT = (
    "Ivo Marek's win on Saturday in Brennick was the dullest title fight in years. The referee "
    "should have let Dario Pell go on in the seventh round. Boxing deserves better than this."
)


def page(title: str, text: str, head: str = "") -> bytes:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.rstrip(".").split(". "))
    return (
        f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def test_opinion_is_set_aside_and_never_cited(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    def feed(handler) -> None:  # type: ignore[no-untyped-def]
        items = [
            (f"{base}/news/0", FIGHT[0][0], "", 0),
            (f"{base}/news/1", FIGHT[1][0], "", 1),
            (f"{base}/sport/2", "Opinion | Marek's dull night in Brennick", "<x/>", 2),
            (f"{base}/sport/3", "Marek's night in Brennick", "<category>Opinion</category>", 3),
            (f"{base}/sport/4", "Why Pell should have fought on", "", 4),
        ]
        body = "".join(
            f"<item><title>{title}</title><link>{link}</link>{extra}"
            f"<pubDate>{format_datetime(START + timedelta(hours=hour))}</pubDate></item>"
            for link, title, extra, hour in items
        )
        rss = f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'
        send(handler, 200, rss.encode(), Content_Type="application/rss+xml")

    declared = '<script type="application/ld+json">{"@type": "OpinionNewsArticle"}</script>'
    routes = {
        "/feed.xml": feed,
        "/news/0": lambda h: send(h, 200, page(*FIGHT[0]), Content_Type="text/html"),
        "/news/1": lambda h: send(h, 200, page(*FIGHT[1]), Content_Type="text/html"),
        "/sport/2": lambda h: send(h, 200, page("Dull", OPINION_TEXT), Content_Type="text/html"),
        "/sport/3": lambda h: send(h, 200, page("Night", OPINION_TEXT), Content_Type="text/html"),
        "/sport/4": lambda h: send(
            h, 200, page("Pell", OPINION_TEXT, declared), Content_Type="text/html"
        ),
    }
    settings, database = _loopback_pipeline(tmp_path)
    with serve(routes) as (base, _log):
        with database.transaction() as session:
            add_source(session, f"{base}/feed.xml")
        report = run_pipeline(database, settings, embedder)
    assert report.dedupe.aside == 3 and report.errors() == {}
    with database.session() as session:
        documents = {
            d.url.rsplit("/", 2)[-2] + d.url[-1]: d for d in session.scalars(select(Document))
        }
        assert {k: (d.kind, d.status) for k, d in documents.items()} == {
            "news0": ("news", DocumentStatus.READY),
            "news1": ("news", DocumentStatus.READY),
            "sport2": ("opinion", DocumentStatus.ASIDE),  # its headline's label
            "sport3": ("opinion", DocumentStatus.ASIDE),  # its feed category
            "sport4": ("opinion", DocumentStatus.ASIDE),  # its page's schema.org type
        }
        members = set(session.scalars(select(StoryMember.document_id)))
        cited = set(session.scalars(select(ArticleReference.document_id)))
    news = {documents["news0"].id, documents["news1"].id}
    assert members == news and cited == news


# An opinion about the fight, by a named writer, and one about nothing in the news of its time.
FIGHT_COLUMN = (
    "Opinion | Marek should have given Pell more respect in Brennick",
    "Ivo Marek stopped Dario Pell in the seventh round in Brennick on Saturday and kept his "
    "heavyweight title. In my view the champion was graceless afterwards. Pell deserved a "
    "rematch, and Marek should offer him one before anyone else.",
)
# A live page opened before the first report of the fight: no story to place it beside yet.
FIGHT_LIVE = (
    "Live: Marek against Pell for the heavyweight title in Brennick",
    "Ivo Marek defends his heavyweight title against Dario Pell in Brennick tonight. Follow the "
    "fight round by round: Marek is the favourite, Pell the challenger.",
)
GARDEN_COLUMN = (
    "Opinion | Why every balcony needs a tomato plant",
    "A tomato plant on a balcony teaches patience. Water it each evening, pinch out the side "
    "shoots and wait for August. Nothing bought in a shop tastes as good as the first fruit.",
)


def test_opinion_is_listed_beside_its_story_never_cited(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    """An opinion on an event is listed on that event's page, by its writer and outlet, and
    never cited or counted as a source; an opinion on nothing current is listed nowhere; a live
    page opened before the event's first report finds its story at its second look."""

    later: list[tuple[str, str, int]] = []  # what the feed adds for the second run

    def feed(handler) -> None:  # type: ignore[no-untyped-def]
        items = [
            (f"{base}/views/live", FIGHT_LIVE[0], -2),
            (f"{base}/views/garden", GARDEN_COLUMN[0], 5),
            *later,
        ]
        body = "".join(
            f"<item><title>{title}</title><link>{link}</link>"
            f"<pubDate>{format_datetime(START + timedelta(hours=hour))}</pubDate></item>"
            for link, title, hour in items
        )
        rss = f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'
        send(handler, 200, rss.encode(), Content_Type="application/rss+xml")

    writer = '<meta name="author" content="Nora Quill">'
    html_page = partial(send, status=200, Content_Type="text/html")
    routes = {"/feed.xml": feed}
    for n in range(3):
        routes[f"/news/{n}"] = partial(html_page, body=page(*FIGHT[n]))
    routes["/views/fight"] = partial(html_page, body=page(*FIGHT_COLUMN, writer))
    routes["/views/live"] = partial(html_page, body=page(*FIGHT_LIVE))
    routes["/views/garden"] = partial(html_page, body=page(*GARDEN_COLUMN, writer))
    settings, database = _loopback_pipeline(tmp_path)
    with serve(routes) as (base, _log):
        with database.transaction() as session:
            add_source(session, f"{base}/feed.xml")
        first = run_pipeline(database, settings, embedder)
        later += [(f"{base}/news/{n}", FIGHT[n][0], n) for n in range(3)]
        later.append((f"{base}/views/fight", FIGHT_COLUMN[0], 4))
        with database.transaction() as session:  # the feed is due again at once
            session.execute(update(Source).values(next_poll_at=None))
        report = run_pipeline(database, settings, embedder)
    assert first.errors() == {} and report.errors() == {}
    with database.session() as session:
        documents = {d.url.rsplit("/", 1)[-1]: d for d in session.scalars(select(Document))}
        key_of = {d.id: key for key, d in documents.items()}
        asides = {key_of[a.document_id]: a for a in session.scalars(select(StoryAside))}
        placed = {key: aside.story_id for key, aside in asides.items()}
        # The live page came first: beside no story at its first look, beside the fight's at
        # its second; the garden column stays beside none after both.
        assert "about no story" in asides["live"].reason.split("; looked at again")[0]
        assert all(aside.final for aside in asides.values())
        fight_story = session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == documents["0"].id)
        )
        members = set(session.scalars(select(StoryMember.document_id)))
        cited = set(session.scalars(select(ArticleReference.document_id)))
    assert placed == {"fight": fight_story, "live": fight_story, "garden": None}
    columns = {documents[key].id for key in placed}
    assert not columns & members and not columns & cited

    story_page = TestClient(create_app(settings, database)).get(f"/story/{fight_story}")
    html = story_page.text
    listed = re.search(r'<h2 id="opinion">Opinion on this story</h2>(.*?)</ul>', html, re.S)
    assert listed, "the story page lists no opinion"
    assert "Nora Quill" in listed.group(1) and f"{base}/views/fight" in listed.group(1)
    assert "Marek should have given Pell more respect" in listed.group(1)
    assert "Live blog" in listed.group(1) and f"{base}/views/live" in listed.group(1)
    assert "tomato" not in html
    references = re.search(r'<ol class="references">(.*?)</ol>', html, re.S)
    assert references and "/views/" not in references.group(1)
    assert "1 independent source" not in html and "3 independent sources" in html


def _loopback_pipeline(tmp_path: Path) -> tuple[Settings, Database]:
    """Settings and a migrated SQLite database for a pipeline that reads a feed served on
    127.0.0.1 (allowed, no politeness pause, no retries)."""
    config = tmp_path / "gazette.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path / "gazette.db"}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay_seconds = 0\nretries = 0\n'
    )
    settings = load_settings(config)
    database = Database(settings.database_url)
    database.migrate()
    return settings, database
