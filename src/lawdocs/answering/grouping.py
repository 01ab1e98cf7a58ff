"""Citations, lead phrases, grouping by document / section / region, and the extractive summary."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..citation import cite, lead_phrase
from ..models import Clause, DocumentInfo
from . import evidence as ev
from .candidates import QuestionSearch, revision_note
from .records import Answer, CitedClause, DocumentGroup, Highlight, Lead, RegionGroup, SectionGroup

if TYPE_CHECKING:
    import numpy as np

    from ..index import Index

SUMMARY_LEADS = 6
LIMIT = 12  # clauses shown by default
PER_DOCUMENT = 3  # clauses shown per document when several documents answer
LEADS = 5  # clauses named as places to look when a question is not answered


def citation_of(title: str, clause: Clause) -> str:
    """title › section › article (laws) or measure (reports: its marker and lead phrase, 一是深化行政审批制度改革)."""
    return cite(title, clause.path, clause.article, clause.text)


def cite_clause(index: Index, clause: Clause, score: float, words: Sequence[str]) -> CitedClause:
    doc = index.documents[clause.doc_id]
    return CitedClause(
        clause_id=clause.id,
        doc_id=clause.doc_id,
        text=clause.text,
        label=clause.label,
        path=list(clause.path),
        article=clause.article,
        page=clause.page,
        role=clause.role,
        citation=citation_of(doc.title, clause),
        score=round(float(score), 4),
        highlights=[Highlight(start=s, end=e, term=t) for s, e, t in ev.find_spans(clause.text, words)],
    )


def leads(
    index: Index, searched: QuestionSearch, mask: np.ndarray, fits: Callable[[int], bool] = lambda row: True
) -> list[Lead]:
    """Where to look when no clause answers with confidence: the first ``LEADS`` hybrid hits within `mask` that
    `fits` accepts (the year asked), front-matter revision notes left out. On the lay questions of
    ``corpora/questions`` (148, tenth pass), the article that answers is search's first hit for 68 and among its
    first five for 106, most of them below the cut-off: a reader can check five articles."""
    found: list[Lead] = []
    for hit in searched.top(LEADS * 3):
        row = index.row_of[hit.clause_id]
        if not mask[row] or not fits(row) or revision_note(index, row):
            continue
        clause = index.clauses[row]
        dense = hit.scores.get("dense")
        found.append(
            Lead(
                clause_id=clause.id,
                doc_id=clause.doc_id,
                title=hit.doc.title,
                text=clause.text,
                article=clause.article,
                citation=citation_of(hit.doc.title, clause),
                similarity=None if dense is None else round(float(dense), 4),
            )
        )
        if len(found) == LEADS:
            break
    return found


def ordinal(clause_id: str) -> int:
    tail = clause_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def group(
    index: Index, cited: Sequence[CitedClause], order: dict[str, float] | None = None
) -> tuple[list[DocumentGroup], list[RegionGroup]]:
    """Cited clauses by document (best first: evidence, then `order`, e.g. the best dense similarity of a
    document's clauses, higher first), then section (document order); and documents by region."""
    rank = order or {}
    by_doc: dict[str, list[CitedClause]] = {}
    for c in cited:
        by_doc.setdefault(c.doc_id, []).append(c)
    groups = []
    for doc_id, clauses in by_doc.items():
        stored = index.documents[doc_id]
        info = DocumentInfo.of(stored)
        sections: dict[tuple[str, ...], list[CitedClause]] = {}
        for c in sorted(clauses, key=lambda c: ordinal(c.clause_id)):
            sections.setdefault(tuple(c.path), []).append(c)
        groups.append(
            DocumentGroup(
                doc=info,
                score=max(c.score for c in clauses),
                sections=[
                    SectionGroup(path=list(p), title=" › ".join(p), clauses=cs) for p, cs in sections.items()
                ],
            )
        )
    groups.sort(key=lambda g: (-g.score, -rank.get(g.doc.id, 0.0), g.doc.title))
    regions: dict[str | None, RegionGroup] = {}
    for g in groups:
        rg = regions.setdefault(g.doc.region, RegionGroup(region=g.doc.region))
        rg.documents.append(g.doc.id)
        rg.clauses += sum(len(s.clauses) for s in g.sections)
    return groups, list(regions.values())


_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


_PHRASE_END = re.compile(r"[，,：:]")


def whole_phrases(text: str, limit: int = 60) -> str:
    """`text` cut to whole phrases: at the last phrase break (，、：) before `limit` characters, else at the first
    one after it (a phrase is never cut in the middle), else the whole text. 、 lists stay whole."""
    text = text.strip()
    if len(text) <= limit:
        return text
    breaks = [m.start() for m in _PHRASE_END.finditer(text)]
    before = [b for b in breaks if 6 <= b <= limit]
    if before:
        return text[: before[-1]].strip()
    after = [b for b in breaks if b > limit]
    return text[: after[0]].strip() if after else text


def summary_phrase(cited: CitedClause, limit: int = 60) -> str:
    """The clause's lead phrase; when the lead does not mention a matched term (a long paragraph of a work
    report), the sentence that mentions the most matched terms, cut to `limit` characters around them."""
    lead = lead_phrase(cited.text, 10_000)
    lead = whole_phrases(lead, limit)
    if not cited.highlights or any(
        ev.normalise_text(h.term) in ev.normalise_text(lead) for h in cited.highlights
    ):
        return lead
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(cited.text)), len(cited.text)]
    best: tuple[int, int, int] | None = None  # (-distinct terms, start, end)
    for a, b in zip(bounds, bounds[1:], strict=False):
        terms = {h.term for h in cited.highlights if a <= h.start < b}
        if terms and (best is None or (-len(terms), a) < best[:2]):
            best = (-len(terms), a, b)
    if best is None:
        return lead
    _, a, b = best
    first = min(h.start for h in cited.highlights if a <= h.start < b)
    sentence = cited.text[a:b].rstrip("。；;！？!?\n ").strip()
    if len(sentence) > limit:  # from the phrase holding the first matched term, whole phrases
        offset = first - a
        starts = [0, *(m.end() for m in _PHRASE_END.finditer(sentence) if m.end() <= offset)]
        sentence = whole_phrases(sentence[starts[-1] :], limit)
    return sentence


def summarise(index: Index, cited: Sequence[CitedClause], limit: int = SUMMARY_LEADS) -> str:
    """Lead phrases of the best cited clauses, by document: 《title》：lead；lead。"""
    best = sorted(cited, key=lambda c: (-c.score, ordinal(c.clause_id)))[:limit]
    per_doc: dict[str, list[str]] = {}
    for c in sorted(best, key=lambda c: (c.doc_id != best[0].doc_id, c.doc_id, ordinal(c.clause_id))):
        lead = summary_phrase(c)
        if lead and lead not in per_doc.setdefault(c.doc_id, []):
            per_doc[c.doc_id].append(lead)
    parts = [f"《{index.documents[d].title}》：{'；'.join(leads)}。" for d, leads in per_doc.items() if leads]
    return "".join(parts)


def cap(answer: Answer, limit: int | None) -> None:
    """Keep at most `limit` clauses in `answer.groups` (``PER_DOCUMENT`` each when several documents answer; all
    of them when one does); the rest are counted in ``Answer.more``."""
    if limit is None:
        return
    groups = answer.groups
    per_doc = limit if len(groups) == 1 else min(limit, PER_DOCUMENT)
    shown = 0
    kept_groups: list[DocumentGroup] = []
    more_clauses = 0
    more_docs = 0
    for g in groups:
        ranked = sorted((c for s in g.sections for c in s.clauses), key=lambda c: -c.score)
        if not ranked:  # a document named without a clause (metadata from the document itself): nothing to cap
            kept_groups.append(g)
            continue
        room = max(0, min(per_doc, limit - shown))
        keep_ids = {c.clause_id for c in ranked[:room]}
        dropped = len(ranked) - len(keep_ids)
        if dropped:
            more_clauses += dropped
            more_docs += 1
        if not keep_ids:
            continue
        shown += len(keep_ids)
        sections = []
        for s in g.sections:
            cs = [c for c in s.clauses if c.clause_id in keep_ids]
            if cs:
                sections.append(SectionGroup(path=s.path, title=s.title, clauses=cs))
        kept_groups.append(g.model_copy(update={"sections": sections}))
    answer.groups = kept_groups
    ids = {g.doc.id for g in kept_groups}
    answer.regions = [
        r.model_copy(update={"documents": [d for d in r.documents if d in ids]}) for r in answer.regions
    ]
    answer.regions = [r for r in answer.regions if r.documents]
    for r in answer.regions:
        r.clauses = sum(len(s.clauses) for g in kept_groups if g.doc.id in r.documents for s in g.sections)
    answer.more_clauses, answer.more_documents = more_clauses, more_docs
    if more_clauses:
        answer.more = (
            f"{more_clauses} more clauses in {more_docs} documents: "
            "`lawdocs ask --all` (or ask(..., limit=None)) shows them"
        )
