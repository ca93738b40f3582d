"""A story's versions page in headless Chromium, on a site of the test's own (tests/browser.py):
an editor publishes a second version through the desk; readers follow the story page's link to
what changed, and find the earlier text kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser import (
    COMES_WITH_SITE_STORY,
    EDITOR,
    HAS_VERSIONS_PAGE,
    PASSWORD,
    PHONE,
    LiveSite,
    axe_violations,
    describe,
    log_in,
)
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAS_VERSIONS_PAGE, reason=COMES_WITH_SITE_STORY),
]


def publish_a_second_version(page: Any, site: LiveSite) -> tuple[str, str, str]:
    """Through the desk: the first published story held, its headline edited, published.
    Returns the public address, the old headline and the new one."""
    log_in(page, site, EDITOR, PASSWORD)
    page.locator("#published + table tbody tr").first.get_by_role("link").click()
    public = site.at(page.get_by_role("link", name="public page").get_attribute("href"))
    old = page.get_by_role("heading", level=1).inner_text()
    page.get_by_text("Edit the headline").click()
    new = f"{old}, the record shows"
    page.get_by_label("Headline", exact=True).fill(new)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Publish v2").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    return public, old, new


def test_readers_follow_a_story_to_its_versions_and_find_the_earlier_text(
    new_page: Any, own_site: Any
) -> None:
    site = own_site()
    public, old, new = publish_a_second_version(new_page(), site)
    reader = new_page()
    reader.goto(public)
    expect(reader.get_by_role("heading", level=1)).to_have_text(new)
    reader.get_by_role("link", name=re.compile(r"2 versions")).click()
    reader.wait_for_url(re.compile(r"/story/\d+/versions$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Versions of this story")
    current = reader.get_by_role("region", name="Version 2 (current)")
    expect(current).to_contain_text(f"Headline changed from “{old}”")
    first = reader.get_by_role("region", name="Version 1")
    first.locator("summary").click()
    expect(first.locator(".version-text")).to_be_visible()
    expect(first.locator("summary")).to_contain_text(old)
    reader.get_by_role("link", name=new).first.click()
    expect(reader).to_have_url(public)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_accessibility_problem_on_the_versions_page(
    new_page: Any, own_site: Any, width: str
) -> None:
    site = own_site()
    public, _, _ = publish_a_second_version(new_page(), site)
    page = new_page(viewport=PHONE) if width == "phone" else new_page()
    page.goto(public)
    page.get_by_role("link", name=re.compile(r"2 versions")).click()
    page.wait_for_url(re.compile(r"/versions$"))
    for summary in page.locator("details summary").all():
        summary.click()
    violations = axe_violations(page)
    assert not violations, f"versions page at {width} width:\n{describe(violations)}"
    assert page.log.errors == []
