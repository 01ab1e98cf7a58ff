"""What both trainers share: the question split, the model to start from, the optimiser and its steps."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvalError, ModelError
from ..evaluate import Matched, Query, load_queries, match_gold

if TYPE_CHECKING:
    from ..index import Index

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def base_folder(index: Index, base: str | None) -> Path:
    """The sentence-transformers folder to start from: `base`, else the index's own model."""
    from ..embed import load_embedder

    embedder: Any = load_embedder(base) if base else index.embedder
    folder = getattr(embedder, "folder", None)
    if folder is None:
        raise ModelError(
            f"model {embedder.name!r} is not a sentence-transformers folder that can be fine-tuned; pass --base"
        )
    return Path(folder)


def split_questions(
    index: Index, questions: Sequence[Query], holdout: float, rng: random.Random
) -> tuple[Matched, Matched]:
    """(train, kept back): the questions that have gold clauses in `index`, shuffled and split.

    Refuses when fewer than half of them match: the questions were written for another index.
    """
    matched = [(q, rows) for q, rows in match_gold(index, questions) if rows]
    if len(matched) < max(4, len(questions) // 2):
        raise EvalError(
            f"only {len(matched)} of {len(questions)} questions have a gold clause in this index: "
            "the questions do not match the index (check labels and the matching rule)",
            path=index.folder,
        )
    rng.shuffle(matched)
    n_hold = max(2, round(len(matched) * holdout))
    return matched[n_hold:], matched[:n_hold]


def optimiser_for(
    model: Any,
    transformer: Any,
    *,
    freeze_word_embeddings: bool,
    lr: float,
    total: int,
    warmup: float,
    fast: Any = None,
    fast_lr: float = 0.0,
) -> tuple[list[Any], Any, Any]:
    """(trainable parameters, AdamW, schedule): the word-embedding matrix of `transformer` frozen when asked;
    the learning rate rises linearly over the first `warmup` share of `total` steps, then decays to 0. The
    parameters of the module `fast` (a new head) learn at `fast_lr` instead."""
    import torch

    if freeze_word_embeddings:
        transformer.embeddings.word_embeddings.weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    quick = {id(p) for p in fast.parameters()} if fast is not None else set()
    groups = [{"params": [p for p in params if id(p) not in quick], "lr": lr}]
    if quick:
        groups.append({"params": [p for p in params if id(p) in quick], "lr": fast_lr})
    optimizer = torch.optim.AdamW(groups, lr=lr)
    warm = max(1, int(total * warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    return params, optimizer, scheduler


def apply_step(loss: Any, params: list[Any], optimizer: Any, scheduler: Any) -> float:
    """One optimisation step on `loss` (gradients clipped at norm 1); returns the loss value."""
    import torch

    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    scheduler.step()
    return float(loss.detach())


def snapshot(model: Any) -> dict[str, Any]:
    """A copy of `model`'s weights, to restore the best epoch."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def prepare(
    questions: Sequence[Query] | str | Path, index: Index, holdout: float, seed: int
) -> tuple[Sequence[Query], random.Random, Matched, Matched]:
    """The questions (read when given a path), the seeded generator (torch seeded too), and the split."""
    import torch

    if isinstance(questions, str | Path):
        questions = load_queries(questions)
    rng = random.Random(seed)
    torch.manual_seed(seed)
    train, heldout = split_questions(index, questions, holdout, rng)
    return questions, rng, train, heldout


def fast_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX). Elsewhere bf16 is emulated and training
    in it is tens of times slower than fp32 (measured: an AVX2-only EPYC)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def autocast() -> Any:
    """bf16 autocast on CPUs that have it natively, else plain fp32 (a context manager either way)."""
    import contextlib

    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16) if fast_bf16() else contextlib.nullcontext()
