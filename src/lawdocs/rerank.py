"""Cross-encoder reranking: read the question and a clause together and score how well one answers the other.

A bi-encoder embeds a question and a clause apart, so "楼上扔东西砸伤人谁赔" and an article on 高空抛物 meet only
through two vectors; a cross-encoder attends across both texts at once. It is too slow to score a corpus, so
it reorders the first stage's best `depth` candidates, and its order is combined with the first stage's by
weighted reciprocal rank (`RerankFusion`; a weight of 0 keeps the cross-encoder's order alone).

`train_reranker` learns one from the labelled questions `lawdocs finetune` uses: the model starts from a
sentence-transformers encoder (the index's own by default) with a one-logit head; every (question, gold
clause) pair forms a group with negatives drawn afresh each epoch from the first stage's top candidates,
and a softmax over each group's logits is trained to pick the gold clause (listwise cross-entropy), the
word-embedding matrix frozen as in `lawdocs.finetune`. Part of the questions is kept back: after every
epoch their candidates are reranked, and the epoch and fusion weight with the best recall@10 there are
kept and written beside the model (`lawdocs_reranker.json`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel

from .errors import ModelError, QueryError
from .evaluate import Query
from .finetune import Progress, _base_folder, apply_step, optimiser_for, prepare, ranking_metrics, snapshot
from .models import SearchMode

if TYPE_CHECKING:
    from .index import Index

RERANKER_INFO = "lawdocs_reranker.json"
FUSION_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)  # first-stage weights tried on the kept-back questions


class RerankFusion(BaseModel):
    """How many first-stage candidates are reranked and how the two orders combine.

    score(row) = 1 / (k + cross-encoder rank) + first_stage_weight / (k + first-stage rank)
    """

    depth: int = 30
    k: int = 10
    first_stage_weight: float = 0.0


class RerankConfig(BaseModel):
    epochs: int = 2
    learning_rate: float = 4e-5
    groups_per_batch: int = 4
    negatives: int = 3
    mine_depth: int = 30
    depth: int = 30
    max_seq_length: int = 224
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


class RerankerInfo(BaseModel):
    """What `lawdocs_reranker.json` records: prompts, input length and the fusion chosen in training."""

    name: str
    query_prompt: str = ""
    passage_prompt: str = ""
    max_seq_length: int = 224
    fusion: RerankFusion = RerankFusion()
    accept: float | None = None  # logit at and above which a candidate was gold at least half the time
    fingerprint: str = ""
    report: dict[str, Any] | None = None


def fuse_reranked(
    first_rows: Sequence[int], scores: Sequence[float], fusion: RerankFusion
) -> list[tuple[int, float]]:
    """The first stage's rows reordered by the cross-encoder `scores` and `fusion`, best first."""
    by_score = sorted(range(len(first_rows)), key=lambda i: -scores[i])
    combined = [0.0] * len(first_rows)
    for rank, i in enumerate(by_score):
        combined[i] += 1.0 / (fusion.k + rank + 1)
    if fusion.first_stage_weight:
        for i in range(len(first_rows)):
            combined[i] += fusion.first_stage_weight / (fusion.k + i + 1)
    order = sorted(range(len(first_rows)), key=lambda i: (-combined[i], i))
    return [(first_rows[i], combined[i]) for i in order]


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


class Reranker:
    """A trained cross-encoder folder (see `train_reranker`), scoring (question, passage) pairs.

    The folder's int8 ONNX export (`onnx/model_int8.onnx`, written by training) runs when present
    (`backend="auto"`); `backend="torch"` runs the fp32 weights through sentence-transformers' CrossEncoder.
    """

    def __init__(
        self, folder: str | Path, *, batch_size: int = 32, backend: Literal["auto", "onnx", "torch"] = "auto"
    ) -> None:
        from .embedding.onnx_backend import int8_path

        self.folder = Path(folder)
        self.backend = "onnx" if backend == "onnx" or (backend == "auto" and int8_path(self.folder).is_file()) else "torch"
        info_path = self.folder / RERANKER_INFO
        if not info_path.is_file():
            raise ModelError(f"not a lawdocs reranker folder (no {RERANKER_INFO})", path=self.folder)
        try:
            self.info = RerankerInfo.model_validate_json(info_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ModelError(f"unreadable {RERANKER_INFO}: {exc}", path=info_path) from exc
        self.batch_size = batch_size
        self._model: Any = None
        self._onnx: tuple[Any, Any, int] | None = None
        self._onnx_types = False  # exports before segment ids were an input take only ids and mask

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def fusion(self) -> RerankFusion:
        return self.info.fusion

    def _cross_encoder(self) -> Any:
        if self._model is None:
            from sentence_transformers import CrossEncoder

            from .embedding.st_backend import quiet_progress

            try:
                with quiet_progress():
                    self._model = CrossEncoder(
                        str(self.folder),
                        device="cpu",
                        max_length=self.info.max_seq_length,
                        local_files_only=True,
                    )
            except (OSError, ValueError) as exc:
                raise ModelError(f"cannot load the reranker: {exc}", path=self.folder) from exc
        return self._model

    def _onnx_parts(self) -> tuple[Any, Any, int]:
        if self._onnx is None:
            from tokenizers import Tokenizer

            from .embedding.onnx_backend import cpu_session, int8_path
            from .embedding.st_backend import default_threads

            tok_file = self.folder / "tokenizer.json"
            if not tok_file.is_file():
                raise ModelError("the reranker folder has no tokenizer.json", path=tok_file)
            tok = Tokenizer.from_file(str(tok_file))
            tok.no_padding()
            tok.enable_truncation(max_length=self.info.max_seq_length, strategy="longest_first")
            pad = tok.token_to_id("<pad>")
            session = cpu_session(int8_path(self.folder), default_threads())
            self._onnx_types = "token_type_ids" in {i.name for i in session.get_inputs()}
            self._onnx = (session, tok, 1 if pad is None else pad)
        return self._onnx

    def _score_onnx(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        from .embedding.onnx_backend import padded

        session, tok, pad = self._onnx_parts()
        encodings = tok.encode_batch(pairs)
        order = sorted(range(len(pairs)), key=lambda i: len(encodings[i].ids))
        out = np.empty(len(pairs), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            ids, mask = padded([encodings[i].ids for i in chunk], pad)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if self._onnx_types:
                feeds["token_type_ids"] = padded([encodings[i].type_ids for i in chunk], 0)[0]
            (logits,) = session.run(["logits"], feeds)
            out[chunk] = logits.reshape(-1)
        return out

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        """One relevance score (a logit) per passage; higher is better."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        q = self.info.query_prompt + query
        pairs = [(q, self.info.passage_prompt + p) for p in passages]
        if self.backend == "onnx":
            return self._score_onnx(pairs)
        import torch

        scores = self._cross_encoder().predict(
            pairs,
            batch_size=self.batch_size,
            activation_fn=torch.nn.Identity(),  # logits, the scale `accept` is stated in
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(scores, dtype=np.float32).reshape(-1)


_LOADED: dict[str, Reranker] = {}


def load_reranker(spec: str | Path | Reranker | None = None) -> Reranker:
    """A reranker from a folder; for None, the folder in $LAWDOCS_RERANKER, else a reranker shipped in the
    package (built once; this build ships none, so that is a ModelError saying how to train one)."""
    if isinstance(spec, Reranker):
        return spec
    if spec is None and os.environ.get("LAWDOCS_RERANKER"):
        spec = os.environ["LAWDOCS_RERANKER"]
    if spec in (None, "legal", "default"):
        from .embedding.legal import build_legal_reranker

        folder = build_legal_reranker()
    else:
        folder = Path(spec)
        if not folder.is_dir():
            raise QueryError(f"no reranker folder at {folder}")
    # one instance per folder and version, shared by every caller (the service's threads included): change
    # settings on a Reranker(folder) of your own; a retrained folder is loaded afresh
    stamps = [str(path.stat().st_mtime_ns) for path in (folder / RERANKER_INFO, folder / "model.safetensors") if path.is_file()]
    key = "|".join([str(folder.resolve()), *stamps])
    if key not in _LOADED:
        _LOADED[key] = Reranker(folder)
    return _LOADED[key]


# -- training -----------------------------------------------------------------------------------------
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
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from .embedding.home import sha256_file
    from .embedding.onnx_backend import st_settings
    from .embedding.st_backend import quiet_progress

    cfg = config or RerankConfig()
    questions, rng, train, heldout = prepare(questions, index, cfg.holdout, cfg.seed)

    candidates: list[list[int]] = []
    everyone = train + heldout
    for i, (q, _) in enumerate(everyone):
        hits = index.search(q.query, k=max(cfg.mine_depth, cfg.depth), mode=cfg.first_stage)
        candidates.append([index.row_of[h.clause_id] for h in hits])
        if progress:
            progress("first stage", i + 1, len(everyone))
    train_candidates, held_candidates = candidates[: len(train)], candidates[len(train) :]

    folder = _base_folder(index, base)
    query_prompt, passage_prompt, _ = st_settings(folder)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # "some weights were newly initialised": the head, as intended
    try:
        with quiet_progress():
            model = AutoModelForSequenceClassification.from_pretrained(
                str(folder), num_labels=1, local_files_only=True, dtype=torch.float32
            )
    finally:
        hf_logging.set_verbosity(verbosity)

    def logits(pairs: Sequence[tuple[str, str]]) -> Any:
        features = tokenizer(
            [query_prompt + q for q, _ in pairs],
            [passage_prompt + p for _, p in pairs],
            padding=True,
            truncation=True,
            max_length=cfg.max_seq_length,
            return_tensors="pt",
        )
        return model(**features).logits.reshape(-1)

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
        model.base_model,
        freeze_word_embeddings=cfg.freeze_word_embeddings,
        lr=cfg.learning_rate,
        total=steps_per_epoch * cfg.epochs,
        warmup=cfg.warmup,
    )
    gold_texts = [{index.clauses[r].text for r in gold} for _, gold in train]

    def negatives_for(i: int) -> list[int]:
        gold = set(train[i][1])
        pool = [r for r in train_candidates[i] if r not in gold and index.clauses[r].text not in gold_texts[i]]
        return rng.sample(pool, min(cfg.negatives, len(pool)))

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
            with torch.autocast("cpu", dtype=torch.bfloat16):
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
        fusion=fusion,
        accept=accept,
        fingerprint=sha256_file(out / "model.safetensors")[:16],
        report=report.model_dump(),
    )
    (out / RERANKER_INFO).write_text(info.model_dump_json(indent=2), encoding="utf-8")
    from .embedding.onnx_backend import export_onnx

    export_onnx(out, classifier=True)
    return report
