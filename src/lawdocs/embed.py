"""Clauses to vectors. (Contract skeleton; the implementation fills the bodies.)

Every embedder returns L2-normalised float32 rows, so inner product is cosine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str  # what the manifest records, e.g. "lawdocs/multilingual-e5-small"
    fingerprint: str  # changes whenever the weights change
    dimension: int
    query_prompt: str
    passage_prompt: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


class HashEmbedder:
    """A deterministic stand-in for tests: hashed character uni- and bigrams.

    Fast and dependency-free; texts that share characters land near each other, which is
    enough to test indexing, fusion, filters and persistence without a neural model.
    """

    query_prompt = ""
    passage_prompt = ""

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"hash-{dimension}"
        self.fingerprint = hashlib.sha256(self.name.encode()).hexdigest()[:16]

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for gram in grams:
            h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")
            vec[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        return self.encode_queries(texts)


def load_embedder(model: str | None = None, *, backend: str = "auto") -> Embedder:
    """The default model (None) or a sentence-transformers model by name or folder."""
    raise NotImplementedError
