"""Fixing the clustering on the desk, in headless Chromium on a site of the test's own (tests/
browser.py): an editor moves a report to another story; after the pipeline's next run, readers
see both stories rewritten with their new coverage."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from browser import EDITOR, PASSWORD, LiveSite, axe_violations, describe, log_in
from playwright.sync_api import expect

from gazette.pipeline import run_pipeline

pytestmark = pytest.mark.browser


def run_pipeline_beside_the_browser(site: LiveSite, embedder: Any) -> None:
    """One pass of the pipeline over the site's database, as `gazette run` would do. In a
    thread of its own: its event loops must not meet Playwright's (tests/browser.py)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            run_pipeline(site.database, site.settings, embedder)
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=run, name="pipeline")
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "the pipeline run did not finish in 5 minutes"
    assert not failures, failures


def independent_sources(page: Any, site: LiveSite, story_id: int) -> int:
    page.goto(site.at(f"/story/{story_id}"))
    coverage = page.get_by_role("region", name="Coverage").inner_text()
    return int(re.search(r"(\d+) independent sources?", coverage).group(1))


def open_reports(page: Any, site: LiveSite) -> int:
    """From the queue, the first published story's review page, then its reports; its id."""
    log_in(page, site, EDITOR, PASSWORD)
    page.locator("#published + table tbody tr").first.get_by_role("link").click()
    page.get_by_role("link", name=re.compile("Its reports")).click()
    page.wait_for_url(re.compile(r"/desk/story/\d+/reports$"))
    return int(re.search(r"/story/(\d+)/reports", page.url).group(1))


def test_an_editor_moves_a_report_and_readers_see_both_stories_rewritten(
    new_page: Any, own_site: Any, embedder: Any
) -> None:
    site = own_site()
    editor, reader = new_page(), new_page()
    source = open_reports(editor, site)
    rows = editor.locator("table.reports:not(.nearby) tbody tr")
    count = rows.count()
    assert count >= 2
    moved = rows.filter(has_not_text="syndicated copy").last  # an independent report
    report = moved.get_attribute("id")
    title = moved.locator("label strong").inner_text()
    nearby = editor.locator("table.nearby tbody tr").first.get_by_role("link").inner_text()
    target = int(re.match(r"#(\d+)", nearby).group(1))
    before = independent_sources(reader, site, source), independent_sources(reader, site, target)

    number = report.removeprefix("report-")
    # each row's field and buttons say which report they move, for a screen reader
    expect(moved.get_by_label("To story")).to_have_accessible_name(f"To story for report {number}")
    expect(moved.get_by_role("button", name="To a new story")).to_have_accessible_name(
        f"Move report {number} to a new story"
    )
    moved.get_by_label("To story").fill(str(target))
    moved.get_by_role("button", name=f"Move report {number}", exact=True).click()
    expect(editor.get_by_role("status")).to_contain_text("The report was moved")
    assert editor.url.startswith(site.at(f"/desk/story/{target}/reports"))
    arrived = editor.locator(f"#{report}")
    expect(arrived).to_contain_text(title)
    expect(arrived).to_contain_text("placed by an editor")
    editor.goto(site.at(f"/desk/story/{source}/reports"))
    expect(editor.locator("table.reports:not(.nearby) tbody tr")).to_have_count(count - 1)

    run_pipeline_beside_the_browser(site, embedder)
    after = independent_sources(reader, site, source), independent_sources(reader, site, target)
    assert after == (before[0] - 1, before[1] + 1)


def test_a_refused_move_says_why_on_the_page_and_keeps_the_number_typed(
    new_page: Any, live_site: LiveSite
) -> None:
    page = new_page()
    story = open_reports(page, live_site)
    row = page.locator("table.reports:not(.nearby) tbody tr").first
    move = row.get_by_role("button", name=re.compile(r"^Move report \d+$"))
    move.click()  # no story typed
    expect(page).to_have_url(live_site.at(f"/desk/story/{story}/reports"))  # asked, not sent
    expect(row.get_by_label("To story")).to_be_focused()

    row.get_by_label("To story").fill("424242")
    move.click()
    error = page.get_by_role("alert")
    expect(error).to_have_text("Not done: there is no story 424242. Nothing was changed.")
    report = row.get_attribute("id")
    expect(page.locator(f"#{report}").get_by_label("To story")).to_have_value("424242")


def test_no_serious_accessibility_problem_on_the_reports_page(
    new_page: Any, live_site: LiveSite
) -> None:
    page = new_page()
    open_reports(page, live_site)
    violations = axe_violations(page)
    assert not violations, f"reports page:\n{describe(violations)}"
    assert page.log.errors == []
