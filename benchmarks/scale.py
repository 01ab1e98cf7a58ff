"""Scale test: memory, open time, query latency (with and without filters) and ANN recall@10 against exact search,
for FAISS Flat, FAISS HNSW and Milvus (milvus-lite), on SYNTHETIC normalised vectors with real-looking metadata.

Embedding a million clauses would take hours here, so vectors are synthetic, made one of two ways:

- `--like-index DIR` (use this one): drawn from the spectrum of the real embeddings in an existing lawdocs index.
  Its vectors (`gen-NNNNNN/vectors.npy`, read only) give a mean and principal axes with their variances; each
  synthetic vector is mean + Gaussian coefficients with those variances along those axes + a little isotropic
  noise (`--noise`, a share of the total variance), normalised. Queries are fresh draws from the same distribution.
  Real embeddings are anisotropic (a few axes carry most of the variance), and HNSW's recall depends on that.
- without it (the default, kept for comparison with earlier runs): isotropic Gaussian cluster centres plus noise,
  normalised; queries are perturbed rows. In 384 dimensions this is much harder for HNSW than real embeddings
  (recall@10 0.67 at 50,000 rows against 0.988 on real STARD embeddings).

Metadata follows the shipped corpus' mix of document types, years, regions and issuers. Filtered queries restrict
to doc_type law and year >= 2015 (about 1 row in 27).

    nice -n 15 python -m benchmarks.scale --n 1000000 --like-index indexes/bundled   # the target
    nice -n 15 python -m benchmarks.scale --n 1000000 --like-index DIR --milvus-n 200000 --milvus-queries 20

Writes results/scale.json and .md (with commit, command and load).
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import git_commit as commit
from benchmarks.common import log, md_table, percentile, results_dir, write_results
from lawdocs.filters import Filters
from lawdocs.index.backend import RowFields, Where
from lawdocs.index.faiss_store import HNSW_EF_SEARCH

DOC_TYPES = [
    "law",
    "administrative_regulation",
    "local_regulation",
    "departmental_rule",
    "notice",
    "judicial_interpretation",
    "government_work_report",
]
TYPE_WEIGHTS = [0.12, 0.15, 0.2, 0.13, 0.3, 0.05, 0.05]
REGIONS = [
    "",
    "上海市",
    "北京市",
    "广东省广州市",
    "浙江省杭州市",
    "重庆市",
    "四川省成都市",
    "广东省潮州市湘桥区",
]
ISSUERS = [
    "国务院",
    "国务院办公厅",
    "全国人民代表大会常务委员会",
    "财政部",
    "上海市人民政府",
    "北京市人民政府",
]
FILTER = Filters(doc_type="law", year_from=2015)
# about 30 % of rows: past lawdocs' exact path, so the HNSW graph is walked under a selector
BROAD = Filters(doc_type="notice")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def synthetic(n: int, dim: int, seed: int = 13) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(16, n // 500), dim)).astype(np.float32)
    vecs = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 50_000):
        stop = min(n, start + 50_000)
        pick = rng.integers(0, len(centres), stop - start)
        block = centres[pick] + 0.5 * rng.standard_normal((stop - start, dim)).astype(np.float32)
        vecs[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return vecs, metadata(n, rng)


def index_vectors(folder: Path) -> tuple[np.ndarray, str]:
    """The vectors of a lawdocs index (its current generation's vectors.npy, memory-mapped, read only)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    path = folder / f"gen-{int(manifest['generation']):06d}" / "vectors.npy"
    if not path.exists():
        raise SystemExit(f"{path} not found: --like-index needs a lawdocs index on the FAISS backend")
    return np.load(path, mmap_mode="r", allow_pickle=False), str(manifest.get("model_name", "?"))


class Spectrum:
    """Mean and principal axes (with variances) of real embeddings, and Gaussian draws along them."""

    def __init__(self, real: np.ndarray, noise: float) -> None:
        x = np.asarray(real, dtype=np.float64)
        self.rows = len(x)
        self.mean = x.mean(axis=0)
        _, sv, axes = np.linalg.svd(x - self.mean, full_matrices=False)
        self.std = sv / np.sqrt(max(1, len(x) - 1))  # per axis
        self.axes = axes  # (components, dim), orthonormal rows
        total = float((self.std**2).sum())
        self.noise_std = float(np.sqrt(noise * total / x.shape[1]))
        self.explained = np.cumsum(self.std**2) / total

    def components_for(self, share: float) -> int:
        return int(np.searchsorted(self.explained, share) + 1)

    def draw(self, n: int, rng: np.random.Generator, chunk: int = 50_000) -> np.ndarray:
        dim = self.axes.shape[1]
        out = np.empty((n, dim), dtype=np.float32)
        axes = (self.std[:, None] * self.axes).astype(np.float32)
        mean = self.mean.astype(np.float32)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            z = rng.standard_normal((stop - start, len(self.std)), dtype=np.float32)
            block = (
                mean + z @ axes + self.noise_std * rng.standard_normal((stop - start, dim), dtype=np.float32)
            )
            out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
        return out


def metadata(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "doc_type": rng.choice(len(DOC_TYPES), n, p=TYPE_WEIGHTS),
        "year": rng.integers(1990, 2026, n),
        "region": rng.integers(0, len(REGIONS), n),
        "issuer": rng.integers(0, len(ISSUERS), n),
    }


def fields_of(i: int, meta: dict[str, np.ndarray]) -> RowFields:
    year = int(meta["year"][i])
    return RowFields(
        key=i,
        doc_id=f"doc{i // 40}",
        doc_type=DOC_TYPES[meta["doc_type"][i]],
        region=REGIONS[meta["region"][i]],
        issuers=ISSUERS[meta["issuer"][i]],
        year=year,
        date=f"{year}-06-01",
        status="",
        path="第一章 总则",
    )


def allowed_mask(meta: dict[str, np.ndarray]) -> np.ndarray:
    return (meta["doc_type"] == DOC_TYPES.index("law")) & (meta["year"] >= 2015)


def broad_mask(meta: dict[str, np.ndarray]) -> np.ndarray:
    return meta["doc_type"] == DOC_TYPES.index("notice")


def exact(vecs: np.ndarray, queries: np.ndarray, mask: np.ndarray | None, k: int = 10) -> np.ndarray:
    """Exact top k by inner product, over the rows `mask` allows (numpy, queries in blocks of 32)."""
    out = np.zeros((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 32):
        s = vecs @ queries[start : start + 32].T  # (n, block)
        if mask is not None:
            s[~mask] = -np.inf
        for j in range(s.shape[1]):
            col = s[:, j]
            top = np.argpartition(-col, k)[:k]
            out[start + j] = top[np.argsort(-col[top])]
    return out


def recall(got: list[list[int]], truth: np.ndarray) -> float:
    return float(np.mean([len(set(g) & set(t.tolist())) / len(t) for g, t in zip(got, truth, strict=True)]))


def timed(fn: Any, queries: np.ndarray) -> tuple[list[list[int]], list[float]]:
    fn(queries[0])  # warm
    results, times = [], []
    for q in queries:
        t = time.perf_counter()
        results.append(fn(q))
        times.append((time.perf_counter() - t) * 1000)
    return results, times


def bench_faiss(
    kind: str,
    vecs: np.ndarray,
    meta: dict[str, np.ndarray],
    queries: np.ndarray,
    truth: dict[str, np.ndarray],
    folder: Path,
    build_threads: int = 1,
) -> dict[str, Any]:
    """lawdocs' own FAISS store (`FaissDense`, its HNSW settings), saved and opened as an index does."""
    import faiss

    from lawdocs.index.faiss_store import EXACT_BELOW, FaissDense

    n, dim = vecs.shape
    faiss.omp_set_num_threads(build_threads)
    gen = folder / kind
    gen.mkdir()
    t = time.perf_counter()
    store = FaissDense(dim, "hnsw" if kind == "hnsw" else "flat")
    store.matrix, store.keys, store.alive = vecs, np.arange(n, dtype=np.int64), np.ones(n, dtype=bool)
    store.structure()  # the build (FaissDense.add would copy the matrix once per call)
    build = time.perf_counter() - t
    info = store.save(gen)
    del store
    gc.collect()
    faiss.omp_set_num_threads(1)  # one query at a time, as a server answers it (threads only contend here)
    before = rss_mb()
    t = time.perf_counter()
    store = FaissDense.open(gen, info, dim)  # vectors.npy read whole, dense.faiss (HNSW) read whole
    index = store.structure()  # Flat: built from the matrix on first search, counted in the open time
    open_s = time.perf_counter() - t
    rss = rss_mb() - before
    size = sum(p.stat().st_size for p in gen.iterdir())
    mask = allowed_mask(meta)
    allowed_keys = np.flatnonzero(mask).astype(np.int64)
    nothing = Where(Filters(), None)
    where = Where(FILTER, allowed_keys)

    def plain(q: np.ndarray) -> list[int]:
        return [k for k, _ in store.search(q, 10, nothing)]

    def filtered(q: np.ndarray) -> list[int]:  # lawdocs' path: exact over the allowed rows when few enough
        return [k for k, _ in store.search(q, 10, where)]

    got_p, t_p = timed(plain, queries)
    got_f, t_f = timed(filtered, queries)
    wide = broad_mask(meta)
    broad_where = Where(BROAD, np.flatnonzero(wide).astype(np.int64))
    got_b, t_b = timed(lambda q: [k for k, _ in store.search(q, 10, broad_where)], queries)
    extra: dict[str, Any] = {}
    if kind == "hnsw":
        ef = int(index.hnsw.efSearch)
        sel = faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))
        params = faiss.SearchParametersHNSW(sel=sel, efSearch=ef)

        def walk(q: np.ndarray) -> list[int]:  # the graph walked under a selector, what lawdocs avoids
            return index.search(q[None, :], 10, params=params)[1][0].tolist()

        got_w, t_w = timed(walk, queries)
        sweep = []  # recall and latency against efSearch (lawdocs uses HNSW_EF_SEARCH)
        for ef_try in (64, 128, 256, 512):
            index.hnsw.efSearch = ef_try
            got_e, t_e = timed(lambda q: index.search(q[None, :], 10)[1][0].tolist(), queries)
            sweep.append(
                {
                    "ef_search": ef_try,
                    "p50_ms": percentile(t_e, 50),
                    "recall@10": recall(got_e, truth["plain"]),
                }
            )
        index.hnsw.efSearch = ef
        extra = {
            "ef_sweep": sweep,
            "ef_search": ef,
            "graph_filtered_p50_ms": percentile(t_w, 50),
            "graph_filtered_p99_ms": percentile(t_w, 99),
            "graph_filtered_recall@10": recall(got_w, truth["filtered"]),
        }
    return {
        **extra,
        "build_threads": build_threads,
        "engine": f"FAISS {'HNSW' if kind == 'hnsw' else 'Flat'} (lawdocs FaissDense)",
        "n": n,
        "queries": len(queries),
        "build_s": build,
        "open_s": open_s,
        "open_mode": "np.load + read_index" if kind == "hnsw" else "np.load",
        "file_mb": size / 2**20,
        "rss_after_open_mb": rss,
        "p50_ms": percentile(t_p, 50),
        "p99_ms": percentile(t_p, 99),
        "filtered_p50_ms": percentile(t_f, 50),
        "filtered_p99_ms": percentile(t_f, 99),
        "recall@10": recall(got_p, truth["plain"]),
        "filtered_recall@10": recall(got_f, truth["filtered"]),
        "filtered_path": "exact over allowed rows" if int(mask.sum()) <= EXACT_BELOW else "graph + selector",
        "broad_share": float(wide.mean()),
        "broad_p50_ms": percentile(t_b, 50),
        "broad_p99_ms": percentile(t_b, 99),
        "broad_recall@10": recall(got_b, truth["broad"]),
        "broad_path": "exact over allowed rows"
        if kind == "flat" or int(wide.sum()) <= EXACT_BELOW
        else "graph + selector",
    }


def bench_milvus(
    vecs: np.ndarray,
    meta: dict[str, np.ndarray],
    queries: np.ndarray,
    truth: dict[str, np.ndarray],
    folder: Path,
    batch: int = 10_000,
) -> dict[str, Any]:
    """lawdocs' MilvusDense through pymilvus to milvus-lite (in this process), inserted `batch` rows at a time."""
    from milvus_lite.server_manager import server_manager_instance

    from lawdocs.index.milvus import MilvusDense

    uri = str(folder / "milvus.db")
    n, dim = vecs.shape
    before = rss_mb()
    t = time.perf_counter()
    store = MilvusDense(uri, "scale", dimension=dim)
    last = time.monotonic()
    for start in range(0, n, batch):
        stop = min(n, start + batch)
        store.add(np.arange(start, stop), vecs[start:stop], [fields_of(i, meta) for i in range(start, stop)])
        if time.monotonic() - last > 60 or stop == n:
            last = time.monotonic()
            log(f"milvus: inserted {stop:,} in {time.perf_counter() - t:.0f} s, RSS {rss_mb():.0f} MB")
    insert_s = time.perf_counter() - t
    info = store.save(folder)
    # milvus-lite builds segment indexes in a background thread; release + load builds the missing ones now
    store.client.release_collection(store.collection)
    store.client.load_collection(store.collection)
    store.search(queries[0], 10, Where(Filters(), None))
    build = time.perf_counter() - t
    log(f"milvus: inserted in {insert_s:.0f} s, indexed and searched in {build:.0f} s")
    store.close()
    del store
    server_manager_instance.release_server(uri)  # stop the in-process engine: the open below starts cold
    gc.collect()
    t = time.perf_counter()
    store = MilvusDense.open(folder, info, dim)  # a new engine: reads segments and their index files
    store.search(queries[0], 10, Where(Filters(), None))
    open_s = time.perf_counter() - t
    rss = rss_mb() - before
    size = (
        sum(p.stat().st_size for p in Path(uri).rglob("*") if p.is_file())
        if Path(uri).is_dir()
        else Path(uri).stat().st_size
    )

    def plain(q: np.ndarray) -> list[int]:
        return [k for k, _ in store.search(q, 10, Where(Filters(), None))]

    def filtered(q: np.ndarray) -> list[int]:
        return [k for k, _ in store.search(q, 10, Where(FILTER, None))]

    got_p, t_p = timed(plain, queries)
    got_f, t_f = timed(filtered, queries)
    store.close()
    server_manager_instance.release_server(uri)
    return {
        "engine": "Milvus HNSW (milvus-lite, lawdocs MilvusDense)",
        "n": n,
        "queries": len(queries),
        "insert_s": insert_s,
        "build_s": build,
        "open_s": open_s,
        "open_mode": "engine",
        "file_mb": size / 2**20,
        "rss_after_open_mb": rss,
        "p50_ms": percentile(t_p, 50),
        "p99_ms": percentile(t_p, 99),
        "filtered_p50_ms": percentile(t_f, 50),
        "filtered_p99_ms": percentile(t_f, 99),
        "recall@10": recall(got_p, truth["plain"]),
        "filtered_recall@10": recall(got_f, truth["filtered"]),
        "filtered_path": "Milvus boolean expression",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=384, help="without --like-index (else the index's dimension)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--engines", default="flat,hnsw,milvus")
    ap.add_argument("--name", default="scale")
    ap.add_argument(
        "--like-index", type=Path, help="draw vectors from the spectrum of this lawdocs index's vectors"
    )
    ap.add_argument("--noise", type=float, default=0.01, help="isotropic noise, share of the total variance")
    ap.add_argument("--build-threads", type=int, default=1, help="FAISS threads for building (queries use 1)")
    ap.add_argument(
        "--milvus-n", type=int, help="Milvus on the first N rows only (milvus-lite is slow to fill)"
    )
    ap.add_argument("--milvus-queries", type=int, help="Milvus answers only the first Q queries")
    ap.add_argument("--merge", action="store_true", help="keep other engines' rows from results/NAME.json")
    ap.add_argument("--milvus-batch", type=int, default=10_000, help="rows per insert call")
    args = ap.parse_args()
    if args.like_index:
        real, model = index_vectors(args.like_index)
        spectrum = Spectrum(real, args.noise)
        vecs = spectrum.draw(args.n, np.random.default_rng(13))
        meta = metadata(args.n, np.random.default_rng(14))
        queries = spectrum.draw(args.queries, np.random.default_rng(7))
        dim = vecs.shape[1]
        made = (
            f"{args.n:,} SYNTHETIC normalised {dim}-d vectors drawn from the spectrum of {spectrum.rows:,} real "
            f"clause embeddings ({args.like_index.name}, model {model}): mean + Gaussian coefficients with the "
            f"real variances along the real principal axes ({spectrum.components_for(0.5)} axes carry half the "
            f"variance, {spectrum.components_for(0.9)} carry 90%) + isotropic noise of {args.noise:g} of the total "
            f"variance, normalised; {args.queries} queries drawn the same way (not rows)"
        )
        generator = {
            "kind": "real-spectrum",
            "like_index": str(args.like_index),
            "model": model,
            "real_rows": spectrum.rows,
            "noise": args.noise,
            "axes_for_half_variance": spectrum.components_for(0.5),
            "axes_for_90pc_variance": spectrum.components_for(0.9),
        }
        del real
    else:
        vecs, meta = synthetic(args.n, args.dim)
        dim = args.dim
        rng = np.random.default_rng(7)
        qi = rng.choice(args.n, args.queries, replace=False)
        queries = vecs[qi] + 0.3 * rng.standard_normal((args.queries, dim)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        made = (
            f"{args.n:,} SYNTHETIC normalised {dim}-d vectors (isotropic Gaussian clusters, not like real "
            f"embeddings); {args.queries} queries (perturbed rows)"
        )
        generator = {"kind": "clustered-gaussian"}
    mask = allowed_mask(meta)
    log(f"{made}; {mask.mean():.3f} of rows pass the filter; exact search ...")
    truth = {"plain": exact(vecs, queries, None), "filtered": exact(vecs, queries, mask)}
    if {"flat", "hnsw"} & set(args.engines.split(",")):
        truth["broad"] = exact(vecs, queries, broad_mask(meta))
    rows: list[dict[str, Any]] = []
    engines = args.engines.split(",")
    if args.merge:  # keep the other engines' rows of an earlier run on the same vectors
        old = json.loads((results_dir() / f"{args.name}.json").read_text(encoding="utf-8"))
        if old.get("n") != args.n or old.get("generator") != generator:
            raise SystemExit("--merge: the earlier results were made on other vectors")
        rows = [r for r in old["rows"] if r.get("key") not in engines]

    def publish() -> str:
        headers = [
            "engine",
            "rows",
            "queries",
            "build s",
            "open s",
            "file MB",
            "RSS after open MB",
            "p50 ms",
            "p99 ms",
            "filtered p50 ms",
            "filtered p99 ms",
            "recall@10",
            "filtered recall@10",
            "filtered search",
        ]
        keys = [
            "engine",
            "n",
            "queries",
            "build_s",
            "open_s",
            "file_mb",
            "rss_after_open_mb",
            "p50_ms",
            "p99_ms",
            "filtered_p50_ms",
            "filtered_p99_ms",
            "recall@10",
            "filtered_recall@10",
            "filtered_path",
        ]
        table = md_table(headers, [[f"{r[k]:,}" if k == "n" else r[k] for k in keys] for r in rows])
        for r in rows:
            if "graph_filtered_p50_ms" in r:
                table += (
                    f"\n\nFAISS HNSW walking its graph under an ID selector instead (efSearch {r['ef_search']}, what "
                    f"lawdocs does only when more than 50,000 rows pass the filter): p50 "
                    f"{r['graph_filtered_p50_ms']:.2f} ms, p99 {r['graph_filtered_p99_ms']:.2f} ms, recall@10 "
                    f"{r['graph_filtered_recall@10']:.3f}."
                )
            if "broad_p50_ms" in r:
                table += (
                    f"\n\n{r['engine']} under a broad filter (doc_type=notice, {r['broad_share']:.3f} of rows; "
                    f"{r['broad_path']}): p50 {r['broad_p50_ms']:.2f} ms, p99 {r['broad_p99_ms']:.2f} ms, "
                    f"recall@10 {r['broad_recall@10']:.3f}."
                )
            if "ef_sweep" in r:
                table += (
                    "\n\nFAISS HNSW without a filter, against efSearch: "
                    + "; ".join(
                        f"{e['ef_search']}: recall@10 {e['recall@10']:.3f}, p50 {e['p50_ms']:.2f} ms"
                        for e in r["ef_sweep"]
                    )
                    + "."
                )
        note = (
            f"Commit {commit()}. {made}; metadata drawn to the shipped corpus' mix; filter doc_type=law and "
            f"year>=2015 ({mask.mean():.3f} of rows). Recall@10 against exact numpy search over the same rows. "
            "Latency is warm, one query at a time, on a shared 2-core machine (see load); `nice -n 15`. "
            "FAISS: lawdocs' own `FaissDense` built, saved and opened as an index does (open = np.load of "
            "vectors.npy + read of dense.faiss; Flat builds its IndexFlatIP from the matrix on open); HNSW M=32, "
            f"efConstruction=80, efSearch={HNSW_EF_SEARCH} (lawdocs' settings), built with the threads in the JSON's rows; a "
            "filter that leaves at most 50,000 rows is answered by exact inner products over them (lawdocs' path). "
            "Milvus: lawdocs' `MilvusDense` through pymilvus to milvus-lite (pure Python, in this process; its own "
            "defaults M=16, efConstruction=200 per segment of at most 100,000 rows: milvus-lite 3.2.2 ignores build "
            "parameters sent by pymilvus 3.0.2), ef=128; build s = insert + flush + building every segment's "
            "index (release + load) + first search; open s = a new engine (the first one stopped) reading the "
            "segments and their index files + first search. RSS after open counts what the process gained from "
            "before the store was made (Milvus: the engine's memory too, it runs in this process).\n"
        )
        write_results(
            args.name,
            {
                "commit": commit(),
                "n": args.n,
                "dim": dim,
                "synthetic": True,
                "generator": generator,
                "filter_fraction": float(mask.mean()),
                "rows": rows,
            },
            note
            + "".join(
                f"Row {r['engine']} measured at commit {r['commit']}.\n"
                for r in rows
                if r["commit"] != commit()
            )
            + "\n"
            + table,
        )
        return table

    folder = Path(tempfile.mkdtemp(prefix="lawdocs-scale-"))
    try:
        for engine in engines:
            log(f"{engine} ...")
            if engine == "milvus":
                m = min(args.n, args.milvus_n or args.n)
                q = min(args.queries, args.milvus_queries or args.queries)
                sub = {k: v[:m] for k, v in meta.items()}
                mtruth = (
                    {"plain": truth["plain"][:q], "filtered": truth["filtered"][:q]}
                    if m == args.n
                    else {
                        "plain": exact(vecs[:m], queries[:q], None),
                        "filtered": exact(vecs[:m], queries[:q], allowed_mask(sub)),
                    }
                )
                row = bench_milvus(vecs[:m], sub, queries[:q], mtruth, folder, args.milvus_batch)
            else:
                row = bench_faiss(engine, vecs, meta, queries, truth, folder, args.build_threads)
            rows = [r for r in rows if r.get("key") != engine] + [{"key": engine, "commit": commit(), **row}]
            rows.sort(key=lambda r: ["flat", "hnsw", "milvus"].index(r["key"]))
            log(str(rows[-1]))
            table = publish()  # after every engine, so a run stopped later keeps what it measured
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(table)


if __name__ == "__main__":
    main()
