"""The cluster stage over a real database: revisions are stored, and pages follow them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.cluster import embedding_text
from gazette.config import ClusterSettings, Settings
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, Story, StoryMember, StoryState
from gazette.embedding import MiniLMEmbedder, to_bytes
from gazette.pipeline import run_pipeline
from gazette.web import create_app

START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
FIGHT = [
    (
        "Marek stops Pell to keep heavyweight title",
        "Boxer Ivo Marek kept his heavyweight title on Saturday in Brennick, stopping Dario Pell "
        "in the seventh round. Marek floored Pell twice before the referee ended the fight. "
        '"Pell was brave, but tonight was mine," Marek said after the bout in Brennick.',
    ),
    (
        "Pell down twice as Marek retains belt in Brennick",
        "Ivo Marek retained his heavyweight belt in Brennick on Saturday when the referee stopped "
        "his fight with Dario Pell in round seven. Pell had been knocked down twice. Marek "
        "praised the challenger and said Pell would be back.",
    ),
    (
        "Marek beats Pell in seven rounds",
        "Heavyweight champion Ivo Marek beat Dario Pell in Brennick on Saturday, the referee "
        "stopping the contest in the seventh round after Pell went down for a second time. "
        "Marek said Pell had made him work for the win.",
    ),
    (
        "Marek sees off Pell challenge in Brennick",
        "Dario Pell's challenge ended in the seventh round in Brennick on Saturday as Ivo Marek "
        "kept the heavyweight title. Marek dropped Pell twice; the referee then stepped in. "
        "Pell's trainer said his boxer would fight Marek again.",
    ),
]
BANK = (
    "Quillon Bank raises savings rates",
    "Quillon Bank raised the rate on its easy-access savings accounts to 4.1 percent on "
    "Thursday, the third rise this year. The bank's chief executive Anneke Dahl said savers "
    "had waited long enough. Rival lenders in Selmora are expected to follow Quillon Bank.",
)


def add_ready(session: Session, key: str, title: str, text: str, hours: float) -> Document:
    """A document as the dedupe stage leaves it: extracted, checked, ready to cluster."""
    document = Document(
        url=f"https://outlet-{key}.example/{key}",
        canonical_url=f"https://outlet-{key}.example/{key}",
        status=DocumentStatus.READY,
        title=title,
        text=text,
        outlet=f"Outlet {key.upper()}",
        domain=f"outlet-{key}.example",
        published_at=START + timedelta(hours=hours),
        language="en",
    )
    session.add(document)
    session.flush()
    return document


def settings_for(database_url: str, join_threshold: float = 0.45) -> Settings:
    return Settings(
        database_url=database_url, cluster=ClusterSettings(join_threshold=join_threshold)
    )


def members(session: Session, story_id: int) -> set[int]:
    return set(
        session.scalars(select(StoryMember.document_id).where(StoryMember.story_id == story_id))
    )


def stored_fight(database: Database, embedder: MiniLMEmbedder) -> list[Document]:
    """Two reports of the fight, clustered (into one story) by a pipeline run."""
    with database.transaction() as session:
        fight = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
    run_pipeline(database, settings_for(database.url), embedder)
    return fight


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'gazette.db'}")
    database.migrate()
    return database


def test_two_stories_of_one_event_merge_and_the_old_page_redirects(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    # A first run that demanded too much split one event into two stories (both published).
    with database.transaction() as session:
        first = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
    strict = settings_for(database.url, join_threshold=1.9)
    run_pipeline(database, strict, embedder)
    with database.session() as session:
        split = {
            session.scalar(select(StoryMember.story_id).where(StoryMember.document_id == d.id))
            for d in first
        }
    assert len(split) == 2
    older, younger = sorted(split)

    # A third report arrives: the story it joins is reviewed, and the two become one.
    with database.transaction() as session:
        third = add_ready(session, "c", *FIGHT[2], 2)
    report = run_pipeline(database, settings_for(database.url), embedder)
    assert report.cluster.assigned == 1 and report.cluster.new_stories == 0
    with database.session() as session:
        absorbed = session.get(Story, younger)
        assert absorbed.state == StoryState.MERGED and absorbed.merged_into_id == older
        assert members(session, older) == {first[0].id, first[1].id, third.id}
        assert members(session, younger) == set()
        survivor = session.get(Story, older)
        assert survivor.state == StoryState.PUBLISHED
        assert survivor.last_report_at.replace(tzinfo=UTC) == START + timedelta(hours=2)

    client = TestClient(create_app(settings_for(database.url), database))
    old_link = client.get(f"/story/{younger}", follow_redirects=False)
    assert old_link.status_code == 308
    assert old_link.headers["location"].startswith(f"/story/{older}/")
    assert f"/story/{younger}/" not in client.get("/").text

    # Nothing is pending any more: a second run changes nothing.
    again = run_pipeline(database, settings_for(database.url), embedder)
    assert again.cluster.assigned == 0
    with database.session() as session:
        assert members(session, older) == {first[0].id, first[1].id, third.id}


def test_a_report_that_no_longer_fits_moves_to_a_story_of_its_own(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    fight = stored_fight(database, embedder)
    with database.transaction() as session:
        story_id = session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == fight[0].id)
        )
        # A mistake of an earlier version, stored: an unrelated report inside the fight story.
        stray = add_ready(session, "x", *BANK, 1)
        stray.embedding = to_bytes(embedder.encode([embedding_text(*BANK, 120)])[0])
        session.add(
            StoryMember(document_id=stray.id, story_id=story_id, similarity=0.5, reason="forced")
        )
        fight.append(add_ready(session, "c", *FIGHT[2], 2))
    run_pipeline(database, settings_for(database.url), embedder)  # the story reaches four

    with database.session() as session:
        assert members(session, story_id) == {d.id for d in fight}
        moved = session.scalar(select(StoryMember).where(StoryMember.document_id == stray.id))
        assert moved.story_id != story_id
        assert moved.reason.startswith(f"left story {story_id}")
        assert members(session, moved.story_id) == {stray.id}


REMATCH = [
    (
        "Marek and Pell agree to a rematch in Brennick",
        "Ivo Marek and Dario Pell will meet again in Brennick in March, promoters said on "
        "Monday. Pell asked for the rematch after losing in seven rounds; Marek agreed to a "
        "purse of 12 million. Marek said the second fight would end sooner.",
    ),
    (
        "Pell gets his rematch with Marek",
        "Dario Pell will get a second shot at Ivo Marek's heavyweight title: the two signed on "
        "Monday for a rematch in Brennick in March. Pell said he had learned from his defeat; "
        "Marek called the 12 million purse fair.",
    ),
]


def test_a_follow_up_is_its_own_story_and_the_pages_link_the_thread(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    fight = stored_fight(database, embedder)
    with database.transaction() as session:
        rematch = [add_ready(session, k, *REMATCH[i], 48 + i) for i, k in enumerate("cd")]
    run_pipeline(database, settings_for(database.url), embedder)

    with database.session() as session:
        first = session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == fight[0].id)
        )
        later = session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == rematch[0].id)
        )
        assert first != later
        assert members(session, later) == {d.id for d in rematch}
        assert session.get(Story, later).thread_id == first
        assert session.get(Story, first).thread_id is None

    client = TestClient(create_app(settings_for(database.url), database))
    later_page = client.get(f"/story/{later}").text
    first_page = client.get(f"/story/{first}").text
    earlier_section = later_page.split("Earlier in this story", 1)[1].split("</section>", 1)[0]
    assert f'href="/story/{first}/' in earlier_section
    later_section = first_page.split("Later in this story", 1)[1].split("</section>", 1)[0]
    assert f'href="/story/{later}/' in later_section
