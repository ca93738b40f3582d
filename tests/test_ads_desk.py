"""The ad slots on the desk (`/desk/ads`): every slot with its placement, whether it shows and
what readers see; setting a slot's markup (kept by the runs until handed back), switching it
off and on, handing it back to the config, each said on the page, logged, and seen by readers;
refusals that keep what was typed and say why; logins and tokens required; markup cleaned
before it is shown, on the desk as on the readers' pages; no placeholder in production."""

from __future__ import annotations

import re

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from forms import token_in
from sqlalchemy import select
from staff import browser, logged_in

from gazette.ads import MARKUP_LENGTH
from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import AdSlot, AuditEntry
from gazette.publish import sync_ad_slots

HEADER_AD = "Advertisement: The Demo Almanac of Vestria"


def in_mode(settings: Settings, mode: str) -> Settings:
    return settings.model_copy(update={"site": settings.site.model_copy(update={"mode": mode})})


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return demo_settings(sqlite_url)


@pytest.fixture
def synced(settings: Settings, database: Database) -> Database:
    """The database with the demo config's slots, as a run leaves them."""
    with database.transaction() as session:
        sync_ad_slots(session, settings.ads)
    return database


@pytest.fixture
def editor(settings: Settings, synced: Database) -> TestClient:
    return logged_in(settings, synced)


def post(client: TestClient, name: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    token = token_in(client.get("/desk/ads").text)
    return client.post(f"/desk/ads/{name}/{action}", data={**fields, "csrf_token": token})


def section_markup(page: str, name: str) -> str:
    """The slot's section of the desk page, as it is."""
    found = re.search(
        rf'<section class="ad-slot" id="slot-{re.escape(name)}".*?</section>', page, re.S
    )
    assert found, name
    return found.group()


def section(page: str, name: str) -> str:
    """The slot's section of the desk page, its tags removed, its spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", section_markup(page, name)).split())


def logged(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor, e.action, e.target) for e in entries if e.action.startswith("ad.")]


def test_the_page_lists_every_slot_with_what_readers_see(
    editor: TestClient, synced: Database
) -> None:
    with synced.transaction() as session:
        session.add(AdSlot(name="by-hand", placement="footer", html="", enabled=False))
    assert '<a href="/desk/ads">Ads</a>' in editor.get("/desk").text
    page = editor.get("/desk/ads")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    header = section(page.text, "header")
    assert header.startswith(
        "header Placement: header (at the top of every page) shows its ad Markup from the config."
    )
    assert f"Readers see: {HEADER_AD}" in header
    assert "Not in the config" in section(page.text, "by-hand")
    assert "by-hand Placement: footer (at the foot of every page) off" in section(
        page.text, "by-hand"
    )
    assert "production mode: an empty slot shows nothing" in page.text


def test_markup_set_on_the_desk_shows_to_readers_and_outlives_a_run(
    settings: Settings, editor: TestClient, synced: Database
) -> None:
    reader = browser(settings, synced)
    assert HEADER_AD in reader.get("/").text
    done = post(editor, "header", "set", html='<b>Sold by hand</b><img src=x onerror="alert(1)">')
    assert done.status_code == 303
    assert done.headers["location"] == "/desk/ads?done=set&slot=header#slot-header"
    page = editor.get(done.headers["location"]).text
    assert "Ad slot header shows its new markup" in page
    assert "Markup set by ann" in section(page, "header")
    assert "onerror" not in page.split('<div class="ad-preview">')[1].split("</div>")[0]
    assert "&lt;b&gt;Sold by hand&lt;/b&gt;" in page  # the typed markup, as text in its box

    with synced.transaction() as session:  # the next run
        sync_ad_slots(session, settings.ads)
    home = reader.get("/").text
    assert "<b>Sold by hand</b>" in home and HEADER_AD not in home and "onerror" not in home

    handed_back = post(editor, "header", "reset")
    assert handed_back.status_code == 303
    assert "follows the config again" in editor.get(handed_back.headers["location"]).text
    assert HEADER_AD in reader.get("/").text
    assert logged(synced) == [
        ("ann", "ad.set", "ad slot header"),
        ("ann", "ad.handed_back", "ad slot header"),
    ]


def test_a_slot_switched_off_shows_nothing_and_an_empty_one_no_placeholder_in_production(
    settings: Settings, editor: TestClient, synced: Database
) -> None:
    reader = browser(settings, synced)
    assert post(editor, "header", "off").status_code == 303
    assert post(editor, "sidebar", "set", html="   ").status_code == 303
    home = reader.get("/").text
    assert HEADER_AD not in home and 'data-slot="header"' not in home
    assert 'data-slot="sidebar"' not in home and "ad-placeholder" not in home
    page = editor.get("/desk/ads").text
    assert "every page) off" in section(page, "header")
    assert "beside the stories) empty" in section(page, "sidebar")
    developing = browser(in_mode(settings, "development"), synced).get("/").text
    assert 'class="ad-placeholder" data-slot="sidebar"' in developing
    assert 'data-slot="header"' not in developing  # off is off in every mode

    assert post(editor, "header", "on").status_code == 303
    assert HEADER_AD in reader.get("/").text
    assert logged(synced) == [
        ("ann", "ad.off", "ad slot header"),
        ("ann", "ad.set", "ad slot sidebar"),
        ("ann", "ad.on", "ad slot header"),
    ]


def test_refusals_say_why_and_keep_what_was_typed(editor: TestClient, synced: Database) -> None:
    with synced.transaction() as session:
        session.add(AdSlot(name="by-hand", placement="footer", html="<b>x</b>"))
    too_long = "<b>" + "x" * MARKUP_LENGTH + "</b>"
    refused = post(editor, "header", "set", html=too_long)
    assert refused.status_code == 400
    assert "Ad slot header was not changed: the markup is 20,007 characters" in refused.text
    assert too_long.replace("<", "&lt;").replace(">", "&gt;") in refused.text
    nothing_to_hand_back = post(editor, "by-hand", "reset")
    assert nothing_to_hand_back.status_code == 400
    assert "not in the config" in nothing_to_hand_back.text
    assert post(editor, "nowhere", "off").status_code == 404
    assert post(editor, "header", "explode").status_code == 404
    assert logged(synced) == []


def test_a_notice_is_shown_only_for_what_was_done(editor: TestClient) -> None:
    page = editor.get("/desk/ads?done=off&slot=header").text
    assert 'role="status"' not in page  # the header is on: a link made elsewhere tells no change
    nowhere = editor.get("/desk/ads?done=set&slot=nowhere")
    assert nowhere.status_code == 200 and 'role="status"' not in nowhere.text
    assert 'role="status"' not in editor.get("/desk/ads?done=set&slot=header").text  # not set


def notice(client: TestClient, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"]).text
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', page, re.S)
    assert found, page
    return found.group(1)


def test_the_notice_after_new_markup_says_what_readers_get(
    editor: TestClient, synced: Database
) -> None:
    with synced.transaction() as session:
        session.add(AdSlot(name="by-hand", placement="footer", html=""))
    assert notice(editor, post(editor, "header", "set", html="<b>New</b>")) == (
        "Ad slot header shows its new markup. Runs leave it so until it is handed back to the "
        "config."
    )
    assert notice(editor, post(editor, "by-hand", "set", html="<b>New</b>")) == (
        "Ad slot by-hand shows its new markup."  # nothing to hand back to
    )
    assert post(editor, "by-hand", "off").status_code == 303
    assert notice(editor, post(editor, "by-hand", "set", html="<b>Newer</b>")) == (
        "Ad slot by-hand has its new markup; it is off, so no page shows it until it is "
        "switched on."
    )


def test_a_change_that_changes_nothing_is_refused_with_the_slots_state(
    editor: TestClient, synced: Database
) -> None:
    refused = post(editor, "header", "on")
    assert refused.status_code == 400
    assert "Ad slot header was not changed: ad slot header is on already." in refused.text
    follows = post(editor, "header", "reset")
    assert follows.status_code == 400 and "header follows the config already" in follows.text
    assert logged(synced) == []


def test_a_missing_slot_is_a_404_on_the_desks_own_page(
    editor: TestClient, synced: Database
) -> None:
    missing = post(editor, "nowhere", "off")
    assert missing.status_code == 404
    assert "<h1>Ad slots</h1>" in missing.text
    assert "there is no ad slot &#39;nowhere&#39;" in missing.text
    longer = "header" + "x" * 64  # too long for any slot, whatever it starts with
    refused = post(editor, longer, "off")
    assert refused.status_code == 404
    assert f"Ad slot {longer[:64]}… was not changed: there is no ad slot" in refused.text
    assert "every page) shows its ad" in section(editor.get("/desk/ads").text, "header")


def test_markup_over_the_limit_is_refused_on_the_desk_page_whatever_its_length(
    editor: TestClient, synced: Database
) -> None:
    lines = "<br>\r\n" * (MARKUP_LENGTH // len("<br>\n"))  # fits, a line break counted once
    assert post(editor, "header", "set", html=lines).status_code == 303
    far_too_long = "<b>" + "x" * (MARKUP_LENGTH * 3) + "</b>"
    refused = post(editor, "header", "set", html=far_too_long)
    assert refused.status_code == 400
    assert "Ad slot header was not changed: the markup is 60,007 characters; at most 20,000" in (
        refused.text
    )
    assert far_too_long.replace("<", "&lt;").replace(">", "&gt;") in refused.text
    assert logged(synced) == [("ann", "ad.set", "ad slot header")]


def test_no_two_elements_share_an_id(editor: TestClient, synced: Database) -> None:
    with synced.transaction() as session:
        session.add(AdSlot(name="x", placement="footer", html=""))
        session.add(AdSlot(name="x-name", placement="footer", html=""))
        session.add(AdSlot(name="name-x", placement="footer", html=""))
    ids = re.findall(r'\bid="([^"]*)"', editor.get("/desk/ads").text)
    assert len(ids) == len(set(ids)), sorted(ids)


def test_ads_need_a_login_and_a_token(
    settings: Settings, synced: Database, editor: TestClient
) -> None:
    anonymous = browser(settings, synced)
    assert anonymous.get("/desk/ads").headers["location"] == "/login?next=/desk/ads"
    token = token_in(anonymous.get("/login").text)
    assert anonymous.post("/desk/ads/header/off", data={"csrf_token": token}).status_code == 401
    assert editor.post("/desk/ads/header/off").status_code == 403
    assert logged(synced) == []


def form_of(page: str, name: str) -> tuple[str, dict[str, str]]:
    """The slot's markup form on `page`: its address, and its fields as the browser sends them
    untouched (the box's line breaks as `\\r\\n`)."""
    found = re.search(
        r'<form class="ad-markup" method="post" action="([^"]+)">.*?'
        r'name="csrf_token" value="([^"]+)">.*?name="seen" value="([^"]+)">.*?'
        r"<textarea [^>]*>(.*?)</textarea>",
        section_markup(page, name),
        re.S,
    )
    assert found, name
    action, token, seen, box = found.groups()
    box = box.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
    box = box.replace("&#39;", "'").replace("&amp;", "&").replace("\n", "\r\n")
    return action, {"csrf_token": token, "seen": seen, "html": box}


def test_saving_a_box_unchanged_is_refused_and_the_slot_still_follows_the_config(
    editor: TestClient, synced: Database
) -> None:
    with synced.transaction() as session:
        session.add(AdSlot(name="by-hand", placement="footer", html="<b>Two</b>\n<i>lines</i>"))
    for name in ("header", "by-hand"):
        action, fields = form_of(editor.get("/desk/ads").text, name)
        refused = editor.post(action, data=fields)
        assert refused.status_code == 400
        said = f"Ad slot {name} was not changed: ad slot {name} already has this markup."
        assert said in refused.text
    assert "Markup from the config." in section(editor.get("/desk/ads").text, "header")
    assert logged(synced) == []


def page_before_bobs_change(
    settings: Settings, editor: TestClient, synced: Database
) -> tuple[str, dict[str, str]]:
    """The header's form as the editor's page drew it, before Bob set the header's markup."""
    action, fields = form_of(editor.get("/desk/ads").text, "header")
    bob = logged_in(settings, synced, "bob")
    assert post(bob, "header", "set", html="<b>Bob's</b>").status_code == 303
    return action, fields


def test_a_page_drawn_before_another_editors_change_does_not_undo_it(
    settings: Settings, editor: TestClient, synced: Database
) -> None:
    action, fields = page_before_bobs_change(settings, editor, synced)
    refused = editor.post(action, data={**fields, "html": "<b>Ann's</b>"})
    assert refused.status_code == 400
    assert "its markup was replaced since this page showed it (by bob)" in refused.text
    assert "&lt;b&gt;Ann&#39;s&lt;/b&gt;</textarea>" in refused.text  # kept in its box
    assert "Readers see: Bob's" in section(refused.text, "header")
    again, fields = form_of(refused.text, "header")  # saved again from the page that says so
    assert editor.post(again, data=fields).status_code == 303
    assert "Markup set by ann" in section(editor.get("/desk/ads").text, "header")
    assert logged(synced) == [
        ("bob", "ad.set", "ad slot header"),
        ("ann", "ad.set", "ad slot header"),
    ]


def test_an_emptied_box_empties_the_slot(editor: TestClient, synced: Database) -> None:
    action, fields = form_of(editor.get("/desk/ads").text, "header")
    assert editor.post(action, data={**fields, "html": ""}).status_code == 303
    assert "(at the top of every page) empty Markup set by ann" in section(
        editor.get("/desk/ads").text, "header"
    )
    assert logged(synced) == [("ann", "ad.set", "ad slot header")]


def test_a_page_drawn_again_after_another_refusal_still_guards_the_other_editors_change(
    settings: Settings, editor: TestClient, synced: Database
) -> None:
    action, fields = page_before_bobs_change(settings, editor, synced)
    too_long = editor.post(action, data={**fields, "html": "x" * (MARKUP_LENGTH + 1)})
    assert too_long.status_code == 400
    assert "replaced since this page showed it (by bob)" in too_long.text
    assert logged(synced) == [("bob", "ad.set", "ad slot header")]


def test_a_slot_made_by_hand_with_any_name_is_shown_and_managed(
    editor: TestClient, synced: Database
) -> None:
    odd = "sold/by hand?#1"
    with synced.transaction() as session:
        session.add(AdSlot(name=odd, placement="footer", html="<b>Odd</b>"))
    page = editor.get("/desk/ads")
    assert page.status_code == 200
    action, fields = form_of(page.text, odd)
    assert action == "/desk/ads/sold%2Fby%20hand%3F%231/set"
    assert editor.post(action, data={**fields, "html": "<b>Even</b>"}).status_code == 303
    off = editor.post(action.replace("/set", "/off"), data={"csrf_token": fields["csrf_token"]})
    assert off.status_code == 303
    assert "off Markup set by ann" in section(editor.get(off.headers["location"]).text, odd)
    assert editor.post(action.replace("/set", "/explode"), data=fields).status_code == 404
    assert logged(synced) == [
        ("ann", "ad.set", f"ad slot {odd}"),
        ("ann", "ad.off", f"ad slot {odd}"),
    ]
