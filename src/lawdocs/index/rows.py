"""The row table: which clauses an index holds, of which documents, read from which sources.

Rows are clauses in insertion order. Each row has a stable int64 key (increasing, never reused) by which
the storage engines know it; positions change when `compact` drops removed rows, keys do not. Removing a
document marks its rows dead; dead rows are dropped at the next save.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .. import versions
from ..errors import IndexCorruptError, NotFoundError
from ..filters import Filters
from ..models import Clause, DocumentInfo
from . import store
from .backend import RowFields, positions_of


class StoredDocument(DocumentInfo):
    """A document as kept in the index: metadata, every source it came from, its hash."""

    content_hash: str
    sources: list[str] = []
    clause_count: int = 0


def passage_text(doc: DocumentInfo, clause: Clause) -> str:
    """What is embedded for a clause: its document title, section path and article, then its text."""
    head = " ".join([doc.title, *clause.path, clause.article or ""]).strip()
    return f"{head}\n{clause.text}"


def row_fields(key: int, doc: DocumentInfo, clause: Clause) -> RowFields:
    """What an expression-filtering engine stores beside a row (unknowns as "" and -1)."""
    return RowFields(
        key=int(key),
        doc_id=doc.id,
        doc_type=doc.doc_type,
        region=doc.region or "",
        issuers="|".join(doc.issuers),
        year=doc.year if doc.year is not None else -1,
        date=doc.date or "",
        status="" if doc.status == "unknown" else doc.status,
        path=" › ".join(clause.path),
    )


def text_key(doc: DocumentInfo, clause: Clause) -> str:
    """Identifies a clause's embedded text, so an unchanged clause of a changed document keeps its vector."""
    return hashlib.sha1(passage_text(doc, clause).encode()).hexdigest()


class RowTable:
    def __init__(self) -> None:
        self.clauses: list[Clause] = []
        self.row_doc: list[str] = []  # document id of each row
        self._keys: list[int] = []
        self._key_array: np.ndarray | None = None
        self.alive = np.zeros(0, dtype=bool)
        self.next_key = 0
        self.documents: dict[str, StoredDocument] = {}
        self.by_source: dict[str, str] = {}
        self.row_of: dict[str, int] = {}
        self.doc_rows: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return int(self.alive.sum())

    @property
    def keys(self) -> np.ndarray:
        if self._key_array is None:
            self._key_array = np.asarray(self._keys, dtype=np.int64)
        return self._key_array

    # -- rows -----------------------------------------------------------------------------------
    def append(self, doc: StoredDocument, clauses: list[Clause]) -> np.ndarray:
        """Add a document and its clauses; the new rows' keys."""
        self.documents[doc.id] = doc
        for source in doc.sources:
            self.by_source[source] = doc.id
        keys = np.arange(self.next_key, self.next_key + len(clauses), dtype=np.int64)
        self.next_key += len(clauses)
        for clause, key in zip(clauses, keys, strict=True):
            self.row_of[clause.id] = len(self.clauses)
            self.doc_rows.setdefault(clause.doc_id, []).append(len(self.clauses))
            self.clauses.append(clause)
            self.row_doc.append(clause.doc_id)
            self._keys.append(int(key))
        self._key_array = None
        self.alive = np.concatenate([self.alive, np.ones(len(clauses), dtype=bool)])
        return keys

    def drop(self, doc_id: str) -> np.ndarray:
        """Remove a document; the keys of the rows that went with it."""
        rows = self.doc_rows.pop(doc_id, [])
        stored = self.documents.pop(doc_id)
        for source in stored.sources:
            self.by_source.pop(source, None)
        for row in rows:
            self.row_of.pop(self.clauses[row].id, None)
        self.alive[rows] = False
        return self.keys[rows]

    def detach_source(self, doc_id: str, source: str) -> np.ndarray:
        """Forget that `doc_id` was read from `source`; drop it when no source is left (its keys)."""
        stored = self.documents[doc_id]
        if source in stored.sources:
            stored.sources.remove(source)
        self.by_source.pop(source, None)
        return self.drop(doc_id) if not stored.sources else np.zeros(0, dtype=np.int64)

    def rows_of(self, doc_id: str) -> list[int]:
        return list(self.doc_rows.get(doc_id, []))

    def get_clause(self, clause_id: str) -> Clause:
        row = self.row_of.get(clause_id)
        if row is None:
            raise NotFoundError(f"no clause {clause_id!r} in this index")
        return self.clauses[row]

    def get_document(self, doc_id: str) -> StoredDocument:
        doc = self.documents.get(doc_id)
        if doc is None:
            raise NotFoundError(f"no document {doc_id!r} in this index")
        return doc

    def document_clauses(self, doc_id: str) -> list[Clause]:
        return [self.clauses[r] for r in self.rows_of(self.get_document(doc_id).id)]

    def neighbours(self, clause_id: str, before: int = 1, after: int = 1) -> list[Clause]:
        """The clause with up to `before` and `after` clauses of its document around it, in order."""
        clause = self.get_clause(clause_id)
        siblings = self.document_clauses(clause.doc_id)
        at = next(i for i, c in enumerate(siblings) if c.id == clause_id)
        return siblings[max(0, at - before) : at + after + 1]

    def positions(self, keys: np.ndarray) -> np.ndarray:
        return positions_of(self.keys, keys)

    def passage(self, row: int) -> str:
        clause = self.clauses[row]
        return passage_text(self.documents[clause.doc_id], clause)

    def fields(self, row: int) -> RowFields:
        clause = self.clauses[row]
        return row_fields(int(self.keys[row]), self.documents[clause.doc_id], clause)

    # -- filters --------------------------------------------------------------------------------
    def mask(self, filters: Filters) -> np.ndarray:
        """Live rows that `filters` allow (a bool per row position)."""
        alive = self.alive.copy()
        in_force = versions.row_mask(self.documents, self.row_doc, filters.as_of, filters.all_versions)
        if in_force is not None:  # laws: only the version in force (today, or on filters.as_of)
            alive &= in_force
        if filters.is_empty():
            return alive
        ok_docs = {d for d, doc in self.documents.items() if filters.doc_matches(doc)}
        mask = np.fromiter((d in ok_docs for d in self.row_doc), dtype=bool, count=len(self.row_doc))
        if filters.path_prefix:
            prefix = filters.path_prefix
            mask &= np.fromiter(
                (" › ".join(c.path).startswith(prefix) for c in self.clauses), dtype=bool, count=len(self.clauses)
            )
        return alive & mask

    # -- compaction and persistence ---------------------------------------------------------------
    def compact(self) -> None:
        keep = self.alive
        if keep.all():
            return
        rows = np.flatnonzero(keep)
        self.clauses = [self.clauses[r] for r in rows]
        self.row_doc = [self.row_doc[r] for r in rows]
        self._keys = [self._keys[r] for r in rows]
        self._key_array = None
        self.alive = np.ones(len(rows), dtype=bool)
        self.row_of = {c.id: i for i, c in enumerate(self.clauses)}
        self.doc_rows = {}
        for i, doc_id in enumerate(self.row_doc):
            self.doc_rows.setdefault(doc_id, []).append(i)

    def save(self, gen: Path) -> dict[str, int]:
        self.compact()
        store.write_jsonl(gen / "clauses.jsonl", (c.model_dump() for c in self.clauses))
        store.write_jsonl(gen / "documents.jsonl", (d.model_dump() for d in self.documents.values()))
        np.save(gen / "row_keys.npy", self.keys, allow_pickle=False)
        return {"next_key": self.next_key}

    @classmethod
    def load(cls, gen: Path, info: dict[str, int] | None) -> RowTable:
        table = cls()
        for number, row in store.read_jsonl(gen / "documents.jsonl"):
            try:
                doc = StoredDocument.model_validate(row)
            except ValueError as exc:
                raise IndexCorruptError(f"invalid document: {exc}", path=gen / "documents.jsonl", line=number) from exc
            table.documents[doc.id] = doc
            for source in doc.sources:
                table.by_source[source] = doc.id
        for number, row in store.read_jsonl(gen / "clauses.jsonl"):
            try:
                clause = Clause.model_validate(row)
            except ValueError as exc:
                raise IndexCorruptError(f"invalid clause: {exc}", path=gen / "clauses.jsonl", line=number) from exc
            if clause.doc_id not in table.documents:
                raise IndexCorruptError(
                    f"clause {clause.id} belongs to no stored document", path=gen / "clauses.jsonl", line=number
                )
            table.row_of[clause.id] = len(table.clauses)
            table.doc_rows.setdefault(clause.doc_id, []).append(len(table.clauses))
            table.clauses.append(clause)
            table.row_doc.append(clause.doc_id)
        n = len(table.clauses)
        keys_path = gen / "row_keys.npy"
        if keys_path.exists():
            try:
                keys = np.load(keys_path, allow_pickle=False)
            except (ValueError, OSError) as exc:
                raise IndexCorruptError(f"cannot read row keys: {exc}", path=keys_path) from exc
            if keys.shape != (n,) or (n > 1 and not (np.diff(keys) > 0).all()):
                raise IndexCorruptError(f"row keys do not match the {n} clauses", path=keys_path)
            table._keys = [int(k) for k in keys]
        else:  # written before rows had keys: keys are positions
            table._keys = list(range(n))
        table.alive = np.ones(n, dtype=bool)
        table.next_key = max(int((info or {}).get("next_key", 0)), (table._keys[-1] + 1) if n else 0)
        return table

    def live_rows(self) -> Iterator[int]:
        return (int(r) for r in np.flatnonzero(self.alive))

    def copy(self) -> RowTable:
        """A copy that can change apart from this one (clause records are shared: they are not mutated)."""
        other = RowTable()
        other.clauses = list(self.clauses)
        other.row_doc = list(self.row_doc)
        other._keys = list(self._keys)
        other.alive = self.alive.copy()
        other.next_key = self.next_key
        other.documents = {d: doc.model_copy(deep=True) for d, doc in self.documents.items()}
        other.by_source = dict(self.by_source)
        other.row_of = dict(self.row_of)
        other.doc_rows = {d: list(r) for d, r in self.doc_rows.items()}
        return other
