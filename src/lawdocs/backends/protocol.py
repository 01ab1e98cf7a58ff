"""The storage-backend seam: the scalar fields of a row, which rows a search may return, and the two store
protocols (dense and lexical). A backend is a pair of stores; every row is addressed by its stable int64 key.

This copy follows the lead's contract (backend-spec) so the Milvus stores can be written and tested before the
Index is rewired; the lead's `lawdocs.index.backend` replaces it with the same names and signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np

from ..search import Filters


@dataclass(frozen=True)
class RowFields:
    """Scalar fields of one row, for engines that filter by expression (Milvus)."""

    key: int
    doc_id: str
    doc_type: str
    region: str  # "" when unknown
    issuers: str  # issuers joined by "|"
    year: int  # -1 when unknown
    date: str  # ISO date or ""
    status: str  # "" when unknown
    path: str  # section headings joined by " › "


@dataclass(frozen=True)
class Where:
    """Which rows may be returned: the parsed filters (for engines that push them down) and the allowed keys
    the row table computed from them (sorted int64, alive rows only; None means every live row)."""

    filters: Filters
    keys: np.ndarray | None


class DenseStore(Protocol):
    kind: ClassVar[str]

    def add(self, keys: np.ndarray, vectors: np.ndarray, fields: list[RowFields]) -> None: ...
    def delete(self, keys: np.ndarray) -> None: ...
    def search(self, query: np.ndarray, k: int, where: Where) -> list[tuple[int, float]]: ...
    def vectors(self, keys: np.ndarray) -> np.ndarray: ...
    def __len__(self) -> int: ...
    def save(self, gen: Path) -> dict[str, Any]: ...
    @classmethod
    def open(cls, gen: Path, info: dict[str, Any], dimension: int) -> DenseStore: ...


class LexicalStore(Protocol):
    kind: ClassVar[str]

    def add(self, keys: np.ndarray, texts: list[str], fields: list[RowFields]) -> None: ...
    def delete(self, keys: np.ndarray) -> None: ...
    def search(self, query: str, k: int, where: Where) -> list[tuple[int, float]]: ...
    def __len__(self) -> int: ...
    def save(self, gen: Path) -> dict[str, Any]: ...
    @classmethod
    def open(cls, gen: Path, info: dict[str, Any]) -> LexicalStore: ...
