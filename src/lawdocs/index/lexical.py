"""A Chinese-aware BM25 index that can grow and shrink.

Tokens come from jieba (search mode, with a legal dictionary) or from character bigrams;
which one a saved index uses is recorded in its manifest. Scores are Okapi BM25 computed from
a sparse term-frequency matrix, so adding documents is a row append and removing them is a
row mask: no rebuild, and no pickle on disk (scipy's .npz plus a JSON vocabulary).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
from scipy import sparse

from ..text import TOKENIZERS, Tokenizer, tokenize
from .backend import RowFields, Where, positions_of, top_k


class LexicalIndex:
    """Okapi BM25 over a growing sparse matrix. Row i scores clause row i of the store."""

    def __init__(self, scheme: Tokenizer = "jieba", k1: float = 1.2, b: float = 0.75) -> None:
        if scheme not in TOKENIZERS:
            from ..errors import ConfigError

            raise ConfigError(f"unknown lexical scheme {scheme!r}: use one of {', '.join(TOKENIZERS)}")
        self.scheme: Tokenizer = scheme
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        self._rows: list[sparse.csr_matrix] = []
        self._matrix: sparse.csr_matrix = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._csc: sparse.csc_matrix | None = None
        self.alive = np.zeros(0, dtype=bool)

    # -- building -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._matrix.shape[0] + sum(m.shape[0] for m in self._rows))

    def add(self, texts: Sequence[str]) -> None:
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for text in texts:
            counts: dict[int, int] = {}
            for token in tokenize(text, self.scheme):
                j = self.vocab.setdefault(token, len(self.vocab))
                counts[j] = counts.get(j, 0) + 1
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        block = sparse.csr_matrix(
            (np.asarray(data, np.float32), np.asarray(indices, np.int32), np.asarray(indptr, np.int64)),
            shape=(len(texts), max(len(self.vocab), 1)),
        )
        self._rows.append(block)
        self.alive = np.concatenate([self.alive, np.ones(len(texts), dtype=bool)])
        self._csc = None

    def remove_rows(self, rows: Iterable[int]) -> None:
        self.alive[np.fromiter(rows, dtype=np.int64)] = False

    def keep_rows(self, keep: np.ndarray) -> None:
        """Compact: keep only the rows where `keep` is true, in order."""
        m = self.matrix()[np.flatnonzero(keep)]
        self._matrix = sparse.csr_matrix(m)
        self._rows = []
        self.alive = self.alive[keep]
        self._csc = None

    def matrix(self) -> sparse.csr_matrix:
        if self._rows:
            width = max(len(self.vocab), 1)
            blocks = [self._matrix] if self._matrix.shape[0] else []
            blocks += self._rows
            resized = [
                sparse.csr_matrix((b.data, b.indices, b.indptr), shape=(b.shape[0], width)) for b in blocks
            ]
            self._matrix = sparse.csr_matrix(sparse.vstack(resized, format="csr"))
            self._rows = []
        return self._matrix

    # -- scoring --------------------------------------------------------------------------------
    def _prepare(self) -> sparse.csc_matrix:
        if self._csc is None:
            m = self.matrix()
            alive = self.alive.astype(np.float32)
            lengths = np.asarray(m.sum(axis=1)).ravel()
            n = max(int(alive.sum()), 1)
            avgdl = float((lengths * alive).sum() / n) or 1.0
            binary = m.copy()
            binary.data[:] = 1.0
            df = np.asarray(binary.T @ alive).ravel()
            self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
            # BM25 term weights per (row, term), precomputed so a query is a column gather.
            coo = m.tocoo()
            tf = coo.data
            norm = self.k1 * (1 - self.b + self.b * lengths[coo.row] / avgdl)
            weights = tf * (self.k1 + 1) / (tf + norm)
            self._csc = sparse.csc_matrix((weights.astype(np.float32), (coo.row, coo.col)), shape=m.shape)
        return self._csc

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row (0 for rows that share no token; removed rows score 0)."""
        csc = self._prepare()
        n_rows = csc.shape[0]
        qvec = np.zeros(csc.shape[1], dtype=np.float32)
        for token in tokenize(query, self.scheme):
            j = self.vocab.get(token)
            if j is not None and j < csc.shape[1]:
                qvec[j] += self._idf[j]
        if not qvec.any():
            return np.zeros(n_rows, dtype=np.float32)
        out = np.asarray(csc @ qvec).ravel().astype(np.float32)
        out[~self.alive] = 0.0
        return out

    # -- persistence ----------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        m = self.matrix()
        sparse.save_npz(folder / "lexical.npz", m, compressed=False)
        np.save(folder / "lexical_alive.npy", self.alive, allow_pickle=False)
        meta = {"scheme": self.scheme, "k1": self.k1, "b": self.b, "vocab": list(self.vocab)}
        (folder / "lexical_vocab.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        meta = json.loads((folder / "lexical_vocab.json").read_text(encoding="utf-8"))
        lex = cls(scheme=meta["scheme"], k1=meta["k1"], b=meta["b"])
        lex.vocab = {t: i for i, t in enumerate(meta["vocab"])}
        lex._matrix = sparse.csr_matrix(sparse.load_npz(folder / "lexical.npz"))
        lex.alive = np.load(folder / "lexical_alive.npy", allow_pickle=False)
        if lex._matrix.shape[0] != lex.alive.shape[0]:
            raise ValueError("lexical matrix and row mask disagree in length")
        return lex


class Bm25Store:
    """lawdocs' own BM25 as a `LexicalStore`: a `LexicalIndex` whose rows carry the row table's keys."""

    kind: ClassVar[str] = "bm25"

    def __init__(self, scheme: Tokenizer = "jieba") -> None:
        self.index = LexicalIndex(scheme=scheme)
        self.keys = np.zeros(0, dtype=np.int64)

    @property
    def scheme(self) -> Tokenizer:
        return self.index.scheme

    def __len__(self) -> int:
        return int(self.index.alive.sum())

    def add(self, keys: np.ndarray, texts: list[str], fields: list[RowFields]) -> None:
        self.index.add(texts)
        self.keys = np.concatenate([self.keys, np.asarray(keys, dtype=np.int64)])

    def delete(self, keys: np.ndarray) -> None:
        rows = positions_of(self.keys, keys)
        self.index.remove_rows(rows.tolist())

    def search(self, query: str, k: int, where: Where) -> list[tuple[int, float]]:
        scores = self.index.scores(query)
        allowed = self.index.alive.copy()
        if where.keys is not None:
            allowed = np.zeros_like(allowed)
            allowed[positions_of(self.keys, where.keys)] = True
            allowed &= self.index.alive
        rows = top_k(scores, k, allowed & (scores > 0))
        return [(int(self.keys[r]), float(scores[r])) for r in rows]

    def save(self, gen: Path) -> dict[str, object]:
        keep = self.index.alive.copy()
        if not keep.all():
            self.index.keep_rows(keep)
            self.keys = self.keys[keep]
        self.index.save(gen)
        np.save(gen / "lexical_keys.npy", self.keys, allow_pickle=False)
        return {"kind": self.kind, "scheme": self.scheme}

    @classmethod
    def open(cls, gen: Path, info: dict[str, object]) -> Bm25Store:
        from ..errors import IndexCorruptError

        store = cls.__new__(cls)
        try:
            store.index = LexicalIndex.load(gen)
        except FileNotFoundError:
            raise  # the generation vanished under a reader: Index.open tries again
        except (ValueError, KeyError, TypeError, IndexError, OSError) as exc:
            raise IndexCorruptError(
                f"cannot read the lexical index (lexical.npz, lexical_vocab.json, lexical_alive.npy): {exc!r}",
                path=gen / "lexical_vocab.json",
            ) from exc
        keys_file = gen / "lexical_keys.npy"
        n = store.index.alive.shape[0]
        try:
            keys = np.load(keys_file, allow_pickle=False) if keys_file.exists() else np.arange(n, dtype=np.int64)
        except (ValueError, OSError) as exc:
            raise IndexCorruptError(f"cannot read lexical row keys: {exc}", path=keys_file) from exc
        if keys.shape != (n,):
            raise IndexCorruptError(f"{n} lexical rows but {keys.shape} keys", path=keys_file)
        store.keys = keys.astype(np.int64)
        return store
