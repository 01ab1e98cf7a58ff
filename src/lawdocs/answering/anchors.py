"""The other clauses of the one document a measures question is answered from that hold its anchor: the question's
rarest content word that the cited clauses state (双创 of 第五次大督查表扬的经验里，哪些在打造"双创"升级版、"双创"平台
或示范基地上有做法). A list of short entries (a notice's 130 praised practices, a plan's numbered tasks) states the
asked-for topic once an entry, each in words of its own around that word; the entries that share only the anchor
fall below the cut-off, which weighs every word of the question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..text import fold
from . import evidence as ev
from .candidates import DESCRIBED_DEPTH, QuestionSearch, document_scope, stating_documents
from .comparison import LAW_TYPES, compares
from .scope import docs_of_region, places_in

if TYPE_CHECKING:
    import numpy as np

    from ..filters import Filters
    from ..index import Index
    from .question import Question

ANCHOR_ROWS = 8  # at most this many clauses of the cited sections may hold the anchor (more: it is their theme)
ANCHOR_SHARE = 1 / 3  # of the cited sections' clauses, at most
ANCHOR_MIN_ROWS = 2  # at least this many (cited ones included) hold it, or there is nothing to add


def anchored(
    index: Index, q: Question, kept: Sequence[tuple[int, float, list[str]]], mask: np.ndarray
) -> list[tuple[int, float, list[str]]]:
    """`kept`, with the clauses of its one document that state the anchor (see the module docstring), each scored
    as the lowest kept clause; unchanged unless `q` asks for measures and `kept` is of one document."""
    if q.kind != "measures" or q.comparative or not kept:
        return list(kept)
    docs = {index.clauses[r].doc_id for r, _, _ in kept}
    if len(docs) != 1:
        return list(kept)
    doc_id = docs.pop()
    if index.documents[doc_id].doc_type in LAW_TYPES:  # a statute's articles are not entries of a list
        return list(kept)
    corpus = ev.corpus_of(index)
    scope = document_scope(index, doc_id)
    idf = corpus.term_idf(q.terms)
    stated = [
        t for t in q.terms
        if len(t.text) >= 2 and not t.found_in(scope) and any(t.found_in(corpus.texts[r]) for r, _, _ in kept)
    ]
    if not stated:
        return list(kept)
    anchor = max(stated, key=lambda t: idf[t.text])
    sections = {tuple(index.clauses[r].path) for r, _, _ in kept}
    in_sections = [r for r in index.doc_rows.get(doc_id, []) if tuple(index.clauses[r].path) in sections]
    rows = [r for r in in_sections if mask[r] and anchor.found_in(corpus.texts[r])]
    if not ANCHOR_MIN_ROWS <= len(rows) <= ANCHOR_ROWS or len(rows) > ANCHOR_SHARE * len(in_sections):
        return list(kept)  # in most of the section's entries, the anchor is what the section is about
    cited = {r for r, _, _ in kept}
    low = min(s for _, s, _ in kept)
    return [*kept, *((r, low, [anchor.text]) for r in rows if r not in cited)]


# …的典型经验里，哪些地方… / …的做法中，有哪些城市…: places asked for inside the list of entries just named
_WITHIN = re.compile(
    r"(?:经验|做法|案例|名单|清单|典型|通报|事项)[^，,。？?]{0,6}(?:里|中|当中|之中)[，,]?(?:有)?"
    r"哪些(?:地方|城市|地区|省份|省市|省|市|区县)"
)
ENTRY_PLACES = 2  # the document's clauses name at least this many places: its entries are places
ENTRY_TEXT = 40  # an entry names its place first (5.北京市海淀区…)


def listed_within(index: Index, q: Question, flt: Filters) -> str | None:
    """The one national document a comparison across places is about (see below), when one document states most of
    its words (`stating_documents`); else None. The places are entries of that document, not documents of places,
    when the question asks for them inside what it has just named (第五次大督查表扬的130项典型经验里，哪些地方…,
    `_WITHIN`), or when its 分别 follows places no document is of (a national notice's title may name them: 山西、安徽
    四起…事故…对各起事故的责任人员分别怎么处理 asks of the accidents in that notice)."""
    if not q.comparative or q.compared == "laws":
        return None
    text = fold(q.text)
    inside = q.compared == "regions" and bool(_WITHIN.search(text))
    if not inside:
        places = places_in(text) if "分别" in text and not compares(text) else []
        if not places or any(index.documents[d].region for p in places for d in docs_of_region(index, p)):
            return None
    rows = [index.row_of[h.clause_id] for h in QuestionSearch(index, q.text, flt).top(DESCRIBED_DEPTH)]
    stating = stating_documents(index, q, rows, ev.corpus_of(index).term_idf(q.terms))
    if len(stating) != 1 or index.documents[stating[0]].region:
        return None
    if inside:  # its entries are places: they name several
        named: set[str] = set()
        for row in index.doc_rows.get(stating[0], []):
            named.update(places_in(index.clauses[row].text[:ENTRY_TEXT]))
            if len(named) >= ENTRY_PLACES:
                break
        else:
            return None
    return stating[0]
