"""Which clauses may answer a question: candidates (retrieval, role sections, article lookups), their evidence
scores against the question's terms, and the selection that clears the calibrated cut-off."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..filters import Filters
from . import evidence as ev
from .comparison import LAW_TYPES
from .question import Question
from .scope import title_key

if TYPE_CHECKING:
    from ..index import Index


RERANK_CITED = 5  # at most this many clauses cited on the reranker's word alone
ROLE_SCAN = 2000  # problems / plans sections up to this many clauses are all candidates


# -- retrieval and cut-off ---------------------------------------------------------------------------
def candidate_rows(index: Index, q: Question, flt: Filters, k: int, mask: np.ndarray) -> list[int]:
    """Rows worth scoring for `q`: hybrid and lexical top-k and every clause holding a content term, within `mask`."""
    return [r for r in _candidates(index, q, flt, k, mask) if not _revision_note(index, r)]


_REVISION_NOTE = re.compile(r"(会议|决定|命令|公告).{0,30}(通过|修正|修订|公布|发布)")


def _revision_note(index: Index, row: int) -> bool:
    """A law's front-matter note (…常务委员会第三十六次会议《关于修改…的决定》第一次修正): no article, no heading."""
    clause = index.clauses[row]
    if clause.article or clause.path or clause.kind in ("measure", "article"):
        return False
    doc = index.documents[clause.doc_id]
    if doc.doc_type in ("government_work_report", "rule_of_law_report", "notice", "other"):
        return False
    return bool(_REVISION_NOTE.search(clause.text[:200]))


def _candidates(index: Index, q: Question, flt: Filters, k: int, mask: np.ndarray) -> list[int]:
    rows: dict[int, None] = {}
    for hit in index.search(q.text, k=k, mode="hybrid", filters=flt):
        rows[index.row_of[hit.clause_id]] = None
    content = " ".join(t.text for t in q.terms)
    if content.strip():
        for hit in index.search(content, k=k, mode="lexical", filters=flt):
            rows[index.row_of[hit.clause_id]] = None
        corpus = ev.corpus_of(index)
        for row in np.flatnonzero(mask):
            text = corpus.texts[row]
            if any(t.found_in(text) for t in q.terms):
                rows[int(row)] = None
    if q.kind in ("problems", "plans") and int(mask.sum()) <= ROLE_SCAN:
        for row in np.flatnonzero(mask):  # their sections are small: read them whole
            rows[int(row)] = None
    return [r for r in rows if mask[r]]


def _role_rows(index: Index, q: Question, mask: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Restrict the rows to the sections a problems / plans question asks about (if the documents have them)."""
    kinds = np.fromiter((c.kind != "signature" for c in index.clauses), dtype=bool, count=len(index.clauses))
    mask = mask & kinds
    if q.kind in ("problems", "plans"):
        role = np.fromiter((c.role == q.kind for c in index.clauses), dtype=bool, count=len(index.clauses))
        if (mask & role).any():
            return mask & role, None
        return mask, f"no 存在问题 / 下一步 section found for a {q.kind} question; searched all sections"
    if q.kind == "measures":
        problems = np.fromiter((c.role == "problems" for c in index.clauses), dtype=bool, count=len(index.clauses))
        return mask & ~problems, None
    return mask, None


def _dense_relative(index: Index, q: Question, rows: Sequence[int]) -> list[float | None]:
    from ..embed import HashEmbedder

    if not rows or isinstance(index.embedder, HashEmbedder) or len(index.dense) != len(index):
        return [None] * len(rows)
    qvec = index.encode_query(q.text)
    dense = index.vectors_of(list(rows)) @ qvec
    best = float(dense.max())
    if best <= 0:
        return [None] * len(rows)
    return [float(d) / best for d in dense]


def document_scope(index: Index, doc_id: str) -> str:
    doc = index.documents[doc_id]
    return ev.normalise_text(f"{doc.title} {doc.region or ''}")


def _about(q: Question, heading: str, seen: dict[str, str]) -> str:
    """A clause's own heading, normalised, when it is about the question (its terms make up ``HEADING_SHARE`` of
    it or of one of its phrases), else "": "(三)规范执法程序,推进行政执法严格规范公正文明" is not about 行政执法."""
    if heading not in seen:
        name = _NUMBERING.sub("", ev.normalise_text(heading))
        seen[heading] = name if any(_share(q, p) >= HEADING_SHARE for p in _phrases(name)) else ""
    return seen[heading]


def _phrases(name: str) -> tuple[str, ...]:
    """A heading or lead, and each of its phrases between commas (…机制,全面推进政务公开)."""
    return (name, *re.split(r"[，,；;]", name))


def score_rows(index: Index, q: Question, rows: Sequence[int]) -> list[tuple[int, float, list[str]]]:
    """(row, evidence, matched words) of every row, in the given order (no cut-off)."""
    return [(row, e.coverage, e.matched) for row, e in _evidence(index, q, rows)]


def _evidence(index: Index, q: Question, rows: Sequence[int]) -> list[tuple[int, ev.Evidence]]:
    """Each row's evidence; a question that names an attachment (广东省2026年要办哪些民生实事) is answered by
    all of it, as a problems / plans question by all of its section."""
    corpus = ev.corpus_of(index)
    idf = {w: corpus.idf(w) for t in q.terms for w in (t.text, *t.parts)}
    out = []
    about: dict[str, str] = {}
    for row in rows:
        clause = index.clauses[row]
        doc = index.documents[clause.doc_id]
        context = ev.normalise_text(" ".join([*clause.path, clause.article or ""]))
        title, attachment = document_scope(index, clause.doc_id), ev.attachment_name(index, row)
        names = bool(attachment) and not all(t.found_in(title) for t in q.terms)
        scope = title + attachment
        answers = q.kind in ("problems", "plans") or (names and all(t.found_in(scope) for t in q.terms))
        near = _about(q, clause.path[-1], about) if clause.path and doc.doc_type not in LAW_TYPES else ""
        evidence = ev.clause_evidence(q.terms, idf, corpus.texts[row], context, scope, q.years, doc.year, answers, near)
        out.append((row, evidence))
    return out


def select(
    index: Index, q: Question, rows: Sequence[int], dense_out: dict[int, float] | None = None
) -> list[tuple[int, float, list[str]]]:
    """(row, evidence, matched words) of the candidate rows that clear the cut-off, best first.

    `dense_out`, when given, receives each candidate's dense similarity relative to the best (ranking ties)."""
    scored = _evidence(index, q, rows)
    dense = _dense_relative(index, q, [r for r, _ in scored])
    if dense_out is not None:
        dense_out.update({r: d for (r, _), d in zip(scored, dense, strict=True) if d is not None})
    kept = ev.keep([e.coverage for _, e in scored], dense)
    out = [(row, e.coverage, e.matched) for (row, e), ok in zip(scored, kept, strict=True) if ok]
    rank = {r: d for (r, _), d in zip(scored, dense, strict=True) if d is not None}
    return sorted(out, key=lambda x: (-x[1], -rank.get(x[0], 0.0), x[0]))  # ties: the model's order


# -- special kinds --------------------------------------------------------------------------------
_NUMBERING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[编章节]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])"
)
_PAUSES = re.compile(r"[、，,；;：:]")
HEADING_SHARE = 0.5  # a heading covers a question when the question's terms make up this much of it
LEAD_CHARS = 40  # a measure's lead phrase is a heading of its own (推进健康上海建设。) up to this long
# 哪些措施涉及行政执法: every measure that touches a topic, not the one measure named after it
_GATHERING = re.compile(r"涉及|有关|相关")
NAMED_DOCUMENTS = 2  # a section name shared by more documents than this does not pick one out
ASKED_NOUNS = ev.ASKED_NOUNS  # the kind of text a question asks for: the section it names need not repeat it


def named_section(index: Index, q: Question, mask: np.ndarray, covering: bool = False) -> list[int]:
    """Rows of the sections a question names by their heading, in a document it names by its title.

    国家组织药品集中采购和使用试点采取了哪些具体措施 asks for the section "三、具体措施" of the 试点方案: a
    heading (without its number; or one of its phrases between commas, of four characters or more) that the
    question states as written, in a document whose title and that heading hold every content term of the
    question but the generic verbs and the kind of text asked for (``ASKED_NOUNS``). Not in statutes, whose
    answers cite their articles (`compose.limit_statutes`). At most ``NAMED_DOCUMENTS`` documents; rows in
    document order, with the measure whose lead phrase is the heading (6、推进…改革工作。 heads 一是…四是).

    With `covering`, a heading need not be stated as written: it names the section when it holds every content
    term of the question that the title does not, and at least one, and those terms make up at least
    ``HEADING_SHARE`` of it (对下岗失业人员有哪些帮扶措施 and "四、及时开展下岗失业人员帮扶"; not 行政执法 and
    "(四)规范执法程序,推进行政执法严格规范公正文明", a heading of several topics). That is weaker evidence, so
    `covered_sections` uses it only to complete an answer that already cites a clause of the section."""
    from .question import GENERIC_WORDS

    asked = _PAUSES.sub("", ev.normalise_text(q.text))
    terms = [t.text for t in q.terms if t.text not in GENERIC_WORDS and t.text not in ASKED_NOUNS]
    if not terms:
        return []
    named_by: dict[str, str] = {}  # heading → what of it names the section ("" for nothing); headings recur

    def naming(heading: str) -> str:
        if heading not in named_by:
            name = _NUMBERING.sub("", ev.normalise_text(heading)).rstrip("。.；;：:")
            if covering:  # the question's terms make up most of the heading: it is about them
                named_by[heading] = name if _share(q, name) >= HEADING_SHARE else ""
            else:
                phrases = [p for p in re.split(r"[，,；;]", name) if len(p) >= 4 and p in asked]
                whole = _PAUSES.sub("", name)  # 促进产教融合 校企“双元”育人 as 促进产教融合、校企“双元”育人
                named_by[heading] = whole if len(whole) >= 2 and whole in asked else max(phrases, key=len, default="")
        return named_by[heading]

    found: dict[str, set[str]] = {}
    for row in np.flatnonzero(mask):
        clause = index.clauses[int(row)]
        if index.documents[clause.doc_id].doc_type in LAW_TYPES:
            continue
        title = ev.normalise_text(index.documents[clause.doc_id].title)
        for heading in clause.path:
            named = naming(heading)
            if named and heading not in found.get(clause.doc_id, set()):
                if all(t in title or t in named for t in terms) and (
                    not covering or any(t not in title for t in terms)
                ):
                    found.setdefault(clause.doc_id, set()).add(heading)
    if not found or len(found) > NAMED_DOCUMENTS:
        return []
    leads = {_heading_key(h) for hs in found.values() for h in hs}
    return [
        int(r)
        for r in np.flatnonzero(mask)
        if any(h in found.get(index.clauses[int(r)].doc_id, ()) for h in index.clauses[int(r)].path)
        or (index.clauses[int(r)].doc_id in found and _lead(index.clauses[int(r)].text) in leads)
    ]


def _share(q: Question, name: str) -> float:
    """How much of a heading (or a measure's lead phrase) the question's terms make up."""
    words = _PAUSES.sub("", name)
    spans = ev.find_spans(words, [t.text for t in q.terms])
    return sum(end - start for start, end, _ in spans) / max(1, len(words))


def covered_leads(
    index: Index, q: Question, kept: Sequence[tuple[int, float, list[str]]]
) -> list[tuple[int, float, list[str]]]:
    """In each document that is not a statute, the kept clauses in the section of a measure whose lead phrase
    (or own heading) covers the question as a covering heading does (`named_section`), in place of the others kept there:
    打造更高水平的健康广东。 answers 广东省今年打造更高水平健康广东的主要措施有哪些, with what else its section says;
    the consumption measure elsewhere that also says 打造 and 高水平 does not. A lead of several phrases covers it
    when one of them does; a lead under 存在问题 covers only a question about problems. A question gathering what
    touches a topic (哪些措施涉及…) is not about one measure. A document where no lead covers the question keeps
    what it cites; statutes are cited by article (`compose.limit_statutes`)."""
    from .question import GENERIC_WORDS

    terms = [t.text for t in q.terms if t.text not in GENERIC_WORDS and t.text not in ASKED_NOUNS]
    if _GATHERING.search(q.text):
        return list(kept)
    sections: dict[str, list[list[str]]] = {}  # document → the sections of its covering measures
    for row, _, _ in kept:
        clause = index.clauses[row]
        doc = index.documents[clause.doc_id]
        if not terms or doc.doc_type in LAW_TYPES or (clause.role == "problems" and q.kind != "problems"):
            continue
        title = ev.normalise_text(doc.title)
        lead = _lead(clause.text)
        own = bool(clause.path) and _heading_key(clause.path[-1]) == lead  # the measure heads a subsection
        heading = _NUMBERING.sub("", ev.normalise_text(clause.path[-1])) if clause.path else ""  # (六)社会矛盾纠纷…
        for name, section in ((_NUMBERING.sub("", lead), clause.path[:-1] if own else clause.path), (heading, clause.path)):
            if name and len(name) <= LEAD_CHARS and any(
                all(t in title or t in part for t in terms)
                and any(t not in title for t in terms)
                and _share(q, part) >= HEADING_SHARE
                for part in _phrases(name)
            ):
                sections.setdefault(clause.doc_id, []).append(section)
                break

    def inside(row: int) -> bool:  # in such a section, or the measure that heads it (1、… over 一是…四是)
        clause = index.clauses[row]
        held = sections.get(clause.doc_id)
        return held is None or any(
            clause.path[: len(p)] == p or (p and clause.path == p[:-1] and _lead(clause.text) == _heading_key(p[-1]))
            for p in held
        )

    return [x for x in kept if inside(x[0])]


def covered_sections(
    index: Index, q: Question, kept: Sequence[tuple[int, float, list[str]]], mask: np.ndarray
) -> list[tuple[int, float, list[str]]]:
    """The sections whose heading covers the question (`named_section` with `covering`), whole, in place of what
    `kept` cites in their documents, when `kept` already cites a clause of them: the section's other measures
    answer as well (each scored as the best kept clause of the section), and the clauses elsewhere in that
    document that share the question's words are about something else (对下岗失业人员有哪些帮扶措施: not
    "（十四）切实抓好政策服务"). What `kept` cites in other documents stays."""
    rows = named_section(index, q, mask, covering=True)
    section = set(rows)
    scores = [s for r, s, _ in kept if r in section]
    if not scores:
        return list(kept)
    cited = {r: (s, w) for r, s, w in kept}
    docs = {index.clauses[r].doc_id for r in rows}
    elsewhere = [x for x in kept if index.clauses[x[0]].doc_id not in docs]
    return [*((r, *cited.get(r, (max(scores), []))) for r in rows), *elsewhere]


def _law_article(index: Index, q: Question, mask: np.ndarray) -> list[int]:
    """Rows of the article a law question names (劳动合同法第十九条), in the law the question names."""
    if not q.article:
        return []
    text = ev.normalise_text(q.text)
    docs = [d for d, doc in index.documents.items() if (key := title_key(doc.title)) and key in text]
    if not docs:
        return []
    longest = max(len(title_key(index.documents[d].title)) for d in docs)
    docs = [d for d in docs if len(title_key(index.documents[d].title)) == longest]
    return [
        r
        for d in docs
        for r in index.doc_rows.get(d, [])
        if mask[r] and index.clauses[r].article == q.article
    ]


def referring(
    index: Index, q: Question, mask: np.ndarray, kept: Sequence[tuple[int, float, list[str]]]
) -> list[tuple[int, float, list[str]]]:
    """The clauses in scope that refer to a kept article and share a question term with it: where a statute leaves
    a figure to another text (an interpretation's "行政诉讼法第二十八条规定的“人数众多”，一般指十人以上")."""
    from ..references import resolver

    links = resolver(index)
    out: list[tuple[int, float, list[str]]] = []
    for row, score, _ in kept:
        for link in links.incoming(index.clauses[row]):
            source = index.row_of.get(link.source_clause_id)
            if source is None or not mask[source] or any(source == r for r, _, _ in out):
                continue
            text = ev.normalise_text(index.clauses[source].text)
            shared = [t.text for t in q.terms if t.text in text]
            if shared:
                out.append((source, score, shared))
    return out


def _heading_key(heading: str) -> str:
    return ev.normalise_text(heading).rstrip("。，,：:；;")


def _lead(text: str) -> str:
    """A measure's lead phrase as its subsection's heading states it: up to the first full stop, without it."""
    return _heading_key(re.split(r"[。；;]", text, maxsplit=1)[0])


def elaborations(
    index: Index, kept: Sequence[tuple[int, float, list[str]]], mask: np.ndarray
) -> list[tuple[int, float, list[str]]]:
    """`kept` with the rest of the subsection of a report measure that heads one (6、推进乡镇街道综合行政执法改革
    工作。 over 一是…四是…) when that measure is what the answer is about: every clause `kept` cites in its
    document is the measure or in its subsection. The subsection says how the measure was carried out; an answer
    that gathers measures from all over a report (哪些措施涉及行政执法) is not about any one of them."""
    out = list(kept)
    seen = {r for r, _, _ in kept}
    by_doc: dict[str, set[int]] = {}  # what `kept` cites in each document
    for r in seen:
        by_doc.setdefault(index.clauses[r].doc_id, set()).add(r)
    for row, score, _ in kept:
        clause = index.clauses[row]
        lead, depth = _lead(clause.text), len(clause.path)
        if index.documents[clause.doc_id].doc_type in LAW_TYPES or len(lead) < 4:
            continue
        below = [
            other
            for other in index.doc_rows.get(clause.doc_id, [])
            if len(index.clauses[other].path) > depth
            and index.clauses[other].path[:depth] == clause.path
            and _heading_key(index.clauses[other].path[depth]) == lead
        ]
        if below and by_doc[clause.doc_id] <= {row, *below}:
            fresh = [r for r in below if r not in seen and mask[r]]
            seen.update(fresh)
            out += [(r, score, []) for r in fresh]
    return out


def referred(
    index: Index,
    kept: Sequence[tuple[int, float, list[str]]],
    passed: Sequence[tuple[int, float, list[str]]],
) -> list[tuple[int, float, list[str]]]:
    """`kept` with, after each statute article, the articles of the same statute it refers to by number when they
    cleared the cut-off too (`passed`): 第四十七条 punishes a breach of "本法第三十三条规定的义务"; 第三十三条 states
    the obligations a question about them asks for."""
    from ..references import resolver

    cleared = {r: (s, w) for r, s, w in passed}
    cited = {r for r, _, _ in kept}
    out: list[tuple[int, float, list[str]]] = []
    links = resolver(index)
    for row, score, words in kept:
        out.append((row, score, words))
        clause = index.clauses[row]
        if index.documents[clause.doc_id].doc_type not in LAW_TYPES or not clause.article:
            continue
        for link in links.outgoing(clause):
            target = index.row_of.get(link.target_clause_id or "")
            if target in cleared and target not in cited and index.clauses[target].doc_id == clause.doc_id:
                cited.add(target)
                out.append((target, *cleared[target]))
    return out
