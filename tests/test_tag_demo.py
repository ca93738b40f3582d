"""The demo's tags, read from the database after the shared demo run: the invented names get
their kinds from the stories' own words, and no common word becomes a tag."""

from __future__ import annotations

from conftest import DemoRun
from sqlalchemy import select

from gazette.db.models import Tag


def test_demo_tags_have_the_kinds_their_stories_give_them(demo: DemoRun) -> None:
    with demo.database.session() as session:
        kinds = {row.name: row.kind for row in session.scalars(select(Tag))}
    expected = {
        "Grauberg": "place",  # "the Grauberg power station"
        "Lindqvist Forge": "organisation",  # a club: "Forge" is an institution's head noun
        "Ostra": "place",  # "the river Ostra"
        "Vestria": "place",  # "Vestrian" is made from it
        "Lindqvist": "place",
        "Elmstead": "place",
        "Port Calder": "place",
        "Ilse Varga": "person",
        "Ines Calloway": "person",  # "won best actress for her role"
        "Halvorsen Robotics": "organisation",
        "Bank of Vestria": "organisation",
    }
    assert {name: kinds.get(name) for name in expected} == expected
    assert not {"Tram", "Coal", "Energy", "Parliament", "Calder", "Golden Lantern"} & set(kinds)
    assert all(len(name.split()) <= 5 for name in kinds)
