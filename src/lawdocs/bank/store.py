"""The question bank's records and votes: entries with their query vectors, gold items resolved to rows."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from ..errors import IndexCorruptError
from ..text import normalise_label

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..index import Index

ENTRIES_FILE = "bank.jsonl"
VECTORS_FILE = "bank_vectors.npy"
MAX_GOLD = 50  # gold items per question
MAX_QUERY = 2000  # characters


class BankConfig(BaseModel):
    """How the bank votes and how much its votes count; stored in the manifest's ``bank`` block.

    The vote settings are the issue's first experiment (10 neighbours, similarity ** 10, weight 1) with a
    threshold of 0.85, which keeps the bank silent on report questions (their best similarity to any STARD
    question is 0.48-0.69); `benchmarks/bank_stard.py` measures settings on kept-back STARD tune questions.
    The packaged STARD bank does not vote through this RRF list by default (`packaged`): statute collections of
    the legal model use it through the learned combiner instead (`lawdocs.search.combine`), which measured better
    (benchmarks/results/combine_stard.md against bank_stard.md). An index's own learned questions always vote
    while `enabled`.
    """

    neighbours: int = Field(default=10, ge=1, le=200)  # banked questions that vote
    power: float = Field(default=10.0, ge=0.0)  # vote = similarity ** power
    min_similarity: float = Field(default=0.85, ge=-1.0, le=1.0)  # below this a banked question does not vote
    weight: float = Field(default=1.0, ge=0.0)  # RRF weight of the vote list against the hybrid lists
    rrf_k: int | None = None  # RRF constant of the vote list (None: the index's fusion rrf_k)
    # the packaged STARD bank (indexes built with the legal model): True votes with it in every hybrid search;
    # None (a new index) lets only the packaged combiner consult it; False never (and no packaged combiner)
    packaged: bool | None = None
    enabled: bool = True  # False: the bank never votes for this index (search(bank=True) still asks it to)


class BankEntry(BaseModel):
    """One banked question."""

    qid: str  # derived from the query and its gold items: the same pair again is the same entry
    query: str
    gold: list[str]  # labels or clause ids, as learned
    added: str = ""


def entry_id(query: str, gold: Sequence[str]) -> str:
    """The qid of a (query, gold) pair: insensitive to whitespace and to the order of the gold items."""
    key = normalise_label(query) + "\x00" + "\x00".join(sorted({normalise_label(g) for g in gold}))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- parsing questions ------------------------------------------------------------------------------
# -- resolving gold items to rows -------------------------------------------------------------------
def _state_key(index: Index) -> tuple[int, int, int, int]:
    """Changes whenever rows are added, removed or renumbered."""
    return (id(index.clauses), len(index.clauses), len(index), len(index.documents))


class Resolver:
    """Gold items to live rows of one index state: clause ids directly, labels as `lawdocs.evaluate` matches."""

    def __init__(self, index: Index) -> None:
        self.key = _state_key(index)
        self.row_of = index.row_of
        alive = index.alive
        self.by_label: dict[str, list[int]] = {}
        for row, clause in enumerate(index.clauses):
            if row < len(alive) and not alive[row]:
                continue
            doc = index.documents.get(clause.doc_id)
            title = doc.title if doc is not None else ""
            label = normalise_label(clause.label or title + (clause.article or ""))
            self.by_label.setdefault(label, []).append(row)
        self._alive = alive

    def rows(self, item: str) -> list[int]:
        row = self.row_of.get(item)
        if row is not None and row < len(self._alive) and self._alive[row]:
            return [row]
        return self.by_label.get(normalise_label(item), [])


_RESOLVERS: dict[int, Resolver] = {}
_RESOLVER_LOCK = threading.Lock()


def resolver(index: Index) -> Resolver:
    """The resolver of `index` in its current state (rebuilt after any add, remove or save)."""
    with _RESOLVER_LOCK:
        found = _RESOLVERS.get(id(index))
        if found is None or found.key != _state_key(index):
            found = Resolver(index)
            if len(_RESOLVERS) > 16:
                _RESOLVERS.clear()
            _RESOLVERS[id(index)] = found
        return found


# -- the bank ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Data:
    entries: tuple[BankEntry, ...]
    vectors: np.ndarray  # (len(entries), dim) float32


class QuestionBank:
    """Labelled questions and their query vectors. Changes replace the data at once (readers never see half)."""

    def __init__(
        self,
        entries: Sequence[BankEntry] = (),
        vectors: np.ndarray | None = None,
        config: BankConfig | None = None,
        fingerprint: str = "",
    ) -> None:
        vectors = np.zeros((0, 0), dtype=np.float32) if vectors is None else vectors.astype(np.float32)
        if len(entries) != vectors.shape[0]:
            raise ValueError(f"{len(entries)} entries but {vectors.shape[0]} vectors")
        self._data = _Data(tuple(entries), vectors)
        self.config = config or BankConfig()
        self.fingerprint = fingerprint  # of the model that embedded the queries
        self._targets: tuple[tuple[int, int, int, int], int, list[list[int]]] | None = None
        self._by_text: tuple[_Data, dict[str, list[int]]] | None = None  # normalised question -> entry positions

    @property
    def entries(self) -> tuple[BankEntry, ...]:
        return self._data.entries

    @property
    def vectors(self) -> np.ndarray:
        return self._data.vectors

    def __len__(self) -> int:
        return len(self._data.entries)

    def __contains__(self, qid: object) -> bool:
        return any(e.qid == qid for e in self._data.entries)

    # -- changing ---------------------------------------------------------------------------------
    def add(self, entries: Sequence[BankEntry], vectors: np.ndarray) -> list[str]:
        """Append entries (with one vector each) whose qid is new; returns the qids added."""
        data = self._data
        have = {e.qid for e in data.entries}
        keep = []
        for i, entry in enumerate(entries):
            if entry.qid not in have:
                have.add(entry.qid)
                keep.append(i)
        if not keep:
            return []
        new = vectors[keep].astype(np.float32)
        old = data.vectors if data.vectors.size else np.zeros((0, new.shape[1]), dtype=np.float32)
        if old.shape[1] != new.shape[1]:
            raise ValueError(f"vectors of dimension {new.shape[1]}, the bank holds {old.shape[1]}")
        self._data = _Data(data.entries + tuple(entries[i] for i in keep), np.concatenate([old, new]))
        self._targets = None
        return [entries[i].qid for i in keep]

    def remove(self, qids: Sequence[str]) -> list[str]:
        """Remove entries by qid; returns the qids removed."""
        data = self._data
        drop = set(qids)
        keep = [i for i, e in enumerate(data.entries) if e.qid not in drop]
        removed = [e.qid for e in data.entries if e.qid in drop]
        if removed:
            vectors = data.vectors[keep] if data.vectors.size else data.vectors
            self._data = _Data(tuple(data.entries[i] for i in keep), vectors)
            self._targets = None
        return removed

    def clear(self) -> int:
        n = len(self)
        self._data = _Data((), np.zeros((0, 0), dtype=np.float32))
        self._targets = None
        return n

    # -- storing ----------------------------------------------------------------------------------
    def save(self, gen: Path) -> list[str]:
        """Write the bank's files into the generation folder `gen`; returns their names (none when empty)."""
        data = self._data
        if not data.entries:
            return []
        with (gen / ENTRIES_FILE).open("w", encoding="utf-8") as fh:
            for entry in data.entries:
                fh.write(json.dumps(entry.model_dump(), ensure_ascii=False) + "\n")
        np.save(gen / VECTORS_FILE, data.vectors.astype(np.float32), allow_pickle=False)
        return [ENTRIES_FILE, VECTORS_FILE]

    def manifest_block(self) -> dict[str, Any]:
        return {"questions": len(self), "fingerprint": self.fingerprint, **self.config.model_dump()}

    @classmethod
    def load(cls, gen: Path, block: Mapping[str, Any] | None = None) -> QuestionBank:
        """The bank saved in generation `gen` (empty when it has none), with the manifest's settings."""
        block = dict(block or {})
        config = BankConfig.model_validate({k: v for k, v in block.items() if k in BankConfig.model_fields})
        fingerprint = str(block.get("fingerprint", ""))
        entries_path, vectors_path = gen / ENTRIES_FILE, gen / VECTORS_FILE
        if not entries_path.exists():
            return cls(config=config, fingerprint=fingerprint)
        entries = []
        with entries_path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    entries.append(BankEntry.model_validate_json(line))
                except ValueError as exc:
                    raise IndexCorruptError(
                        f"invalid bank entry: {exc}", path=entries_path, line=number
                    ) from exc
        try:
            vectors = np.load(vectors_path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(f"cannot read the bank's vectors: {exc}", path=vectors_path) from exc
        if vectors.ndim != 2 or vectors.shape[0] != len(entries):
            raise IndexCorruptError(
                f"{len(entries)} bank entries but vectors of shape {vectors.shape}", path=vectors_path
            )
        return cls(entries, vectors, config, fingerprint)

    # -- voting -----------------------------------------------------------------------------------
    def targets(self, index: Index) -> list[list[int]]:
        """Per entry, the live rows its gold items name in `index` now (resolved again after changes)."""
        res = resolver(index)
        cached = self._targets
        if cached is not None and cached[0] == res.key and cached[1] == id(self._data):
            return cached[2]
        targets = [sorted({r for g in e.gold for r in res.rows(g)}) for e in self._data.entries]
        self._targets = (res.key, id(self._data), targets)
        return targets

    def votes(
        self,
        query_vector: np.ndarray,
        k: int | None = None,
        *,
        index: Index,
        mask: np.ndarray | None = None,
        config: BankConfig | None = None,
        exclude: Collection[str] = (),
    ) -> list[tuple[int, float]]:
        """Rows voted for by the `k` (default: config.neighbours) most similar banked questions, best first.

        Only questions whose gold names a live row of `index` (within `mask`) and whose similarity reaches
        `min_similarity` vote; each gives `similarity ** power` to each of its rows. The entries whose qid is
        in `exclude` do not vote (a banked question scored against the rest of the bank).
        """
        cfg = config or self.config
        data = self._data
        if not data.entries or not data.vectors.size:
            return []
        targets = self.targets(index)
        if mask is not None:
            targets = [[r for r in t if r < len(mask) and mask[r]] for t in targets]
        sims = data.vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        usable = np.fromiter((bool(t) for t in targets), dtype=bool, count=len(targets))
        if exclude:
            usable &= np.fromiter((e.qid not in exclude for e in data.entries), dtype=bool, count=len(targets))
        sims = np.where(usable & (sims >= cfg.min_similarity), sims, -np.inf)
        k = min(k or cfg.neighbours, int(np.isfinite(sims).sum()))
        if k <= 0:
            return []
        best = np.argpartition(-sims, k - 1)[:k]
        scores: dict[int, float] = {}
        for i in best:
            vote = float(max(sims[i], 0.0)) ** cfg.power
            for row in targets[i]:
                scores[row] = scores.get(row, 0.0) + vote
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def answers(self, query: str, *, index: Index, mask: np.ndarray | None = None) -> list[int]:
        """The live rows (within `mask`) of the gold of every banked question whose text is `query`'s
        (whitespace aside): a question asked again as it was learned gets its learned answer."""
        data = self._data
        if self._by_text is None or self._by_text[0] is not data:
            by_text: dict[str, list[int]] = {}
            for i, entry in enumerate(data.entries):
                by_text.setdefault(normalise_label(entry.query), []).append(i)
            self._by_text = (data, by_text)
        found = self._by_text[1].get(normalise_label(query), [])
        if not found:
            return []
        targets = self.targets(index)
        rows: dict[int, None] = {}
        for i in found:
            rows.update((r, None) for r in targets[i] if mask is None or (r < len(mask) and mask[r]))
        return list(rows)

    def neighbours(self, query_vector: np.ndarray, k: int = 5) -> list[tuple[BankEntry, float]]:
        """The k most similar banked questions and their cosine similarity (for explaining a vote)."""
        data = self._data
        if not data.entries:
            return []
        sims = data.vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        order = np.argsort(-sims)[:k]
        return [(data.entries[i], float(sims[i])) for i in order]


def merge(banks: Sequence[QuestionBank]) -> QuestionBank | None:
    """One bank holding the entries of `banks` (same model), with the settings of the first."""
    banks = [b for b in banks if len(b)]
    if not banks:
        return None
    if len(banks) == 1:
        return banks[0]
    out = QuestionBank(config=banks[0].config, fingerprint=banks[0].fingerprint)
    for bank in banks:
        out.add(list(bank.entries), bank.vectors)
    return out


def fuse_votes(
    ranked: Sequence[tuple[int, float]], votes: Sequence[tuple[int, float]], weight: float, rrf_k: int
) -> list[tuple[int, float]]:
    """The hybrid ranking with the vote list fused in as one more RRF list of weight `weight`.

    `ranked` carries RRF scores already (hybrid rrf fusion): the vote term is added to them, so a query on
    which no banked question votes keeps its ranking and scores unchanged.
    """
    if not votes or weight <= 0:
        return list(ranked)
    fused = dict(ranked)
    for rank, (row, _) in enumerate(votes):
        fused[row] = fused.get(row, 0.0) + weight / (rrf_k + rank + 1)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


# -- learning ---------------------------------------------------------------------------------------


def embed_queries(embedder: Embedder, queries: Sequence[str], batch: int = 64) -> np.ndarray:
    parts = [embedder.encode_queries(list(queries[i : i + batch])) for i in range(0, len(queries), batch)]
    return (
        np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, embedder.dimension), np.float32)
    )
