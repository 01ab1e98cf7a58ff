"""FAISS HNSW under filters: a filter most rows pass is answered from an oversampled unfiltered walk, a filter
the walk cannot satisfy that way falls back to a walk under the filter, and both keep to the allowed rows.

Small random vectors; `EXACT_BELOW` is lowered so that these few thousand rows take the graph paths a
million-row index takes (benchmarks/results/scale.md measures them at that size).
"""

from __future__ import annotations

import numpy as np
import pytest

from lawdocs.filters import Filters
from lawdocs.index import faiss_store
from lawdocs.index.backend import Where
from lawdocs.index.faiss_store import FaissDense

N, DIM, K = 3000, 32, 10


@pytest.fixture(scope="module")
def store() -> tuple[FaissDense, np.ndarray]:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dense = FaissDense(DIM, index_type="hnsw")
    dense.add(np.arange(N, dtype=np.int64) * 3 + 1, vectors, [])  # keys are not row numbers
    dense.structure()
    return dense, vectors


def exact(vectors: np.ndarray, query: np.ndarray, allowed: np.ndarray) -> list[int]:
    scores = np.where(allowed, vectors @ query, -np.inf)
    return [int(r) * 3 + 1 for r in np.argsort(-scores)[:K]]


def recall(dense: FaissDense, vectors: np.ndarray, queries: np.ndarray, allowed: np.ndarray) -> float:
    keys = (np.flatnonzero(allowed) * 3 + 1).astype(np.int64)
    found = 0
    for q in queries:
        got = [key for key, _ in dense.search(q, K, Where(Filters(), keys))]
        assert len(got) == K and set(got) <= set(keys.tolist())  # a full top k, every key allowed
        found += len(set(got) & set(exact(vectors, q, allowed)))
    return found / (K * len(queries))


def test_a_broad_filter_is_answered_from_an_oversampled_unfiltered_walk(
    store: tuple[FaissDense, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    dense, vectors = store
    monkeypatch.setattr(faiss_store, "EXACT_BELOW", 0)
    allowed = np.random.default_rng(1).random(N) < 0.4
    queries = vectors[:20] + 0.1 * np.random.default_rng(2).standard_normal((20, DIM)).astype(np.float32)
    walks: list[bool] = []
    real = FaissDense._post_filtered

    def spy(self: FaissDense, *args: object) -> object:
        out = real(self, *args)  # type: ignore[arg-type]
        walks.append(out is not None)
        return out

    monkeypatch.setattr(FaissDense, "_post_filtered", spy)
    assert recall(dense, vectors, queries, allowed) >= 0.95
    assert walks and all(walks)  # every query was answered by the unfiltered walk


def test_a_filter_the_oversampled_walk_misses_falls_back_to_walking_under_it(
    store: tuple[FaissDense, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    dense, vectors = store
    monkeypatch.setattr(faiss_store, "EXACT_BELOW", 0)
    query = vectors[0]
    # 5 % of rows pass, and they are the ones least like the query: the unfiltered walk's head holds none
    allowed = np.zeros(N, dtype=bool)
    allowed[np.argsort(vectors @ query)[: N // 20]] = True
    assert dense._post_filtered(dense.structure(), query.reshape(1, -1), K, allowed, 0.05) is None
    assert recall(dense, vectors, query.reshape(1, -1), allowed) >= 0.9
