"""The ad slots the config names are made or updated by every run and worker at its start,
including several workers that start at once on a new database."""

from __future__ import annotations

import threading

import pytest
from helpers import waits_for_a_lock
from sqlalchemy import select

from gazette.config import AdSlotSettings
from gazette.db import Database
from gazette.db.models import AdSlot
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
