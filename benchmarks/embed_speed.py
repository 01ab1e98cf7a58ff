"""Embedding speed of the default model: torch fp32 vs ONNX int8, on real STARD clauses.

Measures passages/s over ~2,000 clauses (`encode_passages(batch_size=32)`: sentence-transformers batches them by
length, the ONNX embedder runs each alone, as many at once as threads), single-query
latency (p50/p95 over the STARD training questions, one query per call), how closely the backends agree (cosine
of each clause's int8 vector to its fp32 one) and how much a query's or a clause's vector depends on its batch
(each query embedded alone against in one call with all; the first 200 clauses alone against in the timed
call), and writes
``benchmarks/results/<name>.json`` and ``.md`` (commit, command and load average through benchmarks.common).

    python -m benchmarks.embed_speed [--n 2000] [--queries 200] [--backends onnx,torch] [--model base|legal]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import numpy as np

from benchmarks.common import cpu_model, md_table, write_results
from lawdocs.embed import Embedder, build_default_model, load_embedder

ROOT = Path(__file__).resolve().parents[1]
STARD = ROOT.parent / "shared" / "bench" / "stard"


def load_texts(n: int, n_queries: int, seed: int = 0) -> tuple[list[str], list[str]]:
    with (STARD / "corpus.jsonl").open(encoding="utf-8") as fh:
        corpus = [json.loads(line)["content"] for line in fh]
    with (STARD / "train.jsonl").open(encoding="utf-8") as fh:
        questions = [json.loads(line)["query"] for line in fh]
    rng = random.Random(seed)
    return rng.sample(corpus, n), rng.sample(questions, n_queries)


PASSAGES_ALONE = 200  # clauses embedded again one by one, to compare with their vectors from the batch


def bench(emb: Embedder, passages: list[str], queries: list[str]) -> tuple[dict[str, float], np.ndarray]:
    emb.encode_passages(passages[:64])  # warm-up: allocations, ORT graph, torch kernels
    for q in queries[:5]:
        emb.encode_queries([q])
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    vectors = np.asarray(emb.encode_passages(passages, batch_size=32), dtype=np.float32)
    elapsed = time.perf_counter() - start
    lat, alone = [], []
    for q in queries:
        t = time.perf_counter()
        alone.append(emb.encode_queries([q])[0])
        lat.append((time.perf_counter() - t) * 1000)
    lat_sorted = sorted(lat)
    batched = np.asarray(emb.encode_queries(queries), dtype=np.float32)
    batch_cos = np.sum(batched * np.asarray(alone, dtype=np.float32), axis=1)
    passages_alone = np.concatenate([emb.encode_passages([p]) for p in passages[:PASSAGES_ALONE]])
    passage_cos = np.sum(vectors[:PASSAGES_ALONE] * passages_alone.astype(np.float32), axis=1)
    return {
        "passages": len(passages),
        "passages_seconds": round(elapsed, 2),
        "passages_per_second": round(len(passages) / elapsed, 1),
        "query_ms_p50": round(statistics.median(lat), 2),
        "query_ms_p95": round(lat_sorted[int(0.95 * (len(lat_sorted) - 1))], 2),
        "queries": len(queries),
        "load_avg_1min_before": round(load_before, 2),
        "load_avg_1min_after": round(os.getloadavg()[0], 2),
        "query_alone_vs_batch_min_cosine": round(float(batch_cos.min()), 4),
        "query_alone_vs_batch_mean_cosine": round(float(batch_cos.mean()), 4),
        "passage_alone_vs_batch_min_cosine": round(float(passage_cos.min()), 4),
        "passages_identical_alone_and_batched": int(np.sum(np.all(vectors[:PASSAGES_ALONE] == passages_alone, axis=1))),
        "passages_compared_alone": len(passage_cos),
    }, vectors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="clauses to embed per backend")
    ap.add_argument("--queries", type=int, default=200, help="single queries for the latency percentiles")
    ap.add_argument("--backends", default="onnx,torch")
    ap.add_argument("--model", default="base", help="base or legal (the legal model has the base's shape)")
    ap.add_argument("--threads", type=int, default=None, help="default: the CPUs this process may use")
    ap.add_argument("--name", default="embed_speed", help="results/<name>.json and .md")
    args = ap.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t = time.perf_counter()
    folder = build_default_model()  # the legal model is built over it
    build_s = time.perf_counter() - t
    passages, queries = load_texts(args.n, args.queries)
    chars = [len(p) for p in passages]
    result: dict[str, object] = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": args.model,
        "base_model_folder": str(folder),
        "build_or_reuse_seconds": round(build_s, 1),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu_model(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "versions": {
            p: version(p) for p in ("torch", "onnxruntime", "sentence-transformers", "transformers")
        },
        "clauses": {
            "source": "shared/bench/stard/corpus.jsonl, random sample seed 0",
            "count": len(passages),
            "chars_median": int(np.median(chars)),
            "chars_p95": int(np.percentile(chars, 95)),
        },
        "results": {},
    }
    results: dict[str, dict[str, float]] = {}
    vectors: dict[str, np.ndarray] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        emb = load_embedder(args.model, backend=backend, threads=args.threads)  # type: ignore[arg-type]
        results[backend], vectors[backend] = bench(emb, passages, queries)
        results[backend]["threads"] = getattr(emb, "threads", 0)
        results[backend]["max_seq_length"] = getattr(emb, "max_seq_length", 0) or 0
        print(backend, json.dumps(results[backend]), flush=True)
        del emb
    result["results"] = results
    agreement = ""
    if "onnx" in vectors and "torch" in vectors:
        cos = np.sum(vectors["onnx"] * vectors["torch"], axis=1)
        result["int8_vs_fp32_cosine"] = {
            "min": round(float(cos.min()), 4),
            "mean": round(float(cos.mean()), 4),
        }
        agreement = (
            f"\n\nint8 (onnx) against fp32 (torch), cosine of each clause's two vectors: min {cos.min():.4f}, "
            f"mean {cos.mean():.4f}."
        )
    table = md_table(
        [
            "backend",
            "clauses",
            "clauses/s",
            "one query p50 ms",
            "p95 ms",
            "query alone vs in a batch, min cosine",
            "clause alone vs in a batch, min cosine",
            "clauses identical alone and batched",
            "threads",
        ],
        [
            [
                b,
                r["passages"],
                r["passages_per_second"],
                r["query_ms_p50"],
                r["query_ms_p95"],
                r["query_alone_vs_batch_min_cosine"],
                r["passage_alone_vs_batch_min_cosine"],
                f'{r["passages_identical_alone_and_batched"]}/{r["passages_compared_alone"]}',
                r["threads"],
            ]
            for b, r in results.items()
        ],
    )
    paths = write_results(
        args.name, result, f"# Embedding speed, {args.model} model ({folder.name})\n\n{table}{agreement}\n"
    )
    print(f"wrote {paths[0]} and {paths[1]}")


if __name__ == "__main__":
    main()
