"""Approximate dense indexes (HNSW, IVF) against exact search on the cached STARD index.

Recall@10 of an approximate index = share of the exact top-10 clauses it also returns, averaged over the
training questions; latency is per query, warm, dense search only (query encoding excluded).

    python benchmarks/ann_recall.py          # needs benchmarks/cache/stard-index-all (from stard.py)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, STARD, log, md_table, percentile, write_results  # noqa: E402
from lawdocs.evaluate import load_queries  # noqa: E402
from lawdocs.index import Index  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=CACHE / "stard-index-all")
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    ix = Index.open(args.index, verify=False)
    questions = [q.query for q in load_queries(STARD / "train.jsonl")][: args.queries]
    qvecs = ix.embedder.encode_queries(questions).astype(np.float32)
    exact_ids: np.ndarray | None = None
    rows = []
    for kind in ("flat", "hnsw", "ivf"):
        ix.index_type = kind  # type: ignore[assignment]
        ix._faiss = None
        started = time.perf_counter()
        index = ix._dense_index()
        build = time.perf_counter() - started
        latencies = []
        found = []
        for q in qvecs:
            t = time.perf_counter()
            _, ids = index.search(q[None, :], 10)
            latencies.append((time.perf_counter() - t) * 1000)
            found.append(ids[0])
        ids_all = np.stack(found)
        if exact_ids is None:
            exact_ids = ids_all
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids_all, exact_ids, strict=True)]))
        rows.append(
            [
                ix.factory_string(),
                f"{build:.1f}",
                f"{recall:.4f}",
                f"{percentile(latencies, 50):.2f}",
                f"{percentile(latencies, 95):.2f}",
            ]
        )
        log(f"{kind}: {rows[-1]}")
    table = md_table(["FAISS index", "build s", "recall@10 vs exact", "p50 ms", "p95 ms"], rows)
    print(table)
    write_results(
        "ann_recall",
        {"clauses": len(ix), "queries": len(questions), "rows": rows},
        f"# Approximate vs exact dense search: {len(ix)} STARD clauses, {len(questions)} questions\n\n{table}",
    )


if __name__ == "__main__":
    main()
