"""Training a cross-encoder reranker (`lawdocs finetune --reranker`); scoring with one is `lawdocs.search.rerank`.

`train_reranker` learns one from the labelled questions `lawdocs finetune` uses. The model starts from a
sentence-transformers encoder (the index's own by default) and, by default, scores a (question, clause) pair
with a linear head over its mean-pooled token states: the pooling the bi-encoder was trained with (its CLS
pooler is unused, zeroed in lawdocs' models, so a sequence-classification head on it starts from nothing;
`pooling="cls"` keeps that older form). Every (question, gold clause) pair forms a group with negatives drawn
afresh each epoch: `hard_negatives` from the first stage's top `mine_depth` candidates and `random_negatives`
from the whole index (the published recipe for STARD used 30 + 10 from the top 200; fewer fit a CPU hour).
A softmax over each group's logits is trained to pick the gold clause (listwise cross-entropy), the
word-embedding matrix frozen as in `lawdocs.train.finetune`. Part of the questions is kept back: after every
epoch their candidates are reranked, and the epoch and fusion weight with the best recall@10 there are
kept and written beside the model (`lawdocs_reranker.json`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel

from ..evaluate import Query, ranking_metrics
from ..models import SearchMode
from ..search.rerank import RERANKER_INFO, RerankerInfo, RerankFusion, fuse_reranked
from .toolkit import Progress, apply_step, autocast, base_folder, optimiser_for, prepare, snapshot

if TYPE_CHECKING:
    from ..index import Index

FUSION_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)  # first-stage weights tried on the kept-back questions


class RerankConfig(BaseModel):
    epochs: int = 1
    learning_rate: float = 4e-5
    head_learning_rate: float = 1e-3  # the new head starts at zero and must move faster than the encoder
    groups_per_batch: int = 4
    hard_negatives: int = 7
    random_negatives: int = 1
    mine_depth: int = 200
    depth: int = 30
    max_seq_length: int = 192
    pooling: Literal["cls", "mean"] = "mean"
    holdout: float = 0.1
    seed: int = 0
    warmup: float = 0.1
    freeze_word_embeddings: bool = True
    first_stage: SearchMode = "hybrid"


class RerankEpoch(BaseModel):
    epoch: int
    loss: float | None
    first_stage_weight: float
    recall_at_10: float
    recall_at_100: float
    mrr_at_10: float
    seconds: float


class RerankReport(BaseModel):
    base: str
    out: str
    questions: int
    train_questions: int
    heldout_questions: int
    groups: int
    first_stage: dict[str, float]  # the kept-back questions' metrics before reranking
    best_epoch: int
    fusion: RerankFusion
    accept: float | None
    epochs: list[RerankEpoch]
    config: RerankConfig


def acceptance_threshold(
    scores: Sequence[np.ndarray], candidates: Sequence[Sequence[int]], golds: Sequence[Sequence[int]]
) -> float | None:
    """The lowest logit t such that, over the kept-back candidates, those scoring >= t were gold at least
    half the time (and at least 3 of them); None when no such t exists. `ask` cites such candidates even
    when they share no words with the question."""
    pairs = sorted(
        ((float(s), row in set(gold)) for sc, rows, gold in zip(scores, candidates, golds, strict=True)
         for s, row in zip(sc, rows, strict=True)),
        reverse=True,
    )
    hits = 0
    threshold = None
    for n, (score, is_gold) in enumerate(pairs, 1):
        hits += is_gold
        if n >= 3 and hits / n >= 0.5:
            threshold = score
    return threshold


def train_reranker(
    questions: Sequence[Query] | str | Path,
    index: Index,
    out: str | Path,
    *,
    base: str | None = None,
    config: RerankConfig | None = None,
    progress: Progress | None = None,
) -> RerankReport:
    """Train a cross-encoder on `questions` over `index`'s first stage; write the best epoch to `out`."""
    import torch
    from transformers import AutoTokenizer

    from ..embedding.home import sha256_file
    from ..embedding.onnx_backend import st_settings
    from ..embedding.st_backend import quiet_progress

    cfg = config or RerankConfig()
    questions, rng, train, heldout = prepare(questions, index, cfg.holdout, cfg.seed)

    candidates: list[list[int]] = []
    everyone = train + heldout
    for i, (q, _) in enumerate(everyone):
        # without the bank: it may hold these very questions, whose gold it would put first
        hits = index.search(q.query, k=max(cfg.mine_depth, cfg.depth), mode=cfg.first_stage, bank=False)
        candidates.append([index.row_of[h.clause_id] for h in hits])
        if progress:
            progress("first stage", i + 1, len(everyone))
    train_candidates, held_candidates = candidates[: len(train)], candidates[len(train) :]

    folder = base_folder(index, base)
    query_prompt, passage_prompt, _ = st_settings(folder)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model, transformer = _pair_model(folder, cfg.pooling)

    def logits(pairs: Sequence[tuple[str, str]]) -> Any:
        features = tokenizer(
            [query_prompt + q for q, _ in pairs],
            [passage_prompt + p for _, p in pairs],
            padding=True,
            truncation=True,
            max_length=cfg.max_seq_length,
            return_tensors="pt",
        )
        return model(**features).reshape(-1)

    held_first = [cands[: cfg.depth] for cands in held_candidates]
    held_gold = [gold for _, gold in heldout]
    first_stage = ranking_metrics(held_gold, held_first)

    def evaluate(epoch: int, loss: float | None, started: float) -> tuple[list[RerankEpoch], list[np.ndarray]]:
        model.eval()
        scores: list[np.ndarray] = []
        with torch.inference_mode():
            for (q, _), rows in zip(heldout, held_first, strict=True):
                pairs = [(q.query, index.passage(r)) for r in rows]
                scores.append(
                    np.concatenate([logits(pairs[s : s + 32]).float().numpy() for s in range(0, len(pairs), 32)])
                    if pairs
                    else np.zeros(0)
                )
        seconds = round(time.time() - started, 1)
        results = []
        for weight in FUSION_WEIGHTS:
            fusion = RerankFusion(depth=cfg.depth, first_stage_weight=weight)
            rankings = [
                [row for row, _ in fuse_reranked(rows, list(s), fusion)]
                for rows, s in zip(held_first, scores, strict=True)
            ]
            metrics = ranking_metrics(held_gold, rankings)
            results.append(RerankEpoch(epoch=epoch, loss=loss, first_stage_weight=weight, seconds=seconds, **metrics))
        return results, scores

    groups = [(q.query, g, i) for i, (q, gold) in enumerate(train) for g in gold]
    steps_per_epoch = max(1, (len(groups) + cfg.groups_per_batch - 1) // cfg.groups_per_batch)
    params, optimizer, scheduler = optimiser_for(
        model,
        transformer,
        freeze_word_embeddings=cfg.freeze_word_embeddings,
        lr=cfg.learning_rate,
        total=steps_per_epoch * cfg.epochs,
        warmup=cfg.warmup,
        fast=getattr(model, "head", None),
        fast_lr=cfg.head_learning_rate,
    )
    gold_texts = [{index.clauses[r].text for r in gold} for _, gold in train]
    alive = np.flatnonzero(index.alive)

    def negatives_for(i: int) -> list[int]:
        gold = set(train[i][1])

        def usable(r: int) -> bool:
            return r not in gold and index.clauses[r].text not in gold_texts[i]

        pool = [r for r in train_candidates[i][: cfg.mine_depth] if usable(r)]
        hard = rng.sample(pool, min(cfg.hard_negatives, len(pool)))
        taken = set(hard)
        spare: list[int] = []
        for _ in range(8 * cfg.random_negatives):  # a few draws: the index may hold little besides the gold
            if len(spare) == cfg.random_negatives:
                break
            r = int(alive[rng.randrange(len(alive))])
            if r not in taken and usable(r):
                spare.append(r)
                taken.add(r)
        return hard + spare

    results: list[RerankEpoch] = []
    best: RerankEpoch | None = None
    best_scores: list[np.ndarray] = []
    best_state: dict[str, Any] = {}
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        started = time.time()
        model.train()
        rng.shuffle(groups)
        losses = []
        for start in range(0, len(groups), cfg.groups_per_batch):
            batch = []
            for query, gold_row, i in groups[start : start + cfg.groups_per_batch]:
                negs = negatives_for(i)
                if negs:
                    batch.append([(query, index.passage(gold_row)), *((query, index.passage(r)) for r in negs)])
            if not batch:
                continue
            size = min(len(b) for b in batch)  # the same group size within a step
            flat = [pair for b in batch for pair in b[:size]]
            with autocast():
                out_logits = logits(flat)
            loss = torch.nn.functional.cross_entropy(
                out_logits.float().reshape(len(batch), size), torch.zeros(len(batch), dtype=torch.long)
            )
            losses.append(apply_step(loss, params, optimizer, scheduler))
            step += 1
            if progress:
                progress(f"epoch {epoch}", step - (epoch - 1) * steps_per_epoch, steps_per_epoch)
        epoch_results, scores = evaluate(epoch, float(np.mean(losses)) if losses else None, started)
        results += epoch_results
        top = max(epoch_results, key=lambda r: (r.recall_at_10, r.mrr_at_10))
        if best is None or (top.recall_at_10, top.mrr_at_10) > (best.recall_at_10, best.mrr_at_10):
            best, best_scores = top, scores
            best_state = snapshot(model)
    assert best is not None
    accept = acceptance_threshold(best_scores, held_first, held_gold)

    model.load_state_dict(best_state)
    model.eval()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with quiet_progress():
        model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    fusion = RerankFusion(depth=cfg.depth, first_stage_weight=best.first_stage_weight)
    report = RerankReport(
        base=str(folder),
        out=str(out),
        questions=len(questions),
        train_questions=len(train),
        heldout_questions=len(heldout),
        groups=len(groups),
        first_stage=first_stage,
        best_epoch=best.epoch,
        fusion=fusion,
        accept=accept,
        epochs=results,
        config=cfg,
    )
    info = RerankerInfo(
        name=f"reranker:{out.name}",
        query_prompt=query_prompt,
        passage_prompt=passage_prompt,
        max_seq_length=cfg.max_seq_length,
        pooling=cfg.pooling,
        head=model.head_values(),
        fusion=fusion,
        accept=accept,
        fingerprint=sha256_file(out / "model.safetensors")[:16],
        report=report.model_dump(),
    )
    (out / RERANKER_INFO).write_text(info.model_dump_json(indent=2), encoding="utf-8")
    from ..embedding.onnx_backend import export_onnx

    export_onnx(out, classifier=cfg.pooling == "cls", pairs=cfg.pooling == "mean")
    return report


def _pair_model(folder: Path, pooling: str) -> tuple[Any, Any]:
    """(a module mapping tokenised pairs to one logit each, its transformer) started from `folder`."""
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    from ..embedding.st_backend import quiet_progress

    class MeanLogits(torch.nn.Module):
        """A linear head over the mask-weighted mean of the token states; the head starts at zero."""

        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer
            self.head = torch.nn.Linear(transformer.config.hidden_size, 1)
            torch.nn.init.zeros_(self.head.weight)
            torch.nn.init.zeros_(self.head.bias)

        def forward(self, **features: Any) -> Any:
            hidden = self.transformer(**features).last_hidden_state
            mask = features["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(pooled.float()).squeeze(-1)

        def save_pretrained(self, path: str) -> None:
            self.transformer.save_pretrained(path)

        def head_values(self) -> list[float]:
            """The head as `RerankerInfo.head` stores it: its weights, then its bias."""
            return [*self.head.weight.detach().float().reshape(-1).tolist(), *self.head.bias.detach().float().tolist()]

    class ClsLogits(torch.nn.Module):
        """A sequence-classification model's own head (on its CLS pooler)."""

        def __init__(self, classifier: Any) -> None:
            super().__init__()
            self.classifier = classifier

        def forward(self, **features: Any) -> Any:
            return self.classifier(**features).logits

        def save_pretrained(self, path: str) -> None:
            self.classifier.save_pretrained(path)

        def head_values(self) -> None:
            return None  # the head is part of the saved classifier

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # "some weights were newly initialised": the head, as intended
    try:
        with quiet_progress():
            if pooling == "cls":
                classifier = AutoModelForSequenceClassification.from_pretrained(
                    str(folder), num_labels=1, local_files_only=True, dtype=torch.float32
                )
                return ClsLogits(classifier), classifier.base_model
            transformer = AutoModel.from_pretrained(str(folder), local_files_only=True, dtype=torch.float32)
    finally:
        hf_logging.set_verbosity(verbosity)
    return MeanLogits(transformer), transformer
