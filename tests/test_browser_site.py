"""The readers' site in headless Chromium on the real server (tests/browser.py): the home,
story and tag pages reached by their own links, at desktop and phone widths; citations that
land on their reference; a reader's comment; and axe-core's accessibility rules."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from browser import (
    COMES_WITH_SITE_STORY,
    DESKTOP,
    HAS_VERSIONS_PAGE,
    PHONE,
    STORY_LINK,
    TAG_LINK,
    LiveSite,
    axe_violations,
    describe,
)
from helpers import story_of
from playwright.sync_api import expect
from sqlalchemy import update

from gazette.db.models import Story

pytestmark = pytest.mark.browser


def open_first_story(page: Any, site: LiveSite) -> str:
    """Go home, follow the first story's link; the headline the home page gave it."""
    page.goto(site.at("/"))
    link = page.locator(STORY_LINK).first
    headline = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/story/\d+/"))
    return headline


def go_to(page: Any, site: LiveSite, name: str) -> None:
    """Open the home page, the first story, a tag of that story or the corrections page."""
    open_first_story(page, site)
    if name in ("home", "corrections"):
        page.goto(site.at("/" if name == "home" else "/corrections"))
    elif name == "tag":
        page.locator(TAG_LINK).first.click()
        page.wait_for_url(re.compile(r"/tag/"))


def test_the_home_page_lists_stories_that_lead_to_their_pages(
    reader: Any, live_site: LiveSite
) -> None:
    reader.goto(live_site.at("/"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Latest stories")
    expect(reader.locator("main article.lead .kicker")).to_have_text("Most covered")
    cards = reader.locator("main article:has(:is(h1, h2, h3) a[href^='/story/'])")
    assert cards.count() >= 10  # the demo publishes 15 stories
    for index in range(3):
        expect(cards.nth(index).locator(".meta")).to_contain_text("independent source")
        assert cards.nth(index).locator(TAG_LINK).count() >= 1
    headline = open_first_story(reader, live_site)
    expect(reader.get_by_role("heading", level=1)).to_have_text(headline)
    expect(reader).to_have_title(re.compile(re.escape(headline)))
    assert reader.locator("ol.references li").count() >= 2
    expect(reader.locator("section.coverage")).to_contain_text("independent sources")
    assert reader.log.errors == []


def test_every_sentence_of_a_story_cites_a_reference_that_exists(
    reader: Any, live_site: LiveSite
) -> None:
    open_first_story(reader, live_site)
    references = {
        element.get_attribute("id") for element in reader.locator("ol.references li").all()
    }
    sentences = reader.locator(".summary, .body > p").all()
    assert sentences
    for block in sentences:
        targets = {link.get_attribute("href") for link in block.locator("a.cite").all()}
        assert targets, f"no citation in {block.inner_text()!r}"
        assert {target.removeprefix("#") for target in targets} <= references


def test_a_citation_click_lands_on_its_reference(reader: Any, live_site: LiveSite) -> None:
    open_first_story(reader, live_site)
    # The last citation of the body: its reference is far below, out of sight until followed.
    citation = reader.locator(".body a.cite").last
    number = re.fullmatch(r"\[(\d+)\]", citation.inner_text()).group(1)
    reference = reader.locator(f"#ref-{number}")
    reader.set_viewport_size({"width": 1280, "height": 500})
    reader.evaluate("window.scrollTo(0, 0)")
    expect(reference).not_to_be_in_viewport()
    citation.click()
    expect(reader).to_have_url(re.compile(f"#ref-{number}$"))
    expect(reference).to_be_in_viewport()
    assert reader.evaluate("document.querySelector(':target').id") == f"ref-{number}"
    expect(reference.get_by_role("link")).to_have_attribute("href", re.compile(r"^https?://"))


def test_a_tag_leads_to_the_stories_that_carry_it(reader: Any, live_site: LiveSite) -> None:
    headline = open_first_story(reader, live_site)
    tag = reader.locator(TAG_LINK).first
    name = tag.evaluate("link => link.firstChild.textContent.trim()")
    tag.click()
    reader.wait_for_url(re.compile(r"/tag/"))
    expect(reader.get_by_role("heading", level=1)).to_have_text(name)
    expect(reader.locator(STORY_LINK, has_text=headline)).to_have_count(1)


@pytest.mark.parametrize("page_name", ["home", "story", "tag"])
def test_a_phone_shows_each_page_in_one_column_without_sideways_scrolling(
    new_page: Any, live_site: LiveSite, page_name: str
) -> None:
    page = new_page(viewport=PHONE)
    go_to(page, live_site, page_name)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the {page_name} page is {overflow} px wider than a 390 px phone"
    main, aside = page.locator("main").bounding_box(), page.locator("aside").bounding_box()
    assert main["width"] >= PHONE["width"] - 40  # the text uses the screen's width
    assert aside["y"] >= main["y"] + main["height"] - 1  # the sidebar comes after, not beside
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= PHONE["width"]
    assert page.log.errors == []


def test_a_reader_posts_a_comment_and_sees_it_on_the_story(
    reader: Any, live_site: LiveSite
) -> None:
    open_first_story(reader, live_site)
    story_url = reader.url
    words = f"Browser comment {uuid.uuid4().hex[:8]}: the ferry was <b>late</b> again."
    reader.get_by_label("Name").fill("Maren from Skarv")
    reader.get_by_label("Comment").fill(words)
    with reader.expect_navigation():
        reader.get_by_role("button", name="Post comment").click()
    assert reader.url.startswith(story_url.split("#")[0] + "?comment=posted")
    expect(reader.locator(".notice")).to_contain_text("your comment is published")
    comment = reader.locator(".comment", has_text=words)
    expect(comment).to_have_count(1)  # the markup typed is shown as text
    expect(comment.locator(".who")).to_have_text("Maren from Skarv")
    expect(reader.locator("#comments ~ .comment b")).to_have_count(0)


@pytest.mark.parametrize("page_name", ["home", "story", "tag", "corrections"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_accessibility_problem_on_the_readers_pages(
    new_page: Any, live_site: LiveSite, page_name: str, width: str
) -> None:
    page = new_page(viewport=PHONE) if width == "phone" else new_page()
    go_to(page, live_site, page_name)
    violations = axe_violations(page)
    assert not violations, f"{page_name} at {width} width:\n{describe(violations)}"
    assert page.log.errors == []  # nothing refused by the Content-Security-Policy either


# For each citation marker of a story, whether it sits on the line of the character before it:
# the text's last visible character before the marker, and the marker, measured on the page.
MARKERS_AWAY_FROM_THEIR_WORD = """() => {
    const away = [];
    for (const block of document.querySelectorAll(".summary, .body > p")) {
        const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
        let last = null;  // [node, offset] of the last visible character so far
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const link = node.parentElement.closest("a.cite");
            if (link && node === link.firstChild && last) {
                const range = document.createRange();
                range.setStart(last[0], last[1]);
                range.setEnd(last[0], last[1] + 1);
                const before = range.getBoundingClientRect();
                const marker = link.getBoundingClientRect();
                if (Math.abs(marker.bottom - before.bottom) > before.height * 0.75) {
                    const words = last[0].textContent.slice(Math.max(0, last[1] - 20), last[1] + 1);
                    away.push(`${link.textContent} after «${words}»`);
                }
            }
            const text = node.textContent;
            for (let i = text.length - 1; i >= 0; i--) {
                if (text[i].trim()) { last = [node, i]; break; }
            }
        }
    }
    return away;
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
@pytest.mark.skipif(not HAS_VERSIONS_PAGE, reason=COMES_WITH_SITE_STORY)
def test_citation_markers_stay_on_the_line_of_their_sentence(
    new_page: Any, live_site: LiveSite, viewport: dict[str, int]
) -> None:
    page = new_page(viewport=viewport)
    page.goto(live_site.at("/"))
    links = [link.get_attribute("href") for link in page.locator(STORY_LINK).all()]
    assert len(links) >= 10
    for href in links:
        page.goto(live_site.at(href))
        assert page.locator(".body a.cite").count() > 0
        away = page.evaluate(MARKERS_AWAY_FROM_THEIR_WORD)
        assert away == [], (
            f"{href} at {viewport['width']} px: markers on a line of their own: {away}"
        )


def test_the_home_page_draws_one_rule_between_its_lead_and_the_other_stories(
    reader: Any, live_site: LiveSite
) -> None:
    """The heading "More stories" draws it; the lead drew a second one just above (a double
    rule)."""
    reader.goto(live_site.at("/"))
    lead = reader.locator("main article.lead")
    heading = reader.get_by_role("heading", name="More stories")
    assert lead.evaluate("e => getComputedStyle(e).borderBottomStyle") == "none"
    assert heading.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"


def test_a_story_of_a_thread_dates_the_others_under_their_headlines(
    new_page: Any, own_site: Any, demo: Any
) -> None:
    """The stories "Later in this story": each date on its own line, not run on after the
    headline."""
    site = own_site()
    with site.database.transaction() as session:
        plant = story_of(session, demo.expected["stories"]["halvorsen-plant"][0])
        recall = story_of(session, demo.expected["stories"]["halvorsen-recall"][0])
        session.execute(update(Story).where(Story.id == recall).values(thread_id=plant))
    page = new_page()
    page.goto(site.at(f"/story/{plant}"))
    later = page.locator("aside section.thread", has_text="Later in this story")
    link, date = later.locator("li a").first, later.locator("li .meta").first
    expect(link).to_have_text(re.compile("Halvorsen Robotics recalls"))
    assert date.bounding_box()["y"] >= link.bounding_box()["y"] + link.bounding_box()["height"] - 1


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_a_storys_comments_come_after_its_coverage_on_a_phone_and_under_it_on_a_computer(
    new_page: Any, live_site: LiveSite, viewport: dict[str, int]
) -> None:
    """On a phone the sidebar stands under the main column: the coverage box, part of the
    story, comes before the comments, not after them at the foot of the page. On a computer
    the comments stay under the article, beside the sidebar."""
    page = new_page(viewport=viewport)
    open_first_story(page, live_site)
    coverage = page.locator("section.coverage").bounding_box()
    comments = page.get_by_role("heading", name=re.compile("^Comments")).bounding_box()
    article = page.locator("article.story").bounding_box()
    if viewport == PHONE:
        assert coverage["y"] + coverage["height"] < comments["y"]
    else:
        assert comments["x"] + comments["width"] <= coverage["x"]
        assert 0 <= comments["y"] - (article["y"] + article["height"]) < 100


# The <time> elements of the page that the browser broke across lines.
TIMES_ON_TWO_LINES = """() => [...document.querySelectorAll("time")]
    .filter(time => time.getClientRects().length > 1).map(time => time.textContent)"""
# Whether an outlet's domain (`.meta`) in the coverage box starts below the line of its name.
DOMAIN_UNDER_NAME = """li => {
    const name = document.createRange();
    name.selectNodeContents(li.firstChild);
    return li.querySelector(".meta").getBoundingClientRect().top
        >= name.getBoundingClientRect().bottom - 1;
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_the_coverage_box_keeps_each_time_on_one_line_and_each_domain_under_its_outlet(
    new_page: Any, live_site: LiveSite, viewport: dict[str, int]
) -> None:
    page = new_page(viewport=viewport)
    open_first_story(page, live_site)
    assert page.locator("section.coverage time").count() >= 1
    assert page.evaluate(TIMES_ON_TWO_LINES) == []
    outlets = page.locator("section.coverage li").all()
    assert len(outlets) >= 2
    for outlet in outlets:
        assert outlet.evaluate(DOMAIN_UNDER_NAME), outlet.inner_text()
