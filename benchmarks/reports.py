"""The founding report: questions with gold keys (shared/bench/reports/seed_dev.jsonl), three modes.

Table 1 indexes only the founding report (corpora/reports/seed); table 2 adds, as distractors, the other
reports of shared/corpora/reports (31 provincial 2026 government work reports, 60 State Council documents; the
project's corpora/reports ships only 3 of the 31).
For each mode: recall@1/5/10, MRR@10, nDCG@10 and the mean length (characters) of the hits in the top 5.
Issue target: hybrid finds >= 90 % of the gold keys in the top 5 with hits shorter than 400 characters on
average. A fusion sweep (same grid as stard.py) is printed too, but 10 questions decide little.

    python -m benchmarks.reports                 # both tables
    python -m benchmarks.reports --no-distractors
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    CACHE,
    HERE,
    REPORTS,
    REPORTS_BENCH,
    SCHEMES,
    SHARED,
    ProgressEmbedder,
    Runs,
    describe,
    fusion_grid,
    get_embedder,
    library_rankings,
    log,
    md_table,
    write_results,
)
from lawdocs.evaluate import Query, load_queries, score
from lawdocs.index import Index
from lawdocs.models import Hit
from lawdocs.search import FusionConfig

SRC = HERE.parent / "src" / "lawdocs"
DISTRACTORS = SHARED / "corpora" / "reports"  # all 91 other reports; corpora/reports ships 3 of the 31 CSVs
COLUMNS = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]


def pipeline_hash() -> str:
    """Changes whenever the loader or parser code changes, so a cached index is never stale."""
    h = hashlib.sha256()
    files = [SRC / "load.py", SRC / "parse.py", SRC / "index.py", SRC / "lexical.py"]
    files += sorted((SRC / "loaders").glob("*.py")) + sorted((SRC / "parsing").glob("*.py"))
    files += sorted((SRC / "index").glob("*.py"))
    for path in files:
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def build(name: str, paths: list[Path], model: str | None) -> tuple[Index, dict[str, Any]]:
    base = get_embedder(model)
    folder = CACHE / f"reports-{name}-{pipeline_hash()}-{base.name.replace('/', '_')}"
    if (folder / "manifest.json").exists():
        log(f"using the cached index {folder}")
        ix = Index.open(folder, embedder=base)
        return ix, {"folder": str(folder), "cached": True, "clauses": len(ix), "documents": len(ix.documents)}
    for old in CACHE.glob(f"reports-{name}-*"):
        shutil.rmtree(old, ignore_errors=True)
    emb = ProgressEmbedder(base)
    ix = Index.create(folder, embedder=emb)  # type: ignore[arg-type]
    start = time.perf_counter()
    report = ix.add(paths)
    ix.save()
    seconds = time.perf_counter() - start
    for source, message in report.failed:
        log(f"failed: {source}: {message}")
    info = {
        "folder": str(folder),
        "cached": False,
        "clauses": len(ix),
        "documents": len(ix.documents),
        "failed": len(report.failed),
        "seconds": round(seconds, 1),
        "clauses_per_second": round(len(ix) / seconds, 1) if seconds else None,
    }
    log(f"indexed {info}")
    return Index.open(folder, embedder=base), info


def mean_top5_chars(rankings: list[list[Hit]]) -> float:
    lengths = [len(h.text) for hits in rankings for h in hits[:5]]
    return statistics.fmean(lengths) if lengths else 0.0


def run_table(
    ix: Index, queries: list[Query], reranker: Any = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    runs = Runs(ix, queries)
    for scheme in SCHEMES:
        runs.add_scheme(scheme)
    rows = []

    def add(name: str, rankings: list[list[Hit]], cfg: FusionConfig | None = None) -> None:
        rep = score(queries, rankings, k=100, per_query=True)
        misses = [
            (r.qid, r.query, [g.gold for g in r.gold if g.rank is None or g.rank > 5]) for r in rep.per_query
        ]
        rows.append(
            {
                "name": name,
                "fusion": cfg.model_dump() if cfg else None,
                **rep.metrics,
                "mean_top5_chars": mean_top5_chars(rankings),
                "missed_at_5": [m for m in misses if m[2]],
            }
        )

    # The fusion the library uses when none is set (a preset chosen per collection), else the old default.
    in_force = ix.fusion_config() if hasattr(ix, "fusion_config") else FusionConfig()
    add("lexical (BM25 jieba)", runs.rankings("lexical", "jieba"))
    add("dense", runs.rankings("dense"))
    add(  # rows[2]: the library's hybrid, judged against the issue target
        f"hybrid, library default ({describe(in_force)}, jieba)",
        library_rankings(ix, queries),
        in_force,
    )
    if reranker is not None:
        for weight in sorted({0.0, reranker.fusion.first_stage_weight}):
            reranker.info.fusion = reranker.fusion.model_copy(update={"first_stage_weight": weight})
            rankings = [ix.search(q.query, k=100, rerank=reranker) for q in queries]
            add(f"hybrid library default + reranker (top {reranker.fusion.depth}, first-stage weight {weight})", rankings, in_force)
    add("hybrid rrf k=60 1:1 (jieba)", runs.rankings("hybrid", "jieba", FusionConfig()), FusionConfig())
    weighted = FusionConfig(method="weighted")
    add("hybrid weighted 1:1 (jieba)", runs.rankings("hybrid", "jieba", weighted), weighted)
    sweep = []
    for scheme in SCHEMES:
        for cfg in fusion_grid():
            rankings = runs.rankings("hybrid", scheme, cfg)
            rep = score(queries, rankings, k=100)
            sweep.append(
                {
                    "scheme": scheme,
                    "label": describe(cfg),
                    "fusion": cfg.model_dump(),
                    **rep.metrics,
                    "mean_top5_chars": mean_top5_chars(rankings),
                }
            )
    if len(ix.documents) > 1:  # the questions are about one report: what a document filter gives
        docs = {doc_for(ix, q) for q in queries}
        if None not in docs:
            saved = ix.fusion
            for label, mode, cfg in (
                ("lexical", "lexical", None),
                ("dense", "dense", None),
                ("hybrid library default", "hybrid", in_force),
                ("hybrid rrf k=60 1:1", "hybrid", FusionConfig()),
                ("hybrid weighted 1:1", "hybrid", weighted),
            ):
                ix.fusion = cfg or FusionConfig()
                rankings = [
                    ix.search(q.query, k=100, mode=mode, filters={"doc_id": [doc_for(ix, q)]})  # type: ignore[arg-type, list-item]
                    for q in queries
                ]
                add(f"{label}, filtered to the question's report (doc_id)", rankings, cfg)
            ix.fusion = saved
    return rows, sweep


def _title_key(title: str) -> str:
    return "".join(title.split()).replace("关于", "").replace("的", "")


def doc_for(ix: Index, query: Query) -> str | None:
    """The id of the document a question names in its "doc" field (titles compared loosely)."""
    wanted = query.extra.get("doc")
    if not isinstance(wanted, str):
        return None
    key = _title_key(wanted)
    return next((d.id for d in ix.documents.values() if _title_key(d.title) == key), None)


def render(title: str, info: dict[str, Any], rows: list[dict[str, Any]], sweep: list[dict[str, Any]]) -> str:
    head = ["method", "R@1", "R@5", "R@10", "MRR@10", "nDCG@10", "mean top-5 hit (chars)"]
    body = [[r["name"], *(r[c] for c in COLUMNS), f"{r['mean_top5_chars']:.0f}"] for r in rows]
    hybrid = rows[2]
    ok = hybrid["recall@5"] >= 0.9 and hybrid["mean_top5_chars"] < 400
    text = [
        f"## {title}\n",
        f"Index: {info['documents']} documents, {info['clauses']} clauses.\n",
        md_table(head, body) + "\n",
        f"Issue target (hybrid, library default: R@5 >= 0.90, mean top-5 hit < 400 chars): "
        f"{'met' if ok else 'NOT met'} (R@5 {hybrid['recall@5']:.3f}, {hybrid['mean_top5_chars']:.0f} chars).\n",
    ]
    for r in rows:
        if r["missed_at_5"]:
            text.append(
                f"- {r['name']} misses at 5: "
                + "; ".join(f"{q} {query} → {keys}" for q, query, keys in r["missed_at_5"])
            )
    best = sorted(sweep, key=lambda e: (-e["recall@5"], -e["mrr@10"], e["label"]))[:8]
    text.append("\nBest fusion settings (by R@5, then MRR@10; 10 questions, so read as a hint):\n")
    text.append(
        md_table(
            ["scheme", "fusion", "R@1", "R@5", "R@10", "MRR@10", "nDCG@10"],
            [[e["scheme"], e["label"], *(e[c] for c in COLUMNS)] for e in best],
        )
        + "\n"
    )
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=Path, default=REPORTS_BENCH / "seed_dev.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N questions")
    parser.add_argument(
        "--no-distractors", action="store_true", help="only table 1 (the founding report alone)"
    )
    parser.add_argument(
        "--model", default=None, help="model (default: lawdocs' default; hash-256 for a dry run)"
    )
    parser.add_argument("--name", default="reports", help="results/<name>.json and .md")
    parser.add_argument(
        "--rerank", default=None, help="also rerank the library's hybrid: 'legal' or a reranker folder"
    )
    args = parser.parse_args()
    reranker = None
    if args.rerank:
        from lawdocs.search.rerank import load_reranker

        reranker = load_reranker(None if args.rerank == "legal" else args.rerank)
        chosen = reranker.fusion

    queries = load_queries(args.queries)
    if args.limit:
        queries = queries[: args.limit]
    tables = {"seed": [REPORTS / "seed"]}
    if not args.no_distractors:
        tables["with-distractors"] = [
            REPORTS / "seed",
            DISTRACTORS / "gov-work-reports-2026",
            DISTRACTORS / "state-council-2018-2019",
        ]
    results: dict[str, Any] = {}
    text = [f"# The founding report: {len(queries)} questions ({args.queries.name}), gold keys\n"]
    for name, paths in tables.items():
        ix, info = build(name, paths, args.model)
        if reranker is not None:
            reranker.info.fusion = chosen
        rows, sweep = run_table(ix, queries, reranker)
        title = "Founding report alone" if name == "seed" else "Founding report + distractor reports"
        text.append(render(title, info, rows, sweep))
        results[name] = {"index": info, "rows": rows, "sweep": sweep}
    markdown = "\n".join(text)
    print(markdown)
    paths_written = write_results(args.name, {"questions": len(queries), "tables": results}, markdown)
    log(f"wrote {paths_written[0]} and {paths_written[1]}")


if __name__ == "__main__":
    main()
