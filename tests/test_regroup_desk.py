"""Fixing the clustering on the desk (/desk/story/{id}/reports) through the HTTP interface, on
a real SQLite file: who may use the forms, their CSRF tokens, what each form does, and what a
refused one says."""

from __future__ import annotations

import html
import re
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import hypothesis
import pytest
from fastapi.testclient import TestClient
from fight import BANK, FIGHT, add_ready, members, settings_for
from forms import token_in
from fresh import fresh_database
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from staff import browser, logged_in

from gazette import regroup
from gazette.config import Settings
from gazette.db import Database
from gazette.db.engine import BUSY_TIMEOUT_SECONDS
from gazette.db.models import AuditEntry, Story, StoryMember
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.work import serialized


@pytest.fixture(params=["sqlite"])
def database(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Database]:
    """An empty database of the test's own: a SQLite file, unless the test asks for
    PostgreSQL (`parametrize("database", ["postgresql"], indirect=True)`)."""
    yield from fresh_database(request, sqlite_url)


@pytest.fixture
def settings(database: Database) -> Settings:
    return settings_for(database.url)


@pytest.fixture
def stories(database: Database, settings: Settings, embedder: MiniLMEmbedder) -> dict[str, object]:
    """Three reports of the fight in one story, and a bank report in another (its title with
    markup in it, as a feed could send)."""
    with database.transaction() as session:
        fight = [add_ready(session, f"f{i}", *FIGHT[i], i).id for i in range(3)]
        bank = add_ready(session, "bank", *BANK, 1)
        bank.title = "<b>Quillon</b> Bank raises savings rates"
        bank = bank.id
    run_pipeline(database, settings, embedder)
    with database.session() as session:
        fight_story = session.get(StoryMember, fight[0]).story_id
        bank_story = session.get(StoryMember, bank).story_id
    assert members_of(database, fight_story) == set(fight)
    return {"fight": fight, "bank": bank, "fight_story": fight_story, "bank_story": bank_story}


@pytest.fixture
def editor(settings: Settings, database: Database) -> TestClient:
    return logged_in(settings, database)


def members_of(database: Database, story_id: int) -> set[int]:
    with database.session() as session:
        return members(session, story_id)


def page_of(client: TestClient, story_id: int) -> str:
    response = client.get(f"/desk/story/{story_id}/reports")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.text


def post(client: TestClient, story_id: int, action: str, data: dict, **options: object):
    """Send a form of the story's page with the token that page carries."""
    token = token_in(page_of(client, story_id))
    return client.post(
        f"/desk/story/{story_id}/{action}", data={**data, "csrf_token": token}, **options
    )


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def audit_actions(database: Database) -> list[tuple[str, str, str, str | None]]:
    with database.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action.like("story.%")))
        return [(r.actor, r.action, r.target, r.address) for r in rows]


def test_the_page_lists_the_reports_with_their_forms_and_escapes_what_feeds_sent(
    editor: TestClient, stories: dict
) -> None:
    page = page_of(editor, stories["fight_story"])
    shown = text_of(page)
    for report in stories["fight"]:
        assert f"report {report} " in shown
        assert f'action="/desk/story/{stories["fight_story"]}/reports/{report}/move"' in page
    assert "Marek stops Pell to keep heavyweight title" in shown
    assert page.count('name="csrf_token"') == 1 + 3 + 1 + 1  # logout, moves, split, merge
    assert f'<option value="{stories["bank_story"]}">' in page  # a story of the same days

    bank_page = page_of(editor, stories["bank_story"])
    assert "<b>Quillon</b>" not in bank_page
    assert "&lt;b&gt;Quillon&lt;/b&gt; Bank" in bank_page


def test_anonymous_readers_are_sent_to_log_in_and_their_forms_refused(
    settings: Settings, database: Database, stories: dict
) -> None:
    reader = browser(settings, database)
    story = stories["fight_story"]
    page = reader.get(f"/desk/story/{story}/reports")
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=/desk/story/{story}/reports"
    token = token_in(reader.get("/login").text)  # a reader's own good token
    refused = reader.post(
        f"/desk/story/{story}/split",
        data={"reports": str(stories["fight"][0]), "csrf_token": token},
    )
    assert refused.status_code == 401
    assert members_of(database, story) == set(stories["fight"])
    assert audit_actions(database) == []


def test_a_form_without_its_token_or_from_another_site_changes_nothing(
    editor: TestClient, database: Database, stories: dict
) -> None:
    story, report = stories["fight_story"], stories["fight"][2]
    action = f"/desk/story/{story}/reports/{report}/move"
    assert editor.post(action, data={"new": "1"}).status_code == 403
    wrong = editor.post(action, data={"new": "1", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    token = token_in(page_of(editor, story))
    foreign = editor.post(
        action,
        data={"new": "1", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert members_of(database, story) == set(stories["fight"])
    assert audit_actions(database) == []


def test_moving_a_report_out_to_a_new_story_and_back(
    editor: TestClient, database: Database, stories: dict
) -> None:
    story, report = stories["fight_story"], stories["fight"][2]
    kept = post(editor, story, f"reports/{report}/move", {"to": str(story)})
    assert kept.headers["location"] == f"/desk/story/{story}/reports?done=kept"
    assert "The report is kept in this story" in text_of(editor.get(kept.headers["location"]).text)
    moved = post(editor, story, f"reports/{report}/move", {"to": "", "new": "1"})
    assert moved.status_code == 303
    with database.session() as session:
        new_id = session.get(StoryMember, report).story_id
    assert new_id != story
    assert moved.headers["location"] == f"/desk/story/{new_id}/reports?done=moved"
    landed = text_of(editor.get(moved.headers["location"]).text)
    assert "The report was moved." in landed and "placed by an editor" in landed
    assert f"kept apart from #{story}" in landed

    back = post(editor, new_id, f"reports/{report}/move", {"to": str(story)})
    assert back.status_code == 303
    assert back.headers["location"] == f"/desk/story/{story}/reports?done=moved"
    assert members_of(database, story) == set(stories["fight"])
    with database.session() as session:  # left empty, the new story leads back
        assert session.get(Story, new_id).merged_into_id == story
    assert (
        editor.get(f"/desk/story/{new_id}/reports")
        .headers["location"]
        .startswith(f"/desk/story/{story}/reports")
    )
    assert (
        audit_actions(database)
        == [
            ("ann", "story.report_moved", f"report {report}", "testclient"),
        ]
        * 3
    )


YES = {"confirm": "yes"}  # a merge's second post, which does it


def question_in(page: str) -> str:
    return page.split('class="notice confirm-decision"', 1)[1].split("</section>")[0]


def answer_of(page: str) -> tuple[str, dict[str, str]]:
    """The question's form on `page`: where it posts, and its hidden fields."""
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', question_in(page), re.S)
    assert form, "the page asks no question"
    return form.group(1), dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2))
    )


def merge(client: TestClient, story_id: int, other: int, direction: str):
    """A merge as an editor makes it: asked on the story's page, then confirmed."""
    asked = post(client, story_id, "merge", {"other": str(other), "direction": direction})
    assert asked.status_code == 200, asked.text
    action, fields = answer_of(asked.text)
    return client.post(action, data=fields | YES)


def test_a_merge_is_asked_first_naming_both_stories_and_done_when_confirmed(
    editor: TestClient, database: Database, stories: dict
) -> None:
    """A merge cannot be undone by a click: the first post changes nothing and asks, naming
    the stories and what becomes of them; the question's own button does it."""
    fight, bank = stories["fight_story"], stories["bank_story"]
    asked = post(editor, fight, "merge", {"other": str(bank), "direction": "from"})
    assert asked.status_code == 200
    assert members_of(database, fight) == set(stories["fight"])  # nothing changed
    assert audit_actions(database) == []
    question = question_in(asked.text)
    said = text_of(question)
    assert "Confirm the merge Merge story" in said and "Nothing was merged" not in said
    assert f"Merge story {bank} (“<b>Quillon</b> Bank raises savings rates”, 1 report)" in said
    assert f"into story {fight} (" in said and "3 reports)" in said
    assert f"Story {fight} keeps its number" in said and "Nothing is changed" in said
    assert "&lt;b&gt;Quillon&lt;/b&gt;" in question  # a headline's markup shown as text
    assert '<section class="notice confirm-decision" aria-labelledby' in asked.text
    assert re.findall(r'role="alert">Merge story', question) == ['role="alert">Merge story']
    assert "autofocus" not in question  # Enter in the page does not answer it
    action, fields = answer_of(asked.text)
    assert action == f"/desk/story/{fight}/merge"
    assert fields["other"] == str(bank) and fields["direction"] == "from"
    assert re.fullmatch(r"[0-9a-f]{16}\.[0-9a-f]{16}", fields["seen"])  # what it showed
    assert 'name="confirm" value="yes"' in question
    assert f"Yes, merge story {bank} into story {fight}</button>" in question
    done = editor.post(action, data=fields | YES)
    assert done.status_code == 303
    assert members_of(database, fight) == {*stories["fight"], stories["bank"]}


def test_the_merge_question_posts_the_number_as_read_not_as_typed(
    editor: TestClient, database: Database, stories: dict
) -> None:
    fight, bank = stories["fight_story"], stories["bank_story"]
    typed = f" 0{bank} "
    asked = post(editor, fight, "merge", {"other": typed, "direction": "into"})
    question = question_in(asked.text)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', question))
    assert fields == {
        "csrf_token": fields["csrf_token"],
        "other": str(bank),
        "direction": "into",
        "seen": fields["seen"],
    }
    assert f"Yes, merge story {fight} into story {bank}</button>" in question
    kept = re.search(r'id="merge-other"[^>]*value="([^"]*)"', asked.text)
    assert kept and kept.group(1) == typed  # the form below keeps what was typed


def test_a_yes_to_stories_that_changed_since_the_question_asks_again(
    editor: TestClient, database: Database, stories: dict
) -> None:
    """Reports that join either story between the question and the "yes" (here another
    editor's move) make the yes ask again, showing the stories as they are now; only a yes to
    what is on the page merges."""
    fight, bank = stories["fight_story"], stories["bank_story"]
    asked = post(editor, fight, "merge", {"other": str(bank), "direction": "from"})
    action, shown = answer_of(asked.text)
    with database.transaction() as session:
        regroup.move_report(session, stories["fight"][2], bank, "bob")

    again = editor.post(action, data=shown | YES)
    assert again.status_code == 200
    said = text_of(question_in(again.text))
    assert f"Confirm the merge again: story {bank} and story {fight} changed" in said
    assert "Nothing was merged" in said
    assert f"Merge story {bank} (“<b>Quillon</b> Bank raises savings rates”, 2 reports)" in said
    assert "2 reports)?" in said  # the fight story as it is now
    assert members_of(database, bank) == {stories["bank"], stories["fight"][2]}
    assert [action for _, action, _, _ in audit_actions(database)] == ["story.report_moved"]
    _, now = answer_of(again.text)
    assert now["seen"] != shown["seen"] and now["other"] == shown["other"]

    unseen = editor.post(action, data={**now, "seen": ""} | YES)  # a yes that shows nothing
    assert unseen.status_code == 200
    assert "Confirm the merge</h2>" in unseen.text  # asked, as the first time
    assert [action for _, action, _, _ in audit_actions(database)] == ["story.report_moved"]

    done = editor.post(action, data=now | YES)
    assert done.headers["location"] == f"/desk/story/{fight}/reports?done=merged"
    assert members_of(database, fight) == {*stories["fight"], stories["bank"]}


def test_a_merge_is_asked_while_another_process_writes_and_done_after(
    editor: TestClient, database: Database, stories: dict
) -> None:
    """Asking only reads: it is not kept waiting by a writer (the pipeline clustering). Saying
    yes writes, so it waits like any form, and is told to send again when that lasts."""
    fight, bank = stories["fight_story"], stories["bank_story"]
    token = token_in(page_of(editor, fight))
    data = {"other": str(bank), "direction": "into", "csrf_token": token}
    holder = sqlite3.connect(database.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        asked = editor.post(f"/desk/story/{fight}/merge", data=data)
        waited = time.monotonic() - started
        action, fields = answer_of(asked.text)
        refused = editor.post(action, data=fields | YES)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert asked.status_code == 200 and waited < BUSY_TIMEOUT_SECONDS / 2
    assert refused.status_code == 503
    assert members_of(database, fight) == set(stories["fight"])
    assert editor.post(action, data=fields | YES).status_code == 303
    assert members_of(database, bank) == {*stories["fight"], stories["bank"]}


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_on_postgresql_a_merge_is_asked_while_the_clusterer_holds_its_lock(
    editor: TestClient, database: Database, stories: dict
) -> None:
    """On PostgreSQL the cluster stage's lock (an advisory lock, which waits without a time
    limit) is taken by the "yes" alone: the question is asked while a clustering step runs."""
    fight, bank = stories["fight_story"], stories["bank_story"]
    token = token_in(page_of(editor, fight))
    data = {"other": str(bank), "direction": "into", "csrf_token": token}
    with ThreadPoolExecutor(1) as pool, database.session() as clustering:
        serialized(clustering, regroup.STAGE)
        asking = pool.submit(editor.post, f"/desk/story/{fight}/merge", data=data)
        try:
            asked = asking.result(timeout=BUSY_TIMEOUT_SECONDS)
        finally:
            clustering.rollback()  # the lock ends with the step, and a waiting request goes on
    assert asked.status_code == 200
    action, fields = answer_of(asked.text)
    assert editor.post(action, data=fields | YES).status_code == 303
    assert members_of(database, bank) == {*stories["fight"], stories["bank"]}


def test_merging_from_either_side_and_splitting_a_selection(
    editor: TestClient, database: Database, stories: dict
) -> None:
    fight, bank = stories["fight_story"], stories["bank_story"]
    merged = merge(editor, fight, bank, "from")
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/desk/story/{fight}/reports?done=merged"
    assert members_of(database, fight) == {*stories["fight"], stories["bank"]}

    split = post(editor, fight, "split", {"reports": [str(stories["bank"])]})
    assert split.status_code == 303
    with database.session() as session:
        new_id = session.get(StoryMember, stories["bank"]).story_id
    assert split.headers["location"] == f"/desk/story/{new_id}/reports?done=split"
    assert members_of(database, fight) == set(stories["fight"])

    into = merge(editor, new_id, fight, "into")
    assert into.headers["location"] == f"/desk/story/{fight}/reports?done=merged"
    again = post(editor, fight, "merge", {"other": str(new_id), "direction": "from", **YES})
    assert again.headers["location"] == f"/desk/story/{fight}/reports?done=unchanged"
    assert "Nothing to do: that was already done." in text_of(
        editor.get(again.headers["location"]).text
    )
    asked_again = post(editor, fight, "merge", {"other": str(new_id), "direction": "from"})
    assert asked_again.headers["location"] == f"/desk/story/{fight}/reports?done=unchanged"
    assert [action for _, action, _, _ in audit_actions(database)] == [
        "story.merged",
        "story.split",
        "story.merged",
    ]


@pytest.mark.parametrize(
    ("action", "data", "status", "message"),
    [
        ("split", {}, 400, "choose the reports to split off the story"),
        ("split", {"reports": ["{fight0}", "{fight1}", "{fight2}"]}, 400, "leave at least one"),
        ("split", {"reports": ["{bank}"]}, 400, "is not in story"),
        ("split", {"reports": ["seven"]}, 400, "give each report as a number"),
        ("merge", {"other": "{fight_story}"}, 400, "cannot be merged into itself"),
        ("merge", {"other": "99999999999999999999"}, 400, "give the other story as a number"),
        ("merge", {"other": "424242"}, 404, "there is no story 424242"),
        ("merge", {"other": "{bank_story}", "direction": "sideways"}, 400, "which story keeps"),
        ("reports/{bank}/move", {"to": "{bank_story}"}, 400, "is not in story"),
        ("reports/{fight0}/move", {"to": "²"}, 400, "give the story to move the report to"),
        ("reports/{fight0}/move", {"to": ""}, 400, "give the story to move the report to"),
        ("reports/{fight0}/move", {"to": "424242"}, 404, "there is no story 424242"),
    ],
)
def test_a_refused_form_says_why_and_changes_nothing(
    editor: TestClient,
    database: Database,
    stories: dict,
    action: str,
    data: dict,
    status: int,
    message: str,
) -> None:
    names = {
        "fight0": stories["fight"][0],
        "fight1": stories["fight"][1],
        "fight2": stories["fight"][2],
        "bank": stories["bank"],
        "fight_story": stories["fight_story"],
        "bank_story": stories["bank_story"],
    }

    def filled(value: object) -> object:
        if isinstance(value, list):
            return [filled(item) for item in value]
        return str(value).format(**names)

    story = stories["fight_story"]
    response = post(editor, story, filled(action), {k: filled(v) for k, v in data.items()})
    assert response.status_code == status, response.text
    assert message in text_of(response.text)
    # the story's page again, on the desk, with what was typed in its field
    said = re.search(r'role="alert">(.*?)</p>', response.text).group(1)
    assert said.startswith("Not done: ") and said.endswith(". Nothing was changed.")
    assert 'id="merge-other"' in response.text and "Log out" in response.text
    for field in ("to", "other"):
        if data.get(field):
            assert f'value="{html.escape(filled(data[field]))}"' in response.text
    assert members_of(database, story) == set(stories["fight"])
    assert members_of(database, stories["bank_story"]) == {stories["bank"]}
    assert audit_actions(database) == []


@pytest.mark.parametrize("number", ["99999999999999999999", "%C2%B2", "0", "12abc"])
def test_a_story_that_is_not_there_is_a_404(editor: TestClient, number: str) -> None:
    response = editor.get(f"/desk/story/{number}/reports")
    assert response.status_code == 404


def test_a_form_sent_while_another_process_holds_the_database_is_a_503(
    editor: TestClient, database: Database, stories: dict
) -> None:
    """The pipeline of another process writing for longer than the busy timeout: the editor is
    told to send the form again, and nothing changed."""
    story = stories["fight_story"]
    token = token_in(page_of(editor, story))
    holder = sqlite3.connect(database.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = editor.post(
            f"/desk/story/{story}/split",
            data={"reports": str(stories["fight"][0]), "csrf_token": token},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert "send the form again" in text_of(response.text)
    assert members_of(database, story) == set(stories["fight"])


def test_no_address_or_form_value_makes_the_regroup_routes_fail(
    editor: TestClient, database: Database, stories: dict
) -> None:
    """Whatever an editor's browser sends in the addresses and fields of the regroup forms
    (numbers too large for any row, other scripts, empty values, several values), the answer is
    a page, a redirect or a clear refusal: never a server error."""
    token = token_in(page_of(editor, stories["fight_story"]))
    known = [str(n) for n in (*stories["fight"], stories["bank"], stories["bank_story"])]
    value = st.one_of(
        st.text(max_size=30),
        st.integers(min_value=-3, max_value=50).map(str),
        st.integers(min_value=2**62, max_value=10**30).map(str),  # past what a row id holds
        st.sampled_from([*known, "²", "٣", " 7 ", "", "1e3", "0x10"]),
    )

    @hypothesis.settings(max_examples=150, deadline=None, database=None)
    @given(
        action=st.sampled_from(["move", "merge", "split", "page"]),
        story=value,
        report=value,
        fields=st.dictionaries(
            st.sampled_from(["to", "new", "other", "direction", "reports"]),
            st.one_of(value, st.lists(value, max_size=4)),
            max_size=4,
        ),
    )
    def check(action: str, story: str, report: str, fields: dict) -> None:
        where = quote(story, safe="") or "0"
        path = {
            "move": f"/desk/story/{where}/reports/{quote(report, safe='') or '0'}/move",
            "merge": f"/desk/story/{where}/merge",
            "split": f"/desk/story/{where}/split",
            "page": f"/desk/story/{where}/reports",
        }[action]
        if action == "page":
            response = editor.get(path, params={"done": fields.get("to", "")})
        else:
            response = editor.post(path, data={**fields, "csrf_token": token})
        assert response.status_code in (200, 303, 400, 404), (path, fields, response.text)

    check()
