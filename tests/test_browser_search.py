"""Search in headless Chromium on the real server (tests/browser.py): the header's search box,
ranked results with highlighted words that lead to their stories, a query that finds nothing,
the box on a phone, and axe-core on the results page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser import PHONE, LiveSite, axe_violations, describe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def search_from_header(page: Any, site: LiveSite, words: str) -> None:
    page.goto(site.at("/"))
    box = page.get_by_role("search").get_by_role("searchbox", name="Search stories")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")


def test_the_search_box_finds_a_story_and_leads_to_it(reader: Any, live_site: LiveSite) -> None:
    search_from_header(reader, live_site, "coal plants")
    assert reader.url == live_site.at("/search?q=coal+plants")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Search: coal plants")
    results = reader.locator("article.result")
    expect(results.first).to_be_visible()
    top = results.first.get_by_role("link")
    expect(top).to_contain_text(re.compile("coal", re.I))  # the best match names it
    expect(results.first.locator(".snippet mark").first).to_be_visible()
    marked = {text.lower() for text in results.first.locator(".snippet mark").all_inner_texts()}
    assert marked & {"coal", "plants", "plant"}, marked
    expect(reader.get_by_role("searchbox", name="Search stories")).to_have_value("coal plants")
    headline = top.inner_text()
    top.click()
    reader.wait_for_url(re.compile(r"/story/\d+/"))
    expect(reader.get_by_role("heading", level=1)).to_have_text(headline)


def test_a_search_that_finds_nothing_says_so(reader: Any, live_site: LiveSite) -> None:
    search_from_header(reader, live_site, "zeppelin xylophone")
    expect(reader.locator("main")).to_contain_text("No stories match “zeppelin xylophone”")
    expect(reader.locator("article.result")).to_have_count(0)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_accessibility_problem_on_the_search_page(
    new_page: Any, live_site: LiveSite, width: str
) -> None:
    page = new_page(viewport=PHONE) if width == "phone" else new_page()
    search_from_header(page, live_site, "strike")
    expect(page.locator("article.result").first).to_be_visible()
    if width == "phone":
        box = page.get_by_role("search").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the results are {overflow} px wider than a 390 px phone"
    violations = axe_violations(page)
    assert not violations, f"search page at {width} width:\n{describe(violations)}"
    assert page.log.errors == []
