"""What the write stage keeps between runs: each report's sentences and each sentence's vector.

Reading a report (splitting it into sentences, embedding every sentence) costs far more than
writing the article: about 0.15 s for a full-length report, against under 0.1 s for writing a
whole ten-source story from reports already read. A report is read once, when it first joins a
story, and what was read is stored as memos (`gazette.db.memo`), so every later version of the
story, in this process or another, starts from it. Vectors are stored exactly as the model gave
them, so an article written from stored vectors is the article written from fresh ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
from sqlalchemy.orm import Session

from gazette.db import memo
from gazette.db.models import utcnow
from gazette.embedding import DIMENSIONS, Embedder, from_bytes, to_bytes
from gazette.sentences import split_sentences, splits
from gazette.write.facts import claims_of, read_source
from gazette.write.quotes import find_quotes

SPLIT_KIND = "sentences:pysbd"
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
    quotes), as a new process starts: for measuring, and for tests of what is stored."""
    splits.clear()
    claims_of.cache_clear()
    read_source.cache_clear()
    find_quotes.cache_clear()


def forget_old(session: Session) -> int:
    """Delete memos older than KEEP_DAYS; returns how many."""
    return memo.forget_before(session, utcnow() - timedelta(days=KEEP_DAYS))
