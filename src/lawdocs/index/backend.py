"""The storage seam: what an engine must do to hold an index's vectors and lexical postings.

The row table (`rows.py`) stays in lawdocs' folder whatever the engine: clause and document records,
sources, and a stable int64 key per row (assigned in increasing order, never reused). Engines store and
return keys. A backend is a pair of engines: a `DenseStore` (vectors, k-nearest under a filter) and a
`LexicalStore` (full-text scoring). FAISS + lawdocs' BM25 is the default; `persist` opens a saved store
by the kind its manifest block names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

import numpy as np

if TYPE_CHECKING:
    from ..filters import Filters


@dataclass(frozen=True)
class Backend:
    """Which engines an index stores its rows in: `engine` for vectors ("faiss", the default, or "milvus"
    at `uri`, a milvus-lite file or a server), `lexical` for BM25 ("bm25", lawdocs' own, or "milvus")."""

    engine: Literal["faiss", "milvus"] = "faiss"
    uri: str | None = None
    lexical: Literal["bm25", "milvus"] = "bm25"
    index_type: Literal["HNSW", "IVF_FLAT"] = "HNSW"


@dataclass(frozen=True)
class RowFields:
    """Scalar fields of one row, for engines that filter by expression."""

    key: int
    doc_id: str
    doc_type: str
    region: str  # "" when unknown
    issuers: str  # joined by "|"
    year: int  # -1 when unknown
    date: str  # ISO date or ""
    status: str  # "" when unknown
    path: str  # section headings joined by " › "


@dataclass(frozen=True)
class Where:
    """Which rows may come back: the parsed filters (for engines that push them down) and the keys the row
    table allows (sorted, live rows only; None means every live row)."""

    filters: Filters
    keys: np.ndarray | None


class DenseStore(Protocol):
    kind: ClassVar[str]

    def add(self, keys: np.ndarray, vectors: np.ndarray, fields: list[RowFields]) -> None: ...

    def delete(self, keys: np.ndarray) -> None: ...

    def search(self, query: np.ndarray, k: int, where: Where) -> list[tuple[int, float]]:
        """(key, inner product) best first, within `where`; `query` is one normalised vector."""
        ...

    def vectors(self, keys: np.ndarray) -> np.ndarray: ...

    def __len__(self) -> int: ...

    def save(self, gen: Path) -> dict[str, Any]:
        """Write own files into the new generation folder (or commit in the engine); the manifest block."""
        ...


class LexicalStore(Protocol):
    kind: ClassVar[str]

    def add(self, keys: np.ndarray, texts: list[str], fields: list[RowFields]) -> None: ...

    def delete(self, keys: np.ndarray) -> None: ...

    def search(self, query: str, k: int, where: Where) -> list[tuple[int, float]]:
        """(key, score > 0) best first, within `where`."""
        ...

    def __len__(self) -> int: ...

    def save(self, gen: Path) -> dict[str, Any]: ...


def positions_of(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions in the sorted `keys` of the `wanted` keys that are present."""
    wanted = np.asarray(wanted, dtype=np.int64)
    if not len(keys) or not len(wanted):
        return np.zeros(0, dtype=np.int64)
    at = np.searchsorted(keys, wanted)
    at = np.minimum(at, len(keys) - 1)
    return at[keys[at] == wanted]


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Positions of the k best scores (mask-false positions excluded), best first."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]
