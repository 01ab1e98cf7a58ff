"""FAISS as a `DenseStore`: normalised vectors, inner-product search, filters as an ID selector.

Exact search (`Flat`) up to `HNSW_ABOVE` rows, HNSW above, IVF when asked. The vector matrix is the
truth (`vectors.npy`); the FAISS structure is rebuilt from it when rows change and written beside it
(`dense.faiss`) only for approximate types, whose build is the slow part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, get_args

import numpy as np

from ..errors import ConfigError, IndexCorruptError
from ..models import IndexType
from .backend import RowFields, Where, positions_of, top_k

INDEX_TYPES: tuple[str, ...] = get_args(IndexType)
HNSW_ABOVE = 100_000  # rows; exact search took 32 ms at 58,570 (benchmarks/results/ann_recall.md)
EXACT_BELOW = 50_000  # allowed rows under a filter answered by exact inner products
# HNSW graph search breadth. At 1,000,000 clauses (benchmarks/results/scale.md) efSearch 128 found 0.835 of the
# exact top 10 and 512 found 0.966 in 4.8 ms p50, so 512: HNSW serves only indexes past 100,000 clauses.
HNSW_EF_SEARCH = 512
MAX_EF_SEARCH = 4096
OVERSAMPLE = 2.0  # a broad filter on HNSW: walk unfiltered for OVERSAMPLE * k / share rows, keep the allowed


def faiss_module() -> Any:
    """faiss, imported on first use (its bundled type stubs lag behind its Python API)."""
    import faiss

    return faiss


def check_index_type(kind: str) -> IndexType:
    if kind not in INDEX_TYPES:
        raise ConfigError(f"unknown index type {kind!r}: use one of {', '.join(INDEX_TYPES)}")
    return kind  # type: ignore[return-value]


class FaissDense:
    kind: ClassVar[str] = "faiss"

    def __init__(self, dimension: int = 0, index_type: IndexType = "auto") -> None:
        self.index_type: IndexType = check_index_type(index_type)
        self.matrix = np.zeros((0, dimension), dtype=np.float32)
        self.keys = np.zeros(0, dtype=np.int64)
        self.alive = np.zeros(0, dtype=bool)
        self._faiss: Any = None

    def __len__(self) -> int:
        return int(self.alive.sum())

    @property
    def dimension(self) -> int:
        return int(self.matrix.shape[1])

    def add(self, keys: np.ndarray, vectors: np.ndarray, fields: list[RowFields]) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.matrix.shape[0] == 0:
            self.matrix = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        self.matrix = np.concatenate([self.matrix, vectors])
        self.keys = np.concatenate([self.keys, np.asarray(keys, dtype=np.int64)])
        self.alive = np.concatenate([self.alive, np.ones(len(keys), dtype=bool)])
        self._faiss = None

    def delete(self, keys: np.ndarray) -> None:
        self.alive[positions_of(self.keys, keys)] = False

    def vectors(self, keys: np.ndarray) -> np.ndarray:
        return self.matrix[positions_of(self.keys, keys)]

    def kind_in_force(self) -> str:
        if self.index_type != "auto":
            return self.index_type
        return "hnsw" if self.matrix.shape[0] >= HNSW_ABOVE else "flat"

    def factory_string(self) -> str:
        kind = self.kind_in_force()
        if kind == "hnsw":
            return "HNSW32,Flat"
        if kind == "ivf":
            return f"IVF{getattr(self.structure(), 'nlist', 0)},Flat"
        return "Flat"

    def structure(self) -> Any:
        """The FAISS index over the matrix, built on first use (searching, saving, or a benchmark timing the build)."""
        if self._faiss is None:
            faiss = faiss_module()
            n, dim = self.matrix.shape
            kind = self.kind_in_force()
            if kind == "hnsw":
                index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = 80
                index.hnsw.efSearch = HNSW_EF_SEARCH
            elif kind == "ivf":
                nlist = max(1, min(4096, int(4 * np.sqrt(max(n, 1)))))
                quantizer = faiss.IndexFlatIP(dim)
                index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
                index.train(self.matrix if n >= nlist else np.resize(self.matrix, (nlist, dim)))
                index.nprobe = min(nlist, 32)
            else:
                index = faiss.IndexFlatIP(dim)
            if n:
                index.add(self.matrix)
            self._faiss = index
        return self._faiss

    def search(self, query: np.ndarray, k: int, where: Where) -> list[tuple[int, float]]:
        faiss = faiss_module()
        if where.keys is None:
            allowed = self.alive
        else:
            allowed = np.zeros_like(self.alive)
            allowed[positions_of(self.keys, where.keys)] = True
            allowed &= self.alive
        n_allowed = int(allowed.sum())
        if not n_allowed:
            return []
        qvec = np.asarray(query, dtype=np.float32).reshape(1, -1)
        if n_allowed < len(allowed) and n_allowed <= EXACT_BELOW:
            # a filter that leaves few rows: exact inner products over them beat a graph walk that must
            # skip most of its neighbours (faster, and recall 1.0; benchmarks/results/scale.md)
            flat = self._flat()
            if flat is not None:  # FAISS scans only the allowed rows of its own copy: no gather of the rows
                exact = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(np.packbits(allowed, bitorder="little")))
                scores, rows = flat.search(qvec, min(k, n_allowed), params=exact)
                return [(int(self.keys[r]), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
            rows = np.flatnonzero(allowed)
            scores = self.matrix[rows] @ qvec[0]
            best = top_k(scores, k)
            return [(int(self.keys[rows[i]]), float(scores[i])) for i in best]
        index = self.structure()
        params: Any = None
        if n_allowed < len(allowed):
            share = n_allowed / len(allowed)
            if isinstance(index, faiss.IndexHNSWFlat):
                found = self._post_filtered(index, qvec, k, allowed, share)
                if found is not None:
                    return found
            bits = faiss.IDSelectorBitmap(np.packbits(allowed, bitorder="little"))
            if isinstance(index, faiss.IndexHNSWFlat):
                # the walk skips rows the filter refuses, so it must look further the fewer pass (ef / share, capped)
                ef = min(MAX_EF_SEARCH, max(k, int(np.ceil(HNSW_EF_SEARCH / share))))
                params = faiss.SearchParametersHNSW(sel=bits, efSearch=ef)
            elif isinstance(index, faiss.IndexIVFFlat):
                params = faiss.SearchParametersIVF(sel=bits, nprobe=index.nprobe)
            else:
                params = faiss.SearchParameters(sel=bits)
        scores, rows = index.search(qvec, min(k, n_allowed), params=params)
        return [
            (int(self.keys[r]), float(s))
            for r, s in zip(rows[0], scores[0], strict=True)
            if r >= 0 and allowed[r]
        ]

    def _post_filtered(
        self, index: Any, qvec: np.ndarray, k: int, allowed: np.ndarray, share: float
    ) -> list[tuple[int, float]] | None:
        """Under a filter most rows pass, the unfiltered graph walk for OVERSAMPLE * k / share rows, keeping the
        allowed ones: as good as an unfiltered search, and cheaper than a walk that checks every row it meets
        against the filter. None when fewer than k of them pass (the caller walks under the filter then)."""
        wanted = int(np.ceil(OVERSAMPLE * k / share))
        if wanted > MAX_EF_SEARCH or wanted >= len(allowed):
            return None
        # the k-th allowed row lies about k / share deep, where the walk must be as sure as at k unfiltered:
        # efSearch / share (1M rows, 30% passing: 0.949 of the true top 10 at efSearch 512, scale-faiss.md)
        ef = min(MAX_EF_SEARCH, max(wanted, int(np.ceil(HNSW_EF_SEARCH / share))))
        params = faiss_module().SearchParametersHNSW(efSearch=ef)
        scores, rows = index.search(qvec, wanted, params=params)
        kept = [(int(self.keys[r]), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0 and allowed[r]]
        return kept[:k] if len(kept) >= k else None

    def _flat(self) -> Any:
        """An exact FAISS index over the matrix's rows, in their order, when one is at hand without a copy: the
        Flat index (built here if it is the kind in force), or the vectors an HNSW index holds."""
        faiss = faiss_module()
        if self._faiss is None and self.kind_in_force() == "flat":
            self.structure()
        if isinstance(self._faiss, faiss.IndexFlat):
            return self._faiss
        if isinstance(self._faiss, faiss.IndexHNSWFlat):
            return faiss.downcast_index(self._faiss.storage)
        return None

    def compact(self) -> None:
        if self.alive.all():
            return
        self.matrix = self.matrix[self.alive]
        self.keys = self.keys[self.alive]
        self.alive = np.ones(len(self.keys), dtype=bool)
        self._faiss = None

    def save(self, gen: Path) -> dict[str, Any]:
        self.compact()
        np.save(gen / "vectors.npy", self.matrix.astype(np.float32), allow_pickle=False)
        np.save(gen / "dense_keys.npy", self.keys, allow_pickle=False)
        factory = self.factory_string()
        if factory != "Flat":
            faiss_module().write_index(self.structure(), str(gen / "dense.faiss"))
        return {"kind": self.kind, "index_option": self.index_type, "factory": factory}

    @classmethod
    def open(cls, gen: Path, info: dict[str, Any], dimension: int) -> FaissDense:
        option = info.get("index_option", "auto")
        store = cls(dimension, check_index_type(option if isinstance(option, str) else "auto"))
        path = gen / "vectors.npy"
        try:
            matrix = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise IndexCorruptError(f"cannot read vectors: {exc}", path=path) from exc
        if matrix.ndim != 2 or matrix.dtype != np.float32 or (len(matrix) and matrix.shape[1] != dimension):
            raise IndexCorruptError(
                f"vectors have shape {matrix.shape} and type {matrix.dtype}, the manifest says "
                f"{dimension} float32 dimensions",
                path=path,
            )
        if not np.isfinite(matrix).all():
            bad = int((~np.isfinite(matrix)).any(axis=1).sum())
            raise IndexCorruptError(f"{bad} vector row(s) hold NaN or Inf", path=path)
        store.matrix = matrix if len(matrix) else np.zeros((0, dimension), dtype=np.float32)
        keys_path = gen / "dense_keys.npy"
        if keys_path.exists():
            try:
                store.keys = np.load(keys_path, allow_pickle=False).astype(np.int64)
            except (ValueError, OSError) as exc:
                raise IndexCorruptError(f"cannot read row keys: {exc}", path=keys_path) from exc
        else:  # written before rows had keys: keys are positions
            store.keys = np.arange(len(matrix), dtype=np.int64)
        if store.keys.shape != (len(matrix),):
            raise IndexCorruptError(f"{len(matrix)} vectors but {store.keys.shape} keys", path=keys_path)
        store.alive = np.ones(len(matrix), dtype=bool)
        if (gen / "dense.faiss").exists():
            try:
                store._faiss = faiss_module().read_index(str(gen / "dense.faiss"))
            except RuntimeError as exc:
                raise IndexCorruptError(f"cannot read the FAISS index: {exc}", path=gen / "dense.faiss") from exc
            if store._faiss.ntotal != len(matrix):
                raise IndexCorruptError(
                    f"FAISS index holds {store._faiss.ntotal} vectors, vectors.npy {len(matrix)}",
                    path=gen / "dense.faiss",
                )
            if isinstance(store._faiss, faiss_module().IndexHNSWFlat):  # saved with the efSearch of its day
                store._faiss.hnsw.efSearch = HNSW_EF_SEARCH
        return store
