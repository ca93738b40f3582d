"""Screenshots of the site's pages at desktop (1280 px) and phone (390 px) widths, for the docs
(docs/screenshots/) and for a person to look at after changing a template.

    .venv/bin/python tests/screenshots.py                      # runs the demo first (~40 s)
    .venv/bin/python tests/screenshots.py --database .demo/gazette.db   # after `make demo`
    .venv/bin/python tests/screenshots.py --full-page --out /tmp/shots  # whole pages, to check

The database given is copied, never changed. Before the pictures, the script does a little of
a day's work through the pages (two readers' comments held for a moderator, a story held with
its headline edited, a correction), so that the desk has something to show. The desk is shown
as the editor `ann` sees it; the audit log as the admin `root`. Uses the browser tests'
machinery (tests/browser.py) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from browser import (
    ADMIN,
    CHROMIUM,
    DESKTOP,
    EDITOR,
    PASSWORD,
    PHONE,
    STORY_LINK,
    TAG_LINK,
    copy_database,
    missing_chromium,
    serving,
    with_sections,
)
from browser import log_in as log_in_with_form

from gazette import accounts
from gazette.config import load_settings
from gazette.db import Database

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


def demo_database(folder: Path) -> Path:
    """Run the bundled demo through the whole pipeline into `folder`."""
    from gazette.pipeline import run_pipeline
    from gazette.sources import add_source

    path = folder / "gazette.db"
    settings = load_settings(DEMO / "gazette.toml", database_url=f"sqlite:///{path}")
    database = Database(settings.database_url)
    database.migrate()
    with database.transaction() as session:
        for feed in (DEMO / "sources.txt").read_text(encoding="utf-8").split():
            add_source(session, feed)
    print("running the demo pipeline...", file=sys.stderr)
    run_pipeline(database, settings)
    database.dispose()
    return path


def first_href(page: Any, selector: str) -> str:
    """Where the first link matching `selector` on the page leads."""
    return page.locator(selector).first.get_attribute("href")


def public_pages(page: Any, url: str) -> dict[str, str]:
    """The reader's pages to photograph, found by following the site's own links."""
    page.goto(url + "/")
    story = first_href(page, STORY_LINK)
    page.goto(url + story)
    tag = first_href(page, TAG_LINK)
    return {
        "home": "/",
        "story": story,
        "tag": tag,
        "search": "/search?q=strike",
        "corrections": "/corrections",
        "login": "/login",
    }


def give_the_desk_work(browser: Any, site: Any, editor: dict) -> dict[str, str]:
    """What a working day leaves on the desk, done through the pages as people do: two readers'
    comments waiting for a moderator, a held story with an edited headline waiting for review,
    a correction on the newest story. The desk's pages to photograph."""
    reader = browser.new_page()
    reader.goto(site.at("/"))
    reader.locator(STORY_LINK).first.click()
    for name, words in (
        ("Ines", "A fair account of the vote. Will the retraining money reach Grauberg?"),
        ("Pell", "The article should say how the 87 votes against were split."),
    ):
        reader.get_by_label("Name").fill(name)
        reader.get_by_label("Comment").fill(words)
        with reader.expect_navigation():
            reader.get_by_role("button", name="Post comment").click()
    reader.close()

    page = browser.new_context(storage_state=editor).new_page()
    page.goto(site.at("/desk"))
    rows = page.locator("#published + table tbody tr")
    first = rows.nth(0).get_by_role("link").get_attribute("href")
    rows.nth(1).get_by_role("link").click()
    page.get_by_role("button", name="Hold").click()
    page.get_by_text("Edit the headline").click()
    headline = page.get_by_label("Headline", exact=True)
    headline.fill(headline.input_value() + ", officials confirm")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(site.at(first))
    page.get_by_label("Add a correction note").fill(
        "An earlier version said the vote was on Thursday; it was on Friday."
    )
    page.get_by_role("button", name="Publish the correction").click()
    page.context.close()
    return {
        "desk-queue": "/desk",
        "desk-review": first,
        "desk-reports": f"{first}/reports",
        "desk-comments": "/desk/comments",
        "desk-sources": "/desk/sources",
        "desk-tags": "/desk/tags",
        "desk-ads": "/desk/ads",
    }


def shoot(
    browser: Any, url: str, out: Path, full_page: bool, state: dict | None, pages: dict[str, str]
) -> None:
    for width_name, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, storage_state=state)
        page = context.new_page()
        for name, path in pages.items():
            page.goto(url + path)
            target = out / f"{name}-{width_name}.png"
            page.screenshot(path=str(target), full_page=full_page)
            print(target, file=sys.stderr)
        context.close()


def logged_in(browser: Any, site: Any, name: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    log_in_with_form(page, site, name, PASSWORD)
    state = context.storage_state()
    context.close()
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, help="a demo database (default: run the demo)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--full-page", action="store_true", help="whole pages, not the screen")
    args = parser.parse_args(argv)
    reason = missing_chromium()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "site.db"
        copy_database(args.database or demo_database(Path(folder)), copy)
        settings = load_settings(DEMO / "gazette.toml", database_url=f"sqlite:///{copy}")
        settings = with_sections(settings, comments={"require_approval": True})
        database = Database(settings.database_url)
        database.migrate()
        with database.transaction() as session:
            for name, role in ((EDITOR, "editor"), (ADMIN, "admin")):
                accounts.add_user(session, name, role, PASSWORD, "screenshots")
        with serving(settings, database) as site, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
            editor = logged_in(browser, site, EDITOR)
            desk = give_the_desk_work(browser, site, editor)
            shots: list[tuple[dict | None, dict[str, str]]] = [
                (None, public_pages(browser.new_page(), site.url)),
                (editor, desk),
                (logged_in(browser, site, ADMIN), {"desk-audit": "/desk/audit"}),
            ]
            for state, pages in shots:
                shoot(browser, site.url, args.out, args.full_page, state, pages)
            browser.close()
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
