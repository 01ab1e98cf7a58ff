"""Search: candidates from the index, fused into one ranking, optionally reranked, returned as cited hits.

Modules, one owner each:
- this module: `search()`, the one place a query becomes a ranked list of `Hit`s.
- `fusion`: how ranked lists combine (RRF, weighted), the measured presets, the report-measure list.
- `combine`: a learned linear ranker over the first stage's signals (`FusionConfig.combiner`).
- `rerank`: scoring with a trained cross-encoder (`Reranker`) and fusing its order (training is in
  `lawdocs.train`, which nothing here imports).

`Filters` and `parse_filters` live in `lawdocs.filters` (the index applies them too) and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from ..errors import QueryError
from ..filters import FILTER_KEYS, Filters, parse_filters
from ..models import DocumentInfo, Hit, SearchMode
from .fusion import FUSION_PRESETS, FusionConfig, asks_for_measures, collection_preset, fuse

if TYPE_CHECKING:
    from ..index import Index
    from .rerank import Reranker

__all__ = [
    "FILTER_KEYS",
    "FUSION_PRESETS",
    "Filters",
    "FusionConfig",
    "collection_preset",
    "fuse",
    "hit",
    "parse_filters",
    "search",
]

SEARCH_MODES: tuple[str, ...] = get_args(SearchMode)
Ranked = list[tuple[int, float]]


def search(
    index: Index,
    query: str,
    k: int = 10,
    *,
    mode: SearchMode = "hybrid",
    filters: Filters | dict[str, Any] | Sequence[str] | None = None,
    rerank: Reranker | str | Path | bool | None = None,
    expand_references: bool = False,
    bank: bool | None = None,
) -> list[Hit]:
    """The k clauses of `index` that best answer `query`, best first, within `filters`.

    `expand_references` gives each hit the cross-references of its clause, each with the text it names.
    `bank=False` leaves out the question bank's votes (hybrid mode; `lawdocs.bank`), `True` asks for them even
    when the index's bank is switched off.

    `mode`: hybrid (dense and lexical fused, the default), dense or lexical. `rerank` reorders the first
    stage's best candidates with a cross-encoder: a reranker folder (`lawdocs finetune --reranker`), a
    `Reranker`, or True for the one in $LAWDOCS_RERANKER.
    """
    if not query or not query.strip():
        raise QueryError("the query is empty")
    if k < 1:
        raise QueryError(f"k must be at least 1, got {k}")
    if mode not in SEARCH_MODES:
        raise QueryError(f"unknown mode {mode!r}: use {', '.join(SEARCH_MODES)}")
    reranker = None
    if rerank is not None and rerank is not False:
        from .rerank import load_reranker

        reranker = load_reranker(None if rerank is True else rerank)
    flt = parse_filters(filters)
    mask = index.table.mask(flt)
    wanted = max(k, reranker.fusion.depth) if reranker else k
    per: dict[str, dict[int, float]] = {}
    ranked = first_stage(index, query, mask, wanted, mode, flt, per, bank)
    if reranker is not None and ranked:
        ranked = rerank_head(index, query, ranked, reranker, per)
    hits = [hit(index, rank, row, score, per) for rank, (row, score) in enumerate(ranked[:k], 1)]
    if expand_references:
        from ..references import expand_hits

        expand_hits(index, hits)
    return hits


def stable_depth(index: Index) -> int:
    """How many hits a hybrid search may be asked for without changing their order: the first stage draws at
    least this many candidates from each retriever whatever k is, so the first k hits of a deeper search are the
    hits of a search for k (`answering.candidates.QuestionSearch` runs one search for all of `ask`'s uses)."""
    fusion = index.fusion_config()
    return max(fusion.candidates, fusion.combiner.depth if fusion.combiner else 0)


def first_stage(
    index: Index,
    query: str,
    mask: Any,
    wanted: int,
    mode: SearchMode,
    filters: Filters,
    per: dict[str, dict[int, float]],
    bank: bool | None = None,
) -> Ranked:
    """The ranking before any reranker: one retriever, or dense and lexical fused (with the measures list and
    the question bank's votes)."""
    if mode == "dense":
        ranked = index.dense_candidates(query, mask, wanted, filters)
        per["dense"] = dict(ranked)
        return ranked
    if mode == "lexical":
        ranked = index.lexical_candidates(query, mask, wanted, filters)
        per["lexical"] = dict(ranked)
        return ranked
    fusion = index.fusion_config()
    depth = max(wanted, stable_depth(index))
    qvec = index.encode_query(query)
    dense = index.dense_candidates(qvec, mask, depth, filters)
    lexical = index.lexical_candidates(query, mask, depth, filters)
    per["dense"], per["lexical"] = dict(dense), dict(lexical)
    if fusion.combiner is not None:
        from .combine import candidate_signals

        rows, x, votes = candidate_signals(index, fusion.combiner, qvec, dense, lexical, mask, bank)
        ranked = fusion.combiner.rank(rows, x)
        if votes:
            per["bank"] = dict(votes)
        per["combiner"] = dict(ranked)
        return learned_first(index, query, mask, ranked, bank, fusion.combiner.packaged_bank)[:wanted]
    preferred: Ranked = []
    if fusion.measure_weight and asks_for_measures(query):
        fused = fuse(dense, lexical, fusion)
        preferred = [(row, score) for row, score in fused if index.clauses[row].kind == "measure"]
    ranked = fuse(dense, lexical, fusion, preferred)
    if bank is not False and (bank or len(index.bank) or index.bank.config.packaged):
        from ..bank.packaged import search_votes

        voted = search_votes(index, qvec, mask, bank)
        if voted is not None:  # similar labelled questions vote for their gold clauses: one more list
            from ..bank import fuse_votes

            votes, config = voted
            per["bank"] = dict(votes)
            ranked = fuse_votes(ranked, votes, config.weight, config.rrf_k or fusion.rrf_k)
        ranked = learned_first(index, query, mask, ranked, bank)
    return ranked[:wanted]


def learned_first(
    index: Index, query: str, mask: Any, ranked: Ranked, bank: bool | None, packaged: bool = False
) -> Ranked:
    """`ranked` with the learned answer first when the bank holds this very question (`QuestionBank.answers`):
    asked again as it was learned, a question gets the clauses it was taught, above every other signal."""
    if bank is False:
        return ranked
    from ..bank.packaged import active_bank

    source = active_bank(index, bank, packaged=True if packaged else None)
    pinned = source.answers(query, index=index, mask=mask) if source is not None else []
    if not pinned:
        return ranked
    top = max((score for _, score in ranked), default=0.0)
    first = [(row, top + len(pinned) - i) for i, row in enumerate(pinned)]
    taken = set(pinned)
    return first + [(row, score) for row, score in ranked if row not in taken]


def rerank_head(
    index: Index, query: str, ranked: Ranked, reranker: Reranker, per: dict[str, dict[int, float]]
) -> Ranked:
    """The first stage's head reordered by the cross-encoder; the tail kept below it, scores still falling."""
    from .rerank import fuse_reranked

    head = [row for row, _ in ranked[: reranker.fusion.depth]]
    scores = reranker.score(query, [index.passage(row) for row in head])
    per["rerank"] = {row: float(s) for row, s in zip(head, scores, strict=True)}
    fused = fuse_reranked(head, scores.tolist(), reranker.fusion)
    tail = ranked[len(head) :]
    if tail:
        top = max(score for _, score in tail)
        floor = fused[-1][1] * 0.99
        tail = [(row, floor * score / top if top > 0 else 0.0) for row, score in tail]
    return fused + tail


def hit(index: Index, rank: int, row: int, score: float, per: dict[str, dict[int, float]]) -> Hit:
    """The `Hit` for a row of `index`: the clause, its document and citation, the scores behind its rank."""
    clause = index.clauses[row]
    return Hit(
        rank=rank,
        score=score,
        clause_id=clause.id,
        label=clause.label,
        text=clause.text,
        path=clause.path,
        article=clause.article,
        page=clause.page,
        doc=DocumentInfo.of(index.documents[clause.doc_id]),
        scores={name: scores[row] for name, scores in per.items() if row in scores},
    )
