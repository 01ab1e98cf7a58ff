"""The other clauses of the one document a measures question is answered from that hold its anchor: the question's
rarest content word that the cited clauses state (双创 of 第五次大督查表扬的经验里，哪些在打造"双创"升级版、"双创"平台
或示范基地上有做法). A list of short entries (a notice's 130 praised practices, a plan's numbered tasks) states the
asked-for topic once an entry, each in words of its own around that word; the entries that share only the anchor
fall below the cut-off, which weighs every word of the question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..text import fold
from . import evidence as ev
from .candidates import DESCRIBED_DEPTH, QuestionSearch, document_scope, score_rows, select, stating_documents
from .comparison import LAW_TYPES, compares
from .phrases import listed_items
from .scope import docs_of_region, places_in
from .years import year_fits

if TYPE_CHECKING:
    import numpy as np

    from ..filters import Filters
    from ..index import Index
    from .question import Question, Term

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


TOPIC_ITEMS = 8  # a question lists at most this many topics (more: a pasted text, not a question)
OTHER_TOPIC_ITEMS = 3  # a question of no kind lists at least this many (两项: often one subject, 名单和价格)
TOPIC_ROWS = 3  # a listed topic is the matter of at most this many clauses of the document (more: a word of its theme)
TITLE_RUN = 6  # characters of a document's title the question repeats, at least, to name it


def untitled(text: str, title: str) -> str:
    """`text` with each run of TITLE_RUN or more characters it shares with `title` made a pause: 国家组织药品集中采购和
    使用试点方案对参加企业、药品范围和入围标准 lists three topics, not the two halves of the plan's name."""
    out, at = [], 0
    while at < len(text):
        end = at
        while end < len(text) and text[at : end + 1] in title:
            end += 1
        if end - at >= TITLE_RUN:
            out.append("；")
            at = end
        else:
            out.append(text[at])
            at += 1
    return "".join(out)


def topics_answered(
    index: Index, q: Question, kept: Sequence[tuple[int, float, list[str]]], mask: np.ndarray, doc_id: str | None = None
) -> list[tuple[int, float, list[str]]]:
    """`kept`, with a clause for each topic a measures question lists (在应急设施建设、通信联络、培训演练和评估总结
    方面) that no kept clause states, when the kept clauses are of one document: the clause of that document, among
    the few that state the topic's words (or the topic as written), sharing most of the question's. A plan answers
    each topic in a clause of its own, in words the other topics do not share, so that the cut-off, which weighs
    every word of the question, keeps the clause of one topic and drops the others. With nothing kept, `doc_id` is the
    one document the question names, whose topics are looked for the same way (twentieth pass, over the thirty-one
    question files read: six refused measures questions answered, five citing only answering clauses and one two of
    three, and no other answer changed, out-of-scope ones included). A question of no kind (…分别给什么激励) is read
    the same way when it lists at least ``OTHER_TOPIC_ITEMS`` topics (twenty-first pass, over the thirty-six files
    read: one refused measures question answered and one answer completed, one refused question answered wrongly;
    with two topics, one out-of-scope question answered and one answer's precision halved)."""
    if q.kind not in ("measures", "law", "other") or q.comparative:  # 方案对…分别是怎么规定的, …分别给什么激励 too
        return list(kept)
    docs = {index.clauses[r].doc_id for r, _, _ in kept} or ({doc_id} if doc_id else set())
    if len(docs) != 1:
        return list(kept)
    doc_id = docs.pop()
    if index.documents[doc_id].doc_type in LAW_TYPES:  # an article answers several topics in its paragraphs
        return list(kept)
    items = [item for item in listed_items(untitled(fold(q.text), fold(index.documents[doc_id].title))) if len(item) >= 2]
    if not (2 if q.kind != "other" else OTHER_TOPIC_ITEMS) <= len(items) <= TOPIC_ITEMS:
        return list(kept)
    corpus = ev.corpus_of(index)
    scope = document_scope(index, doc_id)
    rows = [r for r in index.doc_rows.get(doc_id, []) if mask[r]]
    cited = {r for r, _, _ in kept}
    low = min((s for _, s, _ in kept), default=None)  # nothing kept: each added clause's own evidence
    added: list[tuple[int, float, list[str]]] = []
    for item in items:
        stated = [t for t in q.terms if t.text in item]
        written = ev.normalise_text(item)
        if written in scope or (stated and all(t.found_in(scope) for t in stated)):
            continue  # 农业机械化和农机装备产业转型升级的指导意见: a list in the document's title names it
        words = [t for t in stated if t.weight == 1.0 and not t.found_in(scope)]
        if words:
            stating = [r for r in rows if all(t.found_in(corpus.texts[r]) for t in words)]
        else:
            stating = [r for r in rows if written in corpus.texts[r]]
        if not 1 <= len(stating) <= TOPIC_ROWS or cited.intersection(stating):
            continue
        best = max(score_rows(index, q, stating), key=lambda x: x[1])
        cited.add(best[0])
        added.append((best[0], best[1] if low is None else low, [t.text for t in words] or [written]))
    return [*kept, *added]


# …的典型经验里，哪些地方… / …的做法中，有哪些城市…: places asked for inside the list of entries just named
_WITHIN = re.compile(
    r"(?:经验|做法|案例|名单|清单|典型|通报|事项)[^，,。？?]{0,6}(?:里|中|当中|之中)[，,]?(?:有)?"
    r"哪些(?:地方|城市|地区|省份|省市|省|市|区县)"
)
ENTRY_PLACES = 2  # the document's clauses name at least this many places: its entries are places
ENTRY_TEXT = 40  # an entry names its place first (5.北京市海淀区…)


OPENING_ROWS = 6  # a document's opening (its number, salutation and preamble) is within its first clauses
_RECEIVED = re.compile(r"收悉|如下[:：]?\s*$")


def entry_terms(index: Index, q: Question, doc_id: str) -> list[Term]:
    """The terms of `q` that ask of the entries of the document `listed_within` found (or the one it describes), not
    of the document: without those its title or its opening states (its first clauses before a heading: 对…等130项
    地方典型经验做法予以通报表扬; a reply's up to 您提出的《关于设立总理热线电话的提案》收悉), which describe it. All of
    them when nothing else is left."""
    said, texts = ev.normalise_text(index.documents[doc_id].title), ev.corpus_of(index).texts
    for row in index.doc_rows.get(doc_id, [])[:OPENING_ROWS]:
        if index.clauses[row].path:
            break
        said += texts[row]
        if _RECEIVED.search(index.clauses[row].text):
            break  # a reply's letter starts after 您提出的…提案收悉…答复如下
    return [t for t in q.terms if not t.found_in(said)] or q.terms


def described_answer(index: Index, q: Question, row: int, mask: np.ndarray) -> list[tuple[int, float, list[str]]]:
    """The clauses of the document of `row`, which the question describes (`candidates.described_rows`: 国办在答复
    设立总理热线电话的提案时，介绍了…哪些渠道), that clear the cut-off on the words asked of it (`entry_terms`);
    `q.terms` become those words when some do. [] when the question states nothing but what describes it."""
    doc_id = index.clauses[row].doc_id
    asked = entry_terms(index, q, doc_id)
    if len(asked) == len(q.terms):
        return []
    rows = [r for r in index.doc_rows.get(doc_id, []) if mask[r]]
    kept = [x for x in select(index, replace(q, terms=asked), rows) if year_fits(index, x[0], q.section_years)]
    if kept:
        q.terms = asked
    return kept


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
