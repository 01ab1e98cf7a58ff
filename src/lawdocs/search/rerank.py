"""Cross-encoder reranking (scoring only): read the question and a clause together and score how well one answers the other.

A bi-encoder embeds a question and a clause apart, so "楼上扔东西砸伤人谁赔" and an article on 高空抛物 meet only
through two vectors; a cross-encoder attends across both texts at once. It is too slow to score a corpus, so
it reorders the first stage's best `depth` candidates, and its order is combined with the first stage's by
weighted reciprocal rank (`RerankFusion`; a weight of 0 keeps the cross-encoder's order alone).

A reranker scores a pair in one of two ways (`RerankerInfo.pooling`): "mean", a linear head over the
transformer's mean-pooled token states (the pooling the legal bi-encoder was trained with, so training starts
from representations that already mean something), or "cls", a sequence-classification model's own head.

Training one is `lawdocs.train.reranker` (`lawdocs finetune --reranker`), which nothing here imports.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from ..errors import ModelError, QueryError

RERANKER_INFO = "lawdocs_reranker.json"


class RerankFusion(BaseModel):
    """How many first-stage candidates are reranked and how the two orders combine.

    score(row) = 1 / (k + cross-encoder rank) + first_stage_weight / (k + first-stage rank)
    """

    depth: int = 30
    k: int = 10
    first_stage_weight: float = 0.0


class RerankerInfo(BaseModel):
    """What `lawdocs_reranker.json` records: prompts, input length and the fusion chosen in training."""

    name: str
    query_prompt: str = ""
    passage_prompt: str = ""
    max_seq_length: int = 224
    pooling: Literal["cls", "mean"] = "cls"
    head: list[float] | None = None  # with "mean": the linear head's weights, then its bias
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


def mean_pooled_logits(hidden: np.ndarray, mask: np.ndarray, head: Sequence[float]) -> np.ndarray:
    """A "mean" reranker's logits: token states averaged over the attention mask, times the head, plus its bias."""
    weights = np.asarray(head[:-1], dtype=np.float32)
    m = mask.astype(np.float32)[..., None]
    pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
    return pooled @ weights + np.float32(head[-1])


class Reranker:
    """A trained cross-encoder folder (see `train_reranker`), scoring (question, passage) pairs.

    The folder's int8 ONNX export (`onnx/model_int8.onnx`, written by training) runs when present
    (`backend="auto"`); `backend="torch"` runs the fp32 weights (a "cls" reranker through sentence-transformers'
    CrossEncoder, a "mean" one through its transformer and head).
    """

    def __init__(
        self, folder: str | Path, *, batch_size: int = 32, backend: Literal["auto", "onnx", "torch"] = "auto"
    ) -> None:
        from ..embedding.onnx_backend import int8_path

        self.folder = Path(folder)
        self.backend = "onnx" if backend == "onnx" or (backend == "auto" and int8_path(self.folder).is_file()) else "torch"
        info_path = self.folder / RERANKER_INFO
        if not info_path.is_file():
            raise ModelError(f"not a lawdocs reranker folder (no {RERANKER_INFO})", path=self.folder)
        try:
            self.info = RerankerInfo.model_validate_json(info_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ModelError(f"unreadable {RERANKER_INFO}: {exc}", path=info_path) from exc
        if self.info.pooling == "mean" and not self.info.head:
            raise ModelError(f"{RERANKER_INFO} names mean pooling but holds no head", path=info_path)
        self.batch_size = batch_size
        self._model: Any = None
        self._mean: tuple[Any, Any] | None = None
        self._onnx: tuple[Any, Any] | None = None
        self._onnx_types = False  # exports before segment ids were an input take only ids and mask

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def fusion(self) -> RerankFusion:
        return self.info.fusion

    def _mean_parts(self) -> tuple[Any, Any]:
        """A "mean" reranker's fp32 transformer and tokenizer."""
        if self._mean is None:
            from transformers import AutoModel, AutoTokenizer

            try:
                self._mean = (
                    AutoModel.from_pretrained(str(self.folder), local_files_only=True).eval(),
                    AutoTokenizer.from_pretrained(str(self.folder), local_files_only=True),
                )
            except (OSError, ValueError) as exc:
                raise ModelError(f"cannot load the reranker: {exc}", path=self.folder) from exc
        return self._mean

    def _cross_encoder(self) -> Any:
        if self._model is None:
            from sentence_transformers import CrossEncoder

            from ..embedding.st_backend import quiet_progress

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

    def _onnx_parts(self) -> tuple[Any, Any]:
        if self._onnx is None:
            from tokenizers import Tokenizer

            from ..embedding.onnx_backend import cpu_session, int8_path

            tok_file = self.folder / "tokenizer.json"
            if not tok_file.is_file():
                raise ModelError("the reranker folder has no tokenizer.json", path=tok_file)
            tok = Tokenizer.from_file(str(tok_file))
            tok.no_padding()
            tok.enable_truncation(max_length=self.info.max_seq_length, strategy="longest_first")
            session = cpu_session(int8_path(self.folder), 1)  # pairs run side by side, one thread each
            self._onnx_types = "token_type_ids" in {i.name for i in session.get_inputs()}
            self._onnx = (session, tok)
        return self._onnx

    def _score_onnx(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Each pair scored alone, as the embedder embeds each text alone: the int8 export quantises activations
        per run, so in a batch a pair's score would depend on the other pairs (``lawdocs.embedding.onnx_backend``)."""
        from ..embedding.onnx_backend import run_each
        from ..embedding.st_backend import default_threads

        session, tok = self._onnx_parts()
        encodings = tok.encode_batch(pairs)
        out = np.empty(len(pairs), dtype=np.float32)

        def run(row: int) -> None:
            ids = np.asarray([encodings[row].ids], dtype=np.int64)
            mask = np.ones_like(ids)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if self._onnx_types:
                feeds["token_type_ids"] = np.asarray([encodings[row].type_ids], dtype=np.int64)
            if self.info.pooling == "mean":
                (hidden,) = session.run(["last_hidden_state"], feeds)
                out[row] = mean_pooled_logits(hidden, mask, self.info.head or ())[0]
            else:
                (logits,) = session.run(["logits"], feeds)
                out[row] = logits.reshape(-1)[0]

        run_each(len(pairs), run, default_threads())
        return out

    def _score_mean_torch(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        import torch

        model, tokenizer = self._mean_parts()
        out = []
        with torch.inference_mode():
            for start in range(0, len(pairs), self.batch_size):
                chunk = pairs[start : start + self.batch_size]
                features = tokenizer(
                    [q for q, _ in chunk], [p for _, p in chunk], padding=True, truncation=True,
                    max_length=self.info.max_seq_length, return_tensors="pt",
                )
                hidden = model(**features).last_hidden_state.float().numpy()
                out.append(mean_pooled_logits(hidden, features["attention_mask"].numpy(), self.info.head or ()))
        return np.concatenate(out).astype(np.float32)

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        """One relevance score (a logit) per passage; higher is better."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        q = self.info.query_prompt + query
        pairs = [(q, self.info.passage_prompt + p) for p in passages]
        if self.backend == "onnx":
            return self._score_onnx(pairs)
        if self.info.pooling == "mean":
            return self._score_mean_torch(pairs)
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
    """A reranker from a folder (`lawdocs finetune --reranker`); for None, the folder in $LAWDOCS_RERANKER.

    lawdocs ships no reranker (the one trained on STARD ranked worse at the top than the first stage), so
    asking for one without a folder is a QueryError that says how to train one.
    """
    if isinstance(spec, Reranker):
        return spec
    if spec is None:
        spec = os.environ.get("LAWDOCS_RERANKER") or None
    if spec is None:
        raise QueryError(
            "no reranker configured: train one with `lawdocs finetune QUESTIONS --reranker --out DIR`, "
            "then pass --reranker DIR or set LAWDOCS_RERANKER=DIR"
        )
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
