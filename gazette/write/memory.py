"""What the write stage keeps between runs: each report's sentences, each sentence's vector, and
what the writer read in each report.

Reading a report (splitting it into sentences, embedding every sentence) costs far more than
writing the article: about 0.15 s for a full-length report, against under 0.1 s for writing a
whole ten-source story from reports already read. A report is read once, when it first joins a
story, and what was read is stored as memos (`gazette.db.memo`), so every later version of the
story, in this process or another, starts from it. Vectors are stored exactly as the model gave
them, so an article written from stored vectors is the article written from fresh ones.

The writer's reading of a report (its printable sentences, what each sentence claims, the
figures, names and turning words of the whole text, its attributed quotations, its language) is
stored the same way, as one memo per report. Its kind names a digest of the code that does the
reading (`READING_VERSION`): a change to that code or to the splitter's or language model's
version starts new memos instead of reading stale ones, and a changed text has another key.
Values are JSON, never pickles: a memo is data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import metadata
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

import gazette
from gazette import language
from gazette.db import memo
from gazette.db.models import utcnow
from gazette.embedding import DIMENSIONS, Embedder, from_bytes, to_bytes
from gazette.records import SourceArticle
from gazette.sentences import content_words, proper_names, split_sentences, splits
from gazette.write import choose, trim
from gazette.write.clean import without_glued_title
from gazette.write.compose import printable_sentences
from gazette.write.facts import (
    Claims,
    Clause,
    assemble_source,
    claims_of,
    figures_of,
    read_source,
)
from gazette.write.quotes import FoundQuote, find_quotes
from gazette.write.stance import judges_in_own_voice

SPLIT_KIND = "sentences:pysbd"


def _reading_version() -> str:
    """A digest of the code that reads a report: the writer's modules, the shared text helpers,
    and the versions of the splitter and the language model."""
    package = Path(gazette.__file__).parent
    files = sorted((package / "write").glob("*.py")) + [
        package / name for name in ("sentences.py", "text.py", "figures.py", "language.py")
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for library in ("pysbd", "py3langid"):
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


READING_VERSION = _reading_version()
READING_KIND = f"reading:{READING_VERSION}"
# Memos older than this are deleted by the write stage: a story is rarely rewritten after its
# reports have left the clustering window, and one that is simply reads them again.
KEEP_DAYS = 14


class StoredEmbedder:
    """An embedder that looks in the database before it asks the model, and stores what the
    model gave it."""

    def __init__(self, session: Session, embedder: Embedder) -> None:
        self.session = session
        self.embedder = embedder
        self.name = embedder.name
        self.kind = f"vector:{embedder.name}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        keys = {text: memo.text_key(text) for text in texts}
        stored = memo.recall(self.session, self.kind, keys.values())
        vectors = {text: from_bytes(stored[key]) for text, key in keys.items() if key in stored}
        missing = [text for text in keys if text not in vectors]
        if missing:
            fresh = self.embedder.encode(missing)
            vectors.update(zip(missing, fresh, strict=True))
            memo.keep(
                self.session,
                self.kind,
                {keys[text]: to_bytes(vector) for text, vector in zip(missing, fresh, strict=True)},
            )
        return np.stack([vectors[text] for text in texts])


@contextmanager
def stored_splits(session: Session, texts: list[str]) -> Iterator[None]:
    """Within the block the splitter knows the stored sentences of `texts`; afterwards those it
    had to split itself are stored."""
    unsplit = recall_splits(session, texts)
    try:
        yield
    finally:
        keep_splits(session, unsplit)


@contextmanager
def stored_readings(session: Session, sources: list[SourceArticle]) -> Iterator[None]:
    """Within the block the writer knows the stored sentences and readings of `sources`; after
    it, those it had to work out itself are stored (in the caller's transaction: a write that
    fails stores nothing, and a memo already stored is left as it is)."""
    unread = recall_readings(session, sources)  # a reading holds its report's sentences
    unsplit = recall_splits(session, [source.text for source in unread])
    yield
    keep_splits(session, unsplit)
    keep_readings(session, unread)


def _reading_key(source: SourceArticle) -> str:
    return memo.text_key(source.title + "\0" + source.text)


def recall_readings(session: Session, sources: list[SourceArticle]) -> list[SourceArticle]:
    """Hand the writer the stored readings of these sources; returns the sources with none."""
    keys = {_reading_key(source): source for source in sources}
    stored = memo.recall(session, READING_KIND, keys)
    for key, source in keys.items():
        if key in stored:
            _remember(source, json.loads(stored[key]))
    return [source for key, source in keys.items() if key not in stored]


def keep_readings(session: Session, sources: list[SourceArticle]) -> None:
    """Store the readings of these sources (reading them if that has not been done yet)."""
    memo.keep(
        session,
        READING_KIND,
        {
            _reading_key(source): json.dumps(_reading(source), separators=(",", ":")).encode()
            for source in sources
        },
    )


def _sample(source: SourceArticle) -> str:
    return f"{source.title}. {source.text}".strip(" .")


def _reading(source: SourceArticle) -> dict:
    """What the writer reads in a report, as JSON (sets as sorted lists)."""
    facts = read_source(source.text)
    printable = printable_sentences(source.title, source.text, False)
    split = split_sentences(source.text)
    texts = dict.fromkeys(
        [*split, *without_glued_title(split), *(text for _, text, _ in printable)]
    )
    return {
        "split": split,
        "sentences": [list(item) for item in printable],
        "claims": {text: _claims_json(claims_of(text)) for text in texts},
        "figures": sorted(facts.figure_values),
        "words": sorted(facts.words),
        "polarity": sorted(facts.polarity),
        "quotes": [[q.text, q.speaker] for q in find_quotes(source.text)],
        "language": language.detect_language(_sample(source)),
    }


def _remember(source: SourceArticle, reading: dict) -> None:
    """Put a stored reading back where the writer looks for it. The splitter gets its own
    pieces; the source's reading is rebuilt from them as `read_source` reads them, with a glued
    title apart."""
    split = tuple(reading["split"])
    if splits.get(source.text) is None:
        splits.add(source.text, split)
    claims = {text: _claims_from(value) for text, value in reading["claims"].items()}
    for text, value in claims.items():
        claims_of.add(text, value)
        content_words.add(text, value.words)
        proper_names.add(text, value.names)
    read_source.add(
        source.text,
        assemble_source(
            source.text,
            [claims[text] for text in without_glued_title(list(split))],
            figure_values=set(reading["figures"]),
            words=set(reading["words"]),
            polarity=frozenset(reading["polarity"]),
        ),
    )
    printable_sentences.add(
        (source.title, source.text, False),
        tuple((index, text, needs) for index, text, needs in reading["sentences"]),
    )
    find_quotes.add(source.text, tuple(FoundQuote(text, who) for text, who in reading["quotes"]))
    language.remember_detected(_sample(source), reading["language"])


def _claims_json(claims: Claims) -> list:
    return [
        sorted(claims.figure_values),
        sorted(claims.names),
        list(claims.quotations),
        sorted(claims.polarity),
        [[sorted(c.words), sorted(c.polarity)] for c in claims.turns],
        sorted(claims.words),
    ]


def _claims_from(value: list) -> Claims:
    figure_values, names, quotations, polarity, turns, words = value
    return Claims(
        figure_values=frozenset(figure_values),
        names=frozenset(names),
        quotations=tuple(quotations),
        polarity=frozenset(polarity),
        turns=tuple(Clause(frozenset(w), frozenset(p)) for w, p in turns),
        words=frozenset(words),
    )


def recall_splits(session: Session, texts: list[str]) -> list[str]:
    """Hand the splitter the stored sentences of these texts; returns the texts with none stored."""
    keys = {text: memo.text_key(text) for text in texts}
    stored = memo.recall(session, SPLIT_KIND, keys.values())
    for text, key in keys.items():
        if key in stored and splits.get(text) is None:
            splits.add(text, tuple(json.loads(stored[key])))
    return [text for text, key in keys.items() if key not in stored]


def keep_splits(session: Session, texts: list[str]) -> None:
    """Store the sentences of these texts (splitting them if that has not been done yet)."""
    memo.keep(
        session,
        SPLIT_KIND,
        {memo.text_key(text): json.dumps(split_sentences(text)).encode("utf-8") for text in texts},
    )


def forget_in_process() -> None:
    """Empty this process's memories of what texts say (splits, claims, source readings,
    quotes, printable sentences, whether a report judges in its own voice, languages, the
    chooser's word lists, the side clauses of chosen sentences), as a new process starts: for
    measuring, and for tests of what is stored."""
    splits.clear()
    for memory in (
        claims_of,
        figures_of,
        read_source,
        find_quotes,
        printable_sentences,
        judges_in_own_voice,
        language.detected,
        content_words,
        proper_names,
        choose.content_words,
        choose.proper_names,
        choose._figure_values,
        choose._quoted_words,
        trim.side_clauses,
        trim._words,
    ):
        memory.cache_clear()


def forget_old(session: Session) -> int:
    """Delete memos older than KEEP_DAYS; returns how many."""
    return memo.forget_before(session, utcnow() - timedelta(days=KEEP_DAYS))
