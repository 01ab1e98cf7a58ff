"""Writing rows: which documents are new, replaced or already held, and what goes to the row table and stores."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import versions
from ..embedding.progress import encode_passages_reporting
from ..errors import IndexStoreError
from ..ingest import AddReport
from ..models import Clause, Document
from .rows import RowTable, StoredDocument, passage_text, text_key

if TYPE_CHECKING:
    from . import Index


BATCHED_NOTE = (
    "this index's earlier clauses were embedded in batches by an older lawdocs, so their vectors differ slightly "
    "(up to 0.02 in cosine) from what this version gives the same text; build the index again in a new folder for "
    "vectors that every incremental update reproduces exactly"
)


def batched_before(index: Index) -> bool:
    """Whether the index's saved vectors came in batches while its embedder now embeds each text alone."""
    return (
        index.manifest is not None
        and getattr(index.embedder, "embedding", "") == "alone"
        and index.manifest.embedding != "alone"
    )


def add(
    index: Index, docs: Sequence[Document], *, batch_size: int = 64, vectors: np.ndarray | None = None
) -> AddReport:
    """Add `docs` to `index`: a document already held (same content hash) is skipped and its new source noted;
    one read again from a known source replaces the old version, whose unchanged clauses keep their vectors, and
    so does the same text whose clauses now come out otherwise (a newer lawdocs parses it better);
    the rest are embedded (or take `vectors`) and stored in the row table and both stores."""
    if vectors is not None and len(vectors) != sum(len(d.clauses) for d in docs):
        raise IndexStoreError(f"{len(vectors)} vectors for {sum(len(d.clauses) for d in docs)} clauses", path=index.folder)
    starts = np.cumsum([0, *(len(d.clauses) for d in docs)])
    report = AddReport()
    table = index.table
    new: list[tuple[StoredDocument, list[Clause], np.ndarray | None]] = []
    reuse: dict[str, np.ndarray] = {}
    for i, doc in enumerate(docs):
        seen = table.documents.get(doc.id) or next((d for d, _, _ in new if d.id == doc.id), None)
        # the same text parsed into other clauses (a newer lawdocs parses it better) is replaced, not skipped,
        # when read again from its first file, or from another file it was read from once the first is gone (the
        # corpus moved); two files that parse one text differently (.md, .txt) do not take turns
        primary = seen is not None and (
            doc.source == seen.sources[0] or (doc.source in seen.sources and not _on_disk(seen.sources[0]))
        )
        restructured = primary and _restructured(table, doc)
        if seen is not None and not restructured:
            if doc.source not in seen.sources:
                seen.sources.append(doc.source)
                table.by_source[doc.source] = doc.id
            # the same file again is unchanged; another file holding the same document is a duplicate
            (report.skipped if doc.source == seen.sources[0] else report.duplicates).append(doc.id)
            continue
        sources = [doc.source]
        old_id = table.by_source.get(doc.source)
        if seen is not None:  # restructured: the new clauses keep every source the document was read from
            sources = list(seen.sources)
            _keep_vectors(index, doc.id, reuse)
            index.forget(table.drop(doc.id))
            report.replaced.append(doc.id)
        elif old_id is not None and old_id in table.documents:
            _keep_vectors(index, old_id, reuse)
            index.forget(table.detach_source(old_id, doc.source))
            report.replaced.append(doc.id)
        else:
            report.added.append(doc.id)
        stored = StoredDocument(
            **doc.summary().model_dump(),
            content_hash=doc.content_hash,
            sources=sources,
            clause_count=len(doc.clauses),
        )
        own = None if vectors is None else np.asarray(vectors[starts[i] : starts[i + 1]], np.float32)
        new.append((stored, doc.clauses, own))
    clauses = [(d, c) for d, cs, _ in new for c in cs]
    if not clauses:
        return report
    texts = [passage_text(d, c) for d, c in clauses]
    if vectors is not None:
        vecs = np.concatenate([v for _, cs, v in new if cs and v is not None]).astype(np.float32)
    else:
        keys = [text_key(d, c) for d, c in clauses]
        todo = [i for i, key in enumerate(keys) if key not in reuse]
        vecs = np.zeros((len(clauses), index.embedder.dimension), dtype=np.float32)
        if todo:
            vecs[todo] = encode_passages_reporting(index.embedder, [texts[i] for i in todo], batch_size=batch_size)
            if batched_before(index):
                report.notes.append(BATCHED_NOTE)
        for i, key in enumerate(keys):
            if key in reuse:
                vecs[i] = reuse[key]
    if vecs.shape[0] != len(clauses) or not np.isfinite(vecs).all():
        raise IndexStoreError(f"got {vecs.shape[0]} finite vectors for {len(clauses)} clauses", path=index.folder)
    keys_added = np.concatenate([table.append(stored, cs) for stored, cs, _ in new])
    fields = [table.fields(table.row_of[c.id]) for _, c in clauses]
    index.dense.add(keys_added, vecs, fields)
    index.text.add(keys_added, texts, fields)
    versions.refresh(table.documents)  # statuses within each law's version group
    report.clauses = len(clauses)
    return report


def _on_disk(source: str) -> bool:
    """Whether the file a source names (its path before any #row=… of a record) still exists."""
    return Path(source.split("#", 1)[0]).exists()


def _restructured(table: RowTable, doc: Document) -> bool:
    """Whether the held clauses of `doc` differ from the ones it parses into now."""
    if doc.id not in table.documents:
        return False
    return [table.clauses[r] for r in table.rows_of(doc.id)] != list(doc.clauses)


def _keep_vectors(index: Index, doc_id: str, reuse: dict[str, np.ndarray]) -> None:
    """Remember the vectors of a held document's clauses by text, for the version replacing it."""
    table = index.table
    rows = table.rows_of(doc_id)
    for row, vec in zip(rows, index.dense.vectors(table.keys[rows]), strict=True):
        reuse[text_key(table.documents[doc_id], table.clauses[row])] = vec
