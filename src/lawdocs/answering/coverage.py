"""Coverage of documents, not clauses: the best clause of every document that answers a question.

A question across documents (哪些省份提出要实施城市更新行动？) needs one clause from each of many documents; a
top-10 list of clauses from two or three documents misses most of them. `best_per_document` keeps, from clauses
already scored by the evidence of `answering.evidence`, the best clause of each document, and only for
documents that pass the per-document relevance test: the document's best clause clears the cut-off on its own
(``evidence.keep`` over that document's candidates; the question's best over all documents does not
raise the bar for a document that covers it less completely, so a 2-of-3-terms document still counts as long as
it clears ``MIN_COVERAGE``).

`search_per_document` gives programs the same coverage (``Index.search(..., per_document=True)``,
``lawdocs search --per-document``): candidates from the search itself plus every clause holding a content
term, scored by evidence, then the best clause of each document that passes, best first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import evidence as ev
from .figures import figures_in
from .grouping import citation_of
from .records import ComparisonRow

if TYPE_CHECKING:
    from ..index import Index
    from ..models import Hit
    from ..search.rerank import Reranker
    from .question import Question

Scored = tuple[int, float, list[str]]  # (row, evidence, matched words)
AGREED_DEPTH = 10  # the search's top rows that may pass the per-document test on partial evidence
AGREED_COVERAGE = 0.4  # … with at least this evidence (most of the question's weighted terms)


def best_per_document(
    index: Index, scored: Sequence[Scored], order: dict[int, float] | None = None
) -> list[Scored]:
    """The best clause of each document among `scored` (rows already past the cut-off), best first.

    Ties of evidence are broken by `order` (a row's dense similarity, higher first), then document order.
    """
    best: dict[str, Scored] = {}
    rank = order or {}
    for item in scored:
        row, score, _ = item
        doc_id = index.clauses[row].doc_id
        held = best.get(doc_id)
        if held is None or (score, rank.get(row, 0.0), -row) > (held[1], rank.get(held[0], 0.0), -held[0]):
            best[doc_id] = item
    return sorted(best.values(), key=lambda x: (-x[1], -rank.get(x[0], 0.0), x[0]))


def per_document_pass(coverages: Sequence[float]) -> list[bool]:
    """The per-document relevance test: a clause clears ``MIN_COVERAGE`` (and the document's own relative cut)."""
    return ev.keep(list(coverages), [None] * len(coverages))


def per_document_passing(index: Index, scored: Sequence[Scored], agreed: Collection[int] = ()) -> list[Scored]:
    """The scored rows that pass the relevance test within their own document.

    In a document none of whose rows passes that test, a row in `agreed` (the search's own top ``AGREED_DEPTH``)
    passes with ``AGREED_COVERAGE``: a statute that
    says 违反治安管理行为人 where the question says 当事人 still answers when the search ranks it near the top.
    Over the 71 comparative questions of `corpora/questions` read so far (the documents that answer them: 236),
    the rows that answer went from 182 to 196 and the wrong rows from 22 to 28 with the top 10; the top 20 gave
    199 and 42, the top 5 191 and 26, and evidence 0.5 lost most of the gain."""
    by_doc: dict[str, list[Scored]] = {}
    for item in scored:
        by_doc.setdefault(index.clauses[item[0]].doc_id, []).append(item)
    passing: list[Scored] = []
    for items in by_doc.values():
        ok = per_document_pass([s for _, s, _ in items])
        if not any(ok):
            ok = [row in agreed and s >= AGREED_COVERAGE for row, s, _ in items]
        passing += [it for it, good in zip(items, ok, strict=True) if good]
    return passing


def search_per_document(
    index: Index,
    query: str,
    k: int = 10,
    *,
    mode: Any = "hybrid",
    filters: Any = None,
    rerank: Reranker | str | Path | bool | None = None,
) -> list[Hit]:
    """The best clause of each document that answers `query`, best first, at most `k` documents."""
    from ..answering.phrases import phrased
    from ..answering.question import analyse
    from ..filters import parse_filters
    from ..search import hit as hit_of
    from ..text import fold
    from .candidates import QuestionSearch, candidate_rows, score_rows

    q = analyse(query.strip())
    flt = parse_filters(filters)
    mask = index.rows_matching(flt)
    depth = min(max(len(index), 1), max(100, 10 * k))
    hits = index.search(query, k=depth, mode=mode, filters=flt, rerank=rerank)
    fused = {index.row_of[h.clause_id]: h for h in hits}
    if q.pairs:
        q.terms = phrased(q.terms, q.pairs, ev.corpus_of(index).df, runs=False, text=fold(q.text))  # as a comparison
    if not q.terms:  # nothing to test relevance with: the first hit of each document, in search order
        seen: dict[str, Hit] = {}
        for h in hits:
            seen.setdefault(h.doc.id, h)
        chosen = list(seen.values())[:k]
    else:
        searched = QuestionSearch(index, q.text, flt)
        if mode == "hybrid" and not rerank and q.text == query:
            searched.seed(depth, hits)  # the search above is the one the candidates read: not run twice
        rows = list(dict.fromkeys([*fused, *candidate_rows(index, q, searched, 50, mask)]))
        passing = per_document_passing(index, score_rows(index, q, rows), list(fused)[:AGREED_DEPTH])
        order = {row: -float(i) for i, row in enumerate(fused)}  # search rank breaks ties
        best = best_per_document(index, passing, order)[:k]
        chosen = []
        for row, score, _ in best:
            hit = fused.get(row) or hit_of(index, 0, row, 0.0, {})
            chosen.append(hit.model_copy(update={"scores": {**hit.scores, "evidence": round(score, 4)}}))
    return [h.model_copy(update={"rank": i}) for i, h in enumerate(chosen, 1)]


def comparison_rows(
    index: Index, q: Question, best: Sequence[tuple[int, float, list[str]]]
) -> list[ComparisonRow]:
    """The table of a comparison: one row per document, from its best clause, with the figure that clause states
    when the question asks for one (`compose` docstring, *Tables*)."""
    corpus = ev.corpus_of(index)
    idf = corpus.term_idf(q.terms)
    rows = []
    for row, _, _ in best:
        clause = index.clauses[row]
        doc = index.documents[clause.doc_id]
        figure = None
        if q.kind == "figure" or q.measure_word:
            found = figures_in(clause.text, q.terms, idf, q.measure_word, q.years, q.text)
            figure = found[0].value if found else None
        rows.append(
            ComparisonRow(
                doc_id=doc.id,
                title=doc.title,
                region=doc.region,
                year=doc.year if isinstance(doc.year, int) else None,
                clause_id=clause.id,
                citation=citation_of(doc.title, clause),
                text=clause.text,
                figure=figure,
            )
        )
    return rows
