"""Speed and size, side by side in one process: lawdocs versus plain sentence-transformers + FAISS.

Both sides embed the same STARD subset with the same model (the default model folder lawdocs builds:
multilingual-e5-small, prompts "query: " / "passage: "):

- lawdocs: `Index.add` of a JSONL subset file (load, parse, embed with the ONNX int8 fast path, BM25),
  `save`; query latency p50 / p95 (warm) for hybrid, dense and lexical over ~200 train questions;
  index size on disk per clause; peak RSS of the phase.
- baseline: `SentenceTransformer(<model folder>)` in fp32, `encode(..., prompt="passage: ")` of the very
  same passage texts, `faiss.IndexFlatIP`, the same questions (`prompt="query: "`, k=100).

Peak RSS per phase is the kernel's VmHWM, reset before each phase through /proc/self/clear_refs (falls
back to getrusage's lifetime peak where that is not possible). Writes results/speed.json and .md.

    python -m benchmarks.speed                  # 5,000 records
    python -m benchmarks.speed --records 0      # all 58,637 records (slow: ~1 h for both sides on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import CACHE, STARD, get_embedder, log, md_table, percentile, write_results
from lawdocs.evaluate import load_queries
from lawdocs.index import Index, passage_text

OVERLAP_QUESTIONS = 50


# -- memory -------------------------------------------------------------------------------------------
def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_mb() -> float:
    hwm = status_kb("VmHWM")
    kb = hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def rss_mb() -> float:
    kb = status_kb("VmRSS")
    return round(kb / 1024, 1) if kb is not None else float("nan")


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- data ---------------------------------------------------------------------------------------------
def subset(records: int, seed: int) -> Path:
    if not records:
        return STARD / "corpus.jsonl"
    out = CACHE / f"speed-corpus-{records}-s{seed}.jsonl"
    if not out.exists():
        lines = (STARD / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        keep = sorted(random.Random(seed).sample(range(len(lines)), min(records, len(lines))))
        CACHE.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(lines[i] + "\n" for i in keep), encoding="utf-8")
    return out


def latencies(fn: Any, queries: list[str], warm: int = 10) -> dict[str, float]:
    for q in queries[:warm]:
        fn(q)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        times.append(1000 * (time.perf_counter() - t0))
    return {
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "mean_ms": round(float(np.mean(times)), 2),
    }


# -- the two sides ------------------------------------------------------------------------------------
def run_lawdocs(
    corpus: Path, queries: list[str], work: Path, model: str | None
) -> tuple[dict[str, Any], Index]:
    reset_peak()
    before = rss_mb()
    t0 = time.perf_counter()
    emb = get_embedder(model)
    emb.encode_queries(["预热"])
    load_s = time.perf_counter() - t0
    ix = Index.create(work / "lawdocs-index", embedder=emb)
    t0 = time.perf_counter()
    report = ix.add([corpus])
    add_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ix.save()
    save_s = time.perf_counter() - t0
    n = len(ix)
    size = folder_bytes(work / "lawdocs-index")
    build_peak = peak_mb()
    lat = {
        mode: latencies(lambda q, m=mode: ix.search(q, k=10, mode=m), queries)
        for mode in ("hybrid", "dense", "lexical")
    }
    result = {
        "embedder": type(emb).__name__,
        "model": emb.name,
        "clauses": n,
        "documents": len(ix.documents),
        "failed": len(report.failed),
        "model_load_s": round(load_s, 2),
        "add_s": round(add_s, 1),
        "save_s": round(save_s, 2),
        "clauses_per_s": round(n / add_s, 1),
        "index_bytes": size,
        "bytes_per_clause": round(size / n),
        "latency_k10": lat,
        "rss_before_mb": before,
        "peak_rss_build_mb": build_peak,
        "peak_rss_mb": peak_mb(),
    }
    return result, ix


def run_baseline(
    texts: list[str], queries: list[str], work: Path, folder: Path
) -> tuple[dict[str, Any], Any]:
    import faiss
    import torch
    from sentence_transformers import SentenceTransformer

    reset_peak()
    before = rss_mb()
    t0 = time.perf_counter()
    model = SentenceTransformer(str(folder), device="cpu")
    model = model.float()  # sentence-transformers 6 may keep saved fp16 weights in fp16 on the CPU
    model.encode(["预热"], prompt="query: ")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    vecs = model.encode(
        texts,
        prompt="passage: ",
        batch_size=64,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    ).astype(np.float32)
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    add_s = time.perf_counter() - t0
    path = work / "baseline.faiss"
    faiss.write_index(index, str(path))
    size = path.stat().st_size + sum(len(t.encode()) for t in texts)  # vectors + the texts a search returns
    build_peak = peak_mb()

    def search(q: str) -> Any:
        qv = model.encode(
            [q], prompt="query: ", normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return index.search(qv.astype(np.float32), 10)

    result = {
        "model_folder": str(folder),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "clauses": len(texts),
        "model_load_s": round(load_s, 2),
        "add_s": round(add_s, 1),
        "clauses_per_s": round(len(texts) / add_s, 1),
        "index_bytes": size,
        "bytes_per_clause": round(size / len(texts)),
        "latency_k10": {"dense": latencies(search, queries)},
        "rss_before_mb": before,
        "peak_rss_build_mb": build_peak,
        "peak_rss_mb": peak_mb(),
    }
    return result, search


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=5000, help="STARD records to index (0 = all)")
    parser.add_argument("--queries", type=int, default=200, help="train questions timed per mode")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=0, help="alias of --records for a quick run")
    parser.add_argument("--model", default=None, help="lawdocs model (default model; hash-256 for a dry run)")
    parser.add_argument("--no-baseline", action="store_true", help="lawdocs only")
    parser.add_argument("--name", default="speed", help="results/<name>.json and .md")
    args = parser.parse_args()
    records = args.limit or args.records

    corpus = subset(records, args.seed)
    questions = [q.query for q in load_queries(STARD / "train.jsonl")[: args.queries]]
    work = Path(tempfile.mkdtemp(prefix="lawdocs-speed-"))
    try:
        log(f"lawdocs: indexing {corpus}")
        ours, ix = run_lawdocs(corpus, questions, work, args.model)
        log(f"lawdocs: {ours}")
        data: dict[str, Any] = {
            "corpus": str(corpus),
            "records": records or "all",
            "questions": len(questions),
            "lawdocs": ours,
            "peak_rss_reset": reset_peak(),
        }
        if not args.no_baseline:
            from lawdocs.embedding.home import default_model_dir

            texts = [passage_text(ix.documents[c.doc_id], c) for c in ix.clauses]
            log(f"baseline: sentence-transformers + FAISS over the same {len(texts)} passages")
            theirs, search = run_baseline(texts, questions, work, default_model_dir())
            # Do both sides return the same clauses? (int8 ONNX vs fp32 torch): overlap of the dense top 10.
            overlap = []
            for q in questions[:OVERLAP_QUESTIONS]:
                ours_top = {h.clause_id for h in ix.search(q, k=10, mode="dense")}
                _, rows = search(q)
                overlap.append(len(ours_top & {ix.clauses[int(r)].id for r in rows[0] if r >= 0}) / 10)
            theirs["dense_top10_overlap_with_lawdocs"] = round(float(np.mean(overlap)), 3)
            data["baseline"] = theirs
            log(f"baseline: {theirs}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ours = data["lawdocs"]
    rows = [
        ["clauses indexed", ours["clauses"], data.get("baseline", {}).get("clauses")],
        ["model load + first query (s)", ours["model_load_s"], data.get("baseline", {}).get("model_load_s")],
        [
            "build: clauses/s (lawdocs: load+parse+embed+BM25)",
            ours["clauses_per_s"],
            data.get("baseline", {}).get("clauses_per_s"),
        ],
        ["build time (s)", ours["add_s"], data.get("baseline", {}).get("add_s")],
        [
            "index on disk, bytes per clause",
            ours["bytes_per_clause"],
            data.get("baseline", {}).get("bytes_per_clause"),
        ],
        [
            "peak RSS while building (MB)",
            ours["peak_rss_build_mb"],
            data.get("baseline", {}).get("peak_rss_build_mb"),
        ],
        ["peak RSS of the phase (MB)", ours["peak_rss_mb"], data.get("baseline", {}).get("peak_rss_mb")],
    ]
    for mode in ("dense", "hybrid", "lexical"):
        base_lat = data.get("baseline", {}).get("latency_k10", {}).get(mode)
        for stat in ("p50_ms", "p95_ms"):
            rows.append(
                [
                    f"query latency {mode} k=10, {stat[:3]} (ms, warm)",
                    ours["latency_k10"][mode][stat],
                    base_lat[stat] if base_lat else None,
                ]
            )
    if "baseline" in data:
        rows.append(
            [
                f"dense top-10 overlap with lawdocs ({min(OVERLAP_QUESTIONS, len(questions))} questions)",
                1.0,
                data["baseline"]["dense_top10_overlap_with_lawdocs"],
            ]
        )
    markdown = (
        f"# Speed: {ours['clauses']} STARD clauses ({corpus.name}), {len(questions)} train questions\n\n"
        f"lawdocs embedder: {ours['embedder']} ({ours['model']}); baseline: sentence-transformers fp32 + "
        f"faiss IndexFlatIP on the same model folder and the same passage texts.\n\n"
        + md_table(["", "lawdocs", "sentence-transformers + FAISS"], rows)
        + "\n\nBaseline size counts the FAISS file plus the UTF-8 passage texts; lawdocs' counts its whole "
        "index folder (vectors, BM25 matrix and vocabulary, clause and document records).\n"
    )
    print(markdown)
    print(json.dumps(data, ensure_ascii=False, indent=1))
    paths = write_results(args.name, data, markdown)
    log(f"wrote {paths[0]} and {paths[1]}")


if __name__ == "__main__":
    main()
