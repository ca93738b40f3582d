"""Editors' decisions about tags (gazette/tag/decisions.py, `gazette tags`): stored by slug,
applied at once to the stories already tagged, honoured by the tag stage when a story is tagged
again, refused with a clear reason, written to the audit log; the table's migration both ways
on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from alembic import command
from fight import FIGHT, add_ready, settings_for, stored_fight
from review_story import harbour_story
from sqlalchemy import inspect, select
from tagged import tag_stories, tags_of
from test_migrations import differences
from typer.testing import CliRunner

from gazette.audit import command_line_actor
from gazette.cli import app
from gazette.db import Database
from gazette.db.models import AuditEntry, StoryMember, Tag
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.tag import decisions

runner = CliRunner()


@pytest.fixture
def tags(database: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`gazette --database URL tags ...` on the test's database."""
    for name in ("GAZETTE_CONFIG", "GAZETTE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--database", database.url, "tags", *args])

    return run


def logged(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor, e.action, e.target) for e in entries if e.action.startswith("tag.")]


def test_the_migration_goes_up_and_down(each_database_url: str) -> None:
    database = Database(each_database_url)
    try:
        database.migrate()
        assert "tag_decisions" in inspect(database.engine).get_table_names()
        config = database._alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0023")
        assert "tag_decisions" not in inspect(database.engine).get_table_names()
        database.migrate()
        assert differences(database) == []
    finally:
        database.dispose()


def test_commands_fix_the_stories_already_tagged_and_log_it(tags, database: Database) -> None:  # type: ignore[no-untyped-def]
    one, two = harbour_story(database), harbour_story(database)
    tag_stories(
        database, {"RSV": [one, two], "Calder": [one], "Calder Port": [two], "Ferry": [one]}
    )

    listed = tags("list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [(t["slug"], t["stories"]) for t in json.loads(listed.output)][:1] == [("rsv", 2)]

    renamed = tags("rename", "rsv", "--name", "RSV", "--kind", "topic")
    assert renamed.exit_code == 0, renamed.output
    assert "rsv is now RSV (topic)" in renamed.output
    merged = tags("merge", "calder", "--into", "calder-port")
    assert merged.exit_code == 0 and "1 story moved" in merged.output, merged.output
    hidden = tags("hide", "ferry")
    assert hidden.exit_code == 0 and "1 story untagged" in hidden.output, hidden.output

    assert tags_of(database, one) == [
        ("rsv", "RSV", "topic"),
        ("calder-port", "Calder Port", "organisation"),
    ]
    assert tags_of(database, two) == [
        ("rsv", "RSV", "topic"),
        ("calder-port", "Calder Port", "organisation"),
    ]

    table = tags("list", "--search", "calder").output
    assert "merged into calder-port" in table and "rsv" not in table
    assert "ferry" in tags("list", "--kind", "organisation").output
    assert "hidden" in tags("list", "--search", "FERRY").output
    assert "no tags" in tags("list", "--search", "%_").output  # wildcards are text

    shown = tags("show", "ferry")
    assert shown.exit_code == 0, shown.output
    actor = command_line_actor()
    assert logged(database) == [
        (actor, "tag.renamed", "tag rsv"),
        (actor, "tag.merged", "tag calder"),
        (actor, "tag.hidden", "tag ferry"),
        (actor, "tag.shown", "tag ferry"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rename", "nothing-here", "--name", "X"], "there is no tag 'nothing-here'"),
        (["rename", "rsv"], "give a new name or a new kind"),
        (["rename", "rsv", "--kind", "animal"], "the kind must be one of"),
        (["rename", "rsv", "--name", "Calder"], "merge rsv into it instead"),
        (["merge", "rsv", "--into", "rsv"], "rsv cannot be merged into itself"),
        (["merge", "rsv", "--into", "nowhere"], "there is no tag 'nowhere'"),
        (["merge", "calder-port", "--into", "calder"], "would make a cycle"),
        (["merge", "rsv", "--into", "calder"], "calder is merged into calder-port: merge into"),
        (["merge", "calder", "--into", "rsv"], "calder is merged into calder-port already"),
        (["merge", "rsv", "--into", "ferry"], "ferry is hidden"),
        (["hide", "ferry"], "ferry is hidden already"),
        (["hide", "calder"], "calder is merged into calder-port"),
        (["show", "rsv"], "rsv is neither hidden nor merged"),
        # hiding a tag others were merged into would take theirs from their stories unsaid
        (["hide", "calder-port"], "calder merged into calder-port"),
    ],
)
def test_refusals_say_why(tags, database: Database, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    story = harbour_story(database)
    tag_stories(database, {"RSV": [story], "Calder": [story], "Calder Port": [], "Ferry": []})
    with database.transaction() as session:
        decisions.merge(session, "calder", "calder-port", "ann")
        decisions.hide(session, "ferry", "ann")
    before = tags_of(database, story)
    refused = tags(*args)
    assert refused.exit_code == 2
    assert message in refused.output
    assert tags_of(database, story) == before


def test_merges_stay_flat(database: Database) -> None:
    story = harbour_story(database)
    tag_stories(database, {"A": [story], "B": [story], "C": []})
    with database.transaction() as session:
        decisions.merge(session, "a", "b", "ann")
        decisions.merge(session, "b", "c", "ann")
    assert tags_of(database, story) == [("c", "C", "organisation")]
    with database.session() as session:
        entries = {t.slug: t for t in decisions.list_tags(session)}
    assert entries["a"].merged_into == entries["b"].merged_into == "c"


def test_show_undoes_a_merge(database: Database) -> None:
    story = harbour_story(database)
    tag_stories(database, {"A": [story], "B": []})
    with database.transaction() as session:
        decisions.merge(session, "a", "b", "ann")
        decisions.show(session, "a", "ann")
    with database.session() as session:
        assert decisions.fate(session, "a") is None
        a = session.scalar(select(Tag.id).where(Tag.slug == "a"))
        assert decisions.honoured(session, [a]) == [a]  # its own tag again, not b


def test_a_renamed_tag_gets_the_stories_that_name_it_by_its_new_name(database: Database) -> None:
    """The tag stage makes tags from names: after "okafor" is renamed "Grace Okafor", a story
    naming Grace Okafor gets the renamed tag, not a second one."""
    story = harbour_story(database)
    tag_stories(database, {"Okafor": [story]})
    with database.transaction() as session:
        decisions.rename(session, "okafor", "ann", name="Grace Okafor", kind="person")
        session.add(Tag(slug="grace-okafor", name="Grace Okafor", kind="person"))
        session.flush()
        new_id = session.scalar(select(Tag.id).where(Tag.slug == "grace-okafor"))
        kept = decisions.honoured(session, [new_id])
        okafor = session.scalar(select(Tag.id).where(Tag.slug == "okafor"))
        assert kept == [okafor]
        # and the kind can still be changed: the new name's slug is this tag's own alias
        decisions.rename(session, "okafor", "ann", name="Grace Okafor", kind="organisation")


def _story_of(database: Database, document_id: int) -> int:
    with database.session() as session:
        return session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == document_id)
        )


def test_the_tag_stage_honours_the_decisions(database: Database, embedder: MiniLMEmbedder) -> None:
    fight = stored_fight(database, embedder)
    story = _story_of(database, fight[0].id)
    assert {"brennick", "dario-pell"} <= {slug for slug, *_ in tags_of(database, story)}
    with database.transaction() as session:
        session.add(Tag(slug="brennick-city", name="Brennick City", kind="place"))
        session.flush()
        decisions.merge(session, "brennick", "brennick-city", "ann")
        decisions.rename(session, "brennick-city", "ann", name="Brennick Town")
        decisions.hide(session, "dario-pell", "ann")
        decisions.rename(session, "dario-pell", "ann", kind="organisation")
    fixed = tags_of(database, story)
    assert ("brennick-city", "Brennick Town", "place") in fixed
    assert not {"brennick", "dario-pell"} & {slug for slug, *_ in fixed}

    # a new report: the story is written and tagged again
    with database.transaction() as session:
        add_ready(session, "c", *FIGHT[2], 2)
    run_pipeline(database, settings_for(database.url), embedder)
    again = tags_of(database, story)
    assert ("brennick-city", "Brennick Town", "place") in again
    assert not {"brennick", "dario-pell"} & {slug for slug, *_ in again}

    # shown again: the next tagging gives it back, under the editor's kind
    with database.transaction() as session:
        decisions.show(session, "dario-pell", "ann")
        add_ready(session, "d", *FIGHT[3], 3)
    run_pipeline(database, settings_for(database.url), embedder)
    assert ("dario-pell", "Dario Pell", "organisation") in tags_of(database, story)
