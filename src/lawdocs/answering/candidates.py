"""Which clauses may answer a question: candidates (retrieval, role sections, article lookups), their evidence
scores against the question's terms, the selection that clears the calibrated cut-off, and the order a
cross-encoder gives them when `ask(..., rerank=...)` asks for one."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..filters import Filters
from ..text import fold
from . import evidence as ev
from .comparison import LAW_TYPES
from .phrases import aside_branches, topic_branches
from .question import Question, Term
from .scope import title_key
from .sections import heading_about, narrow_heading
from .wording import either_branches
from .years import year_fits

if TYPE_CHECKING:
    from ..index import Index
    from ..models import Hit
    from ..search.rerank import Reranker


RERANK_CITED = 5  # at most this many clauses cited on the reranker's word alone
ROLE_SCAN = 2000  # problems / plans sections up to this many clauses are all candidates


# -- retrieval and cut-off ---------------------------------------------------------------------------
class QuestionSearch:
    """One question's hybrid search within its filters, run once for all who read it (the candidates, a lay
    question's first hit, the leads, a comparison's agreed rows): each gets the first k hits of one ranking.
    Up to `search.stable_depth` hits the order does not depend on k, so the slices equal searches of their own."""

    def __init__(self, index: Index, query: str, flt: Filters) -> None:
        self.index, self.query, self.flt = index, query, flt
        self._runs: dict[int, list[Hit]] = {}

    def seed(self, depth: int, hits: list[Hit]) -> None:
        """Hits a caller already has from this very search (hybrid, no reranker) asked for `depth`."""
        self._runs[depth] = hits

    def top(self, k: int) -> list[Hit]:
        from ..search import stable_depth

        depth = max(k, stable_depth(self.index))
        if depth not in self._runs:
            self._runs[depth] = self.index.search(self.query, k=depth, filters=self.flt)
        return self._runs[depth][:k]


def candidate_rows(index: Index, q: Question, searched: QuestionSearch, k: int, mask: np.ndarray) -> list[int]:
    """Rows worth scoring for `q`: hybrid and lexical top-k and every clause holding a content term, within `mask`."""
    return [r for r in _candidates(index, q, searched, k, mask) if not revision_note(index, r)]


_REVISION_NOTE = re.compile(r"(会议|决定|命令|公告).{0,30}(通过|修正|修订|公布|发布)")


def revision_note(index: Index, row: int) -> bool:
    """A law's front-matter note (…常务委员会第三十六次会议《关于修改…的决定》第一次修正): no article, no heading."""
    clause = index.clauses[row]
    if clause.article or clause.path or clause.kind in ("measure", "article"):
        return False
    doc = index.documents[clause.doc_id]
    if doc.doc_type in ("government_work_report", "rule_of_law_report", "notice", "other"):
        return False
    return bool(_REVISION_NOTE.search(clause.text[:200]))


def _candidates(index: Index, q: Question, searched: QuestionSearch, k: int, mask: np.ndarray) -> list[int]:
    rows: dict[int, None] = {}
    for hit in searched.top(k):
        rows[index.row_of[hit.clause_id]] = None
    content = " ".join(t.text for t in q.terms)
    if content.strip():
        for hit in index.search(content, k=k, mode="lexical", filters=searched.flt):
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


DOCUMENT_SHARE = 0.75  # of the question's weighted terms a document must state (title and text) to be the one named
DESCRIBED_DEPTH = 50  # the search's top rows read for the first clause of the document a question describes


def stating_documents(index: Index, q: Question, rows: Sequence[int], idf: Mapping[str, float]) -> list[str]:
    """The documents among `rows`' that state most of the question's terms across their title and clauses, when
    that is at least ``DOCUMENT_SHARE`` (王超斌委员提的设立总理热线电话的提案: a reply names the member in one
    clause, the hotline in another). A term stated only by its parts counts half."""
    corpus = ev.corpus_of(index)
    total = sum(idf[t.text] for t in q.terms) or 1.0
    shares: dict[str, float] = {}
    for doc_id in dict.fromkeys(index.clauses[r].doc_id for r in rows):
        whole = document_scope(index, doc_id) + "".join(corpus.texts[r] for r in index.doc_rows.get(doc_id, []))
        shares[doc_id] = sum(
            idf[t.text] * (1.0 if t.found_in(whole) else 0.5 if any(p in whole for p in t.parts) else 0.0)
            for t in q.terms
        ) / total
    best = max(shares.values(), default=0.0)
    return [d for d, share in shares.items() if share == best][:5] if best >= DOCUMENT_SHARE else []


def described_speaking_of(index: Index, q: Question, places: Sequence[str], flt: Filters) -> str | None:
    """The one national document the question describes by what it states (`stating_documents` over the search's
    top ``DESCRIBED_DEPTH``) when it speaks of `places`, which no document is of (第五次国务院大督查表扬的做法里，
    广州越秀区…: the notice praises 广州市越秀区): the question is about it, not about a place outside the
    collection."""
    corpus = ev.corpus_of(index)
    rows = [index.row_of[h.clause_id] for h in QuestionSearch(index, q.text, flt).top(DESCRIBED_DEPTH)]
    stating = stating_documents(index, q, rows, corpus.term_idf(q.terms))
    if len(stating) != 1 or index.documents[stating[0]].region:
        return None
    text = "".join(corpus.texts[r] for r in index.doc_rows.get(stating[0], []))
    return stating[0] if all(ev.normalise_text(p) in text for p in places) else None


def described_rows(
    index: Index, q: Question, searched: QuestionSearch, rows: Sequence[int], mask: np.ndarray
) -> list[int]:
    """The search's ranking within the one document the question describes by what it states (2018年国办调整后的
    督查激励措施: most of its words across that document's title and clauses), when one does."""
    corpus = ev.corpus_of(index)
    stating = stating_documents(index, q, rows, corpus.term_idf(q.terms))
    if len(stating) != 1:
        return []
    ranked = [index.row_of[h.clause_id] for h in searched.top(DESCRIBED_DEPTH)]
    return [
        r for r in ranked if mask[r] and index.clauses[r].doc_id == stating[0] and year_fits(index, r, q.section_years)
    ]


NAMED_DENSE = 0.82  # the default model's similarity at which it vouches for its first clause of a named document
NAMED_DENSE_MARGIN = 0.03  # … when that clause is ahead of the document's next by this much


def singled_out(
    index: Index, q: Question, hits: Sequence[tuple[int, float, list[str]]], mask: np.ndarray
) -> list[tuple[int, float, list[str]]]:
    """The first of `hits` (the hybrid's ranking within the one document a measures question, or one of no
    particular kind, names) when the default model ranks it first among that document's clauses of the year asked
    too, with a similarity of at least ``NAMED_DENSE`` and ahead of the next by ``NAMED_DENSE_MARGIN``: a
    paraphrase (城市风貌和建筑风格 for 塑造新区风貌特色) that the lexical evidence keeps below
    ``compose.NAMED_COVERAGE``. Over the twenty-one parts of `corpora/questions` the named rescue refused, this
    cites five right clauses and no out-of-scope question: a topic the named document does not treat has its
    closest clauses close together (margins up to 0.01 at 0.80 or more), and figure questions are left out (a
    report's clause about 育儿补贴 that states no amount: 0.83, 0.09)."""
    if not hits or q.kind not in ("measures", "other") or len(index.dense) != len(index) or not default_model(index):
        return []
    doc_id = index.clauses[hits[0][0]].doc_id
    rows = [r for r in index.doc_rows.get(doc_id, []) if mask[r] and year_fits(index, r, q.section_years)]
    if len(rows) < 2:
        return []
    similarity = index.vectors_of(rows) @ index.encode_query(q.text)
    first, second = np.argsort(-similarity)[:2]
    sure = similarity[first] >= NAMED_DENSE and similarity[first] - similarity[second] >= NAMED_DENSE_MARGIN
    return list(hits[:1]) if sure and rows[first] == hits[0][0] else []


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


def default_model(index: Index) -> bool:
    """Whether `index` was built with the default model (the one the similarity thresholds were set with:
    ``compose.LAY_DENSE``, ``NAMED_DENSE``)."""
    from ..embedding.legal import LEGAL_MODEL_NAME

    return bool(index.manifest and index.manifest.model_name == LEGAL_MODEL_NAME)


def document_scope(index: Index, doc_id: str) -> str:
    doc = index.documents[doc_id]
    return ev.normalise_text(f"{doc.title} {doc.region or ''}")


def score_rows(index: Index, q: Question, rows: Sequence[int]) -> list[tuple[int, float, list[str]]]:
    """(row, evidence, matched words) of every row, in the given order (no cut-off)."""
    return [(row, e.coverage, e.matched) for row, e in _evidence(index, q, rows)]


_OFFERS = re.compile(r"或|包括|比如|例如|诸如")
RARE_SHARE = 0.005  # a word in at most this share of the clauses is a matter of its own (直播: 4 of 8,280; 罚款: 286)


@lru_cache(maxsize=64)
def _branches(question: str, terms: tuple[Term, ...], topics: bool, across: bool, rare: frozenset[str]) -> tuple[list[Term], ...]:
    """The other term sets a clause may answer by: each side of …保密，或者…作为追责情形, for a measures
    question or a comparison each topic it lists (…主体地位、加大…投入; 起诉、申请行政复议…时可以口头提出: each
    statute answers for its own), and for a comparison (`across`) each set without the words of its asides
    (`aside_branches`); then the topics listed on one side of 或者, each with that side's words (their asides kept:
    the listed examples are what each answers). Read once per question, not once per scoring."""
    folded, listed = fold(question), list(terms)
    either = either_branches(folded, listed)
    branches = either + (topic_branches(folded, listed) if topics else [])
    branches += aside_branches(folded, [listed, *branches], rare) if across else []
    # the topics listed on one side of 或者 (比如吸毒检测、吸毒的治安处罚…，或者把吸毒恶习作为判决离婚的情形): each
    # with that side's other words, not the other side's (twentieth pass: of the question files read, one comparison
    # changed, one more answering document and one more wrong article)
    sides = [b for side in either for b in topic_branches(folded, side)] if topics else []
    return tuple(branches + [b for b in sides if b not in branches])


def _evidence(index: Index, q: Question, rows: Sequence[int]) -> list[tuple[int, ev.Evidence]]:
    """Each row's evidence; a question that names an attachment (广东省2026年要办哪些民生实事) is answered by
    all of it, as a problems / plans question by all of its section."""
    corpus = ev.corpus_of(index)
    idf = corpus.term_idf(q.terms)
    out = []
    about: dict[str, str] = {}
    # a comparison offering alternatives or examples (起诉、申请行政复议或者申请国家赔偿时; 包括紧密型医联体、城市医疗
    # 集团…): each document may answer for one; one asking for several things (提到了低空经济和人工智能产业) needs all
    topics = bool(_OFFERS.search(q.text)) if q.comparative else q.kind in ("measures", "plans", "problems")
    rare = frozenset(t.text for t in q.terms if 0 < corpus.df(t.text) <= RARE_SHARE * corpus.n) if q.comparative else frozenset()  # asides only
    branches = _branches(q.text, tuple(q.terms), topics, q.comparative, rare)
    for row in rows:
        clause = index.clauses[row]
        doc = index.documents[clause.doc_id]
        context = ev.normalise_text(" ".join([*clause.path, clause.article or ""]))
        title, attachment = document_scope(index, clause.doc_id), ev.attachment_name(index, row)
        names = bool(attachment) and not all(t.found_in(title) for t in q.terms)
        scope = title + attachment
        answers = q.kind in ("problems", "plans") or (names and all(t.found_in(scope) for t in q.terms))
        near = heading_about(q, clause.path[-1], about) if clause.path and narrow_heading(doc.doc_type, clause.path[-1]) else ""
        evidence = max(
            (ev.clause_evidence(terms, idf, corpus.texts[row], context, scope, q.years, doc.year, answers, near)
             for terms in (q.terms, *branches)),
            key=lambda e: e.coverage,
        )
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
def _law_article(index: Index, q: Question, mask: np.ndarray) -> list[int]:
    """Rows of the article a law question names (劳动合同法第十九条), in the law the question names."""
    if not q.article:
        return []
    text = ev.normalise_text(q.text)
    docs = [d for d, doc in index.documents.items() if (key := title_key(doc.title)) and key in text]
    if not docs:
        return []
    longest = max(len(title_key(index.documents[d].title)) for d in docs)
    rows = [r for d in docs if len(title_key(index.documents[d].title)) == longest for r in index.doc_rows.get(d, [])]
    if _VIOLATING.search(text):  # 违反…第三十一条的规定…承担何种法律责任: the article that says so, citing it
        liable = [r for r in rows if mask[r] and index.clauses[r].article != q.article and q.article in index.clauses[r].text]
        if liable:
            return liable
    return [r for r in rows if mask[r] and index.clauses[r].article == q.article]


# a question about breaking an article (违反数据安全法第三十一条的规定…应当承担何种法律责任)
_VIOLATING = re.compile(r"违反.{0,20}第[一二三四五六七八九十百零〇\d]+条.{0,40}(?:法律责任|处罚|罚款|处分|后果|责任)")


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


NEIGHBOUR_SHARE = 0.5  # of the kept clause's evidence
NEIGHBOUR_FLOOR = 0.3


def neighbours(
    index: Index, q: Question, rows: Sequence[int], kept: Sequence[tuple[int, float, list[str]]]
) -> list[tuple[int, float, list[str]]]:
    """The clauses next to a kept one (before or after it in its document) among the candidates, with evidence of
    at least ``NEIGHBOUR_FLOOR`` and ``NEIGHBOUR_SHARE`` of the kept clause's: where a figure question's kept
    clause names its matter and the next states the figure (第二十四条 names who takes complaints about arrears,
    第二十五条 gives the 10个工作日内 to pass them on)."""
    candidates = set(rows)
    out: list[tuple[int, float, list[str]]] = []
    for row, score, _ in kept:
        doc = index.doc_rows.get(index.clauses[row].doc_id, [])
        if row not in doc:
            continue
        at = doc.index(row)
        near = [r for r in doc[max(0, at - 1) : at + 2] if r != row and r in candidates]
        bar = max(NEIGHBOUR_FLOOR, NEIGHBOUR_SHARE * score)
        out += [x for x in score_rows(index, q, near) if x[1] >= bar and all(x[0] != r for r, _, _ in out)]
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


# -- the reranker's word ----------------------------------------------------------------------------
def sigmoid(logit: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * logit))  # no overflow for any logit


def reranked(
    index: Index,
    q: Question,
    flt: Filters,
    mask: np.ndarray,
    kept: list[tuple[int, float, list[str]]],
    reranker: Reranker,
) -> list[tuple[int, float, list[str]]]:
    """`kept` scored and ordered by the reranker, or, when `kept` is empty, the candidates it accepts alone.

    A clause the reranker scored gets its probability (the sigmoid of its logit) as score; kept clauses
    outside its top candidates follow, their evidence scaled below the lowest such probability.
    """
    hits = index.search(q.text, k=reranker.fusion.depth, mode="hybrid", filters=flt, rerank=reranker)
    prob = {
        index.row_of[h.clause_id]: sigmoid(h.scores["rerank"])
        for h in hits
        if "rerank" in h.scores and mask[index.row_of[h.clause_id]]  # the sections the question may use
    }
    if kept:
        floor = min((prob[row] for row, _, _ in kept if row in prob), default=1.0)
        rescored = [(row, prob[row] if row in prob else floor * e * 0.99, words) for row, e, words in kept]
        return sorted(rescored, key=lambda x: (-x[1], x[0]))
    accept = reranker.info.accept
    if accept is None:
        return []
    floor = sigmoid(accept)
    best = sorted(((row, p) for row, p in prob.items() if p >= floor), key=lambda x: -x[1])
    return [(row, p, []) for row, p in best[:RERANK_CITED]]
