"""The ad slots the config names are made or updated by every run and worker at its start,
including several workers that start at once on a new database; an editor's changes (markup
set, a slot switched off) are left alone by those runs until the slot is handed back to the
config, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from helpers import waits_for_a_lock
from sqlalchemy import select

from gazette import ads
from gazette.config import AdSlotSettings
from gazette.db import Database
from gazette.db.models import AdSlot, AuditEntry
from gazette.errors import InputError, NotFound
from gazette.publish import sync_ad_slots

SLOTS = [
    AdSlotSettings(name="header", placement="header", html="<a href='/a'>A</a>"),
    AdSlotSettings(name="aside", placement="sidebar"),
]


def slots_in(database: Database) -> list[tuple[str, str, str, bool]]:
    with database.session() as session:
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
        ads.set_markup(session, "header", "  <b>Sold by hand</b>\n", "ann")
        ads.switch(session, "aside", False, "ann")
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
        ("ann", "ad.set", "header"),
        ("ann", "ad.off", "aside"),
        ("bob", "ad.handed_back", "header"),
    ]
    database.dispose()


def test_what_a_slot_shows_is_what_is_left_once_cleaned(database: Database) -> None:
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        ads.set_markup(session, "aside", "<script>alert(1)</script>", "ann")
        entries = {entry.name: entry for entry in ads.list_slots(session, SLOTS)}
    assert entries["aside"].shows == ads.EMPTY  # readers get nothing: the script is removed
    assert entries["header"].shows == ads.SHOWS


def test_refusals_say_why_and_change_nothing(database: Database) -> None:
    with database.transaction() as session:
        sync_ad_slots(session, SLOTS)
        session.add(AdSlot(name="by-hand", placement="footer", html="<b>x</b>"))
    with pytest.raises(NotFound, match="no ad slot 'nowhere'"), database.transaction() as s:
        ads.set_markup(s, "nowhere", "<b>x</b>", "ann")
    with pytest.raises(InputError, match="at most 20,000"), database.transaction() as s:
        ads.set_markup(s, "header", "x" * (ads.MARKUP_LENGTH + 1), "ann")
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
        ads.set_markup(editor, "header", "<b>Desk</b>", "ann")  # the row locked, not committed
        running = threading.Thread(target=a_run_starts)
        running.start()
        assert waits_for_a_lock(database, seconds=60)
    running.join(60)

    assert not running.is_alive() and failures == []
    assert ("header", "header", "<b>Desk</b>", True) in slots_in(database)
    database.dispose()
