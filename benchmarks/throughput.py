"""Ingest throughput (parse, embed, write on FAISS and on Milvus; Ray with 1 and 2 workers), projected hours for
1M and 10M clauses, and lexical search: Milvus BM25 vs lawdocs BM25 (latency, recall@10 on STARD questions).

The subset: the gold articles of the first --questions STARD training questions plus every k-th other article,
--articles in all, split into 8 JSONL shards (so Ray has files to spread). The real default model embeds.

    nice -n 10 python -m benchmarks.throughput --articles 5000

Writes results/throughput.json and .md (with commit, command and load).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import STARD, log, md_table, percentile, write_results
from benchmarks.scale import commit
from lawdocs.evaluate import normalise_label
from lawdocs.filters import Filters
from lawdocs.index import Index, passage_text
from lawdocs.index.backend import Where
from lawdocs.index.lexical import LexicalIndex
from lawdocs.index.rows import row_fields


def subset(folder: Path, articles: int, questions: int) -> list[dict[str, Any]]:
    qs = [json.loads(line) for line in (STARD / "train.jsonl").open(encoding="utf-8")][:questions]
    gold = {normalise_label(g) for q in qs for g in q["gold"]}
    lines = (STARD / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    picked = [ln for ln in lines if normalise_label(json.loads(ln)["name"]) in gold]
    step = max(1, len(lines) // max(1, articles - len(picked)))
    picked_set = set(picked)
    picked += [ln for ln in lines[::step] if ln not in picked_set][: max(0, articles - len(picked))]
    for s in range(8):
        (folder / f"shard{s}.jsonl").write_text("\n".join(picked[s::8]) + "\n", encoding="utf-8")
    present = {normalise_label(json.loads(ln)["name"]) for ln in picked}
    return [q for q in qs if all(normalise_label(g) in present for g in q["gold"])]


def top10(scores: np.ndarray) -> list[int]:
    top = np.argsort(-scores, kind="stable")[:10]
    return [int(i) for i in top if scores[i] > 0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--ray-workers", default="1,2")
    ap.add_argument("--name", default="throughput")
    args = ap.parse_args()
    from lawdocs.load import iter_files, load_path
    from lawdocs.parse import parse_raw

    tmp = Path(tempfile.mkdtemp(prefix="lawdocs-tp-"))
    out: dict[str, Any] = {"commit": commit(), "articles": args.articles}
    try:
        queries = subset(tmp, args.articles, args.questions)
        files = list(iter_files([tmp]))
        t = time.perf_counter()
        docs = [parse_raw(raw) for f in files for raw in load_path(f)]
        parse_s = time.perf_counter() - t
        pairs = [(d.summary(), c) for d in docs for c in d.clauses]
        n = len(pairs)
        texts = [passage_text(i, c) for i, c in pairs]
        log(f"{len(docs)} documents, {n} clauses parsed in {parse_s:.1f} s; {len(queries)} questions")
        ix = Index.create(tmp / "ix")
        emb = ix.embedder
        t = time.perf_counter()
        vecs = np.asarray(emb.encode_passages(texts, batch_size=64), dtype=np.float32)
        embed_s = time.perf_counter() - t
        log(f"embedded in {embed_s:.1f} s with {emb.name}")
        keys = np.arange(n, dtype=np.int64)
        fields = [row_fields(k, i, c) for k, (i, c) in enumerate(pairs)]

        import faiss

        t = time.perf_counter()
        fx = faiss.IndexFlatIP(vecs.shape[1])
        fx.add(vecs)
        faiss.write_index(fx, str(tmp / "dense.faiss"))
        lex = LexicalIndex(scheme="jieba")
        lex.add(texts)
        faiss_write_s = time.perf_counter() - t

        from lawdocs.index.milvus import MilvusDense, MilvusLexical

        uri = str(tmp / "milvus.db")
        t = time.perf_counter()
        md = MilvusDense(uri, "tp", dimension=vecs.shape[1])
        md.add(keys, vecs, fields)
        ml = MilvusLexical(uri, "tp_lex")
        ml.add(keys, texts, fields)
        md.save(tmp)
        ml.save(tmp)
        milvus_write_s = time.perf_counter() - t
        log(f"write: FAISS+BM25 {faiss_write_s:.1f} s, Milvus dense+BM25 {milvus_write_s:.1f} s")

        # lexical: the same questions through both engines
        labels = [normalise_label(c.label or "") for _, c in pairs]
        res: dict[str, dict[str, Any]] = {}
        for name, search in (
            ("lawdocs BM25 (jieba)", lambda q: top10(lex.scores(q))),
            (
                "Milvus BM25 (jieba analyzer)",
                lambda q: [k for k, _ in ml.search(q, 10, Where(Filters(), None))],
            ),
        ):
            times, hits = [], []
            for q in queries:
                t = time.perf_counter()
                got = search(q["query"])
                times.append((time.perf_counter() - t) * 1000)
                gold = {normalise_label(g) for g in q["gold"]}
                hits.append(len(gold & {labels[r] for r in got}) / len(gold))
            res[name] = {
                "recall@10": float(np.mean(hits)),
                "p50_ms": percentile(times, 50),
                "p99_ms": percentile(times, 99),
            }
            log(f"{name}: {res[name]}")
        md.close()
        ml.close()

        ray_rows = []
        from lawdocs.scale.ray_ingest import ray_add

        for w in [int(x) for x in args.ray_workers.split(",") if x]:
            fresh = Index.create(tmp / f"ray{w}")
            t = time.perf_counter()
            got = ray_add(fresh, files, workers=w)
            wall = time.perf_counter() - t
            same = got.vectors.shape == vecs.shape and float(np.abs(got.vectors - vecs).max()) < 1e-3
            ray_rows.append({"workers": w, "wall_s": wall, "clauses_per_s": n / wall, "same_vectors": same})
            log(f"ray {w}: {ray_rows[-1]}")
        parse_rate, embed_rate = n / parse_s, n / embed_s
        cores = 2
        per_core = 1 / (1 / parse_rate + 1 / embed_rate) / cores  # parse + embed per clause, per core
        proj = {
            f"{m:,} clauses on {c}": m / (per_core * c) / 3600
            for m in (1_000_000, 10_000_000)
            for c in (8, 32, 128)
        }
        out.update(
            {
                "clauses": n,
                "documents": len(docs),
                "parse_s": parse_s,
                "embed_s": embed_s,
                "parse_clauses_per_s": parse_rate,
                "embed_clauses_per_s": embed_rate,
                "faiss_write_s": faiss_write_s,
                "milvus_write_s": milvus_write_s,
                "lexical": res,
                "ray": ray_rows,
                "per_core_clauses_per_s": per_core,
                "projected_hours": proj,
                "model": emb.name,
                "questions": len(queries),
            }
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    stage = md_table(
        ["stage", "seconds", "clauses/s"],
        [
            ["parse", out["parse_s"], out["parse_clauses_per_s"]],
            ["embed", out["embed_s"], out["embed_clauses_per_s"]],
            ["write FAISS + lawdocs BM25", out["faiss_write_s"], out["clauses"] / out["faiss_write_s"]],
            [
                "write Milvus dense + Milvus BM25 (milvus-lite)",
                out["milvus_write_s"],
                out["clauses"] / out["milvus_write_s"],
            ],
        ]
        + [
            [
                f"Ray, {r['workers']} worker(s), parse+embed (same vectors: {r['same_vectors']})",
                r["wall_s"],
                r["clauses_per_s"],
            ]
            for r in out["ray"]
        ],
    )
    lexical = md_table(
        ["lexical engine", "recall@10", "p50 ms", "p99 ms"],
        [[k, v["recall@10"], v["p50_ms"], v["p99_ms"]] for k, v in out["lexical"].items()],
    )
    proj = md_table(
        ["job (cores = 8-core machine or N one-core Ray workers)", "hours"],
        [[k + " cores", v] for k, v in out["projected_hours"].items()],
    )
    md = (
        f"Commit {out['commit']}. {out['documents']} STARD documents, {out['clauses']} clauses "
        f"({args.articles} articles requested), model {out['model']}; {out['questions']} STARD training "
        f"questions whose gold articles are all in the subset. Per-core rate (parse + embed, serial, "
        f"divided by the 2 cores of this shared machine): {out['per_core_clauses_per_s']:.1f} clauses/s; "
        "projections assume linear scaling per core (embedding dominates and is embarrassingly parallel).\n\n"
        f"{stage}\n\n{lexical}\n\n{proj}\n"
    )
    write_results(args.name, out, md)
    print(md)


if __name__ == "__main__":
    main()
