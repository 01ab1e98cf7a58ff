"""Choosing how much the bank's votes count, on banked questions kept back from it (`lawdocs learn --tune`).

A seeded part of the banked questions (20 % by default) is held back; the others form a bank of their own,
and every setting of a small grid (the vote list's fusion weight, 0 meaning no votes, and the similarity
below which a banked question does not vote) is scored by the held-back questions' recall@10, ties broken
by MRR@10, through the index's own hybrid search. The best setting is written to the bank's config (saved in
the manifest with the index); its row, the row without votes and the grid are returned. A held-back
question never votes for itself: it is not in the bank it is scored against.

A learned combiner (`lawdocs.search.combine`) is one more candidate: trained on the banked questions that are
not held back (each left out of its own votes and of the document prior), scored the same way. When it beats
every fixed weight on recall@10 (then MRR@10), it is trained again on every banked question and put in force
(`index.fusion.combiner`); otherwise any earlier combiner is removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

from ..errors import EvalError
from ..evaluate import ranking_metrics
from .store import QuestionBank, resolver

if TYPE_CHECKING:
    from ..index import Index

WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)
MIN_SIMILARITIES = (0.75, 0.8, 0.85, 0.9)
MIN_QUESTIONS = 20


class TuneRow(BaseModel):
    combiner: bool = False  # the learned combiner ranked (its own vote weight), not the RRF at `weight`
    weight: float
    min_similarity: float
    recall_at_10: float
    recall_at_100: float
    mrr_at_10: float


class TuneReport(BaseModel):
    """What `tune_bank` measured and chose."""

    tune_questions: int
    held_questions: int
    seed: int
    rows: list[TuneRow] = Field(default_factory=list)  # the grid, in the order it was tried
    without_votes: TuneRow
    chosen: TuneRow
    combiner: TuneRow | None = None  # the learned combiner's row, when it could be trained


def tune_bank(index: Index, *, held: float = 0.2, seed: int = 13) -> TuneReport:
    """Choose the bank's weight and similarity threshold on held-back banked questions; set them on the bank.

    Raises EvalError when the bank holds fewer than 20 questions whose gold names a clause of the index.
    """
    bank = index.bank
    res = resolver(index)
    usable = [i for i, e in enumerate(bank.entries) if any(res.rows(g) for g in e.gold)]
    if len(usable) < MIN_QUESTIONS:
        raise EvalError(
            f"choosing the bank's settings needs at least {MIN_QUESTIONS} banked questions whose gold names a "
            f"clause of the index; {index.folder} has {len(usable)} (lawdocs learn QUESTIONS.jsonl first)"
        )
    if not 0.0 < held < 1.0:
        raise EvalError(f"held must be between 0 and 1, got {held}")
    order = np.random.default_rng(seed).permutation(usable)
    n_held = max(5, round(len(usable) * held))
    held_rows, tune_rows = sorted(order[:n_held].tolist()), sorted(order[n_held:].tolist())
    held_entries = [bank.entries[i] for i in held_rows]
    golds = [sorted({r for g in e.gold for r in res.rows(g)}) for e in held_entries]
    partial = QuestionBank(
        [bank.entries[i] for i in tune_rows],
        bank.vectors[tune_rows],
        config=bank.config.model_copy(),
        fingerprint=bank.fingerprint,
    )

    def measure(weight: float, min_similarity: float, votes: bool | None = None) -> TuneRow:
        partial.config = bank.config.model_copy(
            update={"weight": weight, "min_similarity": min_similarity, "enabled": weight > 0}
        )
        rankings = []
        for entry in held_entries:
            hits = index.search(
                entry.query, k=100, mode="hybrid", bank=weight > 0 if votes is None else votes
            )
            rankings.append([row for h in hits for row in res.rows(h.clause_id)[:1]])
        scores = ranking_metrics(golds, rankings)
        return TuneRow(
            weight=weight,
            min_similarity=min_similarity,
            combiner=index.fusion_config().combiner is not None,
            **scores,
        )

    original = index.fusion
    plain = index.fusion_config().model_copy(update={"combiner": None})
    index.bank, index.fusion = partial, plain
    combined: TuneRow | None = None
    try:
        baseline = measure(0.0, bank.config.min_similarity)
        rows = [baseline] + [measure(w, s) for w in WEIGHTS if w > 0 for s in MIN_SIMILARITIES]
        from ..train.combiner import train_combiner  # numpy only: the pairwise ranker of `search.combine`

        partial.config = bank.config.model_copy(update={"enabled": True})
        try:
            index.fusion = plain.model_copy(update={"combiner": train_combiner(index, partial.entries)})
            combined = measure(0.0, -1.0, votes=True).model_copy(update={"combiner": True})
        except ValueError:  # no tune question's gold among its candidates
            combined = None
    finally:
        index.bank, index.fusion = bank, original

    def key(row: TuneRow) -> tuple[float, float]:
        return round(row.recall_at_10, 6), round(row.mrr_at_10, 6)

    chosen = max(rows, key=lambda r: (*key(r), -r.weight))
    if combined is not None and key(combined) > key(chosen):
        # the combiner beats every fixed weight: train it on every banked question and put it in force
        bank.config.enabled = True
        index.fusion = plain.model_copy(update={"combiner": train_combiner(index, bank.entries)})
        chosen = combined
    else:
        if original is not None and original.combiner is not None:
            index.fusion = original.model_copy(update={"combiner": None})
        bank.config.enabled = chosen.weight > 0
        if chosen.weight > 0:
            bank.config.weight = chosen.weight
            bank.config.min_similarity = chosen.min_similarity
    return TuneReport(
        tune_questions=len(tune_rows),
        held_questions=len(held_rows),
        seed=seed,
        rows=rows,
        without_votes=baseline,
        chosen=chosen,
        combiner=combined,
    )
