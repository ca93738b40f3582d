"""The ad slots the config names are made or updated by every run and worker at its start,
including several workers that start at once on a new database; an editor's changes (markup
set, a slot switched off) are left alone by those runs until the slot is handed back to the
config, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import get_args

import pytest
from alembic import command
from click.testing import Result
from helpers import waits_for_a_lock
from sqlalchemy import inspect, select
from test_migrations import differences
from typer.testing import CliRunner

from gazette import ads
from gazette.audit import ACTOR_LENGTH, DETAIL_LENGTH, command_line_actor
from gazette.cli import app
from gazette.config import AdSlotSettings
from gazette.db import Database
from gazette.db.models import AdSlot, AuditEntry
from gazette.errors import InputError, NotFound
from gazette.publish import sync_ad_slots

SLOTS = [
    AdSlotSettings(name="header", placement="header", html="<a href='/a'>A</a>"),
    AdSlotSettings(name="aside", placement="sidebar"),
]


def slots_in(database: Database, plain: bool = False) -> list[tuple[str, str, str, bool]]:
    """The slots by name; `plain` reads the columns every schema has (before migration 0025)."""
    columns = (AdSlot.name, AdSlot.placement, AdSlot.html, AdSlot.enabled)
    with database.session() as session:
        if plain:
            return [tuple(row) for row in session.execute(select(*columns).order_by(AdSlot.name))]
        rows = session.scalars(select(AdSlot).order_by(AdSlot.name))
        return [(row.name, row.placement, row.html, row.enabled) for row in rows]


def test_the_configs_slots_are_made_then_updated_and_others_left_alone(
    each_database_url: str,
) -> None:
    database = Database(each_database_url)
    database.migrate()
    with database.transaction() as session:
        session.add(AdSlot(name="sold-by-hand", placement="footer", html="<b>x</b>", enabled=False))
        sync_ad_slots(session, SLOTS)
    moved = AdSlotSettings(name="header", placement="article", html="<i>B</i>")
    with database.transaction() as session:
        sync_ad_slots(session, [moved])
    assert slots_in(database) == [
        ("aside", "sidebar", "", True),
        ("header", "article", "<i>B</i>", True),
        ("sold-by-hand", "footer", "<b>x</b>", False),
    ]
    database.dispose()


def test_workers_starting_at_once_make_each_slot_once(each_database_url: str) -> None:
    if not each_database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: two inserts never race there")
    database = Database(each_database_url)
    database.migrate()
    failures: list[BaseException] = []

    def second_worker_starts() -> None:
        try:
            with database.transaction() as session:
                sync_ad_slots(session, SLOTS)
        except BaseException as exc:  # the start this test is about
            failures.append(exc)

    with database.transaction() as first_worker:
        sync_ad_slots(first_worker, SLOTS)  # not committed yet
        starting = threading.Thread(target=second_worker_starts)
        starting.start()
        # The second worker comes to insert the same slots and waits for the first.
        assert waits_for_a_lock(database, seconds=60)
    starting.join(60)

    assert not starting.is_alive() and failures == []
    assert [name for name, *_ in slots_in(database)] == ["aside", "header"]
    database.dispose()


def logged(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor, e.action, e.target) for e in entries if e.action.startswith("ad.")]


def test_markup_set_by_an_editor_outlives_the_runs_until_handed_back(
    each_database_url: str,
) -> None:
    database = Database(each_database_url)
    database.migrate()
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        ads.set_markup(session, "header", "  <b>Sold by hand</b>\n", SLOTS, "ann")
        ads.switch(session, "aside", False, SLOTS, "ann")
    moved = [
        AdSlotSettings(name="header", placement="footer", html="<i>Config</i>"),
        AdSlotSettings(name="aside", placement="sidebar", html="<i>Aside</i>"),
    ]
    with database.transaction() as session:
        sync_ad_slots(session, moved)
    assert slots_in(database) == [
        ("aside", "sidebar", "<i>Aside</i>", False),  # its markup follows, it stays off
        ("header", "footer", "<b>Sold by hand</b>", True),  # moved where the config says
    ]
    with database.session() as session:
        header = ads.slot_entry(session, "header", moved)
        assert (header.edited_by, header.follows_config, header.shows) == ("ann", False, ads.SHOWS)
        assert ads.slot_entry(session, "aside", moved).shows == ads.OFF

    with database.transaction() as session:
        ads.hand_back(session, "header", moved, "bob")
    assert slots_in(database)[1] == ("header", "footer", "<i>Config</i>", True)
    later = [AdSlotSettings(name="header", placement="footer", html="<i>Later</i>")]
    with database.transaction() as session:
        sync_ad_slots(session, later)
        assert ads.slot_entry(session, "header", later).follows_config
    assert slots_in(database)[1] == ("header", "footer", "<i>Later</i>", True)
    assert logged(database) == [
        ("ann", "ad.set", "ad slot header"),
        ("ann", "ad.off", "ad slot aside"),
        ("bob", "ad.handed_back", "ad slot header"),
    ]
    database.dispose()


def test_what_a_slot_shows_is_what_is_left_once_cleaned(database: Database) -> None:
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        ads.set_markup(session, "aside", "<script>alert(1)</script>", SLOTS, "ann")
        entries = {entry.name: entry for entry in ads.list_slots(session, SLOTS)}
    assert entries["aside"].shows == ads.EMPTY  # readers get nothing: the script is removed
    assert entries["header"].shows == ads.SHOWS


def test_refusals_say_why_and_change_nothing(database: Database) -> None:
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        session.add(AdSlot(name="by-hand", placement="footer", html="<b>x</b>"))
    with pytest.raises(NotFound, match="no ad slot 'nowhere'"), database.transaction() as s:
        ads.set_markup(s, "nowhere", "<b>x</b>", SLOTS, "ann")
    with pytest.raises(InputError, match="at most 20,000"), database.transaction() as s:
        ads.set_markup(s, "header", "x" * (ads.MARKUP_LENGTH + 1), SLOTS, "ann")
    with pytest.raises(InputError, match="not in the config"), database.transaction() as s:
        ads.hand_back(s, "by-hand", SLOTS, "ann")
    assert ("by-hand", "footer", "<b>x</b>", True) in slots_in(database)
    assert ("header", "header", "<a href='/a'>A</a>", True) in slots_in(database)
    assert logged(database) == []


def test_a_run_that_syncs_while_an_editor_sets_a_slot_keeps_the_editors_markup(
    each_database_url: str,
) -> None:
    if not each_database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the sync comes before or after the edit")
    database = Database(each_database_url)
    database.migrate()
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
    failures: list[BaseException] = []

    def a_run_starts() -> None:
        try:
            with database.transaction() as session:
                sync_ad_slots(session, SLOTS)
        except BaseException as exc:  # the sync this test is about
            failures.append(exc)

    with database.transaction() as editor:
        ads.set_markup(
            editor, "header", "<b>Desk</b>", SLOTS, "ann"
        )  # the row locked, not committed
        running = threading.Thread(target=a_run_starts)
        running.start()
        assert waits_for_a_lock(database, seconds=60)
    running.join(60)

    assert not running.is_alive() and failures == []
    assert ("header", "header", "<b>Desk</b>", True) in slots_in(database)
    database.dispose()


def test_a_slot_the_config_names_is_listed_and_managed_before_any_run_made_it(
    database: Database,
) -> None:
    with database.session() as session:
        listed = ads.list_slots(session, SLOTS)
    assert [(e.name, e.made, e.shows) for e in listed] == [
        ("header", False, ads.SHOWS),
        ("aside", False, ads.EMPTY),
    ]
    with database.transaction() as session:
        ads.switch(session, "aside", False, SLOTS, "ann")
    assert slots_in(database) == [("aside", "sidebar", "", False)]


CONFIG = """
[[ads]]
name = "header"
placement = "header"
html = '<a href="https://shop.example/" rel="sponsored">Shop</a>'

[[ads]]
name = "aside"
placement = "sidebar"
"""


def test_the_command_lists_sets_switches_and_hands_back(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GAZETTE_CONFIG", "GAZETTE_DATABASE_URL", "GAZETTE_ADS"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "gazette.toml"
    config.write_text(CONFIG, encoding="utf-8")

    def gazette_ads(*args: str) -> Result:
        return CliRunner().invoke(
            app, ["--config", str(config), "--database", database.url, "ads", *args]
        )

    markup = tmp_path / "ad.html"
    # Saved by an editor that starts the file with a byte-order mark: no part of the markup.
    markup.write_text("<b>House ad</b><script>alert(1)</script>", encoding="utf-8-sig")
    done = gazette_ads("set", "aside", "--file", str(markup))
    assert done.exit_code == 0, done.output
    assert "readers see: <b>House ad</b>" in done.output
    assert gazette_ads("off", "header").exit_code == 0
    listed = {slot["name"]: slot for slot in json.loads(gazette_ads("list", "--json").output)}
    assert listed["aside"]["shows"] == ads.SHOWS and listed["header"]["shows"] == ads.OFF
    assert listed["aside"]["shown_html"] == "<b>House ad</b>"
    assert listed["aside"]["html"] == "<b>House ad</b><script>alert(1)</script>"
    assert listed["aside"]["edited_by"] == command_line_actor()
    assert not listed["aside"]["follows_config"] and listed["header"]["follows_config"]
    assert listed["aside"]["made"] and listed["header"]["made"]
    table = gazette_ads("list").output
    assert f"set by {command_line_actor()}" in table and "off" in table

    handed_back = gazette_ads("reset", "aside")
    assert handed_back.exit_code == 0 and "follows the config again" in handed_back.output
    unmade = tmp_path / "unmade.toml"
    unmade.write_text(CONFIG + '\n[[ads]]\nname = "later"\nplacement = "footer"\n')
    listed = CliRunner().invoke(
        app, ["--config", str(unmade), "--database", database.url, "ads", "list", "--json"]
    )
    assert {slot["name"]: slot["made"] for slot in json.loads(listed.output)}["later"] is False
    set_while_off = gazette_ads("set", "header", "--html", "<b>Off</b>")
    assert set_while_off.exit_code == 0, set_while_off.output
    said = " ".join(set_while_off.output.split())
    assert "readers see" not in said and "it is off: no page shows it" in said
    again = gazette_ads("off", "header")
    assert again.exit_code == 2 and "ad slot header is off already" in again.output
    assert gazette_ads("reset", "header").exit_code == 0
    assert gazette_ads("on", "header").exit_code == 0
    assert slots_in(database) == [
        ("aside", "sidebar", "", True),
        ("header", "header", '<a href="https://shop.example/" rel="sponsored">Shop</a>', True),
    ]
    refused = gazette_ads("set", "nowhere", "--html", "<b>x</b>")
    assert refused.exit_code == 2 and "there is no ad slot 'nowhere'" in refused.output
    neither = gazette_ads("set", "aside")
    assert neither.exit_code == 2 and "--html or with --file" in neither.output
    same = gazette_ads("set", "aside", "--html", "")  # it follows the config, which has none
    assert same.exit_code == 2 and "ad slot aside already has this markup" in same.output
    binary = tmp_path / "ad.bin"
    binary.write_bytes(b"<b>x</b>\x00\x01")
    nul = gazette_ads("set", "aside", "--file", str(binary))
    assert nul.exit_code == 2 and "NUL character" in nul.output
    actor = command_line_actor()
    assert logged(database) == [
        (actor, "ad.set", "ad slot aside"),
        (actor, "ad.off", "ad slot header"),
        (actor, "ad.handed_back", "ad slot aside"),
        (actor, "ad.set", "ad slot header"),
        (actor, "ad.handed_back", "ad slot header"),
        (actor, "ad.on", "ad slot header"),
    ]


def test_the_migration_goes_up_and_down_keeping_the_slots(each_database_url: str) -> None:
    database = Database(each_database_url)
    try:
        database.migrate()
        with database.transaction() as session:
            sync_ad_slots(session, SLOTS)
            ads.set_markup(session, "aside", "<b>Desk</b>", SLOTS, "ann")
            ads.switch(session, "header", False, SLOTS, "ann")
        kept = [
            ("aside", "sidebar", "<b>Desk</b>", True),
            ("header", "header", "<a href='/a'>A</a>", False),
        ]
        config = database._alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0024")
        columns = {c["name"] for c in inspect(database.engine).get_columns("ad_slots")}
        assert "edited_by" not in columns
        assert slots_in(database, plain=True) == kept
        database.migrate()
        assert differences(database) == []
        assert slots_in(database) == kept
    finally:
        database.dispose()


def test_a_name_longer_than_a_slots_names_no_slot(database: Database) -> None:
    longest = [AdSlotSettings(name="a" * ads.NAME_LENGTH, placement="header", html="<b>x</b>")]
    with database.transaction() as session:
        sync_ad_slots(session, longest)
    too_long = "a" * ads.NAME_LENGTH + "zzz"  # cut to the column's length, it is the slot above
    with pytest.raises(NotFound, match=r"no ad slot 'a{64}…'"), database.transaction() as session:
        ads.switch(session, too_long, False, longest, "ann")
    with pytest.raises(NotFound), database.transaction() as session:
        ads.set_markup(session, too_long, "<i>y</i>", longest, "ann")
    assert slots_in(database) == [("a" * ads.NAME_LENGTH, "header", "<b>x</b>", True)]
    assert logged(database) == []


def details(database: Database) -> list[str]:
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [entry.detail for entry in entries if entry.action.startswith("ad.")]


def test_the_log_keeps_the_markup_before_and_after(database: Database) -> None:
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        ads.set_markup(session, "header", "<b>Desk</b>", SLOTS, "ann")
        ads.set_markup(session, "header", "", SLOTS, "ann")
        ads.hand_back(session, "header", SLOTS, "bob")
        ads.set_markup(session, "aside", "<i>" + "x\n" * 5000 + "</i>", SLOTS, "ann")
        ads.set_markup(session, "aside", "<b>Short</b>", SLOTS, "ann")
    first, emptied, handed_back, long, after_long = details(database)
    assert first == "\"<a href='/a'>A</a>\" -> '<b>Desk</b>'"
    assert emptied == "'<b>Desk</b>' -> ''"
    assert handed_back == "'' -> \"<a href='/a'>A</a>\""
    assert long.startswith("'' -> '<i>x\\nx\\n") and long.endswith("…")
    assert after_long.startswith("'<i>x\\nx") and after_long.endswith("… -> '<b>Short</b>'")
    assert len(long) <= DETAIL_LENGTH and len(after_long) <= DETAIL_LENGTH


def test_a_change_that_changes_nothing_is_refused_and_not_logged(database: Database) -> None:
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        ads.switch(session, "aside", False, SLOTS, "ann")
    refusals = [
        ("header is on already", lambda s: ads.switch(s, "header", True, SLOTS, "ann")),
        ("aside is off already", lambda s: ads.switch(s, "aside", False, SLOTS, "ann")),
        ("follows the config already", lambda s: ads.hand_back(s, "header", SLOTS, "ann")),
    ]
    for reason, change in refusals:
        with pytest.raises(InputError, match=reason), database.transaction() as session:
            change(session)
    assert logged(database) == [("ann", "ad.off", "ad slot aside")]


def test_markup_is_counted_and_kept_with_plain_line_breaks(database: Database) -> None:
    lines = "<br>\r\n" * (ads.MARKUP_LENGTH // len("<br>\n"))  # over the limit as sent
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        ads.set_markup(session, "header", f"\r\n {lines}\r\n", SLOTS, "ann")
    stored = slots_in(database)[1][2]
    assert stored == lines.replace("\r\n", "\n").strip()
    assert len(stored) <= ads.MARKUP_LENGTH and "\r" not in stored


def test_the_editors_name_is_kept_to_its_columns_length(each_database_url: str) -> None:
    database = Database(each_database_url)
    database.migrate()
    try:
        with database.transaction() as session:
            ads.set_markup(session, "header", "<b>x</b>", SLOTS, "n" * 150)
        with database.session() as session:
            assert ads.slot_entry(session, "header", SLOTS).edited_by == "n" * ACTOR_LENGTH
    finally:
        database.dispose()


def test_a_slot_whose_placement_no_page_has_shows_on_no_page(database: Database) -> None:
    with database.transaction() as session:
        session.add(AdSlot(name="popup", placement="popup", html="<b>x</b>"))
    with database.session() as session:
        assert ads.slot_entry(session, "popup", SLOTS).shows == ads.NOWHERE
    assert {placement for placement in ads.PLACES} == set(
        get_args(AdSlotSettings.model_fields["placement"].annotation)
    )


def edited(database: Database, name: str) -> tuple[str, str | None, object]:
    with database.session() as session:
        row = session.scalars(select(AdSlot).where(AdSlot.name == name)).one()
        return row.html, row.edited_by, row.edited_at


def test_markup_a_slot_has_already_is_refused_and_leaves_it_as_it_was(
    each_database_url: str,
) -> None:
    """The same once kept as `set_markup` keeps markup (line breaks as `\\n`, no space around
    it) is no change: a slot that follows the config still does, and nothing is logged."""
    configured = [*SLOTS, AdSlotSettings(name="footer", placement="footer", html="<i>F</i>\n")]
    database = Database(each_database_url)
    database.migrate()
    try:
        with database.transaction() as session:
            sync_ad_slots(session, configured)
        same = [
            ("header", "<a href='/a'>A</a>"),
            ("header", "\r\n  <a href='/a'>A</a>\r\n"),
            ("footer", "<i>F</i>"),  # the config's TOML string ended with a line break
            ("aside", "  "),
        ]
        for name, html in same:
            with (
                pytest.raises(InputError, match=f"ad slot {name} already has this markup"),
                database.transaction() as session,
            ):
                ads.set_markup(session, name, html, configured, "ann")
            assert edited(database, name)[1] is None
        with database.transaction() as session:
            ads.set_markup(session, "header", "<b>Desk</b>\n<i>2</i>", configured, "ann")
        before = edited(database, "header")
        with pytest.raises(InputError, match="already"), database.transaction() as session:
            ads.set_markup(session, "header", "<b>Desk</b>\r\n<i>2</i>\r\n", configured, "bob")
        assert edited(database, "header") == before  # still ann's, from when she set it
        with database.transaction() as session:  # what cleaning removes is markup all the same
            ads.set_markup(session, "header", "<b>Desk</b>\n<i>2</i><script>", configured, "bob")
        assert edited(database, "header")[1] == "bob"
        assert logged(database) == [
            ("ann", "ad.set", "ad slot header"),
            ("bob", "ad.set", "ad slot header"),
        ]
    finally:
        database.dispose()


def test_markup_replaced_since_the_editor_saw_it_is_not_overwritten_unseen(
    database: Database,
) -> None:
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
    seen_by_ann = ads.fingerprint(SLOTS[0].html)
    with database.transaction() as session:
        ads.set_markup(session, "header", "<b>Bob's</b>", SLOTS, "bob")
    with (
        pytest.raises(InputError, match=r"replaced since this page showed it \(by bob\)"),
        database.transaction() as session,
    ):
        ads.set_markup(session, "header", "<b>Ann's</b>", SLOTS, "ann", seen=seen_by_ann)
    assert edited(database, "header")[:2] == ("<b>Bob's</b>", "bob")
    with database.transaction() as session:  # saved again from the page that shows Bob's
        ads.set_markup(
            session, "header", "<b>Ann's</b>", SLOTS, "ann", seen=ads.fingerprint("<b>Bob's</b>")
        )
    assert edited(database, "header")[:2] == ("<b>Ann's</b>", "ann")
    with database.transaction() as session:
        ads.hand_back(session, "header", SLOTS, "bob")
        sync_ad_slots(session, [AdSlotSettings(name="header", placement="header", html="<i>N</i>")])
    with (
        pytest.raises(InputError, match=r"\(it follows the config again\)"),
        database.transaction() as session,
    ):
        ads.set_markup(session, "header", "<b>x</b>", SLOTS, "ann", seen=seen_by_ann)


def test_markup_with_a_nul_character_is_refused_before_the_database_sees_it(
    each_database_url: str,
) -> None:
    database = Database(each_database_url)
    database.migrate()
    try:
        with (
            pytest.raises(InputError, match="NUL character"),
            database.transaction() as session,
        ):
            ads.set_markup(session, "header", "<b>x</b>\x00", SLOTS, "ann")
        assert slots_in(database) == [] and logged(database) == []
    finally:
        database.dispose()
