"""The desk in headless Chromium on the real server (tests/browser.py): logging in and out as
an editor does, the queue, a reader sent to the login page, forms refused without their token
or from another site, and axe-core's accessibility rules on the login and desk pages."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from browser import (
    ADMIN,
    EDITOR,
    PASSWORD,
    PHONE,
    STORY_LINK,
    LiveSite,
    axe_violations,
    describe,
    log_in,
)
from playwright.sync_api import expect
from sqlalchemy import delete, select

from gazette.db.models import Comment, StaffSession

pytestmark = pytest.mark.browser


def test_a_reader_who_opens_the_desk_is_sent_to_the_login_page(
    reader: Any, live_site: LiveSite
) -> None:
    response = reader.goto(live_site.at("/desk/audit"))
    assert response.ok
    assert reader.url == live_site.at("/login?next=/desk/audit")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Log in to the desk")
    expect(reader.get_by_text("Queue", exact=True)).to_have_count(0)  # no desk page shown


def test_a_wrong_password_is_refused_with_a_message(new_page: Any, live_site: LiveSite) -> None:
    page = new_page()
    log_in(page, live_site, EDITOR, "not the password at all")
    assert page.url == live_site.at("/login")
    expect(page.get_by_role("alert")).to_have_text("Wrong name or password.")
    expect(page.get_by_label("Name")).to_have_value(EDITOR)  # typed again by nobody
    expect(page.get_by_label("Password")).to_have_value("")
    page.goto(live_site.at("/desk"))
    assert page.url.startswith(live_site.at("/login"))  # no login came of it


def test_an_editor_logs_in_to_the_page_asked_for_then_logs_out(
    new_page: Any, live_site: LiveSite
) -> None:
    page = new_page()
    page.goto(live_site.at("/desk"))
    page.get_by_label("Name").fill(EDITOR.upper())  # names are not case-sensitive
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")  # the keyboard sends the form too
    assert page.url == live_site.at("/desk")
    nav = page.get_by_role("navigation", name="Desk")
    expect(nav).to_contain_text(f"{EDITOR} editor")
    expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)  # admins only
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies["gazette_session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("gazette_session") == -1  # hidden from scripts

    with page.expect_navigation():
        nav.get_by_role("button", name="Log out").click()
    assert page.url == live_site.at("/login?left=1")
    expect(page.locator(".notice")).to_have_text("You are logged out.")
    page.goto(live_site.at("/desk"))
    assert page.url == live_site.at("/login?next=/desk")


def test_the_queue_lists_the_published_stories_linked_to_their_review_pages(
    editor: Any, live_site: LiveSite
) -> None:
    editor.goto(live_site.at("/desk"))
    expect(editor.get_by_role("heading", level=1)).to_have_text("Queue")
    expect(editor.locator("#waiting")).to_have_text("Waiting for review (0)")
    rows = editor.locator("#published + table tbody tr")
    assert rows.count() == 15  # the demo's stories, all published at once
    numbers = [
        int(re.match(r"#(\d+)", row.inner_text()).group(1)) for row in rows.all()
    ]  # newest first: the demo publishes them in order
    assert numbers == sorted(numbers, reverse=True)
    first = rows.first.get_by_role("link")
    headline = first.inner_text()
    first.click()  # to the story's review page
    editor.wait_for_url(live_site.at(f"/desk/story/{numbers[0]}"))
    expect(editor.get_by_role("heading", level=1)).to_have_text(headline)
    editor.get_by_role("link", name="public page").click()
    editor.wait_for_url(re.compile(rf"/story/{numbers[0]}/"))
    expect(editor.get_by_role("heading", level=1)).to_have_text(headline)


def test_the_audit_log_shows_an_admin_the_logins(new_page: Any, live_site: LiveSite) -> None:
    page = new_page()
    log_in(page, live_site, ADMIN, PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url(live_site.at("/desk/audit"))
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text(ADMIN)  # the newest: this login
    expect(rows.first).to_contain_text("127.0.0.1")


def test_a_comment_sent_without_its_form_token_is_refused(reader: Any, live_site: LiveSite) -> None:
    reader.goto(live_site.at("/"))
    reader.locator(STORY_LINK).first.click()
    reader.wait_for_url(re.compile(r"/story/\d+/"))
    words = f"Forged comment {uuid.uuid4().hex[:8]}"
    reader.get_by_label("Comment").fill(words)
    reader.locator("form.comment-form input[name=csrf_token]").evaluate("field => field.remove()")
    with reader.expect_navigation() as sent:
        reader.get_by_role("button", name="Post comment").click()
    assert sent.value.status == 403
    expect(reader.locator("main")).to_contain_text("Nothing was changed")
    expect(reader.locator("main")).not_to_contain_text(words)  # nothing sent is repeated
    with live_site.database.transaction() as session:
        assert session.scalar(select(Comment).where(Comment.body == words)) is None


def test_a_form_on_another_site_cannot_post_to_this_one(reader: Any, live_site: LiveSite) -> None:
    """A page of another origin that copies the site's form, token and all, is refused: the
    browser says where the form came from, and keeps the site's cookies to itself."""
    reader.goto(live_site.at("/login"))
    token = reader.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = (
        f'<form method="post" action="{live_site.at("/login")}">'
        f'<input type="hidden" name="csrf_token" value="{token}">'
        f'<input name="name" value="{EDITOR}"><input name="password" value="{PASSWORD}">'
        '<button type="submit">Win a prize</button></form>'
    )
    reader.context.route(
        "http://evil.example/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=forged),
    )
    reader.goto("http://evil.example/prize")
    with reader.expect_navigation() as sent:
        reader.get_by_role("button", name="Win a prize").click()
    assert sent.value.status == 403
    expect(reader.locator("main")).to_contain_text("sent from another site")
    reader.goto(live_site.at("/desk"))
    assert reader.url.startswith(live_site.at("/login"))  # no login came of it


@pytest.mark.parametrize("page_name", ["login", "login-error", "queue", "sources", "audit"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_accessibility_problem_on_the_desk(
    new_page: Any, live_site: LiveSite, editor_state: dict, page_name: str, width: str
) -> None:
    viewport = {"viewport": PHONE} if width == "phone" else {}
    if page_name in ("queue", "sources"):
        page = new_page(storage_state=editor_state, **viewport)
        page.goto(live_site.at("/desk" if page_name == "queue" else "/desk/sources"))
    elif page_name == "audit":
        page = new_page(**viewport)
        log_in(page, live_site, ADMIN, PASSWORD)
        page.goto(live_site.at("/desk/audit"))
    else:
        page = new_page(**viewport)
        if page_name == "login-error":
            log_in(page, live_site, "nobody", "not the password at all")
        else:
            page.goto(live_site.at("/login"))
    violations = axe_violations(page)
    assert not violations, f"{page_name} at {width} width:\n{describe(violations)}"
    # Nothing refused by the Content-Security-Policy; the refused login's 401 is logged.
    allowed = "the server responded with a status of 401" if page_name == "login-error" else None
    assert [error for error in page.log.errors if not allowed or allowed not in error] == []


def test_an_editor_pauses_a_source_and_resumes_it(new_page: Any, own_site: Any) -> None:
    site = own_site()
    page = new_page()
    log_in(page, site, EDITOR, PASSWORD)
    page.get_by_role("navigation", name="Desk").get_by_role("link", name="Sources").click()
    row = page.locator("table.sources tbody tr").first
    name = row.locator("td").first.inner_text().split("\n")[0]
    # among a dozen Pause buttons, each says which source it pauses to a screen reader
    expect(page.get_by_role("button", name="Pause Brenmouth Beacon", exact=True)).to_have_count(1)
    row.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("status")).to_contain_text("is paused: runs no longer read it.")
    row = page.locator("table.sources tbody tr", has_text=name)
    expect(row.get_by_role("button", name="Pause")).to_have_count(0)
    row.get_by_role("button", name="Resume Brenmouth Beacon", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("is resumed")
    expect(row.get_by_role("button", name="Pause")).to_be_visible()


def test_a_phone_shows_no_label_without_its_value_on_the_desk(
    new_page: Any, live_site: LiveSite, editor_state: dict
) -> None:
    """A table cell on a phone is its label and its value: an empty one ("Last error:",
    "Note:" and nothing after) is left out."""
    page = new_page(viewport=PHONE, storage_state=editor_state)
    page.goto(live_site.at("/desk/sources"))
    errors = page.locator('table.sources td[data-label="Last error"]')
    assert errors.count() == 11  # the demo's sources, none failing
    for cell in errors.all():
        expect(cell).to_be_hidden()
    expect(page.locator('table.sources td[data-label="Health"]').first).to_be_visible()
    page.goto(live_site.at("/desk"))
    page.locator("#published + table tbody tr").first.get_by_role("link").click()
    notes = page.locator('#versions + table td[data-label="Note"]')
    expect(notes.first).to_be_hidden()  # the first version has no change note
    expect(page.locator('#versions + table td[data-label="Version"]').first).to_be_visible()


def test_an_edit_sent_after_the_login_ended_is_shown_and_the_login_leads_back(
    new_page: Any, own_site: Any, tmp_path: Path
) -> None:
    """An editor types an edit while their login ends (here: ended on the server). Sending it
    saves nothing; the login page says so and shows the text to copy, and logging in leads
    back to the review page."""
    site = own_site()
    page = new_page()
    review_url, sentence, position, typed = an_edit_typed(page, site)
    with site.database.transaction() as session:
        session.execute(delete(StaffSession))

    sentence.get_by_role("button", name="Check and save").click()
    the_login_page_keeps_it_and_leads_back(
        page, review_url, position, typed, tmp_path / "login-ended.png"
    )


def test_a_merge_is_asked_first_then_done_by_keyboard(
    new_page: Any, own_site: Any, tmp_path: Path
) -> None:
    """Merging cannot be undone by a click: pressing Enter in the number field only asks,
    naming both stories; the question's own button, reached with the keyboard, merges."""
    site = own_site()
    page = new_page()
    log_in(page, site, EDITOR, PASSWORD)
    page.locator("#published + table tbody tr").first.get_by_role("link").click()
    page.get_by_role("link", name=re.compile("Its reports")).click()
    page.wait_for_url(re.compile(r"/desk/story/\d+/reports$"))
    story = int(re.search(r"/story/(\d+)/reports", page.url).group(1))
    nearby = page.locator("table.nearby tbody tr").first.get_by_role("link").inner_text()
    other = int(re.match(r"#(\d+)", nearby).group(1))
    reports = page.locator("table.reports:not(.nearby) tbody tr").count()

    page.get_by_label("Other story").fill(str(other))
    page.get_by_label("Other story").press("Enter")  # the first button: merge it into this one
    question = page.get_by_role("alert")
    expect(question).to_contain_text(f"Merge story {other} (")
    expect(question).to_contain_text(f"Story {story} keeps its number")
    expect(page.locator("table.reports:not(.nearby) tbody tr")).to_have_count(reports)
    page.screenshot(path=str(tmp_path / "merge-asks.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    yes = page.get_by_role("button", name=f"Yes, merge story {other} into story {story}")
    yes.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The stories were merged")
    assert page.url.startswith(site.at(f"/desk/story/{story}/reports"))
    expect(page.locator("table.reports:not(.nearby) tbody tr")).not_to_have_count(reports)


def test_an_edit_sent_after_logging_out_in_another_tab_is_shown(
    new_page: Any, own_site: Any, tmp_path: Path
) -> None:
    """Log out in another tab takes the login's cookie, and with it the form's token: the edit
    is refused (403) and saves nothing, but the answer is still the login page with the text
    to copy, and logging in leads back to the review page."""
    site = own_site()
    page = new_page()
    review_url, sentence, position, typed = an_edit_typed(page, site)
    other_tab = page.context.new_page()
    other_tab.goto(site.at("/desk"))
    other_tab.get_by_role("button", name="Log out").click()
    expect(other_tab.get_by_text("You are logged out.")).to_be_visible()

    sentence.get_by_role("button", name="Check and save").click()
    the_login_page_keeps_it_and_leads_back(
        page, review_url, position, typed, tmp_path / "logged-out-elsewhere.png"
    )


def an_edit_typed(page: Any, site: Any) -> tuple[str, Any, str, str]:
    """Log in, open the first published story's review page and type an edit of its first
    sentence, unsent: the page's address, the sentence, its position and the text typed."""
    log_in(page, site, EDITOR, PASSWORD)
    page.locator("#published + table tbody tr").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/desk/story/\d+$"))
    sentence = page.locator(".article-side .paragraph .sentence").first
    position = sentence.get_attribute("id").removeprefix("s")
    sentence.get_by_text(f"Edit S{position}").click()
    typed = page.locator(f"#text-{position}").input_value().rstrip(".") + ", it said."
    page.locator(f"#text-{position}").fill(typed)
    return page.url, sentence, position, typed


def the_login_page_keeps_it_and_leads_back(
    page: Any, review_url: str, position: str, typed: str, screenshot: Path
) -> None:
    """The edit was refused: the login page says nothing was saved and shows the typed text
    (photographed; no accessibility problem), and logging in leads back to the review page,
    unchanged."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to the desk")
    expect(page.get_by_role("alert")).to_contain_text("nothing was saved")
    expect(page.get_by_role("textbox", name=f"Sentence S{position}")).to_have_value(typed)
    page.screenshot(path=str(screenshot), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_label("Name").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(review_url)
    expect(page.locator(f"#text-{position}")).not_to_have_value(typed)  # nothing was saved
