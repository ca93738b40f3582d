"""The desk's Tags page in headless Chromium on the real server (tests/browser.py): an editor
searches, merges one of the demo's tags into another (asked, then done, said on the page), is
refused a merge of a tag into itself with the reason and what they typed kept, and hides a tag;
the readers' pages follow; axe-core's rules and the Content-Security-Policy on the page."""

from __future__ import annotations

from typing import Any

import pytest
from browser import EDITOR, PASSWORD, PHONE, LiveSite, axe_violations, describe, log_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def slugs(page: Any) -> list[str]:
    return [row.get_attribute("id").removeprefix("tag-") for row in page.locator("tbody tr").all()]


def test_an_editor_merges_a_tag_after_a_refusal(new_page: Any, own_site: Any) -> None:
    site = own_site()
    page = new_page()
    log_in(page, site, EDITOR, PASSWORD)
    page.get_by_role("navigation", name="Desk").get_by_role("link", name="Tags").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tags")
    target, merged = slugs(page)[:2]
    page.get_by_label("Search tags").fill(merged)
    page.get_by_role("button", name="Search").click()
    row = page.locator(f"#tag-{merged}")
    row.get_by_label("Into tag").fill(merged)
    row.get_by_role("button", name=f"Merge {merged}", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"{merged} cannot be merged into itself")
    row = page.locator(f"#tag-{merged}")
    expect(row.get_by_label("Into tag")).to_have_value(merged)  # kept

    row.get_by_label("Into tag").fill(target)
    row.get_by_role("button", name=f"Merge {merged}", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"Really merge {merged} into {target}")
    page.get_by_role("button", name=f"Yes, merge {merged}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Tag {merged} is merged into {target}")
    expect(page.locator(f"#tag-{merged}")).to_contain_text(f"merged into {target}")
    # Nothing refused by the Content-Security-Policy; the refused merge's 400 is logged.
    refused = "the server responded with a status of 400"
    assert [error for error in page.log.errors if refused not in error] == []

    response = page.goto(site.at(f"/tag/{merged}"))
    assert response.ok and page.url == site.at(f"/tag/{target}")


def test_an_editor_hides_a_tag_and_readers_no_longer_see_it(new_page: Any, own_site: Any) -> None:
    site = own_site()
    page = new_page()
    log_in(page, site, EDITOR, PASSWORD)
    page.goto(site.at("/desk/tags"))
    hidden = slugs(page)[0]
    name = page.locator(f"#tag-{hidden} td a").first.inner_text()
    page.get_by_role("button", name=f"Hide {hidden}", exact=True).click()
    page.get_by_role("button", name=f"Yes, hide {hidden}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Tag {hidden} is hidden")
    expect(page.get_by_role("button", name=f"Show {hidden}", exact=True)).to_be_visible()
    assert page.goto(site.at(f"/tag/{hidden}")).status == 404
    page.goto(site.at("/"))
    expect(page.locator(f'a[href="/tag/{hidden}"]')).to_have_count(0)
    assert name  # the tag had a name to lose


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_accessibility_problem_on_the_tags_page(
    new_page: Any, live_site: LiveSite, editor_state: dict, width: str
) -> None:
    viewport = {"viewport": PHONE} if width == "phone" else {}
    page = new_page(storage_state=editor_state, **viewport)
    page.goto(live_site.at("/desk/tags"))
    violations = axe_violations(page)
    assert not violations, f"tags at {width} width:\n{describe(violations)}"
    assert page.log.errors == []
