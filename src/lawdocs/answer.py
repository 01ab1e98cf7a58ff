"""Grouped, cited answers: every clause that addresses a question, by document and section, and nothing else.

`ask(index, question)` works like an analyst with the index:

1. It reads the question (`answering.question`): its kind (measures, figure, problems, plans, metadata, law,
   other) from general rules on the wording, and its content terms.
2. It retrieves generously: hybrid top-k and lexical top-k (k = 50 by default) plus every clause that contains
   a content term, within the filters. Problems and plans questions look only at the sections whose headings
   say so (存在问题, 下一步工作打算), when the documents have them; measures questions leave out 存在问题.
3. It keeps the clauses whose evidence clears the calibrated cut-off (`answering.evidence`, which states the
   threshold values and how they were calibrated). Nothing kept means ``answered=False`` with a reason. A
   measure heading a subsection brings it, a section whose heading is the question comes whole
   (`answering.sections`); a named document's best clause or a lay question's first hit may fall short.
4. It groups the kept clauses by document (best document first, and by region in `regions`) and by section
   (heading path, in document order), highlights the matched terms, and writes a short extractive summary
   from the clauses' lead phrases. Figure questions get the figure and its clause (`answering.figures`);
   metadata questions (who issued, when, which number) are answered from the documents' metadata.

An application can pass ``generator(question, cited_clauses) -> str`` to write prose over the cited clauses
(``Answer.prose``); lawdocs itself never calls a network service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .answering import comparison, compose, years
from .answering import evidence as ev
from .answering.anchors import anchored, described_answer, entry_terms, listed_within, topics_answered
from .answering.coverage import AGREED_DEPTH, Scored, best_per_document, comparison_rows, per_document_passing
from .answering.editions import version_scope
from .answering.grouping import (
    LIMIT,
    cap,
    citation_of,
    cite,
    cite_clause,
    group,
    lead_phrase,
    leads,
    summarise,
)
from .answering.metadata import metadata_answer
from .answering.parts import parts_answered
from .answering.phrases import phrased
from .answering.question import Question, analyse
from .answering.records import (
    Answer,
    CitedClause,
    ComparisonRow,
    DocumentGroup,
    Figure,
    Generator,
    Highlight,
    Lead,
    RegionGroup,
    SectionGroup,
)
from .answering.roles import role_rows
from .answering.scope import scope_of, title_key
from .answering.wording import drop_stray
from .errors import QueryError
from .filters import Filters, parse_filters
from .text import fold

if TYPE_CHECKING:
    from .index import Index
    from .search.rerank import Reranker

__all__ = [
    "Answer",
    "CitedClause",
    "ComparisonRow",
    "DocumentGroup",
    "Figure",
    "Generator",
    "Highlight",
    "Lead",
    "RegionGroup",
    "SectionGroup",
    "ask",
    "citation_of",
    "cite",
    "lead_phrase",
]

MAX_QUESTION = 500

from .answering.candidates import (  # noqa: E402
    QuestionSearch,
    _law_article,
    candidate_rows,
    described_rows,
    described_speaking_of,
    neighbours,
    referred,
    referring,
    reranked,
    score_rows,
    select,
    singled_out,
)
from .answering.sections import covered_leads, covered_sections, elaborations, named_section  # noqa: E402


# -- the entry point ------------------------------------------------------------------------------
def ask(
    index: Index,
    question: str,
    *,
    filters: Filters | Mapping[str, Any] | Sequence[str] | None = None,
    k: int = 50,
    generator: Generator | None = None,
    rerank: Reranker | str | Path | bool | None = None,
    expand_references: bool = False,
    limit: int | None = LIMIT,
) -> Answer:
    """Answer `question` from `index`: every clause that addresses it, grouped by document and section, cited.

    The region, year, report type or law the question names narrows the search (`answering.scope`); when the
    collection holds none, the answer says so and names the closest it holds. Questions across documents
    (哪些省份…, 各地…, 分别…) get one row per document in `comparison`. At most `limit` clauses are shown
    (None: all), the rest counted in `more`.

    `k` is how many candidates each retriever (hybrid, lexical) contributes before the cut-off; clauses that
    contain a content term are always candidates. `generator` may write prose over the cited clauses.

    `rerank` (True for the legal reranker, or a reranker folder) scores the best hybrid candidates with a
    cross-encoder: kept clauses it scored are cited in its order, and when no clause clears the cut-off,
    candidates it scores at or above its calibrated `accept` logit are cited instead (a lay question that
    shares no words with the article that answers it).

    `expand_references` gives each cited clause its cross-references, each with the text it names.
    """
    if not question or not question.strip():
        raise QueryError("the question is empty")
    if len(question) > MAX_QUESTION:
        raise QueryError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION}")
    if k < 1:
        raise QueryError(f"k must be at least 1, got {k}")
    if limit is not None and limit < 1:
        raise QueryError(f"limit must be at least 1, got {limit}")
    flt = parse_filters(filters)  # type: ignore[arg-type]
    return _ask(index, question.strip(), flt, k, generator, rerank, expand_references, limit)


def _ask(
    index: Index,
    question: str,
    flt: Filters,
    k: int,
    generator: Generator | None,
    rerank: Reranker | str | Path | bool | None,
    expand_references: bool,
    limit: int | None,
    metadata: bool = True,
) -> Answer:
    """`ask` on a checked question; with `metadata` False, read as a question about what a text says even where
    its wording asks for a document's record (`metadata_answer` found no document it names)."""
    q = analyse(question, metadata)
    if not len(index):
        return Answer(question=q.text, kind=q.kind, answered=False, reason="the index is empty")
    mask = index.rows_matching(flt)
    q.terms = drop_stray(q.terms, ev.corpus_of(index).df)
    folded = fold(q.text)
    if q.pairs:
        runs = q.kind != "figure" and not q.comparative
        q.terms = phrased(q.terms, q.pairs, ev.corpus_of(index).df, runs, folded if q.comparative else "")
    if listed := listed_within(index, q, flt):  # 第五次大督查表扬的经验里，哪些地方…: one notice's entries
        q.comparative, q.compared = False, None
    # the documents a comparison's opening names (哪些地方的政府工作报告或法规) are what it compares, not its scope
    stated = folded[len(q.compared_head) :].replace(q.compared_naming or "\0", " ")  # …在哪些法规和报告里 too
    scope = scope_of(index, stated, q.years, notices=not q.comparative, regions=not comparison.places_are_matter(q))
    version_scope(index, folded, scope)  # 1989年行政诉讼法: a text of a law the collection may hold only in others
    if q.comparative and years.REPORT_YEAR.search(folded):  # 哪些省市的2026年政府工作报告提到…
        q.years = []  # the year chose the reports (scope, above), not the sections they speak of
    elif q.years and (shift := years.year_shift(folded)) is not None:
        q.years = [y + shift for y in q.years]  # 2026年政府工作报告回顾去年…: the report chose, 2025 is asked
    elif q.years and years.dates_report_only(folded):
        q.dated_report = True  # 广东省2026年政府工作报告回顾…: any section of that report answers
    if scope.absent and (described := listed or described_speaking_of(index, q, scope.absent, flt)):
        scope.missing, scope.docs = None, {described}  # 广州越秀区 of a national notice the question describes
    elif listed and scope.docs is None:  # the notice whose entries are asked for, described by its words
        scope.docs, q.terms = {listed}, entry_terms(index, q, listed)
    if scope.missing:
        closest = f"; it holds {'、'.join(scope.closest)}" if scope.closest else ""
        terms = [t.text for t in q.terms]
        return Answer(question=q.text, kind=q.kind, answered=False, reason=scope.missing + closest, terms=terms,
                      scope=scope.named, closest=scope.closest)
    where = "in the index" if flt.is_empty() else "within the filters"
    one_law = len({title_key(index.documents[d].title) for d in scope.laws}) == 1  # 民法典: one law, eight books
    if q.compared == "laws" and scope.docs is not None and one_law:
        scope.docs = None  # 同宪法相抵触的…，哪些法律法规作了规定: one law named in the matter, not the laws compared
    if scope.docs is not None:
        inside = np.zeros(len(index.clauses), dtype=bool)
        for doc_id in scope.docs:
            inside[index.doc_rows.get(doc_id, [])] = True
        if (mask & inside).any():
            mask = mask & inside
            where = "in the documents the question names"
            named = sorted({index.clauses[r].doc_id for r in np.flatnonzero(mask)})
            flt = flt.model_copy(update={"doc_id": named})  # retrieval reaches into them too
            if scope.notice is not None:
                # the words of the one notice named by its title say which document it is, not what is asked of it
                title = ev.normalise_text(scope.notice)
                q.terms = [t for t in q.terms if not t.named_in(title)] or q.terms
            if len(named) > 1:  # 北京、上海、广东的报告…: each place names its documents, no clause states all of them
                q.terms = [t for t in q.terms if t.text not in scope.named] or q.terms
    answer = metadata_answer(index, q, flt, mask, k) if q.kind == "metadata" else None
    if answer is None and q.kind == "metadata":  # what a statute says of a thing it governs, not a record
        return _ask(index, question, flt, k, generator, rerank, expand_references, limit, metadata=False)
    if answer is None:
        reranker = None
        if rerank is not None and rerank is not False:
            from .search.rerank import load_reranker

            reranker = load_reranker(None if rerank is True else rerank)
        answer = _answer(index, q, flt, mask, k, where, reranker)
    answer.scope = scope.named
    cap(answer, limit)
    if generator is not None and answer.cited:
        answer.prose = generator(answer.question, answer.cited)
    if expand_references:  # each cited clause's cross-references with their text (lawdocs.references)
        from .references import expand_answer

        expand_answer(index, answer)
    return answer


def _leads(index: Index, q: Question, searched: QuestionSearch, mask: np.ndarray) -> list[Lead]:
    """Where to look for a question refused after retrieval: search's first hits about the year asked."""
    return leads(index, searched, mask, lambda row: years.year_fits(index, row, q.section_years))


def _lay(index: Index, q: Question, searched: QuestionSearch, mask: np.ndarray, flt: Filters, sure: bool = False) -> list[Scored]:
    """The search's first hit a question may cite when no clause cleared the cut-off (`compose.lay_rescue`);
    with `sure`, only when the model is sure of it (``compose.LAY_DENSE``) or the retrievers agree on it."""
    found = [(r, h) for r, h in ((index.row_of[h.clause_id], h) for h in searched.top(compose.LAY_DEPTH)) if mask[r]]
    hits, dense, agreed = compose.lay_lead(index, q, found, flt)
    if sure and not compose.model_sure(dense, agreed):
        return []
    return compose.lay_rescue(index, q, score_rows(index, q, hits), dense, agreed)


def _answer(
    index: Index,
    q: Question,
    flt: Filters,
    mask: np.ndarray,
    k: int,
    where: str,
    reranker: Reranker | None = None,
) -> Answer:
    """`where` says which clauses `mask` holds, for the reason of an unanswered question."""
    answer = Answer(question=q.text, kind=q.kind, answered=False, terms=[t.text for t in q.terms])
    searched = QuestionSearch(index, q.text, flt)  # every use of the question's hybrid search below
    mask, note = role_rows(index, q, mask)
    if not mask.any():
        answer.reason = "no clause in the index matches the filters"
        return answer
    kept: list[tuple[int, float, list[str]]] = []
    dense: dict[int, float] = {}
    rows: list[int] = []
    passed: list[tuple[int, float, list[str]]] = []  # the clauses that cleared the cut-off, before limit_statutes
    if q.kind == "law":
        kept = [(r, 1.0, [index.clauses[r].article or ""]) for r in _law_article(index, q, mask)]
    if not kept and q.kind in ("measures", "law", "other") and not q.comparative:  # a section named by its heading
        kept = [(r, 1.0, []) for r in named_section(index, q, mask) if years.year_fits(index, r, q.section_years)]
    if not kept:
        if not q.terms:
            if q.kind in ("problems", "plans") and note is None:
                kept = [(int(r), 1.0, []) for r in np.flatnonzero(mask)]
            else:
                answer.reason = "the question names nothing to look for (no content words)"
                return answer
        else:
            rows = candidate_rows(index, q, searched, k, mask)
            kept = [x for x in select(index, q, rows, dense) if years.year_fits(index, x[0], q.section_years)]
            if not kept and not q.comparative:
                kept = _lay(index, q, searched, mask, flt)
                if not kept and len({title_key(index.documents[d].title) for d in flt.doc_id or ()}) == 1:  # one document or law
                    ranked = [index.row_of[h.clause_id] for h in searched.top(compose.NAMED_DEPTH)]
                    ranked = [r for r in ranked if mask[r] and years.year_fits(index, r, q.section_years)]
                    scored = score_rows(index, q, ranked)  # in the search's order
                    top = scored[:1]
                    kept = compose.named_rescue(top) or singled_out(index, q, top, mask)
                    if not kept and ranked:  # each part of a question in several parts, on its own
                        named = index.clauses[ranked[0]].doc_id
                        kept = parts_answered(index, q, [], mask, flt, flt.doc_id or ()) or topics_answered(
                            index, q, [], mask, named
                        )
                    if not kept and scored:  # a hit below the first that the question's words favour (监督指导 beside 征收实施)
                        best = max(scored, key=lambda x: x[1])
                        kept = compose.named_rescue([best], compose.NAMED_BELOW_COVERAGE)
                elif not kept and (described := described_rows(index, q, searched, rows, mask)):
                    kept = described_answer(index, q, described[0], mask) or compose.named_rescue(
                        score_rows(index, q, described[:1])
                    )
                    answer.terms = [t.text for t in q.terms]  # the words the answer was chosen on
            far = compose.far_statutes(index, q, kept) if not q.comparative else set()
            if far and not (kept := [x for x in kept if x[0] not in far]):  # then as if none cleared the cut-off
                kept = [x for x in _lay(index, q, searched, mask, flt, sure=True) if x[0] not in far]
            if far and not kept:
                answer.reason = ("the statute articles that share the question's words are not about its matter (the "
                                 f"model's similarity is below {compose.STATUTE_DENSE_FLOOR}); no other clause {where} "
                                 "clears the cut-off")
                answer.leads = _leads(index, q, searched, mask)
                return answer
            passed = kept
            if not q.comparative:
                per_statute = compose.FIGURE_STATUTE_CLAUSES if q.kind == "figure" else compose.STATUTE_CLAUSES
                kept = referred(index, compose.limit_statutes(index, kept, q.text, dense, per_statute), passed)
                if q.kind != "figure":
                    kept = covered_sections(index, q, elaborations(index, q, covered_leads(index, q, kept), mask), mask)
                    kept = topics_answered(index, q, anchored(index, q, kept, mask), mask)
                    if flt.doc_id:  # the documents the question (or a filter) names: a bar for one named document
                        kept = parts_answered(index, q, kept, mask, flt)
        if reranker is not None:
            kept = reranked(index, q, flt, mask, kept, reranker)
    if q.comparative and rows:  # every document that passes on its own, not only those near the best
        scored = [x for x in score_rows(index, q, rows) if years.year_fits(index, x[0], q.section_years)]
        of_kind = compose.of_compared(index, q, scored)
        agreed = {index.row_of[h.clause_id] for h in searched.top(AGREED_DEPTH)}
        passing = per_document_passing(index, of_kind or scored, agreed)
        # none clearing the cut-off over all documents, the documents of the kind compared may still pass on their
        # own (哪些行政法规规定…同时废止: each regulation's last article, in words of its own)
        if kept or of_kind:
            kept = best_per_document(index, passing or kept, dense)
        if kept:
            answer.comparison = comparison_rows(index, q, kept)
    if not kept:
        answer.reason = compose.why_unanswered(index, q, rows, score_rows(index, q, rows[:200]), where) + (
            f" ({note})" if note else ""
        )
        answer.leads = _leads(index, q, searched, mask) if q.terms else []
        return answer
    by_dense = sorted(kept, key=lambda x: dense.get(x[0], 0.0))  # each document's best, the last written winning
    order = {index.clauses[r].doc_id: dense.get(r, 0.0) for r, _, _ in by_dense}
    figures: list[Figure] = []
    if q.kind == "figure":
        figures = compose.stated_figures(index, q, kept)
        if not figures and not q.comparative:
            docs = {index.clauses[r].doc_id for r, _, _ in kept}
            siblings = [x for x in passed if index.clauses[x[0]].doc_id in docs]  # the kept statute's other articles
            # then a text that states the figure a kept article leaves open
            for fallback in (siblings, referring(index, q, mask, kept), neighbours(index, q, rows, kept)):
                figures = compose.stated_figures(index, q, fallback)
                if figures:
                    kept = fallback
                    break
        if not figures:
            answer.reason = "the matching clauses state no figure"
            answer.leads = _leads(index, q, searched, mask)
            return answer
        if not q.comparative:  # the figure's own clause answers; the others passed only on shared words
            stating = {f.clause_id for f in figures[:1]}
            kept = [x for x in kept if index.clauses[x[0]].id in stating]
            figures = [f for f in figures if f.clause_id in stating]
    cited = [cite_clause(index, index.clauses[r], score, words) for r, score, words in kept]
    answer.answered = True
    answer.reason = note
    answer.groups, answer.regions = group(index, cited, order)
    answer.summary = summarise(index, cited)
    if figures:
        answer.figure, answer.figures = figures[0], figures[1:]
        answer.summary = f"{figures[0].value}（{figures[0].citation}）：{figures[0].sentence}"
    return answer
