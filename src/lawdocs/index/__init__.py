"""The Index: a folder of clauses with their vectors and lexical postings, kept in step.

Modules of this package, one owner each:
- `rows`: the row table (clauses, documents, sources, stable row keys, the live mask, compaction).
- `backend`: the storage seam (`DenseStore`, `LexicalStore`, `Where`, `RowFields`) and its registry.
- `faiss_store`: FAISS as the default dense store; `lexical`: lawdocs' BM25 as the default lexical store.
- `store`: the saved folder (manifest, atomic generations, checksums, the writer lock).
- `persist`: what a save writes and an open reads (the manifest and its backend blocks, the stores by kind).
- `writing`: adding documents (skip, replace with vector reuse, embed, store).
- `engines`: the stores of a non-default backend for a new index; `milvus` and `milvus_expr`: Milvus as dense and
  lexical stores, filters as Milvus expressions (the `[milvus]` extra).

This module is the facade that search, answers and the faces use; ranking itself lives in `lawdocs.search`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .. import versions
from ..bank.store import QuestionBank
from ..embed import LEGAL_MODEL_NAME, Embedder, canonical_model_name, embedder_for, query_vector
from ..errors import IndexCorruptError, ModelMismatchError
from ..filters import Filters, parse_filters
from ..ingest import AddReport, Failure, iter_documents
from ..models import Clause, Document, Hit, Manifest, SearchMode
from ..text import TOKENIZERS, Tokenizer
from . import store
from .backend import Backend, DenseStore, LexicalStore, Where
from .faiss_store import HNSW_ABOVE, FaissDense, IndexType, check_index_type
from .lexical import Bm25Store
from .rows import RowTable, StoredDocument, passage_text

if TYPE_CHECKING:
    from ..bank.learning import LearnReport
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
        backend: Backend | Literal["faiss", "milvus"] | None = None,
        uri: str | None = None,
    ) -> None:
        if lexical not in TOKENIZERS and lexical_store is None:
            from ..errors import ConfigError

            raise ConfigError(f"unknown lexical scheme {lexical!r}: use one of {', '.join(TOKENIZERS)}")
        self.folder = Path(folder)
        self._embedder = embedder
        self._model = model
        self.manifest: Manifest | None = None
        self.fusion: FusionConfig | None = fusion  # None: the measured preset for this collection
        self._preset: tuple[int, FusionConfig, bool] | None = None  # (live rows, preset, packaged combiner?)
        self.table = RowTable()
        if isinstance(backend, str):
            backend = Backend(engine=backend, uri=uri)
        if dense is None and backend is not None and backend.engine != "faiss":
            from .engines import dense_store_for

            dense = dense_store_for(self.folder, backend, self.embedder.dimension)
        if lexical_store is None and backend is not None and backend.lexical != "bm25":
            from .engines import lexical_store_for

            lexical_store = lexical_store_for(self.folder, backend)
        self.dense: DenseStore = dense if dense is not None else FaissDense(0, check_index_type(index_type))
        self.text: LexicalStore = lexical_store if lexical_store is not None else Bm25Store(lexical)
        self._generation = 0
        self.bank = QuestionBank()  # labelled questions that vote in searches (lawdocs.bank)

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

    def __len__(self) -> int:  # live clauses
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
        store.clean_leftovers(folder)  # what killed saves left, when their process is gone
        for attempt in range(store.OPEN_ATTEMPTS):
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
            except (OSError, IndexCorruptError) as exc:  # a writer replaced the generation while we read it
                store.retry_open_or_raise(exc, attempt, folder)
        raise AssertionError("unreachable")

    @classmethod
    def _load(
        cls, folder: Path, manifest: Manifest, raw: dict[str, Any], embedder: Embedder | None, verify: bool
    ) -> Index:
        from .persist import load_parts

        fusion, dense, lexical, table, bank = load_parts(folder, manifest, raw, verify)
        self = cls(folder, embedder=embedder, model=manifest.model_name, fusion=fusion, dense=dense, lexical_store=lexical)
        self.manifest = manifest
        self._generation = manifest.generation
        self.table = table
        self.bank = bank
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
        return query_vector(self.embedder, query)  # the same question again is not embedded again

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
        self, docs: Sequence[Document], *, batch_size: int = 64, vectors: np.ndarray | None = None
    ) -> AddReport:
        """Index parsed documents: unchanged ones are skipped, changed ones replaced (see `writing.add`).

        `vectors` (one row per clause of `docs`, in document then clause order) skips embedding: for callers
        that embedded elsewhere (`lawdocs.scale.ray_ingest`).
        """
        from .writing import add

        return add(self, docs, batch_size=batch_size, vectors=vectors)

    def remove(self, target: str | Path) -> list[str]:
        """Remove documents by id, by source, or every document read from a file or folder.

        Returns the ids removed (empty when nothing matched).
        """
        key = str(target)
        if key in self.table.documents:
            self.forget(self.table.drop(key))
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
                self.forget(self.table.drop(doc_id))
        return sorted(hits)

    def forget(self, keys: np.ndarray) -> None:
        """Rows the table dropped (their keys) leave both stores."""
        if len(keys):
            self.dense.delete(keys)
            self.text.delete(keys)
            versions.refresh(self.table.documents)

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
        from ..search.fusion import FUSION_PRESETS, collection_preset, statutes_only

        if self.fusion is not None:
            return self.fusion
        live = len(self)
        if self._preset is None or self._preset[0] != live:
            articles = sum(1 for r in self.table.live_rows() if self.clauses[r].kind in ("article", "record"))
            share = articles / live if live else 1.0
            model = self.manifest.model_name if self.manifest is not None else self.embedder.name
            shipped = statutes_only(share) and model == LEGAL_MODEL_NAME  # the combiner learnt on STARD with it
            self._preset = (live, FUSION_PRESETS[collection_preset(share)], shipped)
        _, config, shipped = self._preset
        if shipped and self.bank.config.packaged is not False:  # it comes with the packaged bank, or not at all
            from ..search.combine import packaged_combiner

            return config.model_copy(update={"combiner": packaged_combiner()})
        return config

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
        per_document: bool = False,
        bank: bool | None = None,
    ) -> list[Hit]:
        """The k clauses that best answer `query`, best first, within `filters` (see `lawdocs.search.search`).

        `per_document` gives instead the best clause of each document that answers, at most k documents
        (`lawdocs.answering.coverage`: relevance judged by the answers' evidence, per document).
        """
        if per_document:
            from ..answering.coverage import search_per_document

            return search_per_document(self, query, k, mode=mode, filters=filters, rerank=rerank)
        from ..search import search

        return search(
            self, query, k, mode=mode, filters=filters, rerank=rerank, expand_references=expand_references, bank=bank
        )

    def learn(self, questions: str | Path | Sequence[Any], *, allow_missing: bool = False) -> LearnReport:
        """Add labelled questions (`{"query", "gold"}`) to the question bank (`lawdocs.bank.learning.learn`)."""
        from ..bank.learning import learn

        return learn(self, questions, allow_missing=allow_missing)

    def tune_bank(self, *, held: float = 0.2, seed: int = 13) -> Any:
        """Choose the bank's vote weight and threshold on held-back banked questions (`lawdocs.bank.tuning`)."""
        from ..bank.tuning import tune_bank

        return tune_bank(self, held=held, seed=seed)

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

        The lexical store is shared with this one; call `save` on the copy.
        """
        from .persist import re_embed

        self.table.compact()
        copy = Index(folder, embedder=embedder, fusion=self.fusion, lexical_store=self.text)
        re_embed(self, copy, batch_size)
        return copy
