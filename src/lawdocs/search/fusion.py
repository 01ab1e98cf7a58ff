"""Fusion: how the dense, lexical and other ranked lists of a hybrid search combine into one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from .combine import Combiner

FusionMethod = Literal["rrf", "weighted"]


class FusionConfig(BaseModel):
    """How the hybrid mode combines rankings; stored in the index manifest.

    `measure_weight`: when a query asks for measures in so many words (措施, 举措, 做法), the
    candidates that are measures of a report form a third ranked list with this weight, so
    "哪些措施涉及行政执法" prefers what governments did over statute articles that merely share
    the words. It changes nothing for other queries or for collections without reports.

    `combiner`: weights learnt on labelled questions (`lawdocs finetune QUESTIONS --combiner`); when set, the
    hybrid mode ranks the candidates of the dense list, the lexical list and the question bank with it.
    """

    method: FusionMethod = "rrf"
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    measure_weight: float = 1.0
    candidates: int = Field(default=100, ge=1)
    combiner: Combiner | None = None  # a learned ranker in place of the weights above (`search.combine`)


# Measured fusion presets (benchmarks/results/stard.md and reports.md), chosen per collection when an index
# has no fusion set explicitly: statute collections (STARD: seeded 80/20 split of train.jsonl, tuned on the 80 %)
# gain from a sharper RRF (k=10) with the lexical list at 0.75; report collections, where the default model
# tells policy paragraphs apart poorly and exact wording decides, from the lexical list at 3.
FUSION_PRESETS: dict[str, FusionConfig] = {
    "laws": FusionConfig(rrf_k=10, dense_weight=1.0, lexical_weight=0.75),
    "reports": FusionConfig(rrf_k=10, dense_weight=1.0, lexical_weight=3.0),
}


def collection_preset(article_share: float) -> str:
    """The preset for a collection whose clauses are `article_share` statute articles (records included)."""
    return "laws" if article_share >= 0.5 else "reports"


def statutes_only(article_share: float) -> bool:
    """Whether a collection is statutes through and through (STARD's records, a law library): there the legal
    model's packaged combiner, learnt on STARD (`lawdocs.search.combine.packaged_combiner`), ranks hybrid
    searches. Not in a mixed collection such as the bundled corpora (0.66): it was never measured there, and it
    has no place for the report-measures list."""
    return article_share >= 0.9


_ASKS_FOR_MEASURES = re.compile(r"措施|举措|做法")


def asks_for_measures(query: str) -> bool:
    """Whether the query asks for measures (what was or will be done) in so many words."""
    return bool(_ASKS_FOR_MEASURES.search(query))


def fuse(
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    config: FusionConfig,
    preferred: Sequence[tuple[int, float]] = (),
) -> list[tuple[int, float]]:
    """Combine ranked lists of (row, score) into one, best first.

    `preferred` is an optional third list (see FusionConfig.measure_weight), fused by rank.
    """
    fused: dict[int, float] = {}
    for rank, (row, _) in enumerate(preferred):
        fused[row] = config.measure_weight / (config.rrf_k + rank + 1)
    if config.method == "rrf":
        for weight, ranked in ((config.dense_weight, dense), (config.lexical_weight, lexical)):
            for rank, (row, _) in enumerate(ranked):
                fused[row] = fused.get(row, 0.0) + weight / (config.rrf_k + rank + 1)
    else:  # weighted sum of min-max normalised scores
        for weight, ranked in ((config.dense_weight, dense), (config.lexical_weight, lexical)):
            if not ranked:
                continue
            values = np.array([s for _, s in ranked], dtype=np.float64)
            lo, hi = float(values.min()), float(values.max())
            span = (hi - lo) or 1.0
            for row, score in ranked:
                fused[row] = fused.get(row, 0.0) + weight * (score - lo) / span
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
