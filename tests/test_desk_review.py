"""The review page and the editor's actions through the HTTP interface, on real databases:
publish, hold, unpublish (410 for readers), edits checked against their sources (refused when
no source supports them, or published as a marked editor's note), corrections on the story
page, at /corrections and in its feed, the audit entries, and who may do what."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from fight import FIGHT, FIGHT_MORE, add_ready, settings_for
from forms import token_in
from httpx import Response
from review_story import SENTENCES, SUPPORTED_EDIT, UNSUPPORTED_EDIT, harbour_story
from sqlalchemy import func, select
from staff import browser, logged_in

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import (
    Article,
    AuditEntry,
    Correction,
    Sentence,
    Story,
    StoryMember,
    WriteCheck,
)
from gazette.db.states import StoryState
from gazette.editing import (
    UNWRITTEN_NOTE,
    Actor,
    edit_headline,
    edit_sentence,
    publish,
    waiting,
)
from gazette.embedding import LazyEmbedder, MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.publish import publish_step
from gazette.regroup import merge_stories
from gazette.work import StageContext


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return demo_settings(sqlite_url)


def newcomer(settings: Settings, database: Database, role: str = "editor") -> TestClient:
    """A member of the staff of a name of their own, logged in (a test may need several)."""
    return logged_in(settings, database, f"{role}-{uuid.uuid4().hex[:6]}", role)


@pytest.fixture
def editor(settings: Settings, database: Database) -> TestClient:
    return newcomer(settings, database)


def act(client: TestClient, story_id: int, action: str, **data: object) -> Response:
    """Send one of the review page's forms, with the token of the page."""
    token = token_in(client.get(f"/desk/story/{story_id}").text)
    return client.post(f"/desk/story/{story_id}/{action}", data={**data, "csrf_token": token})


def versions(database: Database, story_id: int) -> list[tuple[int, str | None, list[str]]]:
    """Each version's number, editor and sentences, oldest first."""
    with database.session() as session:
        articles = session.scalars(
            select(Article).where(Article.story_id == story_id).order_by(Article.version)
        ).all()
        return [(a.version, a.edited_by, [s.text for s in a.sentences]) for a in articles]


def story_row(database: Database, story_id: int) -> Story:
    with database.session() as session:
        return session.get(Story, story_id)


def public(client: TestClient, story_id: int) -> Response:
    return client.get(f"/story/{story_id}/ferries-resume")


def audit_actions(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.target).order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows if row[1].startswith("story.")]


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_review_page_shows_each_sentence_beside_the_passages_it_cites(
    editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database)
    page = editor.get(f"/desk/story/{story_id}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    body = page.text
    # S1 cites the second passage of source 1 and the third of source 2; both are highlighted,
    # each with a link back to the sentence.
    s1 = body.split('id="s1"', 1)[1].split('id="s2"', 1)[0]
    assert 'href="#src1-p1"' in s1 and 'href="#src2-p2"' in s1
    assert re.search(r'<mark id="src1-p1"[^>]*>Port director Ilse Varga said 40', body)
    assert re.search(r'<mark id="src2-p2"[^>]*>Port director Ilse Varga', body)
    assert not re.search(r'<mark id="src2-p0"', body)  # no sentence cites it
    assert "readers see v1" in text_of(body)


def test_the_check_decisions_of_a_model_written_article_are_shown(
    editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database, writer="llm:test-model")
    with database.transaction() as session:
        article = session.scalar(select(Article).where(Article.story_id == story_id))
        session.add_all(
            [
                WriteCheck(
                    article_id=article.id,
                    section="body",
                    position=0,
                    proposed="Varga promised forty daily crossings.",
                    proposed_sources="1",
                    outcome="replaced",
                    reason="name Varga: at most 30% of its content words in one passage",
                    final=SENTENCES[1][1],
                ),
                WriteCheck(
                    article_id=article.id,
                    section="body",
                    position=1,
                    proposed="The mayor praised the deal.",
                    proposed_sources="2",
                    outcome="dropped",
                    reason="name mayor not in the source",
                    final=None,
                ),
            ]
        )
    body = editor.get(f"/desk/story/{story_id}").text
    s1 = text_of(body.split('id="s1"', 1)[1].split('id="s2"', 1)[0])
    assert "replaced name Varga: at most 30%" in s1
    others = text_of(body.split("Other decisions of the check", 1)[1])
    assert "dropped name mayor not in the source" in others
    assert "The mayor praised the deal." in others


def test_publish_and_hold_from_the_review_page(
    settings: Settings, editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database, published=False)
    assert public(editor, story_id).status_code == 404
    held = act(editor, story_id, "hold")
    assert held.status_code == 303 and held.headers["location"].endswith("?done=held")
    assert story_row(database, story_id).held_at is not None
    # held: the publish stage does not publish it, even with auto_publish on
    assert settings.write.auto_publish
    publish_step(StageContext(database, settings, LazyEmbedder()))
    assert story_row(database, story_id).published_article_id is None
    again = act(editor, story_id, "hold")
    assert again.status_code == 400 and "is already held" in again.text

    done = act(editor, story_id, "publish")
    assert done.status_code == 303
    story = story_row(database, story_id)
    assert story.state == StoryState.PUBLISHED and story.held_at is None
    assert public(editor, story_id).status_code == 200
    twice = act(editor, story_id, "publish")
    assert twice.status_code == 400 and "already published: readers see v1" in twice.text
    # a hold on what readers see already is ended by "publish" ("Release the hold")
    assert act(editor, story_id, "hold").status_code == 303
    assert "Release the hold" in editor.get(f"/desk/story/{story_id}").text
    assert act(editor, story_id, "publish").status_code == 303
    assert story_row(database, story_id).held_at is None
    names = [action for _, action, _ in audit_actions(database)]
    assert names == ["story.held", "story.published", "story.held", "story.published"]


def test_unpublish_is_asked_first_from_a_summary(editor: TestClient, database: Database) -> None:
    """It takes the story off the site at once: the page offers it behind a summary that only
    opens the form, whose button says what it does."""
    story_id = harbour_story(database)
    page = editor.get(f"/desk/story/{story_id}").text
    asked = re.search(
        r'<details class="confirm"><summary>Unpublish…</summary>(.*?)</details>', page, re.S
    )
    assert asked, "no summary in front of the Unpublish form"
    assert f'<form method="post" action="/desk/story/{story_id}/unpublish">' in asked.group(1)
    assert page.count("/unpublish") == 1  # no other way to send it
    assert re.search(
        r'<button type="submit" class="danger">Unpublish v1: take it off the site</button>',
        asked.group(1),
    )


def test_unpublished_story_is_withdrawn_for_readers_with_410(
    editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database)
    reader = TestClient(editor.app, follow_redirects=False)
    assert public(reader, story_id).status_code == 200
    done = act(editor, story_id, "unpublish", reason="legal review")
    assert done.status_code == 303
    page = public(reader, story_id)
    assert page.status_code == 410
    assert "This story was withdrawn" in page.text
    assert "Traceback" not in page.text and "legal review" not in page.text
    assert reader.get(f"/story/{story_id}").status_code == 410
    assert "Calder ferries resume" not in reader.get("/").text
    story = story_row(database, story_id)
    assert story.state == StoryState.TAGGED and story.withdrawn_at is not None
    queue = text_of(editor.get("/desk").text.split('id="published"')[0])
    assert "Calder ferries resume after strike v1 (withdrawn) held" in queue
    (entry,) = [e for e in audit_actions(database) if e[1] == "story.unpublished"]
    with database.session() as session:
        detail = session.scalar(select(AuditEntry.detail).where(AuditEntry.action == entry[1]))
    assert detail == "legal review"
    # published again from the desk, it is back
    assert act(editor, story_id, "publish").status_code == 303
    assert public(reader, story_id).status_code == 200


def test_an_edited_sentence_is_checked_and_makes_a_new_version(
    editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database)
    done = act(editor, story_id, "sentence", position=2, text=SUPPORTED_EDIT, choose=1, sources=1)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=edited")
    history = versions(database, story_id)
    assert [v for v, _, _ in history] == [1, 2]
    assert history[0][2][2] == SENTENCES[2][1]  # the old text is kept
    assert history[1][2][2] == SUPPORTED_EDIT and history[1][1].startswith("editor-")
    # the edit waits for an editor: readers still see v1
    reader = TestClient(editor.app)
    assert SENTENCES[2][1] in public(reader, story_id).text
    story = story_row(database, story_id)
    assert story.state == StoryState.TAGGED and story.held_at is not None
    with database.session() as session:
        check = session.scalar(select(WriteCheck).join(Article).where(Article.story_id == story_id))
    assert check.outcome == "edited" and check.final == SUPPORTED_EDIT
    assert "[1] yes:" in check.reason
    assert act(editor, story_id, "publish").status_code == 303
    assert SUPPORTED_EDIT in public(reader, story_id).text
    page = editor.get(f"/desk/story/{story_id}").text
    assert "?version=1" in page and "readers see this" in page


def test_an_edit_no_source_supports_is_refused(editor: TestClient, database: Database) -> None:
    story_id = harbour_story(database)
    refused = act(editor, story_id, "sentence", position=2, text=UNSUPPORTED_EDIT)
    assert refused.status_code == 400
    said = text_of(refused.text)
    assert "no source it cites supports the sentence" in said
    assert "[1] Harbour Post: figure" in said and "not in the source" in said
    assert UNSUPPORTED_EDIT in refused.text  # the editor's text is kept in the form
    assert [v for v, _, _ in versions(database, story_id)] == [1]
    assert audit_actions(database) == []
    # a source that does not support it is no longer cited; one that does stays
    kept = act(
        editor,
        story_id,
        "sentence",
        position=1,
        text=SENTENCES[1][1] + "",
        choose=1,
        sources=[1, 2],
    )
    assert kept.status_code == 400 and "unchanged" in kept.text
    moved = act(
        editor,
        story_id,
        "sentence",
        position=1,
        text="Port director Ilse Varga said 40 crossings would run daily from Tuesday.",
        choose=1,
        sources=[1, 2],
    )
    assert moved.status_code == 303
    with database.session() as session:
        article = session.scalar(
            select(Article).where(Article.story_id == story_id, Article.version == 2)
        )
        cited = [c.reference_number for c in article.sentences[1].citations]
    assert cited == [2]  # "from Tuesday" is in Coast Radio's report only


def test_an_edit_of_a_replaced_version_is_refused_and_kept_apart_from_the_new_one(
    editor: TestClient, database: Database
) -> None:
    """The editor typed into S2 of v1; meanwhile another editor made v2, whose S2 says
    something else. The refusal keeps the typed text for the editor, but apart: in S2's form of
    v2 it would stand against a sentence it was not written for."""
    story_id = harbour_story(database)
    with database.transaction() as session:
        edit_sentence(session, story_id, 2, SUPPORTED_EDIT, Actor("lee"))
    typed = "Union members backed the pay offer in a vote on Sunday."

    refused = act(editor, story_id, "sentence", position=2, text=typed, version=1)
    assert refused.status_code == 400
    assert "v2 of story" in text_of(refused.text) and "written after" in refused.text
    s2 = refused.text.split('id="s2"', 1)[1]
    assert re.search(r'<textarea id="text-2"[^>]*>' + re.escape(SUPPORTED_EDIT) + "</textarea>", s2)
    assert '<details class="edit" open>' not in s2.split("</details>", 1)[0]  # not opened
    kept = refused.text.split('class="kept"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'<textarea id="kept-text"[^>]*readonly>' + re.escape(typed), kept)
    said = text_of(kept)
    assert "Your edit of S2, not saved" in said
    assert f"S2 of v1 (where it said “{SENTENCES[2][1]}”). v2 was written since" in said
    assert [v for v, _, _ in versions(database, story_id)] == [1, 2]  # nothing saved
    # a headline typed for v1 is kept apart as well
    headline = act(editor, story_id, "headline", headline="Calder ferries sail again", version=1)
    assert "Your edit of the headline, not saved" in text_of(headline.text)
    assert (
        'id="headline" name="headline" maxlength="200" required value="Calder ferries resume'
        in (headline.text)
    )
    # the same edit from the page of v2 is placed in its form as any refused edit is
    again = act(editor, story_id, "sentence", position=2, text=UNSUPPORTED_EDIT, version=2)
    assert again.status_code == 400 and 'class="kept"' not in again.text
    assert re.search(r'<textarea id="text-2"[^>]*>' + re.escape(UNSUPPORTED_EDIT), again.text)


def test_an_unsupported_sentence_is_published_only_as_a_marked_editors_note(
    editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database)
    text = "The <script>alert(1)</script> ferry timetable is on the port's website."
    done = act(editor, story_id, "sentence", position=2, text=text, note=1)
    assert done.status_code == 303
    with database.session() as session:
        sentence = session.scalar(
            select(Sentence)
            .join(Article)
            .where(Article.story_id == story_id, Article.version == 2, Sentence.position == 2)
        )
        assert sentence.kind == "note" and sentence.citations == []
    assert act(editor, story_id, "publish").status_code == 303
    page = public(TestClient(editor.app), story_id).text
    assert (
        '<span class="editor-note"><strong>Editor’s note:</strong> The &lt;script&gt;alert(1)'
        in page
    )
    assert "<script>alert(1)" not in page


def test_a_correction_is_published_dated_listed_and_in_the_feed(
    editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database)
    note = "An earlier version said the vote was on Sunday; it was on Saturday."
    done = act(
        editor,
        story_id,
        "sentence",
        position=2,
        text=SUPPORTED_EDIT,
        correction=note,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=corrected")
    reader = TestClient(editor.app)
    page = public(reader, story_id).text
    box = text_of(page.split('aria-label="Corrections">', 1)[1].split("</section>", 1)[0])
    assert re.match(r"Correction \d\d \w+ \d{4}, \d\d:\d\d UTC : ", box) and note in box
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', page.split('class="corrections"')[1])
    assert SUPPORTED_EDIT in page  # published at once
    history = versions(database, story_id)
    assert history[0][2][2] == SENTENCES[2][1] and history[1][2][2] == SUPPORTED_EDIT
    listed = reader.get("/corrections")
    assert listed.status_code == 200
    assert note in listed.text and "Calder ferries resume after strike" in listed.text
    feed = reader.get("/corrections/feed.xml")
    assert feed.headers["content-type"].startswith("application/rss+xml")
    assert note in feed.text and "<title>Correction: Calder ferries resume" in feed.text
    # a note alone on the published version
    assert (
        act(editor, story_id, "correction", text="The port is Calder, not Caldor.").status_code
        == 303
    )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Correction)) == 2
    assert [a for _, a, _ in audit_actions(database)] == ["story.corrected", "story.corrected"]


def test_a_correction_needs_a_published_story(editor: TestClient, database: Database) -> None:
    story_id = harbour_story(database, published=False)
    refused = act(editor, story_id, "correction", text="Wrong date.")
    assert refused.status_code == 400 and "nothing to correct" in refused.text
    assert "/corrections" in editor.get("/").text  # every page links to the list


def test_new_reports_do_not_overwrite_an_edited_article(
    settings: Settings, editor: TestClient, database: Database
) -> None:
    story_id = harbour_story(database)
    act(editor, story_id, "headline", headline="Calder ferries run again")
    assert act(editor, story_id, "publish").status_code == 303
    # the writer's new version after new reports, as the write and tag stages leave it
    with database.transaction() as session:
        story = session.get(Story, story_id)
        session.add(
            Article(
                story_id=story_id,
                version=3,
                headline="Calder ferries resume after strike",
                summary="",
                writer="extractive",
                word_count=10,
            )
        )
        story.state = StoryState.TAGGED.value
    publish_step(StageContext(database, settings, LazyEmbedder()))
    story = story_row(database, story_id)
    with database.session() as session:
        live = session.get(Article, story.published_article_id)
    assert live.version == 2 and live.headline == "Calder ferries run again"
    waiting = editor.get("/desk").text.split('id="published"')[0]
    assert f"/desk/story/{story_id}" in waiting  # back in the queue


def test_desk_pages_and_actions_need_an_editor(settings: Settings, database: Database) -> None:
    story_id = harbour_story(database)
    anonymous = browser(settings, database)
    page = anonymous.get(f"/desk/story/{story_id}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=/desk/story/{story_id}"
    token = token_in(anonymous.get("/login").text)
    for action in ("publish", "hold", "unpublish", "headline", "correction"):
        refused = anonymous.post(f"/desk/story/{story_id}/{action}", data={"csrf_token": token})
        assert refused.status_code == 401, action
    assert story_row(database, story_id).published_article_id is not None
    editor = newcomer(settings, database)
    no_token = editor.post(f"/desk/story/{story_id}/unpublish", data={})
    assert no_token.status_code == 403
    assert story_row(database, story_id).withdrawn_at is None


def test_every_action_is_audited_for_admins_to_read(settings: Settings, database: Database) -> None:
    story_id = harbour_story(database)
    editor = newcomer(settings, database)
    admin = newcomer(settings, database, role="admin")
    act(editor, story_id, "hold")
    act(editor, story_id, "headline", headline="Calder ferries run again")
    act(admin, story_id, "publish")
    act(admin, story_id, "unpublish")
    entries = audit_actions(database)
    assert [(actor.split("-")[0], action) for actor, action, _ in entries] == [
        ("editor", "story.held"),
        ("editor", "story.edited"),
        ("admin", "story.published"),
        ("admin", "story.unpublished"),
    ]
    assert {target for _, _, target in entries} == {f"story {story_id}"}
    assert editor.get("/desk/audit").status_code == 403
    log = text_of(admin.get("/desk/audit").text)
    assert "story.edited" in log and "headline 'Calder ferries resume after strike'" in log


@pytest.mark.parametrize("raw", ["99999999999999999999", "%C2%B2", "0"])
def test_odd_story_numbers_are_a_404(editor: TestClient, raw: str) -> None:
    assert editor.get(f"/desk/story/{raw}").status_code == 404
    token = token_in(editor.get("/desk").text)
    assert editor.post(f"/desk/story/{raw}/publish", data={"csrf_token": token}).status_code == 404


def test_the_whole_review_on_each_database(each_database_url: str) -> None:
    """Edit, check, publish, correct and unpublish on SQLite and on PostgreSQL."""
    database = Database(each_database_url)
    database.migrate()
    try:
        settings = demo_settings(each_database_url)
        story_id = harbour_story(database)
        editor = newcomer(settings, database)
        assert (
            act(editor, story_id, "sentence", position=2, text=UNSUPPORTED_EDIT).status_code == 400
        )
        assert act(editor, story_id, "sentence", position=2, text=SUPPORTED_EDIT).status_code == 303
        # held for an editor: the publish stage (on this database's SQL) leaves it, and the CLI's
        # list shows it
        publish_step(StageContext(database, settings, LazyEmbedder()))
        with database.session() as session:
            live = session.get(Article, session.get(Story, story_id).published_article_id)
            assert live.version == 1
            assert (story_id, 2, 1) in [
                (e.story_id, e.version, e.live_version) for e in waiting(session)
            ]
        assert act(editor, story_id, "publish").status_code == 303
        fixed = act(editor, story_id, "headline", headline="Ferries run again", correction="Typo.")
        assert fixed.status_code == 303
        reader = TestClient(editor.app, follow_redirects=False)
        assert "Typo." in public(reader, story_id).text
        assert [v for v, _, _ in versions(database, story_id)] == [1, 2, 3]
        assert act(editor, story_id, "unpublish").status_code == 303
        assert public(reader, story_id).status_code == 410
    finally:
        database.dispose()


def test_markup_an_editor_types_is_shown_as_text(editor: TestClient, database: Database) -> None:
    story_id = harbour_story(database)
    bad = '<img src=x onerror="alert(1)">'
    headline = act(editor, story_id, "headline", headline=f"Ferries {bad}", correction=f"Fix {bad}")
    assert headline.status_code == 303
    escaped = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"
    reader = TestClient(editor.app)
    for page in (
        editor.get(f"/desk/story/{story_id}").text,
        reader.get(f"/story/{story_id}", follow_redirects=True).text,
        reader.get("/corrections").text,
    ):
        assert "<img src=x" not in page and escaped in page
    feed = reader.get("/corrections/feed.xml").text
    assert "<img" not in feed and "&lt;img src=x" in feed


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        ("sentence", {"position": "99999999999999999999", "text": "x"}, 400),
        ("sentence", {"position": "²", "text": "x"}, 400),
        ("sentence", {"position": "40", "text": SUPPORTED_EDIT}, 404),
        ("sentence", {"position": "2", "text": SUPPORTED_EDIT, "sources": "one"}, 400),
        ("sentence", {"position": "2", "text": "x" * 20_000}, 400),
        ("sentence", {"position": "2", "text": "   "}, 400),
        ("sentence", {"position": "2", "text": "Said so [1]."}, 400),
        ("headline", {"headline": "h" * 201}, 400),
        ("headline", {"headline": ""}, 400),
        ("correction", {"text": ""}, 400),
    ],
)
def test_odd_form_values_are_refused_clearly(
    editor: TestClient, database: Database, action: str, data: dict[str, str], status: int
) -> None:
    story_id = harbour_story(database)
    answer = act(editor, story_id, action, **data)
    assert answer.status_code == status
    assert "Something went wrong" not in answer.text
    assert [v for v, _, _ in versions(database, story_id)] == [1]


@pytest.mark.parametrize("query", ["version=0", "version=99999999999999999999", "version=x"])
def test_odd_versions_are_a_400_or_404(editor: TestClient, database: Database, query: str) -> None:
    story_id = harbour_story(database)
    assert editor.get(f"/desk/story/{story_id}?{query}").status_code in (400, 404)
    assert editor.get(f"/desk/story/{story_id}?version=7").status_code == 404


def test_the_pipeline_leaves_an_edited_article_for_an_editor(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """With auto-publish on, new reports make a new version of an edited story, which waits for
    an editor while readers keep the edited text."""
    auto = settings_for(database.url)
    assert auto.write.auto_publish
    with database.transaction() as session:
        first = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
    run_pipeline(database, auto, embedder)
    with database.session() as session:
        story_id = session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == first[0].id)
        )
    ann = Actor("ann")
    with database.transaction() as session:
        edit_headline(session, story_id, "Title fight goes the distance", ann)
    with database.transaction() as session:
        edited = publish(session, story_id, ann)
    assert edited.version == 2

    with database.transaction() as session:
        add_ready(session, "c", *FIGHT[2], 2)
    report = run_pipeline(database, auto, embedder)
    assert report.write.written == 1 and report.publish.published == 0
    with database.session() as session:
        story = session.get(Story, story_id)
        assert story.state == StoryState.TAGGED and story.published_article_id == edited.id
        (entry,) = [e for e in waiting(session) if e.story_id == story_id]
        assert (entry.version, entry.live_version) == (3, 2)
    # another pass changes nothing; the editor's publish lets the writer's version out
    assert run_pipeline(database, auto, embedder).publish.published == 0
    with database.transaction() as session:
        assert publish(session, story_id, ann).version == 3
    with database.transaction() as session:
        add_ready(session, "d", *FIGHT_MORE[0], 3)
    run_pipeline(database, auto, embedder)
    with database.session() as session:
        newest = session.scalar(
            select(func.max(Article.version)).where(Article.story_id == story_id)
        )
        story = session.get(Story, story_id)
        # the fourth report joins; no edit stands in the way any more: published by itself
        assert newest == 4 and session.get(Article, story.published_article_id).version == 4


def test_the_review_page_of_a_merged_story_leads_to_the_story_it_joined(
    editor: TestClient, database: Database
) -> None:
    """As its reports page and its public address do: a link from before the merge (the queue
    in another tab, a bookmark) finds the story, not a 404."""
    absorbed, survivor = harbour_story(database), harbour_story(database)
    with database.transaction() as session:
        merge_stories(session, absorbed, survivor, "lee")

    page = editor.get(f"/desk/story/{absorbed}", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == f"/desk/story/{survivor}"
    followed = editor.get(f"/desk/story/{absorbed}", follow_redirects=True)
    assert followed.status_code == 200 and followed.url.path == f"/desk/story/{survivor}"
    assert editor.get("/desk/story/999999").status_code == 404


def test_a_story_with_nothing_to_write_from_says_so_on_the_desk(
    editor: TestClient, database: Database
) -> None:
    """A published story whose reports now give nothing to write from (its good reports moved
    away) gets no new version: the desk says so, instead of "being rewritten"."""
    story_id = harbour_story(database, published=True)
    with database.transaction() as session:
        story = session.get(Story, story_id)
        story.state = StoryState.UNWRITTEN.value
    page = text_of(editor.get(f"/desk/story/{story_id}").text)
    assert "is rewriting" not in page
    refused = act(editor, story_id, "headline", headline="Calder ferries run again")
    assert refused.status_code == 400
    # the page and the refusal say it in the same words, the editing module's
    wording = UNWRITTEN_NOTE.format(story="")
    assert f"This story's{wording}." in page
    assert f"Not done: story {story_id}'s{wording}." in text_of(refused.text)
