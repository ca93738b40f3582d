"""Readers' comments and their moderation, in headless Chromium on sites of the tests' own
(tests/browser.py): comments held for a moderator, approved and rejected on the desk; the
per-address limit and the login limit refusing with a clear message; the honeypot out of a
person's way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser import (
    EDITOR,
    PASSWORD,
    STORY_LINK,
    LiveSite,
    axe_violations,
    describe,
    log_in,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_story(page: Any, site: LiveSite) -> str:
    """The first story of the home page; its address."""
    page.goto(site.at("/"))
    page.locator(STORY_LINK).first.click()
    page.wait_for_url(re.compile(r"/story/\d+/"))
    return page.url


def post_comment(page: Any, name: str, words: str) -> None:
    """Fill and send the comment form of the story page, as a reader does."""
    page.get_by_label("Name").fill(name)
    page.get_by_label("Comment").fill(words)
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()


def test_held_comments_wait_for_a_moderator_who_approves_one_and_rejects_another(
    new_page: Any, own_site: Any
) -> None:
    site = own_site(comments={"require_approval": True})
    reader = new_page()
    story = open_story(reader, site)
    kind, rude = "A fair account of the vote.", "You are all paid liars!!!"
    for name, words in (("Ines", kind), ("Troll", rude)):
        post_comment(reader, name, words)
        expect(reader.locator(".notice")).to_have_text(
            "Thank you, your comment will appear once a moderator approves it."
        )
        expect(reader.locator(".comment")).to_have_count(0)

    editor = new_page()
    log_in(editor, site, EDITOR, PASSWORD)
    editor.get_by_role("navigation", name="Desk").get_by_role("link", name="Comments").click()
    expect(editor.get_by_role("link", name="Waiting (2)")).to_have_attribute("aria-current", "page")
    waiting = editor.locator("article.moderation")
    expect(waiting).to_have_count(2)
    # each button names its comment, for a screen reader listing the page's buttons
    approve = waiting.filter(has_text=kind).get_by_role("button", name="Approve")
    expect(approve).to_have_accessible_name(re.compile(r"^Approve comment #\d+ by Ines$"))
    approve.click()
    expect(editor.get_by_role("status")).to_contain_text("is approved: readers see it.")
    waiting.filter(has_text=rude).get_by_role("button", name=re.compile("^Reject comment")).click()
    expect(editor.get_by_role("status")).to_contain_text("is rejected")
    expect(editor.locator("article.moderation")).to_have_count(0)
    expect(editor.get_by_text("No comment waits for a moderator.")).to_be_visible()

    reader.goto(story)
    shown = reader.locator(".comment")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text(kind)
    expect(shown.locator(".who")).to_have_text("Ines")
    expect(reader.locator("main")).not_to_contain_text(rude)


def test_deleting_a_comment_for_good_asks_first(new_page: Any, own_site: Any) -> None:
    """Delete cannot be undone (Reject can): one press of it only asks; the second deletes."""
    site = own_site()
    reader = new_page()
    story = open_story(reader, site)
    post_comment(reader, "Ines", "Deleted only when the moderator means it.")
    editor = new_page()
    log_in(editor, site, EDITOR, PASSWORD)
    editor.goto(site.at("/desk/comments?status=all"))
    comment = editor.locator("article.moderation", has_text="Deleted only when")

    summary = comment.locator("summary")  # "Delete", naming its comment for a screen reader
    assert re.fullmatch(r"Delete\s+comment #\d+ by Ines", summary.inner_text())
    summary.click()
    expect(editor).to_have_url(site.at("/desk/comments?status=all"))  # nothing sent yet
    reader.goto(story)
    expect(reader.locator(".comment")).to_have_count(1)
    comment.get_by_role("button", name=re.compile("^Delete comment #\\d+ for good$")).click()
    expect(editor.get_by_role("status")).to_contain_text("is deleted")
    reader.goto(story)
    expect(reader.locator(".comment")).to_have_count(0)


def test_past_the_per_address_limit_a_comment_is_refused_with_a_clear_message(
    new_page: Any, own_site: Any
) -> None:
    site = own_site(comments={"per_address_limit": 2})
    reader = new_page()
    open_story(reader, site)
    for number in (1, 2):
        post_comment(reader, "Ola", f"Comment number {number} on this story.")
        expect(reader.locator(".notice")).to_contain_text("your comment is published")
    third = "Comment number 3, one too many."
    reader.get_by_label("Name").fill("Ola")
    reader.get_by_label("Comment").fill(third)
    with reader.expect_navigation() as sent:
        reader.get_by_role("button", name="Post comment").click()
    assert sent.value.status == 429
    assert sent.value.headers["retry-after"].isdigit()
    refusal = reader.get_by_role("alert")
    expect(refusal).to_contain_text("Your comment was not posted")
    expect(refusal).to_contain_text("the most this site takes from one address")
    expect(refusal).to_contain_text(re.compile(r"please wait \d+ minutes?"))
    expect(reader.locator(".comment")).to_have_count(2)
    expect(reader.locator(".comment", has_text=third)).to_have_count(0)


def test_past_the_login_limit_even_the_right_password_waits(new_page: Any, own_site: Any) -> None:
    site = own_site(desk={"login_failures_per_account": 2})
    page = new_page()
    for _ in range(2):
        log_in(page, site, EDITOR, "not the password at all")
        expect(page.get_by_role("alert")).to_have_text("Wrong name or password.")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Log in").click()
    assert sent.value.status == 429
    assert int(sent.value.headers["retry-after"]) > 0
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"wait|minutes?", re.I))
    page.goto(site.at("/desk"))
    assert page.url.startswith(site.at("/login"))  # still not logged in


def test_the_honeypot_is_out_of_a_persons_way(reader: Any, live_site: LiveSite) -> None:
    """People neither see the trap field nor reach it with the keyboard; a program that fills
    every field has its comment refused (the text is offered back, as a person's autofill may
    have filled the field)."""
    open_story(reader, live_site)
    trap = reader.locator("input[name=website]")
    expect(trap).not_to_be_in_viewport()
    reader.get_by_label("Name").focus()
    reader.keyboard.press("Tab")
    expect(reader.get_by_label("Comment")).to_be_focused()
    reader.keyboard.press("Tab")
    expect(reader.get_by_role("button", name="Post comment")).to_be_focused()

    words = "Cheap watches at example.com today"
    reader.get_by_label("Comment").fill(words)
    trap.fill("https://spam.example")
    with reader.expect_navigation() as sent:
        reader.get_by_role("button", name="Post comment").click()
    assert sent.value.status == 400
    expect(reader.get_by_role("alert")).to_contain_text("Your comment was not posted")
    expect(reader.get_by_label("Comment")).to_have_value(words)  # offered back, to send again
    expect(reader.locator(".comment", has_text=words)).to_have_count(0)


def test_no_serious_accessibility_problem_on_the_moderation_page(
    new_page: Any, own_site: Any
) -> None:
    site = own_site(comments={"require_approval": True})
    reader = new_page()
    open_story(reader, site)
    post_comment(reader, "Ines", "A comment waiting for a moderator.")
    editor = new_page()
    log_in(editor, site, EDITOR, PASSWORD)
    editor.goto(site.at("/desk/comments"))
    expect(editor.locator("article.moderation")).to_have_count(1)
    violations = axe_violations(editor)
    assert not violations, f"moderation page:\n{describe(violations)}"
    assert editor.log.errors == []
