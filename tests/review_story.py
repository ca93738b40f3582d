"""A story for the desk's tests: two reports with their texts, and an article version whose
sentences are taken from them and cite them, as the default writer leaves it."""

from __future__ import annotations

import uuid
from datetime import timedelta

from newsroom import START

from gazette.db import Database
from gazette.db.models import (
    Article,
    ArticleReference,
    Citation,
    Document,
    Sentence,
    Story,
    StoryMember,
)
from gazette.db.states import StoryState

REPORTS = (
    (
        "Harbour Post",
        "The Calder harbour ferry service resumed on Monday after a three-day strike. "
        "Port director Ilse Varga said 40 crossings would run daily. "
        "Union members accepted the pay offer in a vote on Sunday.",
    ),
    (
        "Coast Radio",
        "Ferries returned to Port Calder on Monday. The strike had lasted three days. "
        "Port director Ilse Varga said 40 crossings would run daily from Tuesday.",
    ),
)
# (section, text, references cited)
SENTENCES = (
    (
        "summary",
        "The Calder harbour ferry service resumed on Monday after a three-day strike.",
        (1,),
    ),
    ("body", "Port director Ilse Varga said 40 crossings would run daily.", (1, 2)),
    ("body", "Union members accepted the pay offer in a vote on Sunday.", (1,)),
)
SUPPORTED_EDIT = "Union members accepted the pay offer in a Sunday vote."
UNSUPPORTED_EDIT = "Union members accepted the pay offer in a vote on Sunday, 55 to 12."


def harbour_story(database: Database, published: bool = True, writer: str = "extractive") -> int:
    """A story of two reports with their texts, and one article version citing them: published,
    or written and waiting for an editor."""
    with database.transaction() as session:
        story = Story(
            state=(StoryState.PUBLISHED if published else StoryState.TAGGED).value,
            slug="ferries-resume",
            first_report_at=START,
            last_report_at=START + timedelta(hours=1),
        )
        session.add(story)
        session.flush()
        key = uuid.uuid4().hex[:8]
        article = Article(
            story_id=story.id,
            version=1,
            headline="Calder ferries resume after strike",
            summary=SENTENCES[0][1],
            writer=writer,
            word_count=40,
            created_at=START,
            published_at=START if published else None,
        )
        session.add(article)
        session.flush()
        for number, (outlet, text) in enumerate(REPORTS, start=1):
            document = Document(
                url=f"https://{outlet.lower().replace(' ', '')}.example/{key}",
                status="ready",
                outlet=outlet,
                title=f"Report by {outlet}",
                text=text,
                published_at=START,
            )
            session.add(document)
            session.flush()
            session.add(
                StoryMember(document_id=document.id, story_id=story.id, similarity=1, reason="t")
            )
            session.add(
                ArticleReference(
                    article_id=article.id,
                    number=number,
                    document_id=document.id,
                    url=document.url,
                    title=document.title,
                    outlet=outlet,
                )
            )
        for position, (section, text, cited) in enumerate(SENTENCES):
            sentence = Sentence(
                article_id=article.id,
                section=section,
                position=position,
                paragraph=0,
                kind="fact",
                text=text,
            )
            sentence.citations = [Citation(reference_number=n) for n in cited]
            session.add(sentence)
        if published:
            story.published_article_id = article.id
            story.published_at = START
        return story.id
