"""A small fictional story for tests over a real database: a heavyweight fight reported by four
outlets, and an unrelated bank story. Documents are added as the dedupe stage leaves them, ready to
cluster, so a pipeline run takes them from there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.config import ClusterSettings, Settings
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, StoryMember
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline

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
# The champion's next defence, weeks later: another challenger and town, the same kind of night.
DEFENCE = [
    (
        "Marek stops Ruud in Oldhaven",
        "Ivo Marek defended his heavyweight title against Tomas Ruud in Oldhaven, the referee "
        "stopping it in the sixth round. Ruud never found his range against the taller Marek.",
    ),
    (
        "Ruud no match for Marek",
        "Tomas Ruud was outclassed by Ivo Marek in Oldhaven, where the champion kept his "
        "heavyweight belt in six rounds. Ruud said Marek hit harder than he had expected.",
    ),
    (
        "Marek retains belt against Ruud",
        "The Oldhaven crowd watched Ivo Marek retain the heavyweight title when Tomas Ruud's "
        "corner saw the referee end the bout in round six. Ruud had started brightly.",
    ),
    (
        "Champion Marek too strong for Ruud",
        "Heavyweight champion Ivo Marek was too strong for Tomas Ruud in Oldhaven, winning in "
        "the sixth round. Ruud's promoter said the challenger would fight again next year.",
    ),
    (
        "Ruud stopped in sixth",
        "Tomas Ruud's title challenge ended in the sixth round in Oldhaven, where Ivo Marek "
        "landed a right hand that left Ruud unsteady and the referee stepping in.",
    ),
    (
        "Oldhaven: Marek keeps title",
        "Ivo Marek kept his heavyweight title in Oldhaven by stopping Tomas Ruud in six. "
        "Marek said Ruud had been the toughest challenger of his reign.",
    ),
]
# More reports of the first fight, in other words.
FIGHT_MORE = [
    (
        "Brennick night belongs to Marek",
        "In Brennick on Saturday Dario Pell went down twice and Ivo Marek kept the heavyweight "
        "title when the seventh round was stopped. Pell's corner did not complain.",
    ),
    (
        "Pell beaten, Marek still champion",
        "Ivo Marek is still the heavyweight champion after beating Dario Pell in seven rounds in "
        "Brennick. Pell, who had never been knocked down before, was floored twice.",
    ),
    (
        "Seventh-round stoppage for Marek",
        "A seventh-round stoppage of Dario Pell in Brennick kept Ivo Marek's heavyweight title "
        "safe. Marek dropped Pell with a left hook and again with a right.",
    ),
    (
        "Marek: Pell earned a rematch",
        "After stopping Dario Pell in Brennick, Ivo Marek said the challenger had earned a "
        "rematch. Pell was twice on the canvas before the seventh round was waved off.",
    ),
    (
        "Brennick crowd sees Pell fall",
        "Dario Pell fell twice in front of a Brennick crowd that had come to see him take the "
        "heavyweight title from Ivo Marek. Marek won when the referee stopped round seven.",
    ),
    (
        "Marek keeps belt after Pell fight",
        "Ivo Marek keeps his heavyweight belt. The champion stopped Dario Pell in the seventh "
        "round in Brennick, where Pell had promised an upset all week.",
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


def settings_for(database_url: str, join_threshold: float = 0.6) -> Settings:
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
