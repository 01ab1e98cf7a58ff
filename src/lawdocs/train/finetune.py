"""Domain adaptation: fine-tune a sentence-transformers model on a user's labelled questions.

The recipe (measured in shared/docs/domain-adaptation.md and here): for every (question, gold clause)
pair, hard negatives are mined from the index with its own model (the best non-gold clauses after
skipping the first few, which are often unlabelled answers); the model is trained with an in-batch
multiple-negatives ranking loss (softmax over the batch's positives and negatives, scale 20), the
large word-embedding matrix frozen, AdamW with warm-up and linear decay, bf16 autocast on CPUs that compute bf16 natively (fp32 elsewhere).

A part of the questions is kept back. After every epoch the model re-embeds a candidate pool (the
kept-back questions' gold clauses and the index's top dense hits for them, plus a random sample of
the index) and its recall@10 on the kept-back questions is measured there; the best epoch is saved.
The pool keeps this to seconds per epoch instead of re-embedding a whole corpus.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

from ..embedding.st_backend import prompts_of
from ..evaluate import Query, ranking_metrics
from .toolkit import Progress, apply_step, autocast, base_folder, optimiser_for, prepare, snapshot

if TYPE_CHECKING:
    from ..index import Index


class FinetuneConfig(BaseModel):
    epochs: int = 2
    learning_rate: float = 3e-5
    batch_size: int = 32
    max_seq_length: int = 192
    holdout: float = 0.1
    seed: int = 0
    negatives: int = 1
    skip_top: int = 3
    mine_depth: int = 30
    scale: float = 20.0
    warmup: float = 0.1
    freeze_word_embeddings: bool = True
    pool_random: int = 1000
    pool_depth: int = 50


class EpochResult(BaseModel):
    epoch: int
    loss: float | None
    recall_at_10: float
    recall_at_100: float
    mrr_at_10: float
    seconds: float


class FinetuneReport(BaseModel):
    base: str
    out: str
    questions: int
    train_questions: int
    heldout_questions: int
    pairs: int
    pool_size: int
    best_epoch: int
    epochs: list[EpochResult]
    config: FinetuneConfig


def finetune(
    questions: Sequence[Query] | str | Path,
    index: Index,
    out: str | Path,
    *,
    base: str | None = None,
    config: FinetuneConfig | None = None,
    progress: Progress | None = None,
) -> FinetuneReport:
    """Fine-tune `base` (default: the index's model) on `questions`; write the best epoch to `out`."""
    import torch
    from sentence_transformers import SentenceTransformer

    cfg = config or FinetuneConfig()
    questions, rng, train, heldout = prepare(questions, index, cfg.holdout, cfg.seed)

    texts = {row: index.passage(row) for row in range(len(index.clauses))}
    pairs: list[tuple[str, str, list[str]]] = []
    for i, (q, gold) in enumerate(train):
        hits = index.search(q.query, k=cfg.mine_depth, mode="dense")
        gold_set = set(gold)
        gold_texts = {index.clauses[r].text for r in gold}
        candidates = [
            index.row_of[h.clause_id]
            for h in hits[cfg.skip_top :]
            if index.row_of[h.clause_id] not in gold_set and h.text not in gold_texts
        ]
        negs = [texts[r] for r in candidates[: cfg.negatives]]
        pairs.extend((q.query, texts[g], negs) for g in gold)
        if progress:
            progress("mining", i + 1, len(train))

    pool = set(r for _, gold in heldout for r in gold)
    for q, _ in heldout:
        pool.update(index.row_of[h.clause_id] for h in index.search(q.query, k=cfg.pool_depth, mode="dense"))
    alive = np.flatnonzero(index.alive)
    pool.update(int(r) for r in rng.sample(list(alive), min(cfg.pool_random, len(alive))))
    pool_rows = sorted(pool)

    folder = base_folder(index, base)
    model = SentenceTransformer(
        str(folder), device="cpu", local_files_only=True, model_kwargs={"torch_dtype": torch.float32}
    )
    model.float()
    model.max_seq_length = cfg.max_seq_length
    query_prompt, passage_prompt = prompts_of(model.prompts)

    def evaluate(epoch: int, loss: float | None, started: float) -> EpochResult:
        model.eval()
        with torch.inference_mode():
            docs = model.encode(
                [texts[r] for r in pool_rows],
                prompt=passage_prompt,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
            qs = model.encode(
                [q.query for q, _ in heldout],
                prompt=query_prompt,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
        order = np.argsort(-(qs @ docs.T), axis=1)[:, :100]
        rankings = [[pool_rows[j] for j in ranked] for ranked in order]
        return EpochResult(
            epoch=epoch,
            loss=loss,
            **ranking_metrics([gold for _, gold in heldout], rankings),
            seconds=round(time.time() - started, 1),
        )

    results = [evaluate(0, None, time.time())]
    best_state = snapshot(model)
    best = results[0]

    steps_per_epoch = max(1, (len(pairs) + cfg.batch_size - 1) // cfg.batch_size)
    params, optimizer, scheduler = optimiser_for(
        model,
        model[0].auto_model,
        freeze_word_embeddings=cfg.freeze_word_embeddings,
        lr=cfg.learning_rate,
        total=steps_per_epoch * cfg.epochs,
        warmup=cfg.warmup,
    )

    def embed(batch: list[str]) -> Any:
        features = model.tokenize(batch)
        return model(features)["sentence_embedding"]

    step = 0
    for epoch in range(1, cfg.epochs + 1):
        started = time.time()
        model.train()
        rng.shuffle(pairs)
        losses = []
        for start in range(0, len(pairs), cfg.batch_size):
            batch = pairs[start : start + cfg.batch_size]
            if len(batch) < 2:
                continue
            queries = [query_prompt + q for q, _, _ in batch]
            docs = [passage_prompt + p for _, p, _ in batch] + [
                passage_prompt + n for *_, negs in batch for n in negs
            ]
            with autocast():
                qv = embed(queries)
                dv = embed(docs)
            scores = (qv.float() @ dv.float().T) * cfg.scale
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
            losses.append(apply_step(loss, params, optimizer, scheduler))
            step += 1
            if progress:
                progress(f"epoch {epoch}", step - (epoch - 1) * steps_per_epoch, steps_per_epoch)
        result = evaluate(epoch, float(np.mean(losses)) if losses else None, started)
        results.append(result)
        if (result.recall_at_10, result.mrr_at_10) > (best.recall_at_10, best.mrr_at_10):
            best = result
            best_state = snapshot(model)

    model.load_state_dict(best_state)
    model.eval()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    report = FinetuneReport(
        base=str(folder),
        out=str(out),
        questions=len(questions),
        train_questions=len(train),
        heldout_questions=len(heldout),
        pairs=len(pairs),
        pool_size=len(pool_rows),
        best_epoch=best.epoch,
        epochs=results,
        config=cfg,
    )
    (out / "lawdocs_finetune.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return report
