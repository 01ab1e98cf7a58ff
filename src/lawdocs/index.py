"""The Index: dense (FAISS) and lexical (BM25) indexes over clauses, kept in step.

Rows are clauses. Row i of the vector matrix, of the lexical matrix and of the clause list
describe the same clause. Removing a document marks its rows dead; `save` compacts them away.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import store
from .bank import LearnReport, QuestionBank, fuse_votes, search_votes
from .embed import Embedder, HashEmbedder
from .errors import (
    IndexCorruptError,
    IndexNotFoundError,
    IndexStoreError,
    LawdocsError,
    ModelMismatchError,
    QueryError,
)
from .lexical import LexicalIndex, Tokenizer
from .models import Clause, Document, DocumentInfo, Hit, Manifest, SearchMode
from .search import (
    FUSION_PRESETS,
    Filters,
    FusionConfig,
    asks_for_measures,
    collection_preset,
    fuse,
    parse_filters,
    top_k,
)

if TYPE_CHECKING:
    from .rerank import Reranker

IndexType = Literal["auto", "flat", "hnsw", "ivf"]
DEFAULT_INDEX = Path("indexes/default")
HNSW_ABOVE = 100_000  # rows; exact search took 32 ms at 58,570 (benchmarks/results/ann_recall.md)


def passage_text(doc: DocumentInfo, clause: Clause) -> str:
    """What is embedded for a clause: its document title, section path and article, then its text."""
    head = " ".join([doc.title, *clause.path, clause.article or ""]).strip()
    return f"{head}\n{clause.text}"


@dataclass
class AddReport:
    """What one `Index.add` did."""

    added: list[str] = field(default_factory=list)  # document ids
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    clauses: int = 0

    def merge(self, other: AddReport) -> None:
        self.added += other.added
        self.replaced += other.replaced
        self.skipped += other.skipped
        self.failed += other.failed
        self.clauses += other.clauses


class StoredDocument(DocumentInfo):
    """A document as kept in the index: metadata, every source it came from, its hash."""

    content_hash: str
    sources: list[str] = []
    clause_count: int = 0
    effective_date: str | None = None


def _faiss() -> Any:
    """faiss, imported on first use (its bundled type stubs lag behind its Python API)."""
    import faiss

    return faiss


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def canonical_model_name(model: str | None) -> str | None:
    """The name an index records for `model` ("legal" is lawdocs/legal-e5-small, "base" the base model)."""
    from .embed import BASE_MODEL_NAME, LEGAL_MODEL_NAME

    return {"legal": LEGAL_MODEL_NAME, "base": BASE_MODEL_NAME}.get(model or "", model)


def _resolve_embedder(model: str | None) -> Embedder:
    if model and model.startswith("hash-"):
        return HashEmbedder(int(model.split("-", 1)[1]))
    from .embed import load_embedder

    return load_embedder(model)


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
    ) -> None:
        self.folder = Path(folder)
        self._embedder = embedder
        self._model = model
        self.index_type: IndexType = index_type
        self.fusion: FusionConfig | None = fusion  # None: the measured preset for this collection
        self._preset: tuple[int, FusionConfig] | None = None
        self.lexical = LexicalIndex(scheme=lexical)
        self.clauses: list[Clause] = []
        self.row_doc: list[str] = []  # document id of each row
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        self.documents: dict[str, StoredDocument] = {}
        self.by_source: dict[str, str] = {}
        self.row_of: dict[str, int] = {}
        self.doc_rows: dict[str, list[int]] = {}
        self.manifest: Manifest | None = None
        self._faiss: Any = None
        self._generation = 0
        self.bank = QuestionBank()  # labelled questions (lawdocs.bank); saved with the generation

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
        for attempt in range(3):
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
            except FileNotFoundError:
                if attempt == 2:  # a writer replaced the generation while we read it, three times
                    raise
        raise AssertionError("unreachable")

    @classmethod
    def _load(
        cls, folder: Path, manifest: Manifest, raw: dict[str, Any], embedder: Embedder | None, verify: bool
    ) -> Index:
        gen = store.generation_dir(folder, raw, verify=verify)
        fusion = FusionConfig.model_validate(raw["fusion"]) if raw.get("fusion") else None
        self = cls(folder, embedder=embedder, model=manifest.model_name, fusion=fusion)
        self.manifest = manifest
        self._generation = manifest.generation
        self.index_type = raw.get("index_option", "auto")
        self.bank = QuestionBank.load(gen, raw.get("bank"))
        try:
            self.vectors = np.load(gen / "vectors.npy", allow_pickle=False)
        except ValueError as exc:
            raise IndexCorruptError(f"cannot read vectors: {exc}", path=gen / "vectors.npy") from exc
        try:
            self.lexical = LexicalIndex.load(gen)
        except (ValueError, KeyError, OSError) as exc:
            raise IndexCorruptError(
                f"cannot read the lexical index: {exc}", path=gen / "lexical.npz"
            ) from exc
        for _, row in store.read_jsonl(gen / "documents.jsonl"):
            doc = StoredDocument.model_validate(row)
            self.documents[doc.id] = doc
            for source in doc.sources:
                self.by_source[source] = doc.id
        for number, row in store.read_jsonl(gen / "clauses.jsonl"):
            try:
                clause = Clause.model_validate(row)
            except ValueError as exc:
                raise IndexCorruptError(
                    f"invalid clause: {exc}", path=gen / "clauses.jsonl", line=number
                ) from exc
            self.row_of[clause.id] = len(self.clauses)
            self.doc_rows.setdefault(clause.doc_id, []).append(len(self.clauses))
            self.clauses.append(clause)
            self.row_doc.append(clause.doc_id)
        n = len(self.clauses)
        if self.vectors.shape != (n, manifest.dimension) or len(self.lexical) != n:
            raise IndexCorruptError(
                f"row counts disagree: {n} clauses, vectors {self.vectors.shape}, lexical {len(self.lexical)}",
                path=gen,
            )
        if (gen / "dense.faiss").exists():
            faiss = _faiss()

            try:
                self._faiss = faiss.read_index(str(gen / "dense.faiss"))
            except RuntimeError as exc:
                raise IndexCorruptError(
                    f"cannot read the FAISS index: {exc}", path=gen / "dense.faiss"
                ) from exc
        return self

    # -- model ----------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = _resolve_embedder(self._model)
        if self.manifest is not None and self._embedder.fingerprint != self.manifest.model_fingerprint:
            raise ModelMismatchError(
                f"model {self._embedder.name!r} has fingerprint {self._embedder.fingerprint}, but the index was "
                f"built with fingerprint {self.manifest.model_fingerprint}: the weights changed; rebuild the index",
                path=self.folder,
            )
        return self._embedder

    # -- adding and removing --------------------------------------------------------------------
    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        *,
        progress: Callable[[str, int], None] | None = None,
        batch_size: int = 64,
    ) -> AddReport:
        """Load, parse and index every document under `paths`; a bad file is reported, not fatal."""
        from .load import iter_files, load_path
        from .parse import parse_raw

        if isinstance(paths, str | Path):
            paths = [paths]
        report = AddReport()
        files: list[Path] = []
        for target in paths:
            try:
                files.extend(iter_files([target]))
            except LawdocsError as exc:
                report.failed.append((str(target), str(exc)))
        pending: list[Document] = []
        for path in dict.fromkeys(files):
            try:
                for raw in load_path(Path(path).resolve()):
                    pending.append(parse_raw(raw))
            except LawdocsError as exc:
                report.failed.append((str(path), str(exc)))
            except Exception as exc:  # an unexpected bug must not lose the rest of the batch
                report.failed.append((str(path), f"{type(exc).__name__}: {exc}"))
            if progress:
                progress(str(path), 1)
            if sum(len(d.clauses) for d in pending) >= 4096:
                report.merge(self.add_documents(pending, batch_size=batch_size))
                pending = []
        report.merge(self.add_documents(pending, batch_size=batch_size))
        return report

    def add_documents(self, docs: Sequence[Document], *, batch_size: int = 64) -> AddReport:
        """Index parsed documents: unchanged ones are skipped, changed ones replaced."""
        report = AddReport()
        new: list[tuple[StoredDocument, list[Clause]]] = []
        reuse: dict[str, np.ndarray] = {}
        for doc in docs:
            if doc.id in self.documents or any(doc.id == d.id for d, _ in new):
                stored = self.documents.get(doc.id) or next(d for d, _ in new if d.id == doc.id)
                if doc.source not in stored.sources:
                    stored.sources.append(doc.source)
                    self.by_source[doc.source] = doc.id
                report.skipped.append(doc.id)
                continue
            old_id = self.by_source.get(doc.source)
            if old_id is not None and old_id in self.documents:
                for row in self._rows_of(old_id):
                    if self.vectors.shape[0] > row:
                        reuse[self._text_key(self.documents[old_id], self.clauses[row])] = self.vectors[row]
                self._detach_source(old_id, doc.source)
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
            new.append((stored, doc.clauses))
        clauses = [(d, c) for d, cs in new for c in cs]
        if not clauses:
            return report
        texts = [passage_text(d, c) for d, c in clauses]
        keys = [self._text_key(d, c) for d, c in clauses]
        todo = [i for i, key in enumerate(keys) if key not in reuse]
        fresh = (
            self.embedder.encode_passages([texts[i] for i in todo], batch_size=batch_size) if todo else None
        )
        dim = self.embedder.dimension
        vecs = np.zeros((len(clauses), dim), dtype=np.float32)
        if fresh is not None:
            vecs[todo] = fresh
        for i, key in enumerate(keys):
            if key in reuse:
                vecs[i] = reuse[key]
        if self.vectors.size == 0:
            self.vectors = np.zeros((0, dim), dtype=np.float32)
        self.vectors = np.concatenate([self.vectors, vecs])
        self.lexical.add(texts)
        for stored, cs in new:
            self.documents[stored.id] = stored
            self.by_source[stored.sources[0]] = stored.id
            for clause in cs:
                self.row_of[clause.id] = len(self.clauses)
                self.doc_rows.setdefault(clause.doc_id, []).append(len(self.clauses))
                self.clauses.append(clause)
                self.row_doc.append(clause.doc_id)
        self._faiss = None
        report.clauses = len(clauses)
        return report

    def remove(self, target: str | Path) -> list[str]:
        """Remove documents by id, by source, or every document read from a file or folder.

        Returns the ids removed (empty when nothing matched).
        """
        key = str(target)
        if key in self.documents:
            self._drop(key)
            return [key]
        wanted = {key}
        if Path(key).exists():
            wanted.add(str(Path(key).resolve()))
        hits = {
            doc_id
            for source, doc_id in self.by_source.items()
            if any(
                source == w or source.startswith(w.rstrip("/") + "/") or source.startswith(w + "#")
                for w in wanted
            )
        }
        for doc_id in hits:
            if doc_id in self.documents:
                self._drop(doc_id)
        return sorted(hits)

    def _detach_source(self, doc_id: str, source: str) -> None:
        stored = self.documents[doc_id]
        if source in stored.sources:
            stored.sources.remove(source)
        self.by_source.pop(source, None)
        if not stored.sources:
            self._drop(doc_id)

    def _drop(self, doc_id: str) -> None:
        rows = self._rows_of(doc_id)
        self.lexical.remove_rows(rows)
        stored = self.documents.pop(doc_id)
        for source in stored.sources:
            self.by_source.pop(source, None)
        for row in rows:
            self.row_of.pop(self.clauses[row].id, None)
        self.doc_rows.pop(doc_id, None)
        self._faiss = None

    def _rows_of(self, doc_id: str) -> list[int]:
        return list(self.doc_rows.get(doc_id, []))

    @staticmethod
    def _text_key(doc: DocumentInfo, clause: Clause) -> str:
        return hashlib.sha1(passage_text(doc, clause).encode()).hexdigest()

    # -- searching ------------------------------------------------------------------------------
    def _row_mask(self, filters: Filters) -> np.ndarray:
        alive = self.lexical.alive.copy()
        if filters.is_empty():
            return alive
        ok_docs = {d for d, doc in self.documents.items() if filters.doc_matches(doc)}
        mask = np.fromiter((d in ok_docs for d in self.row_doc), dtype=bool, count=len(self.row_doc))
        if filters.path_prefix:
            prefix = filters.path_prefix
            mask &= np.fromiter(
                (" › ".join(c.path).startswith(prefix) for c in self.clauses),
                dtype=bool,
                count=len(self.clauses),
            )
        return alive & mask

    def _dense_index(self) -> Any:
        if self._faiss is None:
            faiss = _faiss()

            n, dim = self.vectors.shape
            kind = self.index_type
            if kind == "auto":
                kind = "hnsw" if n >= HNSW_ABOVE else "flat"
            if kind == "hnsw":
                index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = 80
                index.hnsw.efSearch = 128
            elif kind == "ivf":
                nlist = max(1, min(4096, int(4 * np.sqrt(max(n, 1)))))
                quantizer = faiss.IndexFlatIP(dim)
                index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
                index.train(self.vectors if n >= nlist else np.resize(self.vectors, (nlist, dim)))
                index.nprobe = min(nlist, 32)
            else:
                index = faiss.IndexFlatIP(dim)
            if n:
                index.add(self.vectors)
            self._faiss = index
        return self._faiss

    def factory_string(self) -> str:
        index = self._dense_index()
        name = type(index).__name__
        return {"IndexHNSWFlat": "HNSW32,Flat", "IndexIVFFlat": f"IVF{getattr(index, 'nlist', 0)},Flat"}.get(
            name, "Flat"
        )

    def fusion_config(self) -> FusionConfig:
        """The fusion in force: the one set on the index, else the measured preset for its collection."""
        if self.fusion is not None:
            return self.fusion
        live = len(self)
        if self._preset is None or self._preset[0] != live:
            alive = self.lexical.alive
            articles = sum(
                1 for i, c in enumerate(self.clauses) if alive[i] and c.kind in ("article", "record")
            )
            preset = collection_preset(articles / live if live else 1.0)
            self._preset = (live, FUSION_PRESETS[preset])
        return self._preset[1]

    def dense_scores(self, query: str, mask: np.ndarray, k: int) -> list[tuple[int, float]]:
        faiss = _faiss()

        if not mask.any():
            return []
        qvec = self.embedder.encode_queries([query]).astype(np.float32)
        self._last_query_vector = (query, qvec[0])  # reused by the question bank's vote
        index = self._dense_index()
        params = None
        if not mask.all():
            sel = faiss.IDSelectorBatch(np.flatnonzero(mask).astype(np.int64))
            if isinstance(index, faiss.IndexHNSWFlat):
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(128, k))
            elif isinstance(index, faiss.IndexIVFFlat):
                params = faiss.SearchParametersIVF(sel=sel, nprobe=index.nprobe)
            else:
                params = faiss.SearchParameters(sel=sel)
        scores, rows = index.search(qvec, min(k, int(mask.sum())), params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0 and mask[r]]

    def lexical_scores(self, query: str, mask: np.ndarray, k: int) -> list[tuple[int, float]]:
        scores = self.lexical.scores(query)
        rows = top_k(scores, k, mask & (scores > 0))
        return [(int(r), float(scores[r])) for r in rows]

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        mode: SearchMode = "hybrid",
        filters: Filters | dict[str, Any] | Sequence[str] | None = None,
        rerank: Reranker | str | Path | bool | None = None,
        bank: bool | None = None,
    ) -> list[Hit]:
        """The k clauses that best answer `query`, best first, within `filters`.

        `rerank` reorders the first stage's best candidates with a cross-encoder: True for lawdocs' legal
        reranker, or a reranker folder (`lawdocs finetune --reranker`) or `Reranker`.
        `bank=False` leaves out the question bank's votes (hybrid mode; see `lawdocs.bank`).
        """
        if not query or not query.strip():
            raise QueryError("the query is empty")
        if k < 1:
            raise QueryError(f"k must be at least 1, got {k}")
        if mode not in ("hybrid", "dense", "lexical"):
            raise QueryError(f"unknown mode {mode!r}: use hybrid, dense or lexical")
        reranker = None
        if rerank is not None and rerank is not False:
            from .rerank import fuse_reranked, load_reranker

            reranker = load_reranker(None if rerank is True else rerank)
        flt = parse_filters(filters)
        mask = self._row_mask(flt)
        wanted = max(k, reranker.fusion.depth) if reranker else k
        ranked: list[tuple[int, float]]
        per: dict[str, dict[int, float]] = {}
        if mode == "dense":
            ranked = self.dense_scores(query, mask, wanted)
            per["dense"] = dict(ranked)
        elif mode == "lexical":
            ranked = self.lexical_scores(query, mask, wanted)
            per["lexical"] = dict(ranked)
        else:
            depth = max(wanted, self.fusion_config().candidates)
            dense = self.dense_scores(query, mask, depth)
            lexical = self.lexical_scores(query, mask, depth)
            per = {"dense": dict(dense), "lexical": dict(lexical)}
            preferred: list[tuple[int, float]] = []
            fusion = self.fusion_config()
            if fusion.measure_weight and asks_for_measures(query):
                fused = fuse(dense, lexical, fusion)
                preferred = [(row, score) for row, score in fused if self.clauses[row].kind == "measure"]
            ranked = fuse(dense, lexical, fusion, preferred)
            voted = search_votes(self, query, mask, bank)  # the question bank, one more fused list
            if voted is not None:
                per["bank"] = dict(voted[0])
                ranked = fuse_votes(ranked, voted[0], voted[1].weight, voted[1].rrf_k or fusion.rrf_k)
            ranked = ranked[:wanted]
        if reranker is not None and ranked:
            head = [row for row, _ in ranked[: reranker.fusion.depth]]
            scores = reranker.score(query, [self.passage(row) for row in head])
            per["rerank"] = {row: float(s) for row, s in zip(head, scores, strict=True)}
            fused = fuse_reranked(head, scores.tolist(), reranker.fusion)
            tail = ranked[len(head) :]
            if tail:  # keep scores falling down the list: the rest scaled below the last reranked one
                top = max(score for _, score in tail)
                floor = fused[-1][1] * 0.99
                tail = [(row, floor * score / top if top > 0 else 0.0) for row, score in tail]
            ranked = fused + tail
        return [self._hit(rank, row, score, per) for rank, (row, score) in enumerate(ranked[:k], 1)]

    def passage(self, row: int) -> str:
        """The text embedded (and reranked) for the clause in `row`."""
        clause = self.clauses[row]
        return passage_text(self.documents[clause.doc_id], clause)

    def _hit(self, rank: int, row: int, score: float, per: dict[str, dict[int, float]]) -> Hit:
        clause = self.clauses[row]
        doc = self.documents[clause.doc_id]
        return Hit(
            rank=rank,
            score=score,
            clause_id=clause.id,
            label=clause.label,
            text=clause.text,
            path=clause.path,
            article=clause.article,
            page=clause.page,
            doc=DocumentInfo.of(doc),
            scores={name: scores[row] for name, scores in per.items() if row in scores},
        )

    def with_model(self, folder: str | Path, embedder: Embedder, *, batch_size: int = 64) -> Index:
        """A copy of this index at `folder` whose vectors come from `embedder` (nothing is re-parsed).

        The lexical index and the clause records are shared with this one; call `save` on the copy.
        """
        self._compact()
        copy = Index(folder, embedder=embedder, index_type=self.index_type, fusion=self.fusion)
        texts = [self.passage(row) for row in range(len(self.clauses))]
        copy.vectors = embedder.encode_passages(texts, batch_size=batch_size).astype(np.float32)
        copy.lexical = self.lexical
        copy.clauses = list(self.clauses)
        copy.row_doc = list(self.row_doc)
        copy.row_of = dict(self.row_of)
        copy.doc_rows = {d: list(r) for d, r in self.doc_rows.items()}
        copy.documents = {d: doc.model_copy(deep=True) for d, doc in self.documents.items()}
        copy.by_source = dict(self.by_source)
        return copy

    def learn(self, questions: str | Path | Sequence[Any], *, allow_missing: bool = False) -> LearnReport:
        """Add labelled questions (`{"query", "gold"}`) to the question bank; see `lawdocs.bank.learn`."""
        from .bank import learn

        return learn(self, questions, allow_missing=allow_missing)

    def ask(self, question: str, **options: Any) -> Any:
        """A grouped, cited answer to `question` (see `lawdocs.answer.ask` for the options)."""
        from .answer import ask

        return ask(self, question, **options)

    # -- lookups --------------------------------------------------------------------------------
    def get_clause(self, clause_id: str) -> Clause:
        row = self.row_of.get(clause_id)
        if row is None:
            raise QueryError(f"no clause {clause_id!r} in this index")
        return self.clauses[row]

    def get_document(self, doc_id: str) -> StoredDocument:
        doc = self.documents.get(doc_id)
        if doc is None:
            raise QueryError(f"no document {doc_id!r} in this index")
        return doc

    def document_clauses(self, doc_id: str) -> list[Clause]:
        return [self.clauses[r] for r in self._rows_of(self.get_document(doc_id).id)]

    def neighbours(self, clause_id: str, before: int = 1, after: int = 1) -> list[Clause]:
        clause = self.get_clause(clause_id)
        siblings = self.document_clauses(clause.doc_id)
        at = next(i for i, c in enumerate(siblings) if c.id == clause_id)
        return siblings[max(0, at - before) : at + after + 1]

    def __len__(self) -> int:
        return int(self.lexical.alive.sum())

    # -- saving ---------------------------------------------------------------------------------
    def save(self) -> Manifest:
        """Write the index atomically; returns the new manifest."""
        from . import __version__

        emb = self.embedder
        with store.writer_lock(self.folder):
            try:
                on_disk: Manifest | None = store.read_manifest(self.folder)[0]
            except IndexNotFoundError:
                on_disk = None
            if on_disk is not None and on_disk.generation != self._generation:
                raise IndexStoreError(
                    f"the index was saved by another process (generation {on_disk.generation}, this one "
                    f"opened {self._generation}); reopen it and add again",
                    path=self.folder,
                )
            self._compact()
            dense = self._dense_index()
            generation = self._generation + 1
            manifest = Manifest(
                format_version=store.FORMAT_VERSION,
                lawdocs_version=__version__,
                model_name=emb.name,
                model_fingerprint=emb.fingerprint,
                dimension=emb.dimension,
                query_prompt=emb.query_prompt,
                passage_prompt=emb.passage_prompt,
                index_type=self.factory_string(),
                lexical=f"bm25-{self.lexical.scheme}",
                documents=len(self.documents),
                clauses=len(self.clauses),
                created=self.manifest.created if self.manifest else _now(),
                updated=_now(),
                generation=generation,
            )

            def write(tmp: Path) -> None:
                np.save(tmp / "vectors.npy", self.vectors.astype(np.float32), allow_pickle=False)
                if self.factory_string() != "Flat":
                    faiss = _faiss()

                    faiss.write_index(dense, str(tmp / "dense.faiss"))
                self.lexical.save(tmp)
                store.write_jsonl(tmp / "clauses.jsonl", (c.model_dump() for c in self.clauses))
                store.write_jsonl(tmp / "documents.jsonl", (d.model_dump() for d in self.documents.values()))
                self.bank.save(tmp)

            fusion = self.fusion.model_dump() if self.fusion is not None else None
            extra = {
                "fusion": fusion,
                "fusion_in_force": self.fusion_config().model_dump(),
                "index_option": self.index_type,
                "bank": self.bank.manifest_block(),
                "pid": os.getpid(),
            }
            store.write_generation(self.folder, manifest, extra, write)
            self.manifest = manifest
            self._generation = generation
        return manifest

    def _compact(self) -> None:
        keep = self.lexical.alive.copy()
        if keep.all():
            return
        rows = np.flatnonzero(keep)
        if self.vectors.shape[0]:
            self.vectors = self.vectors[rows]
        self.lexical.keep_rows(keep)
        self.clauses = [self.clauses[r] for r in rows]
        self.row_doc = [self.row_doc[r] for r in rows]
        self.row_of = {c.id: i for i, c in enumerate(self.clauses)}
        self.doc_rows = {}
        for i, doc_id in enumerate(self.row_doc):
            self.doc_rows.setdefault(doc_id, []).append(i)
        self._faiss = None
