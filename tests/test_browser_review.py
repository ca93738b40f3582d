"""The editor's work on a story, in headless Chromium on a site of the test's own (tests/
browser.py): hold, edit and publish; an edited sentence that no source supports refused by the
check, then published as an editor's note; a correction that readers see; a withdrawal. Each
change is checked where a reader sees it, in a browser of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import (
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

from gazette.editing import Actor, edit_headline

pytestmark = pytest.mark.browser


@dataclass
class Review:
    editor: Any  # the editor's page, on the story's review page
    reader: Any  # an anonymous reader's page, of another browser context
    site: LiveSite
    review_url: str
    public_url: str

    def reader_sees(self) -> Any:
        self.reader.goto(self.public_url)
        return self.reader


def open_review(new_page: Any, site: LiveSite, **viewport: Any) -> Review:
    """Log in as the editor, open the first published story of the queue."""
    editor = new_page(**viewport)
    log_in(editor, site, EDITOR, PASSWORD)
    editor.locator("#published + table tbody tr").first.get_by_role("link").click()
    editor.wait_for_url(re.compile(r"/desk/story/\d+$"))
    public = editor.get_by_role("link", name="public page").get_attribute("href")
    return Review(editor, new_page(), site, editor.url, site.at(public))


def notice(page: Any) -> Any:
    return page.get_by_role("status")


def test_an_editor_holds_a_story_edits_its_headline_and_publishes_it(
    new_page: Any, own_site: Any
) -> None:
    review = open_review(new_page, own_site())
    editor = review.editor
    old = editor.get_by_role("heading", level=1).inner_text()
    editor.get_by_role("button", name="Hold").click()
    expect(notice(editor)).to_contain_text("Held: new versions wait for an editor")
    expect(editor.locator(".status-line")).to_contain_text("held")

    editor.get_by_text("Edit the headline").click()
    new = f"{old} (checked by the desk)"
    editor.get_by_label("Headline", exact=True).fill(new)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(notice(editor)).to_contain_text("Saved as a new version")
    expect(editor.get_by_role("heading", level=1)).to_have_text(new)
    expect(editor.locator(".status-line")).to_contain_text("v2")
    expect(editor.locator(".status-line")).to_contain_text("readers see v1")
    expect(review.reader_sees().get_by_role("heading", level=1)).to_have_text(old)

    editor.get_by_role("link", name="Queue").first.click()
    waiting = editor.locator("#waiting + table tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting.first).to_contain_text(new)
    expect(waiting.first).to_contain_text("readers see v1")
    waiting.first.get_by_role("link").click()
    editor.get_by_role("button", name="Publish v2").click()
    expect(notice(editor)).to_contain_text("Published: readers see this version now")
    expect(review.reader_sees().get_by_role("heading", level=1)).to_have_text(new)
    editor.get_by_role("link", name="Queue").first.click()
    expect(editor.locator("#waiting")).to_have_text("Waiting for review (0)")


def test_an_edit_no_source_supports_is_refused_then_published_as_an_editors_note(
    new_page: Any, own_site: Any
) -> None:
    review = open_review(new_page, own_site())
    editor = review.editor
    sentence = editor.locator(".article-side .paragraph .sentence").first
    position = sentence.get_attribute("id").removeprefix("s")
    original = editor.locator(f"#text-{position}").input_value()
    unsupported = original.rstrip(".") + ", and 98,765 people marched to parliament."
    sentence.get_by_text(f"Edit S{position}").click()
    sentence.get_by_label("Sentence").fill(unsupported)
    sentence.get_by_role("button", name="Check and save").click()

    error = editor.get_by_role("alert")
    expect(error).to_contain_text("Not done")
    expect(error).to_contain_text("98765")  # the figure that no source has, named
    expect(editor.locator(f"#text-{position}")).to_have_value(unsupported)  # kept for a retry
    # the keyboard is in the text to fix, which says why it was refused
    expect(editor.locator(f"#text-{position}")).to_be_focused()
    expect(editor.locator(f"#text-{position}")).to_have_accessible_description(
        re.compile("figure 98765 not in the source")
    )
    expect(editor.locator("#versions + table tbody tr")).to_have_count(1)  # nothing saved
    expect(review.reader_sees().locator(".body")).not_to_contain_text("98,765")

    sentence = editor.locator(f"#s{position}")
    sentence.get_by_label("Publish as an editor’s note").check()
    sentence.get_by_role("button", name="Check and save").click()
    expect(notice(editor)).to_contain_text("Saved as a new version")
    expect(editor.locator(f"#s{position}")).to_contain_text("Editor’s note:")
    editor.get_by_role("button", name="Publish v2").click()
    expect(notice(editor)).to_contain_text("Published")
    note = review.reader_sees().locator(".editor-note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Editor’s note:")
    expect(note).to_contain_text("98,765 people marched to parliament")
    expect(note.locator("a.cite")).to_have_count(0)  # a note cites nothing


def test_a_correction_is_shown_to_readers_on_the_story_and_the_corrections_page(
    new_page: Any, own_site: Any
) -> None:
    review = open_review(new_page, own_site())
    editor = review.editor
    words = "An earlier version gave the wrong day for the vote; it was Friday."
    editor.get_by_label("Add a correction note").fill(words)
    editor.get_by_role("button", name="Publish the correction").click()
    expect(notice(editor)).to_contain_text("The correction is published")
    expect(editor.locator("p.correction")).to_contain_text(words)

    reader = review.reader_sees()
    box = reader.get_by_role("region", name="Corrections")
    expect(box).to_contain_text("Correction")
    expect(box).to_contain_text(words)
    expect(box).not_to_contain_text(EDITOR)  # editors' names are not shown to readers
    headline = reader.get_by_role("heading", level=1).inner_text()
    reader.goto(review.site.at("/corrections"))
    expect(reader.locator("main")).to_contain_text(words)
    reader.get_by_role("link", name=headline).first.click()  # to the story's correction
    expect(reader).to_have_url(re.compile(rf"^{re.escape(review.public_url)}#correction"))
    expect(reader.get_by_role("region", name="Corrections")).to_be_in_viewport()


def test_an_unpublished_story_tells_readers_it_was_withdrawn(
    new_page: Any, own_site: Any, tmp_path: Path
) -> None:
    review = open_review(new_page, own_site())
    editor = review.editor
    headline = editor.get_by_role("heading", level=1).inner_text()
    # it takes the story off the site at once: its summary only opens the form, by keyboard too
    unpublish = editor.get_by_role("button", name=re.compile(r"^Unpublish v\d+: take it off"))
    expect(unpublish).to_be_hidden()
    summary = editor.locator(".actions details.confirm summary")
    expect(summary).to_have_text("Unpublish…")
    summary.focus()
    editor.keyboard.press("Enter")
    expect(unpublish).to_be_visible()
    editor.get_by_label("Reason (for the audit log)").fill("a legal complaint")
    editor.screenshot(path=str(tmp_path / "review-unpublish-asks.png"))
    unpublish.click()
    expect(notice(editor)).to_contain_text("Unpublished")
    expect(editor.locator(".status-line")).to_contain_text("withdrawn")

    response = review.reader.goto(review.public_url)
    assert response.status == 410
    expect(review.reader.get_by_role("heading", level=1)).to_have_text("This story was withdrawn")
    expect(review.reader.locator("main")).not_to_contain_text("legal complaint")
    review.reader.goto(review.site.at("/"))
    expect(review.reader.locator(STORY_LINK, has_text=headline)).to_have_count(0)


def test_publish_refuses_a_version_written_after_the_page_was_opened(
    new_page: Any, own_site: Any
) -> None:
    """An editor publishes what their page showed, never a version written since (by the
    pipeline, or here by another editor): that one is shown to them instead."""
    site = own_site()
    review = open_review(new_page, site)
    editor = review.editor
    story_id = int(review.review_url.rsplit("/", 1)[1])
    old = editor.get_by_role("heading", level=1).inner_text()
    with site.database.transaction() as session:
        edit_headline(session, story_id, f"{old}, first look", Actor("lee"))
    editor.reload()
    expect(editor.get_by_role("heading", level=1)).to_have_text(f"{old}, first look")
    with site.database.transaction() as session:  # while the editor reads v2
        edit_headline(session, story_id, f"{old}, unread", Actor("lee"))

    editor.get_by_role("button", name="Publish v2").click()
    expect(editor.get_by_role("alert")).to_contain_text("v3")
    expect(editor.get_by_role("heading", level=1)).to_have_text(f"{old}, unread")  # shown now
    expect(review.reader_sees().get_by_role("heading", level=1)).to_have_text(old)
    editor.get_by_role("button", name="Publish v3").click()
    expect(notice(editor)).to_contain_text("Published")
    expect(review.reader_sees().get_by_role("heading", level=1)).to_have_text(f"{old}, unread")


def test_an_edit_from_a_page_a_newer_version_replaced_is_refused_and_kept_apart(
    new_page: Any, own_site: Any, tmp_path: Path
) -> None:
    """The typed text is kept for the editor to apply again, apart from the new version's
    forms: the sentence of the same number in the new version may say something else."""
    site = own_site()
    review = open_review(new_page, site)
    editor = review.editor
    story_id = int(review.review_url.rsplit("/", 1)[1])
    old = editor.get_by_role("heading", level=1).inner_text()
    sentence = editor.locator(".article-side .paragraph .sentence").first
    position = sentence.get_attribute("id").removeprefix("s")
    sentence.get_by_text(f"Edit S{position}").click()
    typed = editor.locator(f"#text-{position}").input_value().rstrip(".") + " indeed."
    editor.locator(f"#text-{position}").fill(typed)
    with site.database.transaction() as session:
        edit_headline(session, story_id, f"{old}, unread", Actor("lee"))

    sentence.get_by_role("button", name="Check and save").click()
    expect(editor.get_by_role("alert")).to_contain_text("v2")
    kept = editor.get_by_role("textbox", name=f"What you typed for S{position} of v1")
    expect(kept).to_have_value(typed)
    expect(kept).to_have_attribute("readonly", "")
    expect(editor.locator(f"#text-{position}")).not_to_have_value(typed)  # v2's own sentence
    expect(editor.locator(f"#s{position} details.edit")).not_to_have_attribute("open", "")
    expect(editor.locator("#versions + table tbody tr")).to_have_count(2)  # nothing saved
    editor.screenshot(path=str(tmp_path / "review-kept-edit.png"), full_page=True)
    violations = axe_violations(editor)
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_accessibility_problem_on_the_review_page(
    new_page: Any, own_site: Any, width: str
) -> None:
    viewport = {"viewport": PHONE} if width == "phone" else {}
    review = open_review(new_page, own_site(), **viewport)
    for summary in review.editor.locator("details.edit summary").all()[:2]:
        summary.click()  # the edit forms open, their fields counted too
    violations = axe_violations(review.editor)
    assert not violations, f"review page at {width} width:\n{describe(violations)}"
    assert review.editor.log.errors == []
