"""The readers' site over the demo database, through its HTTP interface.

Tests that only read share the demo's database; a test that writes (a comment) gets a copy of
its own (`own_demo`). Stories are found by the reports they are made of, never by id.
"""

from __future__ import annotations

import re

import feedparser
import pytest
from conftest import DemoRun
from fastapi.testclient import TestClient
from forms import post_form
from helpers import latest_articles, story_of
from sqlalchemy import select, update

from gazette import editing
from gazette.config import Settings
from gazette.db.models import AdSlot, Story, Tag
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


def story_id(demo: DemoRun, event: str) -> int:
    """The story made of the demo event's reports (demo/expected.json)."""
    with demo.database.session() as session:
        return story_of(session, demo.expected["stories"][event][0])


def story_path(client: TestClient, number: int) -> str:
    response = client.get(f"/story/{number}", follow_redirects=False)
    assert response.status_code == 308
    return response.headers["location"]


def test_home_lists_every_published_story(client: TestClient, demo: DemoRun) -> None:
    response = client.get("/")
    assert response.status_code == 200
    with demo.database.session() as session:
        headlines = [a.headline for a in latest_articles(session)]
    assert len(headlines) == len(demo.expected["stories"])
    for headline in headlines:
        assert str(headline).replace("'", "&#39;") in response.text


def test_home_pages_link_to_each_other(demo: DemoRun) -> None:
    site = demo.settings.site.model_copy(update={"stories_per_page": 6})
    client = client_for(demo.settings.model_copy(update={"site": site}), demo)
    first, second = client.get("/").text, client.get("/?page=2").text
    assert 'href="/?page=2">Older stories' in first and "Newer stories" not in first
    assert 'href="/?page=1">Newer stories' in second and 'href="/?page=3">Older' in second
    cards = re.compile(r'<article class="card">\s*<h3><a href="(/story/[^"]+)"')
    assert len(cards.findall(first)) == len(cards.findall(second)) == 6
    assert not set(cards.findall(first)) & set(cards.findall(second))


def test_story_page_has_the_whole_anatomy(client: TestClient, demo: DemoRun) -> None:
    number = story_id(demo, "ravel-floods")
    with demo.database.session() as session:
        article = next(a for a in latest_articles(session) if a.story_id == number)
        references = [(r.number, r.url) for r in article.references]
        headline, quote = article.headline, article.quote_text
    page = client.get(story_path(client, number))
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
    assert f'action="/story/{story_id(demo, "ravel-floods")}/comments"' in html


def test_published_is_the_first_report_time(client: TestClient, demo: DemoRun) -> None:
    """Not the moment the pipeline ran: every demo story ran in the same second."""
    shown = set()
    for event in demo.expected["stories"]:
        number = story_id(demo, event)
        with demo.database.session() as session:
            first_report = session.get(Story, number).first_report_at
        html = client.get(story_path(client, number)).text
        published = re.search(r'Published <time datetime="([^"]+)">([^<]+)</time>', html)
        assert published.group(1) == first_report.isoformat()
        assert published.group(2) == first_report.strftime("%d %b %Y, %H:%M UTC")
        assert "Updated" not in html  # every demo story is at its first version
        shown.add(published.group(1))
    assert len(shown) > len(demo.expected["stories"]) // 2


def test_tags_are_separate_links(client: TestClient, demo: DemoRun) -> None:
    html = client.get(story_path(client, story_id(demo, "halvorsen-plant"))).text
    tag_list = re.search(r'<ul class="tags">(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r'<li><a href="/tag/([a-z0-9-]+)" rel="tag">([^<]+)<span', tag_list)
    assert len(items) >= 3
    names = [name.strip() for _, name in items]
    assert "Halvorsen Robotics" in names and "Erik Sandoval" in names
    for slug, name in items:
        tag_page = client.get(f"/tag/{slug}")
        assert tag_page.status_code == 200
        assert f"<h1>{name.strip()}</h1>" in tag_page.text


def test_a_comment_with_script_is_shown_as_text(own_demo: DemoRun) -> None:
    client = client_for(own_demo.settings, own_demo)
    number = story_id(own_demo, "cup-final")
    payload = '<script>alert("owned")</script> Great match!'
    posted = post_form(
        client,
        f"/story/{number}/comments",
        {"name": "<b>Fan</b>", "body": payload},
        story_path(client, number),
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == story_path(client, number) + "?comment=posted#comments"
    page = client.get(posted.headers["location"])
    assert page.status_code == 200
    assert "Thank you, your comment is published." in page.text
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; Great match!" in page.text
    assert "&lt;b&gt;Fan&lt;/b&gt;" in page.text
    assert "No comments yet." not in page.text


def test_a_held_comment_waits_for_a_moderator(own_demo: DemoRun) -> None:
    comments = own_demo.settings.comments.model_copy(update={"require_approval": True})
    client = client_for(own_demo.settings.model_copy(update={"comments": comments}), own_demo)
    number = story_id(own_demo, "kellan-comet")
    posted = post_form(client, f"/story/{number}/comments", {"name": "Ann", "body": "Lovely."})
    assert posted.status_code == 200 and "?comment=pending" in str(posted.url)
    assert "will appear once a moderator approves it" in posted.text
    assert "Lovely." not in posted.text and "No comments yet." in posted.text


def test_an_empty_comment_is_refused_with_a_reason(own_demo: DemoRun) -> None:
    client = client_for(own_demo.settings, own_demo)
    number = story_id(own_demo, "kellan-comet")
    response = post_form(client, f"/story/{number}/comments", {"name": "x", "body": "   "})
    assert response.status_code == 400
    assert "the comment is empty" in response.text
    assert 'value="x"' in response.text  # the draft is kept in the form


@pytest.mark.parametrize(
    "path", ["/story/99999", "/story/abc", "/story/99999/some-slug", "/tag/no-such-tag", "/nowhere"]
)
def test_unknown_pages_are_404_with_a_message(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.text


@pytest.mark.parametrize("path", ["/story/99999999999999999999", "/story/%C2%B2/x", "/story/-1"])
def test_impossible_story_numbers_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.text


def a_tag_slug(demo: DemoRun) -> str:
    with demo.database.session() as session:
        return session.scalars(select(Tag.slug).order_by(Tag.id)).first() or "no-tag"


@pytest.mark.parametrize("page", ["-1", "0", "99999999999999999999", "first"])
@pytest.mark.parametrize("listing", ["home", "tag"])
def test_a_page_number_no_list_has_is_400_with_the_error_page(
    client: TestClient, demo: DemoRun, listing: str, page: str
) -> None:
    path = "/" if listing == "home" else f"/tag/{a_tag_slug(demo)}"
    assert client.get(path).status_code == 200
    response = client.get(path, params={"page": page})
    assert response.status_code == 400
    assert "Something is wrong with this request" in response.text
    assert "“page” in the address" in response.text


def test_comment_on_unknown_story_is_404(own_demo: DemoRun) -> None:
    client = client_for(own_demo.settings, own_demo)
    assert post_form(client, "/story/424242/comments", {"body": "hi"}).status_code == 404


def test_a_bad_query_is_400_with_a_message(client: TestClient) -> None:
    response = client.get("/?page=first")
    assert response.status_code == 400
    assert "Something is wrong with this request" in response.text and "page" in response.text


def test_wrong_slug_redirects_to_the_canonical_address(client: TestClient, demo: DemoRun) -> None:
    number = story_id(demo, "skyrail-outage")
    response = client.get(f"/story/{number}/old-slug", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == story_path(client, number)


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
        assert client.get(entry.link.removeprefix(demo.settings.site.base_url)).status_code == 200


def test_api_lists_the_sources(client: TestClient) -> None:
    sources = client.get("/api/sources").json()
    assert len(sources) == 11
    assert all(source["url"].startswith("http") for source in sources)


def test_development_mode_labels_empty_ad_slots(own_demo: DemoRun) -> None:
    with own_demo.database.transaction() as session:  # the demo fills every slot it has
        session.execute(update(AdSlot).where(AdSlot.name == "in-article").values(html=""))
    site = own_demo.settings.site.model_copy(update={"mode": "development"})
    client = client_for(own_demo.settings.model_copy(update={"site": site}), own_demo)
    # the in-article slot stands after the body's second paragraph: a story with two or more
    pages = (
        client.get(story_path(client, story_id(own_demo, name))).text
        for name in own_demo.expected["stories"]
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
        story_path(client, story_id(demo, event)) for event in demo.expected["stories"]
    ]
    for path in pages:
        html = client.get(path).text
        lowered = html.lower()
        assert "ad-placeholder" not in lowered and "development mode" not in lowered
        assert "Advertisement: The Demo Almanac" in html  # the demo's house ads show
        if 'data-slot="in-article"' in html:
            assert '<div class="ad" data-slot="in-article"><a href="/tag/culture">Advert' in html
        for leak in ("{{", "{%", "lorem ipsum", "traceback", ">none<", "undefined"):
            assert leak not in lowered, (path, leak)


def test_pages_are_self_contained(client: TestClient, demo: DemoRun) -> None:
    """No scripts, stylesheets, fonts or images from other hosts."""
    html = client.get(story_path(client, story_id(demo, "maritime-museum"))).text
    # (the canonical address and its language versions are links, not resources)
    resources = re.sub(r'<link rel="(canonical|alternate)"[^>]*>', "", html)
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', resources)
    assert '<meta name="viewport"' in html


def test_a_disagreements_markers_sit_against_the_word_before_them(
    client: TestClient, demo: DemoRun
) -> None:
    """As every other sentence's do ("people[2][5]", not "people [2][5]"), each side's."""
    html = client.get(story_path(client, story_id(demo, "ravel-floods"))).text
    sentence = re.search(r'<span class="disagreement">(.*?)</span> ', html, re.S).group(1)
    groups = re.findall(r'(.)\u2060<span class="cited">', sentence)
    assert len(groups) == 2  # one group after each side
    assert all(not before.isspace() for before in groups), groups


@pytest.mark.parametrize("path", ["/search?q=strike", "/search?q=zebra", "/corrections"])
def test_every_readers_page_has_the_header_of_the_others(client: TestClient, path: str) -> None:
    """The search box and the topic sections, as on the home page, and the site's feeds."""
    home, html = client.get("/").text, client.get(path).text
    sections = re.search(r'<nav class="sections".*?</nav>', home, re.S).group(0)
    assert sections in html
    assert '<form class="site-search"' in html
    assert '<link rel="alternate" type="application/rss+xml" title="' in html


def test_the_coverage_box_gives_one_time_for_reports_of_one_moment(
    client: TestClient, demo: DemoRun
) -> None:
    """Not a first and a latest report at the same minute (the museum's one report)."""

    def box(event: str) -> str:
        html = client.get(story_path(client, story_id(demo, event))).text
        found = re.search(r'<section class="coverage".*?</section>', html, re.S).group(0)
        return re.sub(r"<(?!br>)[^>]+>", "", found)  # the text, and its line breaks

    single = box("maritime-museum")
    assert "Reported 14 Nov 2026, 12:00 UTC" in single
    assert "First report" not in single and "Latest report" not in single
    several = box("coal-law")
    assert "First report 20 Nov 2026, 13:00 UTC<br>Latest report 20 Nov 2026, 18:00 UTC" in several


def test_the_thread_page_of_a_story_alone_says_so_plainly(
    client: TestClient, demo: DemoRun
) -> None:
    """Not "1 stories" nor "1 story on one ongoing subject, oldest first"."""
    html = client.get(f"/thread/{story_id(demo, 'cup-final')}").text
    assert '<meta name="description" content="One story so far, 15 Nov 2026, 21:30 UTC.">' in html
    assert "One story so far on this subject: Mariners win the cup" in html
    assert "1 stor" not in html and "oldest first" not in html


def test_the_versions_page_lists_the_sources_each_versions_markers_cite(
    client: TestClient, demo: DemoRun
) -> None:
    """A marker with no reference to go to tells a reader nothing: each version's text links
    its markers to that version's own list of sources."""
    html = client.get(f"/story/{story_id(demo, 'coal-law')}/versions").text
    text = re.search(r'<div class="version-text">(.*?)</div>', html, re.S).group(1)
    cited = set(re.findall(r'<a class="cite" href="#(v1-ref-\d+)"', text))
    listed = set(re.findall(r'<li id="(v1-ref-\d+)"><strong>', html))
    assert cited and cited == listed
    assert "<sup>[" not in text  # no marker left unlinked


def test_a_withdrawn_storys_page_offers_the_search_box(own_demo: DemoRun) -> None:
    """As a missing page does: the reader who came for the story may look for others."""
    number = story_id(own_demo, "lindqvist-cycle-lanes")
    with own_demo.database.transaction() as session:
        editing.unpublish(session, number, editing.Actor("test"), "legal check")
    client = client_for(own_demo.settings, own_demo)
    page = client.get(f"/story/{number}")
    assert page.status_code == 410 and "This story was withdrawn" in page.text
    assert '<form class="site-search"' in page.text
    assert '<form class="site-search"' in client.get("/story/99999").text
