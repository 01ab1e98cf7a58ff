"""Saving and opening an index: the manifest with its backend blocks, and the stores it names by kind."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..bank.store import QuestionBank
from ..errors import IndexCorruptError, IndexFormatError, IndexNotFoundError, IndexStoreError
from ..models import Manifest
from . import store
from .backend import DenseStore, LexicalStore
from .rows import RowTable
from .writing import batched_before

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..search.fusion import FusionConfig
    from . import Index

    DenseOpener = Callable[[Path, dict[str, Any], int], DenseStore]
    LexicalOpener = Callable[[Path, dict[str, Any]], LexicalStore]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def dense_opener(kind: str) -> DenseOpener:
    """The class method that opens a saved dense store of `kind`."""
    if kind == "faiss":
        from .faiss_store import FaissDense

        return FaissDense.open
    if kind == "milvus":
        from .milvus import MilvusDense

        return MilvusDense.open  # type: ignore[return-value]
    raise IndexFormatError(f"unknown dense store {kind!r} in the manifest")


def lexical_opener(kind: str) -> LexicalOpener:
    if kind == "bm25":
        from .lexical import Bm25Store

        return Bm25Store.open  # type: ignore[return-value]
    if kind == "milvus-bm25":
        from .milvus import MilvusLexical

        return MilvusLexical.open  # type: ignore[return-value]
    raise IndexFormatError(f"unknown lexical store {kind!r} in the manifest")


def load_parts(
    folder: Path, manifest: Manifest, raw: dict[str, Any], verify: bool
) -> tuple[FusionConfig | None, DenseStore, LexicalStore, RowTable, QuestionBank]:
    """The fusion settings, stores and row table of the generation `raw` names, every file checked."""
    from ..search.fusion import FusionConfig

    gen = store.generation_dir(folder, raw, verify=verify)
    try:
        fusion = FusionConfig.model_validate(raw["fusion"]) if raw.get("fusion") else None
    except ValueError as exc:
        raise IndexCorruptError(f"invalid fusion settings: {exc}", path=folder / store.MANIFEST) from exc
    backend = raw.get("backend") or {  # written before the storage seam: FAISS and BM25
        "dense": {"kind": "faiss", "index_option": raw.get("index_option", "auto")},
        "lexical": {"kind": "bm25"},
    }
    try:
        dense_info, lexical_info = dict(backend["dense"]), dict(backend["lexical"])
        dense = dense_opener(str(dense_info["kind"]))(gen, dense_info, manifest.dimension)
        lexical = lexical_opener(str(lexical_info["kind"]))(gen, lexical_info)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise IndexCorruptError(f"cannot read the index's stores: {exc}", path=gen) from exc
    table = RowTable.load(gen, raw.get("rows"))
    n = len(table)
    if len(dense) != n or len(lexical) != n:
        raise IndexCorruptError(
            f"row counts disagree: {n} clauses, {len(dense)} vectors, {len(lexical)} lexical rows", path=gen
        )
    return fusion, dense, lexical, table, QuestionBank.load(gen, raw.get("bank"))


def save(index: Index, opened_generation: int) -> Manifest:
    """Write `index` as the next generation of its folder, atomically, under the writer lock."""
    from .. import __version__

    emb = index.embedder
    folder = index.folder
    with store.writer_lock(folder):
        try:
            on_disk: Manifest | None = store.read_manifest(folder)[0]
        except IndexNotFoundError:
            on_disk = None
        if on_disk is not None and on_disk.generation != opened_generation:
            raise IndexStoreError(
                f"the index was saved by another process (generation {on_disk.generation}, this one "
                f"opened {opened_generation}); reopen it and add again",
                path=folder,
            )
        generation = opened_generation + 1
        blocks: dict[str, Any] = {}

        def write(tmp: Path) -> None:
            blocks["rows"] = index.table.save(tmp)
            blocks["dense"] = index.dense.save(tmp)
            blocks["lexical"] = index.text.save(tmp)
            index.bank.save(tmp)

        def manifest_for() -> tuple[Manifest, dict[str, Any]]:
            scheme = getattr(index.text, "scheme", index.text.kind)
            manifest = Manifest(
                format_version=store.FORMAT_VERSION,
                lawdocs_version=__version__,
                model_name=emb.name,
                model_fingerprint=emb.fingerprint,
                dimension=emb.dimension,
                query_prompt=emb.query_prompt,
                passage_prompt=emb.passage_prompt,
                index_type=index.factory_string(),
                lexical=f"bm25-{scheme}",
                documents=len(index.table.documents),
                clauses=len(index.table.clauses),
                created=index.manifest.created if index.manifest else _now(),
                updated=_now(),
                generation=generation,
                embedding=getattr(emb, "embedding", "") if index.manifest is None or not batched_before(index)
                else index.manifest.embedding,
            )
            extra = {
                "fusion": index.fusion.model_dump() if index.fusion is not None else None,
                "fusion_in_force": index.fusion_config().model_dump(),
                "index_option": blocks["dense"].get("index_option", "auto"),
                "backend": {"dense": blocks["dense"], "lexical": blocks["lexical"]},
                "rows": blocks["rows"],
                "bank": index.bank.manifest_block(),
                "pid": os.getpid(),
            }
            return manifest, extra

        return store.write_generation(folder, generation, write, manifest_for)


def re_embed(index: Index, copy: Index, batch_size: int) -> None:
    """Give `copy` the rows of `index` (compacted), embedded again by `copy`'s embedder (`Index.with_model`)."""
    from .faiss_store import FaissDense

    embedder = copy.embedder
    if isinstance(index.dense, FaissDense):
        copy.dense = FaissDense(embedder.dimension, index.dense.index_type)
    copy.table = index.table.copy()
    rows = range(len(index.table.clauses))
    vectors = embedder.encode_passages([index.passage(r) for r in rows], batch_size=batch_size).astype(np.float32)
    copy.dense.add(index.table.keys, vectors, [index.table.fields(r) for r in rows])
