"""The website over the demo database, through its HTTP interface."""

from __future__ import annotations

import re

import feedparser
import pytest
from conftest import DemoRun
from fastapi.testclient import TestClient
from helpers import latest_articles, story_of

from gazette.config import Settings
from gazette.web import create_app


def client_for(settings: Settings, demo: DemoRun) -> TestClient:
    return TestClient(create_app(settings, demo.database))


@pytest.fixture(scope="module")
def client(demo: DemoRun) -> TestClient:
    return client_for(demo.settings, demo)


def production(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"site": settings.site.model_copy(update={"mode": "production"})}
    )


def story_path(client: TestClient, story_id: int) -> str:
    response = client.get(f"/story/{story_id}", follow_redirects=False)
    assert response.status_code == 308
    return response.headers["location"]


def test_home_lists_every_published_story(client: TestClient, demo: DemoRun) -> None:
    response = client.get("/")
    assert response.status_code == 200
    with demo.database.session() as session:
        headlines = [a.headline for a in latest_articles(session)]
    for headline in headlines:
        assert str(headline).replace("'", "&#39;") in response.text


def test_story_page_has_the_whole_anatomy(client: TestClient, demo: DemoRun) -> None:
    url = demo.expected["stories"]["ravel-floods"][0]
    with demo.database.session() as session:
        story_id = story_of(session, url)
        article = next(a for a in latest_articles(session) if a.story_id == story_id)
        references = [(r.number, r.url) for r in article.references]
        headline, quote = article.headline, article.quote_text
    page = client.get(story_path(client, story_id))
    assert page.status_code == 200
    html = page.text
    assert f"<h1>{headline}</h1>" in html
    assert 'class="summary"' in html
    # citations link to numbered references, and every reference is listed with its URL
    cited = set(map(int, re.findall(r'href="#ref-(\d+)"', html)))
    assert cited == {number for number, _ in references}
    for number, ref_url in references:
        assert f'id="ref-{number}"' in html and ref_url in html
    assert 'class="disagreement"' in html
    assert quote in html
    assert "Coverage" in html and "independent sources" in html
    assert "No comments yet." in html


def test_tags_are_separate_links(client: TestClient, demo: DemoRun) -> None:
    url = demo.expected["stories"]["halvorsen-plant"][0]
    with demo.database.session() as session:
        story_id = story_of(session, url)
    html = client.get(story_path(client, story_id)).text
    tag_list = re.search(r'<ul class="tags">(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r'<li><a href="/tag/([a-z0-9-]+)" rel="tag">([^<]+)<span', tag_list)
    assert len(items) >= 3
    names = [name.strip() for _, name in items]
    assert "Halvorsen Robotics" in names and "Erik Sandoval" in names
    for slug, name in items:
        tag_page = client.get(f"/tag/{slug}")
        assert tag_page.status_code == 200
        assert f"<h1>{name.strip()}</h1>" in tag_page.text


def test_a_comment_with_script_is_shown_as_text(client: TestClient, demo: DemoRun) -> None:
    url = demo.expected["stories"]["cup-final"][0]
    with demo.database.session() as session:
        story_id = story_of(session, url)
    payload = '<script>alert("owned")</script> Great match!'
    posted = client.post(
        f"/story/{story_id}/comments",
        data={"name": "<b>Fan</b>", "body": payload},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    page = client.get(posted.headers["location"])
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; Great match!" in page.text
    assert "&lt;b&gt;Fan&lt;/b&gt;" in page.text
    assert "No comments yet." not in page.text


def test_an_empty_comment_is_refused_with_a_reason(client: TestClient, demo: DemoRun) -> None:
    url = demo.expected["stories"]["kellan-comet"][0]
    with demo.database.session() as session:
        story_id = story_of(session, url)
    response = client.post(f"/story/{story_id}/comments", data={"name": "x", "body": "   "})
    assert response.status_code == 400
    assert "the comment is empty" in response.text


@pytest.mark.parametrize(
    "path", ["/story/99999", "/story/abc", "/story/99999/some-slug", "/tag/no-such-tag", "/nowhere"]
)
def test_unknown_pages_are_404_with_a_message(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.text


def test_comment_on_unknown_story_is_404(client: TestClient) -> None:
    assert client.post("/story/424242/comments", data={"body": "hi"}).status_code == 404


def test_wrong_slug_redirects_to_the_canonical_address(client: TestClient, demo: DemoRun) -> None:
    url = demo.expected["stories"]["skyrail-outage"][0]
    with demo.database.session() as session:
        story_id = story_of(session, url)
    response = client.get(f"/story/{story_id}/old-slug", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == story_path(client, story_id)


def test_rss_feed_lists_published_stories(client: TestClient, demo: DemoRun) -> None:
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert len(feed.entries) == len(demo.expected["stories"])
    for entry in feed.entries:
        assert entry.link.startswith(demo.settings.site.base_url + "/story/")
        assert entry.title and entry.summary


def test_development_mode_labels_empty_ad_slots(client: TestClient, demo: DemoRun) -> None:
    # the in-article slot stands after the body's second paragraph: a story with two or more
    pages = (
        client.get(story_path(client, n)).text for n in range(1, len(demo.expected["stories"]) + 1)
    )
    html = next(page for page in pages if 'data-slot="in-article"' in page)
    placeholder = re.search(
        r'<div class="ad-placeholder" data-slot="in-article">([^<]+)</div>', html
    )
    assert placeholder and "development mode only" in placeholder.group(1)
    assert "Advertisement: The Demo Almanac" in html  # a configured slot shows its markup


def test_production_pages_carry_no_placeholder_or_debug_text(demo: DemoRun) -> None:
    client = client_for(production(demo.settings), demo)
    pages = ["/", "/tag/economy"] + [
        story_path(client, story_id) for story_id in range(1, len(demo.expected["stories"]) + 1)
    ]
    for path in pages:
        html = client.get(path).text
        lowered = html.lower()
        assert "ad-placeholder" not in lowered and "development mode" not in lowered
        assert 'data-slot="in-article"' not in html  # the empty slot renders nothing at all
        for leak in ("{{", "{%", "lorem ipsum", "traceback", ">none<", "undefined"):
            assert leak not in lowered, (path, leak)


def test_pages_are_self_contained(client: TestClient, demo: DemoRun) -> None:
    """No scripts, stylesheets, fonts or images from other hosts."""
    html = client.get(story_path(client, 1)).text
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', html)
    assert '<meta name="viewport"' in html
