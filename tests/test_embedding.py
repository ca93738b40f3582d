"""The bundled sentence model as Gazette calls it."""

from __future__ import annotations

import numpy as np


def test_the_embedder_embeds_each_text_once_and_gives_the_same_vector(embedder) -> None:
    texts = ["The ferry was suspended.", "All 86 passengers were safe.", "The ferry was suspended."]
    first = embedder.encode(texts)
    assert first.shape == (3, 384) and np.allclose(first[0], first[2])
    again = embedder.encode(texts[1:2])  # remembered: the very same vector
    assert np.array_equal(again[0], first[1])
    fresh = embedder.model.encode(texts[:1], normalize_embeddings=True)[0]
    assert np.allclose(first[0], fresh, atol=1e-5)
