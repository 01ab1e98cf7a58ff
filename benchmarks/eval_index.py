"""`lawdocs eval` through the harness: labelled questions over an index that already exists.

The README quotes the founding report's questions over the whole bundled corpus (`lawdocs index corpora`):

    python -m benchmarks.eval_index --index indexes/default --name eval_bundled
    python -m benchmarks.eval_index --index DIR --filter region=潮州市湘桥区 --name eval_bundled_filtered

Each mode (dense, lexical, hybrid) is one row: recall@1/5/10/20, MRR@10, nDCG@10 and how many questions have a
gold clause in the top 10.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.common import REPORTS_BENCH, log, md_table, write_results
from lawdocs.evaluate import evaluate, load_queries
from lawdocs.index import Index

METRICS = ("recall@1", "recall@5", "recall@10", "recall@20", "mrr@10", "ndcg@10")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=REPORTS_BENCH / "seed_dev.jsonl")
    parser.add_argument("--filter", action="append", default=[], help="KEY=VALUE, as `lawdocs eval`")
    parser.add_argument("--modes", default="hybrid,dense,lexical")
    parser.add_argument("--name", default="eval_index", help="results/<name>.json and .md")
    args = parser.parse_args()

    ix = Index.open(args.index)
    queries = load_queries(args.queries)
    rows, results = [], {}
    for mode in args.modes.split(","):
        report = evaluate(ix, queries, mode=mode, k=100, filters=args.filter or None, per_query=True)  # type: ignore[arg-type]
        in_top10 = sum(1 for r in report.per_query if r.first_relevant is not None and r.first_relevant <= 10)
        results[mode] = {**report.metrics, "in_top10": in_top10, "seconds": report.seconds}
        rows.append([mode, *(report.metrics[m] for m in METRICS), f"{in_top10}/{len(queries)}"])
        log(f"{mode}: {report.metrics}")
    table = md_table(["mode", "R@1", "R@5", "R@10", "R@20", "MRR@10", "nDCG@10", "gold in top 10"], rows)
    print(table)
    scope = f", filters {args.filter}" if args.filter else ", no filter"
    write_results(
        args.name,
        {
            "index": str(args.index),
            "documents": len(ix.documents),
            "clauses": len(ix),
            "model": ix.embedder.name,
            "queries": str(args.queries),
            "filters": args.filter,
            "results": results,
        },
        f"# {len(queries)} questions of {args.queries.name} over {args.index} "
        f"({len(ix.documents)} documents, {len(ix)} clauses, model {ix.embedder.name}{scope})\n\n{table}",
    )


if __name__ == "__main__":
    main()
