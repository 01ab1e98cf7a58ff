"""Approximate dense indexes (HNSW, IVF) against exact search on the cached STARD index.

Recall@10 of an approximate index = share of the exact top-10 clauses it also returns, averaged over the
training questions; latency is per query, warm, dense search only (query encoding excluded).

    python -m benchmarks.ann_recall          # needs benchmarks/cache/stard-index-all (from stard.py)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks.common import CACHE, STARD, log, md_table, percentile, write_results
from lawdocs.evaluate import load_queries
from lawdocs.filters import Filters
from lawdocs.index import Index
from lawdocs.index.backend import Where
from lawdocs.index.faiss_store import FaissDense


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
    keys = ix.table.keys
    vectors = ix.vectors_of(range(len(ix)))
    everything = Where(filters=Filters(), keys=None)
    for kind in ("flat", "hnsw", "ivf"):
        store = FaissDense(vectors.shape[1], kind)  # type: ignore[arg-type]
        store.add(keys, vectors, [])
        started = time.perf_counter()
        store.search(qvecs[0], 10, everything)  # builds the structure
        build = time.perf_counter() - started
        latencies = []
        found = []
        for q in qvecs:
            t = time.perf_counter()
            hits = store.search(q, 10, everything)
            latencies.append((time.perf_counter() - t) * 1000)
            found.append([key for key, _ in hits])
        ids_all = np.stack(found)
        if exact_ids is None:
            exact_ids = ids_all
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids_all, exact_ids, strict=True)]))
        rows.append(
            [
                store.factory_string(),
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
