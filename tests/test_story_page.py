"""The story page and what hangs off it: the coverage box's wire copies, related stories, citation
markers that keep to their sentence, the versions page, and the tags that search engines and
link previews read (canonical address, OpenGraph, Twitter card, JSON-LD, hreflang).

The demo's stories are found by their reports; shapes the demo lacks (several versions, two
languages) are written into a database of the test's own (tests/newsroom.py)."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import jsonschema
import pytest
from conftest import DEMO, DemoRun, demo_settings
from fastapi.testclient import TestClient
from helpers import story_of
from newsroom import START, Version, add_story
from sqlalchemy import select, update

from gazette.db import Database
from gazette.db.models import Document, Story, StoryMember, StoryTag, Tag
from gazette.web import create_app

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "news_article.schema.json").read_text())


@pytest.fixture(scope="module")
def client(demo: DemoRun) -> TestClient:
    return TestClient(create_app(demo.settings, demo.database))


def story_id(demo: DemoRun, event: str) -> int:
    with demo.database.session() as session:
        return story_of(session, demo.expected["stories"][event][0])


def page_of(client: TestClient, number: int) -> str:
    response = client.get(f"/story/{number}")
    assert response.status_code == 200
    return response.text


def section(html: str, start: str, end: str) -> str:
    found = re.search(re.escape(start) + "(.*?)" + re.escape(end), html, re.S)
    assert found, start
    return found.group(1)


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD"
    return json.loads(found.group(1))


# --- the coverage box ---------------------------------------------------------------------


def test_the_coverage_box_names_the_wire_copies_and_credits_the_wire(
    client: TestClient, demo: DemoRun
) -> None:
    wire_urls = demo.expected["wire_groups"]["cws-rate-rise"]
    event = tomllib.loads((DEMO / "events" / "06-rate-rise.toml").read_text())
    wire = {a["author"] for a in event["articles"] if a.get("wire") == "cws-rate-rise"}
    with demo.database.session() as session:
        found = session.execute(
            select(Document.url, Document.outlet).where(Document.url.in_(wire_urls))
        )
        outlets = {url: outlet for url, outlet in found}
        others = set(
            session.scalars(
                select(Document.outlet)
                .join(StoryMember, StoryMember.document_id == Document.id)
                .where(
                    StoryMember.story_id == story_id(demo, "rate-rise"),
                    Document.url.not_in(wire_urls),
                )
            )
        )
    box = section(page_of(client, story_id(demo, "rate-rise")), 'class="wire"', "</div>")
    text = unescape(re.sub(r"<[^>]+>", "", box))
    assert wire and all(name in text for name in wire)  # the wire service is credited
    assert f"in {len(wire_urls)} reports, counted as one source" in text
    for url, outlet in outlets.items():  # each copy is named and linked
        assert f'href="{url}"' in box and outlet in text
    assert others and not any(outlet in text for outlet in others)  # independent reports are not


def test_a_story_without_copies_has_no_wire_note(client: TestClient, demo: DemoRun) -> None:
    html = page_of(client, story_id(demo, "maritime-museum"))
    assert 'class="wire"' not in html and "counted as one source" not in html


# --- related stories ----------------------------------------------------------------------


def entity_tags(demo: DemoRun, story: int) -> set[str]:
    with demo.database.session() as session:
        return set(
            session.scalars(
                select(Tag.slug)
                .join(StoryTag, StoryTag.tag_id == Tag.id)
                .where(StoryTag.story_id == story, Tag.kind.in_(("person", "organisation")))
            )
        )


def related_ids(html: str) -> list[int]:
    found = re.search(r"<strong>Related stories</strong>(.*?)</section>", html, re.S)
    return [int(n) for n in re.findall(r'href="/story/(\d+)/', found.group(1))] if found else []


def test_related_stories_share_a_person_or_an_organisation(
    client: TestClient, demo: DemoRun
) -> None:
    pairs = 0
    for event in demo.expected["stories"]:
        number = story_id(demo, event)
        for other in related_ids(page_of(client, number)):
            assert entity_tags(demo, number) & entity_tags(demo, other), (event, other)
            pairs += 1
    assert pairs  # the demo has such stories (one company's plant and recall)
    plant, recall = story_id(demo, "halvorsen-plant"), story_id(demo, "halvorsen-recall")
    assert recall in related_ids(page_of(client, plant))
    # the vaccine trial shares only a place or a topic with the others: nothing is related
    assert related_ids(page_of(client, story_id(demo, "sorrel-vaccine"))) == []


# --- citation markers ---------------------------------------------------------------------


def test_citation_markers_stay_with_the_word_before_them(client: TestClient, demo: DemoRun) -> None:
    for event in ("rate-rise", "ravel-floods"):
        html = page_of(client, story_id(demo, event))
        body = section(html, '<div class="body">', "</div>")
        markers = re.findall(r'<sup><a class="cite"', body)
        marker = r'<sup><a class="cite"[^>]*>\[\d+\]</a></sup>'
        # a word (and at most a space), a word joiner, then the markers in an unbreakable span
        kept = re.findall(rf'\S ?\u2060<span class="cited">((?:{marker})+)</span>', body)
        assert markers and sum(group.count("<sup>") for group in kept) == len(markers), event
    stylesheet = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', html).group(1)
    css = client.get(stylesheet).text
    assert re.search(r"\.cited\s*\{\s*white-space:\s*nowrap;", css)


# --- the versions page --------------------------------------------------------------------


@pytest.fixture
def own_site(database: Database, sqlite_url: str) -> TestClient:
    return TestClient(create_app(demo_settings(sqlite_url), database))


def test_the_versions_page_shows_what_each_update_changed(
    own_site: TestClient, database: Database
) -> None:
    first, second = START + timedelta(hours=3), START + timedelta(days=1)
    with database.transaction() as session:
        story = add_story(
            session,
            "updated",
            [
                Version("Ferry strike begins", first),
                Version("Ferry strike ends after talks", second),
                Version("Held back by an editor", None),
            ],
        )
        number = story.id
    page = own_site.get(f"/story/{number}/story-updated").text
    assert f'href="/story/{number}/versions">2 versions' in page
    response = own_site.get(f"/story/{number}/versions")
    assert response.status_code == 200
    html = response.text
    assert "Held back by an editor" not in html  # never published: not part of the history
    v2 = section(html, 'id="v2"', "</section>")
    v1 = section(html, 'id="v1"', "</section>")
    assert html.index('id="v2"') < html.index('id="v1"')  # newest first
    assert "<ins>Sentence 1 of Ferry strike ends after talks.</ins>" in v2
    assert "<del>Sentence 1 of Ferry strike begins.</del>" in v2
    assert "3 sentences added, 3 removed" in v2 and "New reports." in v2
    assert "Headline changed from “Ferry strike begins”" in v2
    assert "Sentence 2 of Ferry strike begins.[1][2]" in re.sub(r"<[^>]+>|\u2060", "", v1)
    assert "The first version of the story." in v1
    assert own_site.get("/story/999/versions").status_code == 404
    assert own_site.get("/story/x/versions").status_code == 404


def test_a_story_seen_in_one_version_does_not_link_to_versions(
    client: TestClient, demo: DemoRun
) -> None:
    number = story_id(demo, "maritime-museum")
    assert "/versions" not in page_of(client, number)
    assert client.get(f"/story/{number}/versions").status_code == 200  # the page still answers


# --- search engines and link previews ------------------------------------------------------


def test_story_pages_carry_valid_json_ld_and_sharing_tags(
    client: TestClient, demo: DemoRun
) -> None:
    base = demo.settings.site.base_url.rstrip("/")
    for event in demo.expected["stories"]:
        number = story_id(demo, event)
        response = client.get(f"/story/{number}")
        html, path = response.text, response.url.path
        data = json_ld(html)
        jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
        canonical = base + path
        headline = unescape(re.search(r"<h1>(.*?)</h1>", html).group(1))
        references = re.findall(r'<li id="ref-\d+">.*?<a href="([^"]+)"', html)
        tags = [unescape(t) for t in re.findall(r'rel="tag">([^<]+?) <span', html)]
        assert data["headline"] == headline and data["url"] == canonical
        assert [c["url"] for c in data["citation"]] == [unescape(r) for r in references]
        assert data["keywords"] == tags
        published = datetime.fromisoformat(data["datePublished"])
        assert datetime.fromisoformat(data["dateModified"]) >= published
        meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))
        assert f'<link rel="canonical" href="{canonical}">' in html
        assert meta["og:url"] == canonical and meta["og:type"] == "article"
        assert unescape(meta["og:title"]) == headline == unescape(meta["twitter:title"])
        assert meta["twitter:card"] == "summary" and meta["og:site_name"]
        assert meta["article:published_time"] == data["datePublished"]
        assert meta["og:description"] and len(unescape(meta["og:description"])) <= 300


def test_json_ld_cannot_break_out_of_its_block(own_site: TestClient, database: Database) -> None:
    with database.transaction() as session:
        story = add_story(
            session, "tricky", [Version("Mayor says </script><b>no</b> & more", START)]
        )
        number = story.id
    html = own_site.get(f"/story/{number}/story-tricky").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and json.loads(block)["headline"].startswith("Mayor says </script>")


def test_other_pages_have_a_canonical_address(client: TestClient, demo: DemoRun) -> None:
    base = demo.settings.site.base_url.rstrip("/")
    for path in ("/", "/tag/economy"):
        html = client.get(path).text
        assert f'<link rel="canonical" href="{base}{path}">' in html
        assert '<meta property="og:type" content="website">' in html


def test_hreflang_links_the_same_event_in_other_languages(
    own_site: TestClient, database: Database
) -> None:
    with database.transaction() as session:
        english = add_story(session, "en", [Version("Ferry strike begins", START)])
        french = add_story(
            session,
            "fr",
            [Version("La grève des ferries commence", START + timedelta(hours=1))],
            first_report=START + timedelta(hours=1),
            thread_of=english.id,
        )
        alone = add_story(
            session,
            "alone",
            [Version("Museum reopens", START)],
            first_report=START - timedelta(days=9),
        )
        members = select(StoryMember.document_id).where(StoryMember.story_id == french.id)
        session.execute(update(Document).where(Document.id.in_(members)).values(language="fr"))
        ids = english.id, french.id, alone.id
    base = "http://127.0.0.1:8000"
    en_html = own_site.get(f"/story/{ids[0]}/story-en").text
    fr_html = own_site.get(f"/story/{ids[1]}/story-fr").text
    en_url, fr_url = f"{base}/story/{ids[0]}/story-en", f"{base}/story/{ids[1]}/story-fr"
    for html in (en_html, fr_html):
        assert f'<link rel="alternate" hreflang="en" href="{en_url}">' in html
        assert f'<link rel="alternate" hreflang="fr" href="{fr_url}">' in html
    assert '<html lang="fr">' in fr_html and json_ld(fr_html)["inLanguage"] == "fr"
    assert "hreflang" not in own_site.get(f"/story/{ids[2]}/story-alone").text


def test_merged_story_versions_move_to_the_survivor(
    own_site: TestClient, database: Database
) -> None:
    with database.transaction() as session:
        kept = add_story(session, "kept", [Version("Bridge opens", START)])
        gone = add_story(session, "gone", [Version("Bridge opening", START)])
        session.execute(update(Story).where(Story.id == gone.id).values(merged_into_id=kept.id))
        ids = kept.id, gone.id
    moved = own_site.get(f"/story/{ids[1]}/versions", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/story/{ids[0]}/versions"
