"""Milvus stores: dense vectors (HNSW or IVF) and BM25 full-text search (jieba analyzer), through pymilvus'
`MilvusClient`. The URI is a local file (milvus-lite, one machine, one process per file) or a server or cluster
(`http://host:19530`); the same code serves both.

Filters are pushed down as Milvus boolean expressions over the row's scalar fields (`filters_to_expr`); the keys
the row table allows are applied as a final check on what Milvus returns.

Consistency with lawdocs generations: inserts go to Milvus at once (so a search before `save` sees them) and the
manifest block records the largest key saved; deletes are held back until `save`. Opening a saved generation
deletes rows with larger keys (added by a writer that never saved), so the engine matches the row table again.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from ..errors import BackendError
from . import milvus_expr
from .backend import RowFields, Where
from .milvus_expr import MAX_TEXT, MAX_VARCHAR, SCALARS, _clip, _public_uri, _row, filters_to_expr, pushable

IndexKind = Literal["HNSW", "IVF_FLAT"]
TOKEN_ENV = "LAWDOCS_MILVUS_TOKEN"  # "user:password" or an API key; never written to the manifest
TOP_K_LIMIT = 16_384  # Milvus' largest limit per search
KEYS_IN_EXPR = 4096  # below this many allowed keys, a restriction the filters cannot express is pushed down
BATCH = 2000  # rows per insert / query call
MAX_EF = 4096  # the widest HNSW search tried when a filtered search comes back short


def _milvus() -> Any:
    try:
        import pymilvus
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise BackendError(
            "the Milvus backend needs the milvus extra: pip install 'lawdocs[milvus]'", path="pymilvus"
        ) from exc
    return pymilvus


class _Collection:
    """One Milvus collection addressed by int64 key, with the scalar fields and the save/open discipline."""

    kind: ClassVar[str]
    vector_field: ClassVar[str]

    def __init__(self, uri: str, collection: str, *, timeout: float = 10.0) -> None:
        self.uri = _public_uri(uri)
        self.collection = collection
        self.timeout = timeout
        self._pending_delete: set[int] = set()
        self._max_key = -1
        self._count = 0
        with self._call("connect"):
            self.client = _milvus().MilvusClient(
                uri=self.uri, token=os.environ.get(TOKEN_ENV, ""), timeout=timeout
            )

    @contextlib.contextmanager
    def _call(self, what: str) -> Iterator[None]:
        """Any failure of the engine becomes a BackendError naming the URI."""
        try:
            yield
        except BackendError:
            raise
        except Exception as exc:
            raise BackendError(
                f"Milvus at {self.uri} failed to {what} (collection {self.collection!r}): "
                f"{type(exc).__name__}: {exc}",
                path=self.uri,
            ) from exc

    # -- schema -------------------------------------------------------------------------------
    def _base_schema(self) -> Any:
        dt = _milvus().DataType
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("key", dt.INT64, is_primary=True)
        for name in SCALARS:
            schema.add_field(name, dt.VARCHAR, max_length=MAX_VARCHAR)
        schema.add_field("year", dt.INT64)
        return schema

    def _create(self, schema: Any, index_params: Any) -> None:
        with self._call("create the collection"):
            if self.client.has_collection(self.collection):
                raise BackendError(
                    f"collection {self.collection!r} already exists at {self.uri}; "
                    "use another collection name or open the index that owns it",
                    path=self.uri,
                )
            self.client.create_collection(self.collection, schema=schema, index_params=index_params)

    def _attach(self, info: dict[str, Any]) -> None:
        """Open an existing collection for a saved generation and drop rows that generation never saved."""
        with self._call("open the collection"):
            if not self.client.has_collection(self.collection):
                raise BackendError(
                    f"collection {self.collection!r} does not exist at {self.uri} (the index's engine data is gone)",
                    path=self.uri,
                )
            self.client.load_collection(self.collection)
            self._max_key = int(info.get("max_key", -1))
            self.client.delete(self.collection, filter=f"key > {self._max_key}")
            self.client.flush(self.collection)
            self._count = self._live_count()

    def _live_count(self) -> int:
        rows = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    # -- rows ---------------------------------------------------------------------------------
    def _insert(self, rows: list[dict[str, Any]]) -> None:
        with self._call("insert rows"):
            for start in range(0, len(rows), BATCH):
                self.client.insert(self.collection, rows[start : start + BATCH])
        if rows:
            self._max_key = max(self._max_key, max(int(r["key"]) for r in rows))
            self._count += len(rows)

    def delete(self, keys: np.ndarray) -> None:
        fresh = {int(k) for k in np.asarray(keys).ravel()} - self._pending_delete
        self._pending_delete |= fresh
        self._count -= len(fresh)

    def __len__(self) -> int:
        return self._count

    def save(self, gen: Path) -> dict[str, Any]:
        """Apply the deletes held back, flush, and return this store's manifest block."""
        with self._call("save"):
            doomed = sorted(self._pending_delete)
            for start in range(0, len(doomed), BATCH):
                self.client.delete(self.collection, ids=doomed[start : start + BATCH])
            self.client.flush(self.collection)
        self._pending_delete.clear()
        return {"kind": self.kind, "uri": self.uri, "collection": self.collection, "max_key": self._max_key}

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()

    # -- searching ----------------------------------------------------------------------------
    def _expr(self, where: Where) -> tuple[str, np.ndarray | None]:
        """The pushed-down expression and the sorted keys to check results against (None: no check needed)."""
        expr = filters_to_expr(where.filters)
        allowed = None if where.keys is None else np.asarray(where.keys, dtype=np.int64)
        unexpressed = not expr or not pushable(where.filters)
        if allowed is not None and unexpressed and len(allowed) <= KEYS_IN_EXPR:
            keys = f"key in [{', '.join(str(int(k)) for k in allowed)}]"
            expr = f"({expr}) and ({keys})" if expr else keys
        return expr, allowed

    def _search(
        self, data: list[Any], k: int, where: Where, params: dict[str, Any]
    ) -> list[tuple[int, float]]:
        if k <= 0 or (where.keys is not None and len(where.keys) == 0):
            return []
        expr, allowed = self._expr(where)
        if expr:
            # fewer rows passing, fewer true top k found (milvus-lite, 3.6 % of STARD's rows: 0.51 of the top 10 at
            # ef 128, 0.99 at 4096; benchmarks/results/milvus_stard.md), so search wider in proportion
            share = len(allowed) / self._count if allowed is not None and self._count > 0 else 0.0
            params = self._widen_for(params, share)
        limit = min(TOP_K_LIMIT, k + len(self._pending_delete))
        while True:
            with self._call("search"):
                res = self.client.search(
                    self.collection,
                    data=data,
                    anns_field=self.vector_field,
                    filter=expr,
                    limit=limit,
                    search_params=params,
                    output_fields=["key"],
                )
            got = res[0] if res else []
            pairs = [(int(h["key"]), float(h["distance"])) for h in got]
            inside = milvus_expr.members(np.array([key for key, _ in pairs], dtype=np.int64), allowed)
            out = [p for p, ok in zip(pairs, inside, strict=True) if ok and p[0] not in self._pending_delete]
            if len(out) >= k:
                return out[:k]
            if len(got) < limit:  # Milvus found fewer than asked: a graph search under a tight filter can
                wider = self._widen(params)  # miss rows, so search wider before believing it
                if wider is None:
                    return out
                params = wider
            elif limit >= TOP_K_LIMIT:
                return out
            else:
                limit = min(TOP_K_LIMIT, limit * 4)

    def _widen_for(self, params: dict[str, Any], share: float) -> dict[str, Any]:
        """Search parameters for a filter that `share` of the rows pass (0: unknown)."""
        return params

    def _widen(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """Search parameters that explore more, or None when they cannot (exact engines, the maximum)."""
        return None


class MilvusDense(_Collection):
    """Dense vectors in Milvus, inner product, HNSW (default) or IVF_FLAT."""

    kind: ClassVar[str] = "milvus"
    vector_field: ClassVar[str] = "vector"

    def __init__(
        self,
        uri: str,
        collection: str = "lawdocs_dense",
        *,
        dimension: int,
        index_type: IndexKind = "HNSW",
        params: dict[str, int] | None = None,
        timeout: float = 10.0,
        create: bool = True,
    ) -> None:
        if index_type not in ("HNSW", "IVF_FLAT"):
            raise BackendError(f"unknown Milvus index type {index_type!r} (HNSW or IVF_FLAT)", path=uri)
        super().__init__(uri, collection, timeout=timeout)
        self.dimension = dimension
        self.index_type: IndexKind = index_type
        defaults = (
            {"M": 32, "efConstruction": 200, "ef": 128}
            if index_type == "HNSW"
            else {"nlist": 1024, "nprobe": 32}
        )
        self.params = {**defaults, **(params or {})}
        if create:
            schema = self._base_schema()
            schema.add_field(self.vector_field, _milvus().DataType.FLOAT_VECTOR, dim=dimension)
            index = self.client.prepare_index_params()
            build = {k: v for k, v in self.params.items() if k not in ("ef", "nprobe")}
            index.add_index(self.vector_field, index_type=index_type, metric_type="IP", params=build)
            self._create(schema, index)

    def _search_params(self) -> dict[str, Any]:
        key = "ef" if self.index_type == "HNSW" else "nprobe"
        return {"metric_type": "IP", "params": {key: self.params[key]}}

    def _widen_for(self, params: dict[str, Any], share: float) -> dict[str, Any]:
        """ef (nprobe) scaled by 1 / share: the graph search meets about as many passing rows as without a filter."""
        if share <= 0.0:  # unknown: as wide as allowed
            while (wider := self._widen(params)) is not None:
                params = wider
            return params
        inner = dict(params["params"])
        key, top = ("ef", MAX_EF) if "ef" in inner else ("nprobe", int(self.params["nlist"]))
        inner[key] = min(top, max(int(inner[key]), math.ceil(int(inner[key]) / share)))
        return {**params, "params": inner}

    def _widen(self, params: dict[str, Any]) -> dict[str, Any] | None:
        inner = dict(params["params"])
        if "ef" in inner:
            if inner["ef"] >= MAX_EF:
                return None
            inner["ef"] = min(MAX_EF, inner["ef"] * 8)
        else:
            nlist = int(self.params["nlist"])
            if inner["nprobe"] >= nlist:
                return None
            inner["nprobe"] = min(nlist, inner["nprobe"] * 8)
        return {**params, "params": inner}

    def add(self, keys: np.ndarray, vectors: np.ndarray, fields: list[RowFields]) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(keys) != len(vectors) or len(keys) != len(fields) or vectors.ndim != 2:
            raise BackendError(
                f"add: {len(keys)} keys, {len(vectors)} vectors and {len(fields)} field rows disagree",
                path=self.uri,
            )
        if vectors.shape[1] != self.dimension:
            raise BackendError(
                f"add: vectors have {vectors.shape[1]} dimensions, the collection {self.dimension}",
                path=self.uri,
            )
        rows = []
        for key, vec, f in zip(keys, vectors, fields, strict=True):
            if int(key) != f.key:
                raise BackendError(f"add: key {int(key)} and its fields' key {f.key} differ", path=self.uri)
            row = _row(f)
            row[self.vector_field] = vec
            rows.append(row)
        self._insert(rows)

    def search(self, query: np.ndarray, k: int, where: Where) -> list[tuple[int, float]]:
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        return self._search([q.tolist()], k, where, self._search_params())

    def vectors(self, keys: np.ndarray) -> np.ndarray:
        wanted = [int(k) for k in np.asarray(keys).ravel()]
        found: dict[int, np.ndarray] = {}
        with self._call("read vectors"):
            for start in range(0, len(wanted), BATCH):
                chunk = wanted[start : start + BATCH]
                for r in self.client.query(
                    self.collection, ids=chunk, output_fields=["key", self.vector_field]
                ):
                    found[int(r["key"])] = np.asarray(r[self.vector_field], dtype=np.float32)
        missing = [k for k in wanted if k not in found or k in self._pending_delete]
        if missing:
            raise BackendError(f"no stored vector for keys {missing[:5]} (of {len(missing)})", path=self.uri)
        return np.array([found[k] for k in wanted], dtype=np.float32).reshape(len(wanted), self.dimension)

    def save(self, gen: Path) -> dict[str, Any]:
        block = super().save(gen)
        return {**block, "index_type": self.index_type, "params": dict(self.params), "metric": "IP"}

    @classmethod
    def open(cls, gen: Path, info: dict[str, Any], dimension: int) -> MilvusDense:
        self = cls(
            info["uri"],
            info["collection"],
            dimension=dimension,
            index_type=info.get("index_type", "HNSW"),
            params=info.get("params"),
            create=False,
        )
        self._attach(info)
        with self._call("describe the collection"):
            desc = self.client.describe_collection(self.collection)
        dims = [
            f.get("params", {}).get("dim")
            for f in desc.get("fields", [])
            if f.get("name") == cls.vector_field
        ]
        if dims and dims[0] is not None and int(dims[0]) != dimension:
            raise BackendError(
                f"collection {self.collection!r} holds {dims[0]}-dimensional vectors, the index {dimension}",
                path=self.uri,
            )
        return self


class MilvusLexical(_Collection):
    """BM25 full-text search inside Milvus: a jieba-analysed text field and a BM25 function into a sparse vector."""

    kind: ClassVar[str] = "milvus-bm25"
    vector_field: ClassVar[str] = "sparse"

    def __init__(
        self, uri: str, collection: str = "lawdocs_lexical", *, timeout: float = 10.0, create: bool = True
    ) -> None:
        super().__init__(uri, collection, timeout=timeout)
        if create:
            m = _milvus()
            schema = self._base_schema()
            schema.add_field(
                "text",
                m.DataType.VARCHAR,
                max_length=MAX_TEXT,
                enable_analyzer=True,
                analyzer_params={"tokenizer": "jieba"},
            )
            schema.add_field(self.vector_field, m.DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(
                m.Function(
                    name="bm25",
                    function_type=m.FunctionType.BM25,
                    input_field_names=["text"],
                    output_field_names=[self.vector_field],
                )
            )
            index = self.client.prepare_index_params()
            index.add_index(self.vector_field, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
            self._create(schema, index)

    def add(self, keys: np.ndarray, texts: list[str], fields: list[RowFields]) -> None:
        if len(keys) != len(texts) or len(keys) != len(fields):
            raise BackendError(
                f"add: {len(keys)} keys, {len(texts)} texts and {len(fields)} field rows disagree",
                path=self.uri,
            )
        rows = []
        for key, text, f in zip(keys, texts, fields, strict=True):
            if int(key) != f.key:
                raise BackendError(f"add: key {int(key)} and its fields' key {f.key} differ", path=self.uri)
            row = _row(f)
            row["text"] = _clip(text, MAX_TEXT)
            rows.append(row)
        self._insert(rows)

    def search(self, query: str, k: int, where: Where) -> list[tuple[int, float]]:
        if not query.strip():
            return []
        hits = self._search([query], k, where, {"metric_type": "BM25"})
        # milvus-lite 3.x reports BM25 as a negated distance (best first); a Milvus server reports the score
        return [(key, abs(score)) for key, score in hits if score != 0]

    @classmethod
    def open(cls, gen: Path, info: dict[str, Any]) -> MilvusLexical:
        self = cls(info["uri"], info["collection"], create=False)
        self._attach(info)
        return self
