"""The story page's "Opinion on this story" in headless Chromium (tests/browser.py): listed
below the references and apart from them, at desktop and phone widths, with nothing wider than
the screen, and no serious accessibility problem by axe-core; the same list on the desk's review
page, apart from the sources."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from browser import (
    DESKTOP,
    EDITOR,
    PASSWORD,
    PHONE,
    STORY_LINK,
    axe_violations,
    describe,
    log_in,
)
from newsroom import START, Aside, add_asides
from playwright.sync_api import expect
from sqlalchemy import select

from gazette.db.models import Story, StoryAside

pytestmark = pytest.mark.browser

PIECES = [
    Aside(
        "opinion",
        "Opinion | The harbour deserved a longer debate than one evening",
        "Harbour Times",
        ("Nora Quill", "Ivo Lind"),
        START + timedelta(days=1),
    ),
    Aside("live", "Live: the council votes", "Coast Radio", (), START),
    Aside(
        "analysis",
        "Analysis: what-the-vote-means-for-every-ferry-route-and-the-people-who-use-them",
        "Bay Ledger",
        ("Mira Stone",),
        None,
    ),
]


def without_asides(site: Any, hrefs: list[str]) -> str:
    """The first of the story links whose story has no piece beside it yet (the demo's coal
    law story has its opinion column), so that the pieces listed are the test's."""
    with site.database.session() as session:
        placed = set(session.scalars(select(StoryAside.story_id)))
    return next(h for h in hrefs if int(re.search(r"/story/(\d+)", h).group(1)) not in placed)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_story_page_lists_its_opinion_apart_from_the_references(
    new_page: Any, own_site: Any, viewport: dict[str, int], tmp_path: Path
) -> None:
    site = own_site()
    page = new_page(viewport=viewport)
    page.goto(site.at("/"))
    hrefs = page.locator(STORY_LINK).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    href = without_asides(site, hrefs)
    story_id = int(re.search(r"/story/(\d+)/", href).group(1))
    with site.database.transaction() as session:
        add_asides(session, session.get(Story, story_id), PIECES)
    page.goto(site.at(href))

    heading = page.get_by_role("heading", name="Opinion on this story")
    expect(heading).to_be_visible()
    pieces = page.locator("ul.opinions > li")
    expect(pieces).to_have_count(3)
    expect(pieces.first).to_contain_text("Live blog")  # oldest first, undated last
    expect(pieces.nth(1)).to_contain_text("Nora Quill, Ivo Lind in Harbour Times")
    expect(pieces.nth(2)).to_contain_text("Analysis")
    # Apart from the references: none of them links to a piece, and the list comes after them.
    references = page.locator("ol.references")
    reference_links = references.locator("a").evaluate_all("links => links.map(a => a.href)")
    piece_links = pieces.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert len(piece_links) == 3 and not set(piece_links) & set(reference_links)
    assert references.locator("text=Harbour Times").count() == 0
    listed_below = references.bounding_box()
    assert heading.bounding_box()["y"] > listed_below["y"] + listed_below["height"]
    # Nothing is wider than the screen, the long unbroken title included.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    for index in range(3):
        box = pieces.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]

    violations = axe_violations(page)
    assert not violations, f"story with opinion at {viewport['width']} px:\n{describe(violations)}"
    assert page.log.errors == []
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"opinion-{viewport['width']}.png"))


def test_the_review_page_lists_the_opinion_apart_from_the_sources(
    new_page: Any, own_site: Any, tmp_path: Path
) -> None:
    site = own_site()
    editor = new_page(viewport=PHONE)
    log_in(editor, site, EDITOR, PASSWORD)
    links = editor.locator("#published + table tbody tr a[href^='/desk/story/']")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    editor.goto(site.at(without_asides(site, hrefs)))
    story_id = int(editor.url.rsplit("/", 1)[-1])
    with site.database.transaction() as session:
        add_asides(session, session.get(Story, story_id), PIECES)
    editor.reload()

    listed = editor.get_by_role("region", name="Opinion on this story")
    expect(listed.locator("li")).to_have_count(3)
    expect(listed).to_contain_text("never cited")
    expect(listed.locator("li").first).to_contain_text("live blog Coast Radio")
    sources = editor.get_by_role("region", name="Sources")
    assert sources.locator("text=Harbour Times").count() == 0
    assert editor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    violations = axe_violations(editor)
    assert not violations, f"review page with opinion:\n{describe(violations)}"
    assert editor.log.errors == []
    listed.scroll_into_view_if_needed()
    editor.screenshot(path=str(tmp_path / "review-opinion-390.png"))
