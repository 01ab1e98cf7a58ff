"""Metadata questions (who issued a document, when, under which number), answered from the documents' records."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ..models import DocumentInfo
from . import evidence as ev
from .candidates import QuestionSearch, candidate_rows, document_scope, select, stating_documents
from .comparison import LAW_TYPES
from .grouping import cite_clause, group
from .records import Answer, DocumentGroup, RegionGroup

if TYPE_CHECKING:
    from ..filters import Filters
    from ..index import Index
    from .question import Question

# the line under a report's title: when and at which meeting it was delivered (——2026年2月3日在上海市第十六届人民
# 代表大会第四次会议上)
DELIVERED = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日[^，。；]{0,4}在[^，。；]{2,40}会议上")
DELIVERED_ROWS = 4  # among the document's first clauses


def delivered(index: Index, doc_id: str) -> tuple[int, str] | None:
    """The row and words of the line saying when and at which meeting the document was delivered, if it has one."""
    for row in index.doc_rows.get(doc_id, [])[:DELIVERED_ROWS]:
        if found := DELIVERED.search(index.clauses[row].text):
            return row, found.group(0)
    return None


def metadata_answer(index: Index, q: Question, flt: Filters, mask: np.ndarray, k: int) -> Answer | None:
    """Who issued the document the question names, when, under which number: from the documents' metadata, each
    cited to its signature; a report delivered at a meeting also by the line that says so (2026年2月3日在…会议上).

    None when the question names no document and only statutes state what it describes (or, failing any, only
    statutes answer it): it asks what a statute says of a thing it governs (公证书自何时起生效, 通缉令由谁发布),
    not a document's record. A document described by its content is a notice or a reply (国务院办公厅答复…提案的
    那份文件), so among notices and statutes that state it the notices are chosen; a statute is asked about by its name.
    Over the thirty-six question files read (twenty-first pass), the documents found this way were four notices,
    each the right one, and three statutes, each a confident wrong answer to a question about a rule."""
    scope = sorted({index.clauses[r].doc_id for r in np.flatnonzero(mask)})
    answer = Answer(
        question=q.text, kind="metadata", answered=False, asked=q.meta_fields, terms=[t.text for t in q.terms]
    )
    if not scope:
        answer.reason = "no document in the index matches the filters"
        return answer
    chosen, stating = scope, []
    if len(scope) > 1:
        if not q.terms:
            answer.reason = f"{len(scope)} documents match; name the document or filter by doc_id"
            return answer
        corpus = ev.corpus_of(index)
        idf = {t.text: corpus.idf(t.text) for t in q.terms}
        total = sum(idf.values()) or 1.0
        shares = {d: sum(idf[t.text] for t in q.terms if t.text in document_scope(index, d)) / total for d in scope}
        best = max(shares.values())
        chosen = [d for d in scope if shares[d] == best] if best >= 0.5 else []
        if not chosen:  # the question names the document by its content: the documents stating all of it
            rows = candidate_rows(index, q, QuestionSearch(index, q.text, flt), k, mask)
            stating = stating_documents(index, q, rows, idf)
            chosen = [d for d in stating if index.documents[d].doc_type not in LAW_TYPES]
            if stating and not chosen:
                return None
        if not chosen and not stating:  # … or the clauses that answer
            chosen = list(dict.fromkeys(index.clauses[r].doc_id for r, _, _ in select(index, q, rows)))[:5]
            if chosen and all(index.documents[d].doc_type in LAW_TYPES for d in chosen):
                return None
        if not chosen:
            answer.reason = "no document matches the question"
            return answer
    cited = []
    facts = []
    labels = {"issuers": "发布机关", "date": "日期", "number": "文号"}
    for doc_id in chosen:
        doc = index.documents[doc_id]
        values = {"issuers": "、".join(doc.issuers), "date": doc.date or "", "number": doc.number or ""}
        shown = [f"{labels[f]} {values[f]}" for f in q.meta_fields if values[f]]
        missing = [labels[f] for f in q.meta_fields if not values[f]]
        spoken = delivered(index, doc_id) if "date" in q.meta_fields else None
        if spoken:  # a report is dated when published, and was delivered before, at a meeting
            shown.append(f"{spoken[1]}所作")
            cited.append(cite_clause(index, index.clauses[spoken[0]], 1.0, [spoken[1]]))
        if shown:
            answer.answered = True
        facts.append(
            f"《{doc.title}》：{'；'.join(shown) if shown else '未记载'}"
            + (f"（未记载{'、'.join(missing)}）" if shown and missing else "")
            + "。"
        )
        for r in index.doc_rows.get(doc_id, []):
            if index.clauses[r].kind == "signature":
                cited.append(
                    cite_clause(index, index.clauses[r], 1.0, doc.issuers + ([doc.date] if doc.date else []))
                )
    answer.summary = "".join(facts)
    if not answer.answered:
        answer.reason = "the matching document does not record " + "、".join(labels[f] for f in q.meta_fields)
    answer.groups, answer.regions = group(index, cited)
    if not cited:  # still name the documents
        for doc_id in chosen:
            stored = index.documents[doc_id]
            info = DocumentInfo.of(stored)
            answer.groups.append(DocumentGroup(doc=info, score=1.0))
        answer.regions = [RegionGroup(region=g.doc.region, documents=[g.doc.id]) for g in answer.groups]
    return answer
