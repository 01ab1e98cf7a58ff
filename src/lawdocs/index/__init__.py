"""The Index: a folder of clauses with their vectors and lexical postings, kept in step.

Modules of this package, one owner each:
- `rows`: the row table (clauses, documents, sources, stable row keys, the live mask, compaction).
- `backend`: the storage seam (`DenseStore`, `LexicalStore`, `Where`, `RowFields`) and its registry.
- `faiss_store`: FAISS as the default dense store; `lexical`: lawdocs' BM25 as the default lexical store.
- `store`: the saved folder (manifest, atomic generations, checksums, the writer lock).
- `persist`: what a save writes and an open reads (the manifest and its backend blocks, the stores by kind).

This module is the facade that search, answers and the faces use: adding, removing, candidates under a
filter, lookups, saving and opening. Ranking itself lives in `lawdocs.search`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..embed import Embedder, canonical_model_name, embedder_for
from ..embedding.progress import encode_passages_reporting
from ..errors import IndexCorruptError, IndexStoreError, ModelMismatchError
from ..filters import Filters, parse_filters
from ..ingest import AddReport, Failure, iter_documents
from ..models import Clause, Document, Hit, Manifest, SearchMode
from ..text import TOKENIZERS, Tokenizer
from . import store
from .backend import DenseStore, LexicalStore, Where
from .faiss_store import HNSW_ABOVE, FaissDense, IndexType, check_index_type
from .lexical import Bm25Store
from .rows import RowTable, StoredDocument, passage_text, text_key

if TYPE_CHECKING:
    from ..search.fusion import FusionConfig
    from ..search.rerank import Reranker

__all__ = ["DEFAULT_INDEX", "HNSW_ABOVE", "AddReport", "Index", "IndexType", "StoredDocument", "passage_text"]

DEFAULT_INDEX = Path("indexes/default")
ADD_BATCH = 4096  # clauses parsed before they are embedded and stored


class Index:
    """Create, open, add to, remove from, search and save a lawdocs index."""

    def __init__(
        self,
        folder: str | Path,
        *,
        embedder: Embedder | None = None,
        model: str | None = None,
        index_type: IndexType = "auto",
        lexical: Tokenizer = "jieba",
        fusion: FusionConfig | None = None,
        dense: DenseStore | None = None,
        lexical_store: LexicalStore | None = None,
    ) -> None:
        if lexical not in TOKENIZERS and lexical_store is None:
            from ..errors import ConfigError

            raise ConfigError(f"unknown lexical scheme {lexical!r}: use one of {', '.join(TOKENIZERS)}")
        self.folder = Path(folder)
        self._embedder = embedder
        self._model = model
        self.fusion: FusionConfig | None = fusion  # None: the measured preset for this collection
        self._preset: tuple[int, FusionConfig] | None = None
        self.table = RowTable()
        self.dense: DenseStore = dense if dense is not None else FaissDense(0, check_index_type(index_type))
        self.text: LexicalStore = lexical_store if lexical_store is not None else Bm25Store(lexical)
        self.manifest: Manifest | None = None
        self._generation = 0

    # -- the row table, as the rest of lawdocs reads it -------------------------------------------
    @property
    def clauses(self) -> list[Clause]:
        return self.table.clauses

    @property
    def documents(self) -> dict[str, StoredDocument]:
        return self.table.documents

    @property
    def row_of(self) -> dict[str, int]:
        return self.table.row_of

    @property
    def doc_rows(self) -> dict[str, list[int]]:
        return self.table.doc_rows

    @property
    def alive(self) -> np.ndarray:
        return self.table.alive

    def __len__(self) -> int:
        return len(self.table)

    # -- life cycle -----------------------------------------------------------------------------
    @classmethod
    def create(cls, folder: str | Path = DEFAULT_INDEX, **options: Any) -> Index:
        """A new, empty index (nothing is written until `save`)."""
        return cls(folder, **options)

    @classmethod
    def open(
        cls,
        folder: str | Path = DEFAULT_INDEX,
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
        verify: bool = True,
    ) -> Index:
        """Load a saved index. Asking for another model than it was built with is an error."""
        folder = Path(folder)
        for attempt in range(5):
            manifest, raw = store.read_manifest(folder)
            wanted = embedder.name if embedder is not None else canonical_model_name(model)
            if wanted is not None and wanted != manifest.model_name:
                raise ModelMismatchError(
                    f"index was built with model {manifest.model_name!r}, not {wanted!r}; "
                    "search it with its own model or build a new index",
                    path=folder,
                )
            try:
                return cls._load(folder, manifest, raw, embedder, verify)
            except (FileNotFoundError, IndexCorruptError):
                # a writer may have replaced the generation while we read it: read the manifest again
                if attempt == 4 or store.current_generation(folder) == manifest.generation:
                    raise
        raise AssertionError("unreachable")

    @classmethod
    def _load(
        cls, folder: Path, manifest: Manifest, raw: dict[str, Any], embedder: Embedder | None, verify: bool
    ) -> Index:
        from .persist import load_parts

        fusion, dense, lexical, table = load_parts(folder, manifest, raw, verify)
        self = cls(folder, embedder=embedder, model=manifest.model_name, fusion=fusion, dense=dense, lexical_store=lexical)
        self.manifest = manifest
        self._generation = manifest.generation
        self.table = table
        return self

    # -- model ----------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = embedder_for(self._model)
        if self.manifest is not None and self._embedder.fingerprint != self.manifest.model_fingerprint:
            raise ModelMismatchError(
                f"model {self._embedder.name!r} has fingerprint {self._embedder.fingerprint}, but the index was "
                f"built with fingerprint {self.manifest.model_fingerprint}: the weights changed; rebuild the index",
                path=self.folder,
            )
        return self._embedder

    def encode_query(self, query: str) -> np.ndarray:
        """The query's vector, as the index's model embeds questions."""
        return self.embedder.encode_queries([query]).astype(np.float32)[0]

    def warm(self) -> None:
        """Load the model and build the search structures now rather than on the first query."""
        self.encode_query("预热")
        self.dense_candidates("预热", self.table.alive, 1)
        self.lexical_candidates("预热", self.table.alive, 1)

    # -- adding and removing --------------------------------------------------------------------
    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        *,
        progress: Callable[[str, int], None] | None = None,
        batch_size: int = 64,
    ) -> AddReport:
        """Load, parse and index every document under `paths`; a bad file is reported, not fatal."""
        report = AddReport()
        pending: list[Document] = []
        for item in iter_documents(paths, progress=progress):
            if isinstance(item, Failure):
                report.failed.append((item.source, item.message))
                continue
            pending.append(item)
            if sum(len(d.clauses) for d in pending) >= ADD_BATCH:
                report.merge(self.add_documents(pending, batch_size=batch_size))
                pending = []
        report.merge(self.add_documents(pending, batch_size=batch_size))
        return report

    def add_documents(
        self, docs: Sequence[Document], *, batch_size: int = 64, vectors: Sequence[np.ndarray] | None = None
    ) -> AddReport:
        """Index parsed documents: unchanged ones are skipped, changed ones replaced.

        `vectors`, one matrix per document (its clauses' passage vectors, in order), skips embedding: for
        callers that embedded elsewhere (a Ray cluster).
        """
        report = AddReport()
        table = self.table
        new: list[tuple[StoredDocument, list[Clause], np.ndarray | None]] = []
        reuse: dict[str, np.ndarray] = {}
        for i, doc in enumerate(docs):
            seen = table.documents.get(doc.id) or next((d for d, _, _ in new if d.id == doc.id), None)
            if seen is not None:
                if doc.source not in seen.sources:
                    seen.sources.append(doc.source)
                    table.by_source[doc.source] = doc.id
                (report.skipped if doc.source == seen.sources[0] else report.duplicates).append(doc.id)  # a copy
                continue
            old_id = table.by_source.get(doc.source)
            if old_id is not None and old_id in table.documents:
                old_rows = table.rows_of(old_id)
                old_vectors = self.dense.vectors(table.keys[old_rows])
                for row, vec in zip(old_rows, old_vectors, strict=True):
                    reuse[text_key(table.documents[old_id], table.clauses[row])] = vec
                self._forget(table.detach_source(old_id, doc.source))
                report.replaced.append(doc.id)
            else:
                report.added.append(doc.id)
            stored = StoredDocument(
                **doc.summary().model_dump(),
                content_hash=doc.content_hash,
                sources=[doc.source],
                clause_count=len(doc.clauses),
                effective_date=doc.effective_date,
            )
            new.append((stored, doc.clauses, None if vectors is None else np.asarray(vectors[i], np.float32)))
        clauses = [(d, c) for d, cs, _ in new for c in cs]
        if not clauses:
            return report
        texts = [passage_text(d, c) for d, c in clauses]
        if vectors is not None:
            vecs = np.concatenate([v for _, cs, v in new if cs and v is not None]).astype(np.float32)
        else:
            keys = [text_key(d, c) for d, c in clauses]
            todo = [i for i, key in enumerate(keys) if key not in reuse]
            vecs = np.zeros((len(clauses), self.embedder.dimension), dtype=np.float32)
            if todo:
                vecs[todo] = encode_passages_reporting(self.embedder, [texts[i] for i in todo], batch_size=batch_size)
            for i, key in enumerate(keys):
                if key in reuse:
                    vecs[i] = reuse[key]
        if vecs.shape[0] != len(clauses) or not np.isfinite(vecs).all():
            raise IndexStoreError(f"got {vecs.shape[0]} finite vectors for {len(clauses)} clauses", path=self.folder)
        keys_added = np.concatenate([table.append(stored, cs) for stored, cs, _ in new])
        fields = [table.fields(table.row_of[c.id]) for _, c in clauses]
        self.dense.add(keys_added, vecs, fields)
        self.text.add(keys_added, texts, fields)
        report.clauses = len(clauses)
        return report

    def remove(self, target: str | Path) -> list[str]:
        """Remove documents by id, by source, or every document read from a file or folder.

        Returns the ids removed (empty when nothing matched).
        """
        key = str(target)
        if key in self.table.documents:
            self._forget(self.table.drop(key))
            return [key]
        wanted = {key}
        if Path(key).exists():
            wanted.add(str(Path(key).resolve()))
        hits = {
            doc_id
            for source, doc_id in self.table.by_source.items()
            if any(
                source == w or source.startswith(w.rstrip("/") + "/") or source.startswith(w + "#")
                for w in wanted
            )
        }
        for doc_id in hits:
            if doc_id in self.table.documents:
                self._forget(self.table.drop(doc_id))
        return sorted(hits)

    def _forget(self, keys: np.ndarray) -> None:
        if len(keys):
            self.dense.delete(keys)
            self.text.delete(keys)

    # -- candidates, for lawdocs.search ------------------------------------------------------------
    def rows_matching(self, filters: Filters | dict[str, Any] | Sequence[str] | None) -> np.ndarray:
        """A bool per row: live and allowed by `filters`."""
        return self.table.mask(parse_filters(filters))

    def _where(self, mask: np.ndarray, filters: Filters | None) -> Where:
        keys = None if mask.all() and len(self.table) == len(mask) else self.table.keys[mask]
        return Where(filters=filters or Filters(), keys=keys)

    def dense_candidates(
        self, query: str | np.ndarray, mask: np.ndarray, k: int, filters: Filters | None = None
    ) -> list[tuple[int, float]]:
        """(row, inner product) of the k nearest rows allowed by `mask`, best first."""
        if not mask.any():
            return []
        qvec = self.encode_query(query) if isinstance(query, str) else query
        found = self.dense.search(qvec, k, self._where(mask, filters))
        return self._rows_for(found, mask)

    def lexical_candidates(
        self, query: str, mask: np.ndarray, k: int, filters: Filters | None = None
    ) -> list[tuple[int, float]]:
        """(row, BM25 score > 0) of the k best rows allowed by `mask`, best first."""
        if not mask.any():
            return []
        return self._rows_for(self.text.search(query, k, self._where(mask, filters)), mask)

    def _rows_for(self, found: list[tuple[int, float]], mask: np.ndarray) -> list[tuple[int, float]]:
        if not found:
            return []
        rows = self.table.positions(np.fromiter((key for key, _ in found), dtype=np.int64, count=len(found)))
        if len(rows) != len(found):  # an engine returned a key the table does not hold
            raise IndexCorruptError(f"the {self.dense.kind} store returned unknown rows", path=self.folder)
        return [(int(r), score) for r, (_, score) in zip(rows, found, strict=True) if mask[r]]

    def vectors_of(self, rows: Sequence[int]) -> np.ndarray:
        """The stored vectors of these rows, in order."""
        return self.dense.vectors(self.table.keys[list(rows)])

    def passage(self, row: int) -> str:
        """The text embedded (and reranked) for the clause in `row`."""
        return self.table.passage(row)

    def fusion_config(self) -> FusionConfig:
        """The fusion in force: the one set on the index, else the measured preset for its collection."""
        from ..search.fusion import FUSION_PRESETS, collection_preset

        if self.fusion is not None:
            return self.fusion
        live = len(self)
        if self._preset is None or self._preset[0] != live:
            articles = sum(1 for r in self.table.live_rows() if self.clauses[r].kind in ("article", "record"))
            preset = collection_preset(articles / live if live else 1.0)
            self._preset = (live, FUSION_PRESETS[preset])
        return self._preset[1]

    # -- searching and answering (owned by lawdocs.search and lawdocs.answer) ---------------------
    def search(
        self,
        query: str,
        k: int = 10,
        *,
        mode: SearchMode = "hybrid",
        filters: Filters | dict[str, Any] | Sequence[str] | None = None,
        rerank: Reranker | str | Path | bool | None = None,
        expand_references: bool = False,
    ) -> list[Hit]:
        """The k clauses that best answer `query`, best first, within `filters` (see `lawdocs.search.search`)."""
        from ..search import search

        return search(self, query, k, mode=mode, filters=filters, rerank=rerank, expand_references=expand_references)

    def ask(self, question: str, **options: Any) -> Any:
        """A grouped, cited answer to `question` (see `lawdocs.answer.ask` for the options)."""
        from ..answer import ask

        return ask(self, question, **options)

    # -- lookups (the row table's) ----------------------------------------------------------------
    def get_clause(self, clause_id: str) -> Clause:
        return self.table.get_clause(clause_id)

    def get_document(self, doc_id: str) -> StoredDocument:
        return self.table.get_document(doc_id)

    def document_clauses(self, doc_id: str) -> list[Clause]:
        return self.table.document_clauses(doc_id)

    def neighbours(self, clause_id: str, before: int = 1, after: int = 1) -> list[Clause]:
        return self.table.neighbours(clause_id, before, after)

    def factory_string(self) -> str:
        factory = getattr(self.dense, "factory_string", None)
        return str(factory()) if callable(factory) else self.dense.kind

    # -- saving ---------------------------------------------------------------------------------
    def save(self) -> Manifest:
        """Write the index atomically; returns the new manifest (see `persist.save`)."""
        from .persist import save

        manifest = save(self, self._generation)
        self.manifest = manifest
        self._generation = manifest.generation
        return manifest

    def with_model(self, folder: str | Path, embedder: Embedder, *, batch_size: int = 64) -> Index:
        """A copy of this index at `folder` whose vectors come from `embedder` (nothing is re-parsed).

        The lexical store and the clause records are shared with this one; call `save` on the copy.
        """
        self.table.compact()
        copy = Index(folder, embedder=embedder, fusion=self.fusion, lexical_store=self.text)
        if isinstance(self.dense, FaissDense):
            copy.dense = FaissDense(embedder.dimension, self.dense.index_type)
        copy.table = self.table.copy()
        texts = [self.passage(row) for row in range(len(self.table.clauses))]
        vectors = embedder.encode_passages(texts, batch_size=batch_size).astype(np.float32)
        fields = [self.table.fields(row) for row in range(len(self.table.clauses))]
        copy.dense.add(self.table.keys, vectors, fields)
        return copy
