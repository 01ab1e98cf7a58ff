"""Retrieval evaluation: question files with gold answers, scored against an index.

A question file is JSONL, one question per line::

    {"qid": 347, "query": "环境保护公益诉讼应当提交哪些材料？", "gold": ["民法典第五十四条", ...]}
    {"qid": "dev-0", "query": "如何推进数字政府建设？", "gold_keys": ["推进“数字政府”改革"]}

Matching rules (those of the STARD and report benchmarks in ``shared/bench/README.md``):

- ``gold`` labels: a hit matches a label when its document title + article equals it after removing all
  whitespace and every "中华人民共和国" from both. When the clause already carries a label that holds the
  article (``Hit.label``, e.g. the ``name`` of a STARD record), that label alone is compared, normalised
  the same way.
- ``gold_keys`` substrings: a hit matches a key when its text contains the key, both NFKC-folded and with
  all whitespace removed.

Metrics, for one question with G distinct gold items and hits ranked 1, 2, ... (averaged over questions):

- ``recall@k``: the fraction of the G gold items matched by at least one of the top k hits (recall per gold
  item, averaged per question, as in the STARD paper).
- ``mrr@10``: 1 / the rank of the first hit that matches any gold item, 0 when none is in the top 10.
- ``ndcg@10``: binary gains: a hit gains 1 when it is the first match of at least one gold item, else 0 (so
  split parts or copies of one article are not counted twice); DCG = sum of gain / log2(rank + 1) over the
  top 10, divided by the ideal DCG of min(G, 10) relevant hits at ranks 1..min(G, 10).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .errors import EvalError, LawdocsError, QueryError
from .models import Hit, SearchMode
from .text import normalise_label
from .text import squeeze as normalise_text

if TYPE_CHECKING:
    from .filters import Filters
    from .index import Index

CUTOFFS = (1, 5, 10, 20, 100)
RANK_CUTOFF = 10  # for MRR and nDCG


# -- normalisation and matching ---------------------------------------------------------------------
def hit_label(hit: Hit) -> str:
    """The label a hit is judged by: its own label, else document title + article."""
    if hit.label:
        return hit.label
    return hit.doc.title + (hit.article or "")


class Query(BaseModel):
    """One question of a question file, with its gold answers."""

    query: str
    gold: list[str] = Field(default_factory=list)  # labels, e.g. "民法典第五十四条"
    gold_keys: list[str] = Field(default_factory=list)  # substrings of the answering clause
    qid: str | int | None = None
    line: int | None = None  # line number in its file, for messages
    extra: dict[str, Any] = Field(default_factory=dict)  # other fields of the line

    def gold_items(self) -> list[tuple[str, str]]:
        """Distinct gold items as (kind, normalised value), kind "label" or "key", in file order."""
        items = [("label", normalise_label(g)) for g in self.gold]
        items += [("key", normalise_text(g)) for g in self.gold_keys]
        return list(dict.fromkeys(item for item in items if item[1]))


class GoldRank(BaseModel):
    gold: str  # as written in the question file
    rank: int | None  # 1-based rank of the first hit that matches it; None when not retrieved


class QueryResult(BaseModel):
    """How one question fared: the rank of each gold item and the hits' labels."""

    qid: str | int | None = None
    query: str
    gold: list[GoldRank]
    first_relevant: int | None  # rank of the first hit matching any gold item
    metrics: dict[str, float]
    hits: list[str]  # labels of the retrieved hits (title + article), best first (at most 10)


class EvalReport(BaseModel):
    """Averaged metrics over the questions, and per-question results when asked for."""

    n: int
    mode: str | None = None
    k: int
    metrics: dict[str, float]
    gold_total: int = 0  # distinct gold labels / keys over all questions
    gold_absent: int = 0  # of those, how many match no clause of the index at all
    seconds: float = 0.0  # time spent searching
    per_query: list[QueryResult] = Field(default_factory=list)


def judge(query: Query, hits: Sequence[Hit]) -> list[int | None]:
    """For each distinct gold item of `query`, the 1-based rank of the first hit matching it (or None)."""
    ranks: list[int | None] = []
    label_cache: list[str] | None = None
    text_cache: list[str] | None = None
    for kind, value in query.gold_items():
        if kind == "label":
            if label_cache is None:
                label_cache = [normalise_label(hit_label(h)) for h in hits]
            found = next((i for i, lab in enumerate(label_cache, 1) if lab == value), None)
        else:
            if text_cache is None:
                text_cache = [normalise_text(h.text) for h in hits]
            found = next((i for i, txt in enumerate(text_cache, 1) if value in txt), None)
        ranks.append(found)
    return ranks


def query_metrics(gold_ranks: Sequence[int | None], first_relevant: int | None, k: int) -> dict[str, float]:
    """recall@c (c <= k), mrr@10 and ndcg@10 of one question from the ranks of its gold items."""
    g = len(gold_ranks)
    metrics: dict[str, float] = {}
    for c in CUTOFFS:
        if c <= k:
            metrics[f"recall@{c}"] = sum(1 for r in gold_ranks if r is not None and r <= c) / g
    if k >= RANK_CUTOFF:
        metrics[f"mrr@{RANK_CUTOFF}"] = (
            1.0 / first_relevant if first_relevant is not None and first_relevant <= RANK_CUTOFF else 0.0
        )
        # A hit gains 1 when it is the first match of at least one gold item (each hit counts once).
        gains = {r for r in gold_ranks if r is not None and r <= RANK_CUTOFF}
        dcg = sum(1.0 / math.log2(r + 1) for r in gains)
        ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(g, RANK_CUTOFF) + 1))
        metrics[f"ndcg@{RANK_CUTOFF}"] = dcg / ideal
    return metrics


def score(
    queries: Sequence[Query],
    rankings: Sequence[Sequence[Hit]],
    *,
    k: int = 100,
    per_query: bool = False,
    mode: str | None = None,
) -> EvalReport:
    """Metrics of given rankings (one list of hits per question, best first, cut at k)."""
    if len(queries) != len(rankings):
        raise EvalError(f"{len(queries)} questions but {len(rankings)} rankings")
    if not queries:
        raise EvalError("no questions to evaluate")
    totals: dict[str, float] = {}
    results: list[QueryResult] = []
    for query, hits in zip(queries, rankings, strict=True):
        items = query.gold_items()
        if not items:
            raise EvalError(
                f"question {query.qid if query.qid is not None else query.query!r} has no gold answer",
                line=query.line,
            )
        hits = list(hits)[:k]
        ranks = judge(query, hits)
        # Each gold item is credited once, at its first matching hit: the nDCG gains sit at those ranks,
        # and the first relevant hit is the best of them.
        first = min((r for r in ranks if r is not None), default=None)
        metrics = query_metrics(ranks, first, k)
        for name, value in metrics.items():
            totals[name] = totals.get(name, 0.0) + value
        if per_query:
            by_item = dict(zip(items, ranks, strict=True))
            written = [("label", g, normalise_label(g)) for g in query.gold]
            written += [("key", g, normalise_text(g)) for g in query.gold_keys]
            gold = [
                GoldRank(gold=text, rank=by_item.get((kind, norm)))
                for kind, text, norm in dict.fromkeys(written)
                if norm
            ]
            results.append(
                QueryResult(
                    qid=query.qid,
                    query=query.query,
                    gold=gold,
                    first_relevant=first,
                    metrics=metrics,
                    hits=[hit_label(h) for h in hits[:10]],
                )
            )
    n = len(queries)
    return EvalReport(
        n=n,
        mode=mode,
        k=k,
        metrics={name: value / n for name, value in totals.items()},
        per_query=results,
    )


# -- question files -------------------------------------------------------------------------------
def _str_list(value: Any, field: str, path: Path, line: int) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EvalError(f'"{field}" must be a list of strings', path=path, line=line)
    return value


def iter_query_rows(
    path: str | Path, *, error: type[LawdocsError] = EvalError
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL question file with a "query" string.

    A line that is not JSON, not an object, or has no non-empty "query" raises `error` naming file and line.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as exc:
        raise error("question file not found", path=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read the question file: {exc}", path=path) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"invalid JSON: {exc.msg} (column {exc.colno})", path=path, line=number) from exc
        if not isinstance(row, dict):
            raise error("each line must be a JSON object", path=path, line=number)
        query = row.get("query")
        if not isinstance(query, str) or not query.strip():
            raise error('missing or empty "query" string', path=path, line=number)
        yield number, row


def load_queries(path: str | Path) -> list[Query]:
    """Read a JSONL question file; a malformed line is an EvalError naming the file and line."""
    path = Path(path)
    queries: list[Query] = []
    for number, row in iter_query_rows(path):
        query = row["query"]
        gold = _str_list(row.get("gold"), "gold", path, number)
        keys = _str_list(row.get("gold_keys"), "gold_keys", path, number)
        qid = row.get("qid", row.get("id"))
        if qid is not None and not isinstance(qid, str | int):
            qid = str(qid)
        q = Query(
            query=query,
            gold=gold,
            gold_keys=keys,
            qid=qid,
            line=number,
            extra={k: v for k, v in row.items() if k not in ("query", "gold", "gold_keys", "qid")},
        )
        if not q.gold_items():
            raise EvalError(
                'no gold answer: give a non-empty "gold" or "gold_keys" list', path=path, line=number
            )
        queries.append(q)
    if not queries:
        raise EvalError("the question file holds no questions", path=path)
    return queries


# -- against an index -------------------------------------------------------------------------------
def absent_gold(index: Index, queries: Sequence[Query]) -> tuple[int, list[str]]:
    """(number of distinct gold items, those that match no live clause of the index, normalised)."""
    alive = index.alive
    labels: set[str] = set()
    texts: list[str] = []
    need_keys = any(q.gold_keys for q in queries)
    for row, clause in enumerate(index.clauses):
        if row < len(alive) and not alive[row]:
            continue
        doc = index.documents.get(clause.doc_id)
        title = doc.title if doc is not None else ""
        labels.add(normalise_label(clause.label or title + (clause.article or "")))
        if need_keys:
            texts.append(normalise_text(clause.text))
    haystack = "\x00".join(texts)
    items = list(dict.fromkeys(item for q in queries for item in q.gold_items()))
    absent = [
        value for kind, value in items if (value not in labels if kind == "label" else value not in haystack)
    ]
    return len(items), absent


def evaluate(
    index: Index,
    queries: Sequence[Query] | str | Path,
    *,
    mode: SearchMode = "hybrid",
    k: int = 100,
    filters: Filters | dict[str, Any] | Sequence[str] | None = None,
    per_query: bool = False,
    rerank: Any = None,
) -> EvalReport:
    """Search every question in `index` and score the top k hits (see the module docstring for metrics).

    `rerank` is passed to `Index.search` (True for the legal reranker, or a reranker folder).

    Raises EvalError when no gold item of the questions exists in the index (the questions were written
    for another collection); the report says how many gold items are absent otherwise.
    """
    if not isinstance(queries, Sequence) or isinstance(queries, str):
        queries = load_queries(queries)
    if not queries:
        raise EvalError("no questions to evaluate")
    if k < 1:
        raise QueryError(f"k must be at least 1, got {k}")
    total, absent = absent_gold(index, queries)
    if total and len(absent) == total:
        raise EvalError(
            f"the questions do not match this index: none of their {total} gold answers "
            f"(e.g. {absent[0]!r}) is a clause of it",
            path=index.folder,
        )
    start = time.perf_counter()
    rankings = [index.search(q.query, k=k, mode=mode, filters=filters, rerank=rerank) for q in queries]
    seconds = time.perf_counter() - start
    report = score(queries, rankings, k=k, per_query=per_query, mode=mode)
    report.gold_total = total
    report.gold_absent = len(absent)
    report.seconds = round(seconds, 3)
    return report


# -- gold clauses as index rows (training and its kept-back checks) ----------------------------------
def match_gold(index: Index, questions: Sequence[Query]) -> list[tuple[Query, list[int]]]:
    """Each question with the index rows of its gold clauses, by the evaluation's matching rule."""
    by_label: dict[str, list[int]] = {}
    texts: list[tuple[int, str]] = []
    need_keys = any(q.gold_keys for q in questions)
    for row, clause in enumerate(index.clauses):
        if not index.alive[row]:
            continue
        title = index.documents[clause.doc_id].title
        by_label.setdefault(normalise_label(clause.label or title + (clause.article or "")), []).append(row)
        if need_keys:
            texts.append((row, normalise_text(clause.text)))
    out = []
    for q in questions:
        rows: list[int] = []
        for kind, value in q.gold_items():
            if kind == "label":
                rows += by_label.get(value, [])
            else:
                rows += [row for row, text in texts if value in text]
        out.append((q, list(dict.fromkeys(rows))))
    return out


Matched = list[tuple[Query, list[int]]]


def ranking_metrics(golds: Sequence[Sequence[int]], rankings: Sequence[Sequence[int]]) -> dict[str, float]:
    """Mean recall@10, recall@100 and MRR@10 of `rankings` (index rows, best first) against `golds` (rows),
    by the same `query_metrics` as `evaluate`."""
    totals = {"recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    for gold, rows in zip(golds, rankings, strict=True):
        at = {row: i for i, row in reversed(list(enumerate(rows[:100], 1)))}
        ranks = [at.get(g) for g in dict.fromkeys(gold)]
        found = [r for r in ranks if r is not None]
        metrics = query_metrics(ranks, min(found) if found else None, 100)
        for name in totals:
            totals[name] += metrics[name]
    n = max(1, len(golds))
    return {"recall_at_10": totals["recall@10"] / n, "recall_at_100": totals["recall@100"] / n, "mrr_at_10": totals["mrr@10"] / n}
