"""Learning the combiner's weights (`lawdocs.search.combine.Combiner`) from labelled questions.

A pairwise logistic ranker: for each question, every (gold candidate, other candidate) pair should score the
gold one higher. The features are standardised over all candidates, the weights found by Newton steps on the
L2-regularised log loss (ten features: a handful of steps converge). Questions whose gold the candidates do not
hold teach nothing and are skipped. Numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..search.combine import FEATURES, Combiner, candidate_signals

if TYPE_CHECKING:
    from ..bank.store import BankEntry
    from ..evaluate import Query
    from ..index import Index

MAX_PAIRS_PER_QUESTION = 400


def fit_combiner(
    groups: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    features: Sequence[str] = FEATURES,
    l2: float = 1.0,
    depth: int = 100,
    seed: int = 0,
) -> Combiner:
    """Weights over `features` from `groups`: one (feature matrix, gold mask) per question."""
    cols = [FEATURES.index(name) for name in features]
    usable = [(x[:, cols], y.astype(bool)) for x, y in groups if y.any() and (~y.astype(bool)).any()]
    if not usable:
        raise ValueError("no question has both a gold and a non-gold candidate: nothing to learn from")
    stacked = np.concatenate([x for x, _ in usable])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    rng = np.random.default_rng(seed)
    diffs = []
    for x, y in usable:
        z = (x - mean) / scale
        pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
        pairs = np.array([(p, n) for p in pos for n in neg])
        if len(pairs) > MAX_PAIRS_PER_QUESTION:
            pairs = pairs[rng.choice(len(pairs), MAX_PAIRS_PER_QUESTION, replace=False)]
        # each question weighs the same, however many pairs it has
        diffs.append((z[pairs[:, 0]] - z[pairs[:, 1]], 1.0 / len(pairs)))
    d = np.concatenate([x for x, _ in diffs])
    sample_weight = np.concatenate([np.full(len(x), w) for x, w in diffs])
    w = newton_logistic(d, sample_weight, l2 / len(usable))
    return Combiner(
        features=list(features),
        weights=[round(float(v), 6) for v in w],
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
        depth=depth,
        trained_on=len(usable),
    )


def newton_logistic(d: np.ndarray, sample_weight: np.ndarray, l2: float, steps: int = 30, free: int = 0) -> np.ndarray:
    """argmin_w  mean_weighted(log(1 + exp(-d @ w))) + l2/2 |w|^2, by Newton's method; the first `free` weights
    (an intercept's column) are not penalised."""
    sw = sample_weight / sample_weight.sum()
    penalty = np.full(d.shape[1], l2)
    penalty[:free] = 0.0
    w = np.zeros(d.shape[1])
    for _ in range(steps):
        margin = d @ w
        p = 1.0 / (1.0 + np.exp(np.clip(margin, -50, 50)))  # d(loss)/d(margin) = -p
        grad = -(d * (sw * p)[:, None]).sum(axis=0) + penalty * w
        hess = (d * (sw * p * (1 - p))[:, None]).T @ d + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


def question_groups(
    index: Index,
    questions: Sequence[Query | BankEntry],
    settings: Combiner,
    vectors: np.ndarray | None = None,
    leave_out: Sequence[bool] | None = None,
) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
    """Per question: (candidate rows, feature matrix, gold mask), as search would see it under `settings`.
    Gold items are labels or clause ids, resolved as the bank resolves them.

    `leave_out[i]`: question i is banked, and its own entry (same query and gold) neither votes nor counts
    in the document prior. `vectors`: the questions' query vectors when already computed."""
    from ..bank.store import entry_id, resolver

    res = resolver(index)
    if vectors is None:
        vectors = index.embedder.encode_queries([q.query for q in questions]).astype(np.float32)
    mask = index.alive.copy()
    depth = max(settings.depth, index.fusion_config().candidates)
    out = []
    for i, q in enumerate(questions):
        gold = {r for g in q.gold for r in res.rows(g)}
        dense = index.dense_candidates(vectors[i], mask, depth)
        lexical = index.lexical_candidates(q.query, mask, depth)
        exclude = {entry_id(q.query, q.gold)} if leave_out is not None and leave_out[i] else set()
        rows, x, _ = candidate_signals(index, settings, vectors[i], dense, lexical, mask, exclude=exclude)
        out.append((rows, x, np.fromiter((r in gold for r in rows), dtype=bool, count=len(rows))))
    return out


def train_combiner(
    index: Index, questions: Sequence[Query | BankEntry], *, packaged_bank: bool = False, l2: float = 1.0
) -> Combiner:
    """A combiner for `index` learnt from labelled `questions`; those that are in the index's bank are left out
    of their own votes. Raises ValueError when no question's gold is among its candidates."""
    from ..bank.packaged import active_bank
    from ..bank.store import entry_id

    settings = Combiner(
        weights=[0.0] * len(FEATURES),
        mean=[0.0] * len(FEATURES),
        scale=[1.0] * len(FEATURES),
        packaged_bank=packaged_bank,
    )
    bank = active_bank(index, None, packaged=True if packaged_bank else None)
    banked = {e.qid for e in bank.entries} if bank is not None else set()
    leave_out = [entry_id(q.query, q.gold) in banked for q in questions]
    groups = question_groups(index, questions, settings, leave_out=leave_out)
    fitted = fit_combiner([(x, y) for _, x, y in groups], l2=l2, depth=settings.depth)
    return fitted.model_copy(
        update={"packaged_bank": packaged_bank, "neighbours": settings.neighbours, "power": settings.power}
    )
