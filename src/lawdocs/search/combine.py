"""A learned combiner: one linear score over the first stage's signals, in place of hand-set fusion weights.

For every candidate that the dense list, the lexical list or the question bank's votes bring up, `signals`
computes a few numbers a ranking engineer would look at: the dense similarity (raw, and as a gap to the
query's best), the BM25 score relative to the query's best, the bank's vote, the reciprocal rank in each
list, how often past labelled questions were answered by the candidate's document (`law_prior`), how much of
the dense head comes from that document (`law_share`) and the clause's length. `Combiner` holds the weights a
pairwise logistic ranker learnt over them (`lawdocs.train.combiner`, on labelled questions only) and the
standardisation it was trained with; search sorts the candidates by its score.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field, model_validator

if TYPE_CHECKING:
    from ..index import Index

FEATURES: tuple[str, ...] = (
    "dense",  # inner product with the query (cosine for normalised models), for every candidate
    "dense_gap",  # dense minus the query's best dense
    "dense_rrf",  # 10 / (10 + dense rank); 0 when not in the dense list
    "lexical",  # BM25 / the query's best BM25; 0 when not in the lexical list
    "lexical_rrf",
    "bank",  # the bank's vote / the query's best vote; 0 without one
    "bank_rrf",
    "law_prior",  # log share of banked gold clauses in this clause's document (smoothed)
    "law_share",  # share of the dense head (top HEAD) from this clause's document
    "length",  # log(1 + characters of the clause)
)
# trained on STARD's tune part with the legal model (tools/make_legal_combiner.py)
PACKAGED_FILE = "legal_combiner.json"
HEAD = 20  # dense hits that measure a document's share of the head
RRF_K = 10


class Combiner(BaseModel):
    """A linear ranker over `FEATURES`: score = sum(w * (x - mean) / scale). Stored in the index manifest."""

    features: list[str] = Field(default_factory=lambda: list(FEATURES))
    weights: list[float]
    mean: list[float]
    scale: list[float]
    depth: int = Field(default=100, ge=1)  # candidates taken from each list
    neighbours: int = Field(default=40, ge=1, le=200)  # banked questions that vote (no similarity threshold)
    power: float = Field(default=1.0, ge=0.0)  # a vote is similarity ** power
    prior_smoothing: float = Field(default=1.0, gt=0.0)
    packaged_bank: bool = False  # the packaged STARD bank votes too (legal-model indexes), as in training
    trained_on: int = 0  # labelled questions behind the weights
    note: str = ""

    @model_validator(mode="after")
    def _shapes(self) -> Combiner:
        n = len(self.features)
        if not (len(self.weights) == len(self.mean) == len(self.scale) == n):
            raise ValueError("weights, mean and scale need one value per feature")
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features {sorted(unknown)}: known are {', '.join(FEATURES)}")
        return self

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Scores of the rows of the feature matrix `x` (columns as `FEATURES`)."""
        cols = [FEATURES.index(name) for name in self.features]
        z = (x[:, cols] - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights)

    def rank(self, rows: Sequence[int], x: np.ndarray) -> list[tuple[int, float]]:
        """(row, score) best first."""
        if not len(rows):
            return []
        s = self.scores(x)
        order = np.lexsort((np.asarray(rows), -s))
        return [(int(rows[i]), float(s[i])) for i in order]


@functools.cache
def packaged_combiner() -> Combiner | None:
    """The combiner shipped for statute collections indexed with the legal model, or None without its file."""
    try:
        text = resources.files("lawdocs").joinpath("data", PACKAGED_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return Combiner.model_validate(json.loads(text)["combiner"])


def law_prior(index: Index, targets: Sequence[Sequence[int]], skip: Collection[int] = ()) -> dict[str, int]:
    """Gold clauses per document over banked questions (`targets`: each entry's rows), leaving out the
    entries at the positions in `skip` (a banked question scored against the rest of the bank)."""
    counts: Counter[str] = Counter()
    for i, rows in enumerate(targets):
        if i in skip:
            continue
        for doc in {index.clauses[r].doc_id for r in rows}:
            counts[doc] += 1
    return dict(counts)


def signals(
    index: Index,
    qvec: np.ndarray,
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    votes: Sequence[tuple[int, float]],
    prior: Mapping[str, int],
    smoothing: float = 1.0,
) -> tuple[list[int], np.ndarray]:
    """(candidate rows, feature matrix) for one query: every row of the three lists, columns as `FEATURES`.

    The dense similarity is computed for every candidate (`qvec` against the stored vectors), so a row that
    only the lexical list or the bank brought up is judged on it too."""
    rows = list(dict.fromkeys([r for r, _ in dense] + [r for r, _ in lexical] + [r for r, _ in votes]))
    x = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
    if not rows:
        return rows, x
    d = {r: rank for rank, (r, _) in enumerate(dense)}
    lx = {r: (rank, s) for rank, (r, s) in enumerate(lexical)}
    v = {r: (rank, s) for rank, (r, s) in enumerate(votes)}
    sims = index.vectors_of(rows) @ np.asarray(qvec, dtype=np.float32).reshape(-1)
    best_d = float(sims.max())
    best_l = lexical[0][1] if lexical else 1.0
    best_v = votes[0][1] if votes else 1.0
    docs = [index.clauses[r].doc_id for r in rows]
    head = Counter(index.clauses[r].doc_id for r, _ in dense[:HEAD])
    total = sum(prior.values())
    n_docs = max(1, len(index.documents))
    for i, row in enumerate(rows):
        rank = d.get(row)
        x[i, 0] = sims[i]
        x[i, 1] = sims[i] - best_d
        x[i, 2] = RRF_K / (RRF_K + rank + 1) if rank is not None else 0.0
        rank, s = lx.get(row, (None, 0.0))
        x[i, 3] = s / best_l if rank is not None and best_l > 0 else 0.0
        x[i, 4] = RRF_K / (RRF_K + rank + 1) if rank is not None else 0.0
        rank, s = v.get(row, (None, 0.0))
        x[i, 5] = s / best_v if rank is not None and best_v > 0 else 0.0
        x[i, 6] = RRF_K / (RRF_K + rank + 1) if rank is not None else 0.0
        x[i, 7] = math.log((prior.get(docs[i], 0) + smoothing) / (total + smoothing * n_docs))
        x[i, 8] = head.get(docs[i], 0) / HEAD
        x[i, 9] = math.log1p(len(index.clauses[row].text))
    return rows, x


_PRIOR: list[tuple[Sequence[Sequence[int]], dict[str, int]]] = []  # (the targets it was counted from, prior)


def _shared_prior(index: Index, targets: Sequence[Sequence[int]]) -> dict[str, int]:
    """`law_prior` of a bank's whole targets list, counted once per list (the bank caches its targets)."""
    for seen, prior in list(_PRIOR):
        if seen is targets:
            return prior
    prior = law_prior(index, targets)
    _PRIOR[:] = [*_PRIOR[-3:], (targets, prior)]
    return prior


def candidate_signals(
    index: Index,
    combiner: Combiner,
    qvec: np.ndarray,
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    mask: np.ndarray,
    use_bank: bool | None = None,
    exclude: Collection[str] = (),
) -> tuple[list[int], np.ndarray, list[tuple[int, float]]]:
    """(candidate rows, feature matrix, bank votes) of one hybrid query under `combiner`'s settings.

    The bank that votes for `index` (`lawdocs.bank.packaged.active_bank`; with the packaged STARD bank when
    `combiner.packaged_bank`) gives the votes and the document prior; without one both are empty. Banked
    questions whose qid is in `exclude` neither vote nor count in the prior (training on the bank itself)."""
    from ..bank.packaged import active_bank
    from ..bank.store import BankConfig

    votes: list[tuple[int, float]] = []
    prior: dict[str, int] = {}
    bank = active_bank(index, use_bank, packaged=True if combiner.packaged_bank else None)
    if bank is not None:
        config = BankConfig(neighbours=combiner.neighbours, power=combiner.power, min_similarity=-1.0)
        votes = bank.votes(qvec, index=index, mask=mask, config=config, exclude=exclude)[: combiner.depth]
        targets = bank.targets(index)
        if exclude:
            skip = {i for i, e in enumerate(bank.entries) if e.qid in exclude}
            prior = law_prior(index, targets, skip)
        else:
            prior = _shared_prior(index, targets)
    rows, x = signals(index, qvec, dense, lexical, votes, prior, combiner.prior_smoothing)
    return rows, x, votes
