"""The desk's Ads page in headless Chromium on the real server (tests/browser.py): an editor
finds it in the desk's nav, saves a slot's markup unchanged (refused: no change), sets it (a
script in it removed before anyone sees it), switches another slot off, and hands the first
back to the config, each said on the page; the readers' home page follows; axe-core's rules and
the Content-Security-Policy on the page, at a computer's and a phone's width, with a screenshot
of each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import EDITOR, PASSWORD, PHONE, LiveSite, axe_violations, describe, log_in
from playwright.sync_api import expect

from gazette.ads import MARKUP_LENGTH

pytestmark = pytest.mark.browser

HOUSE_AD = "Advertisement: Port Calder Ferries"  # the demo's sidebar slot
HEADER_AD = "Advertisement: The Demo Almanac of Vestria"


def test_an_editor_sets_a_slot_switches_one_off_and_hands_back(
    new_page: Any, own_site: Any, tmp_path: Path
) -> None:
    site = own_site()
    page = new_page()
    log_in(page, site, EDITOR, PASSWORD)
    page.get_by_role("navigation", name="Desk").get_by_role("link", name="Ads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ad slots")
    sidebar = page.locator("#slot-sidebar")
    expect(sidebar.locator(".ad-preview")).to_contain_text(HOUSE_AD)
    sidebar.get_by_role("button", name="Save markup of sidebar").click()  # nothing changed
    expect(page.get_by_role("alert")).to_contain_text("ad slot sidebar already has this markup")
    sidebar = page.locator("#slot-sidebar")
    expect(sidebar).to_contain_text("Markup from the config.")

    sidebar.get_by_label("Markup of sidebar").fill(
        '<a href="/tag/economy" rel="sponsored">Sold on the desk</a><script>alert(1)</script>'
    )
    sidebar.get_by_role("button", name="Save markup of sidebar").click()
    expect(page.get_by_role("status")).to_contain_text("Ad slot sidebar shows its new markup")
    sidebar = page.locator("#slot-sidebar")
    expect(sidebar).to_contain_text(f"Markup set by {EDITOR}")
    expect(sidebar.locator(".ad-preview a")).to_have_text("Sold on the desk")
    expect(sidebar.locator(".ad-preview script")).to_have_count(0)

    page.get_by_role("button", name="Switch off header", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Ad slot header is off")
    expect(page.locator("#slot-header .status")).to_have_text("off")
    page.screenshot(path=str(tmp_path / "desk-ads-1280.png"), full_page=True)
    # Nothing refused by the Content-Security-Policy; the refused save's 400 is logged.
    refused = "the server responded with a status of 400"
    assert [error for error in page.log.errors if refused not in error] == []

    reader = new_page()
    reader.goto(site.at("/"))
    expect(reader.locator('.ad[data-slot="sidebar"]')).to_have_text("Sold on the desk")
    expect(reader.locator('[data-slot="header"]')).to_have_count(0)
    expect(reader.locator(".ad-placeholder")).to_have_count(0)  # production: no placeholder

    page.get_by_role("button", name="Hand back to the config sidebar").click()
    expect(page.get_by_role("status")).to_contain_text("Ad slot sidebar follows the config")
    reader = new_page()  # a reader of their own: the first keeps the home page a minute
    reader.goto(site.at("/"))
    expect(reader.locator('.ad[data-slot="sidebar"]')).to_contain_text(HOUSE_AD)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_accessibility_problem_on_the_ads_page(
    new_page: Any, live_site: LiveSite, editor_state: dict, width: str, tmp_path: Path
) -> None:
    viewport = {"viewport": PHONE} if width == "phone" else {}
    page = new_page(storage_state=editor_state, **viewport)
    page.goto(live_site.at("/desk/ads"))
    violations = axe_violations(page)
    assert not violations, f"ads at {width} width:\n{describe(violations)}"
    page.screenshot(path=str(tmp_path / f"desk-ads-{width}.png"), full_page=True)
    assert page.log.errors == []


def test_markup_as_long_as_the_box_takes_is_saved_line_breaks_and_all(
    new_page: Any, own_site: Any
) -> None:
    site = own_site()
    page = new_page()
    log_in(page, site, EDITOR, PASSWORD)
    page.goto(site.at("/desk/ads"))
    box = page.locator("#slot-header").get_by_label("Markup of header")
    assert box.evaluate("box => box.maxLength") == MARKUP_LENGTH
    line = "<b>Ferries</b>\n"
    markup = (line * (MARKUP_LENGTH // len(line) + 1))[:MARKUP_LENGTH]
    box.fill(markup)  # the browser sends each line break as two characters, "\r\n"
    assert box.evaluate("box => box.value.length") == MARKUP_LENGTH
    page.get_by_role("button", name="Save markup of header").click()
    expect(page.get_by_role("status")).to_contain_text("Ad slot header shows its new markup")
    saved = page.locator("#slot-header").get_by_label("Markup of header")
    assert saved.evaluate("box => box.value") == markup.strip()
