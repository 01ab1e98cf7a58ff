"""Scale test: memory, open time, query latency (with and without filters) and ANN recall@10 against exact search,
for FAISS Flat, FAISS HNSW and Milvus (milvus-lite, or a Milvus server with `--milvus-uri`), on SYNTHETIC normalised
vectors with real-looking metadata.

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
    nice -n 10 python -m benchmarks.scale --n 1000000 --like-index DIR --engines milvus \
        --milvus-uri http://127.0.0.1:19530 --name scale_milvus_server   # a Milvus server instead of milvus-lite

`benchmarks/milvus_server.py` starts the server the README's server row was measured on (1 GB segments, no
automatic compaction). With `--milvus-uri` the Milvus engine is that server: lawdocs' `MilvusDense` makes a fresh
collection with a unique name there, fills, saves and opens it as an index does, and drops it at the end. When the server runs on this
machine its process (found by the port it listens on) gives the RSS, and its local storage the size on disk.

Writes results/scale.json and .md (with commit, command and load).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from benchmarks.common import git_commit as commit
from benchmarks.common import log, md_table, percentile, results_dir, write_results
from benchmarks.milvus_server import SETTINGS
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
        else "unfiltered walk, allowed rows kept (efSearch 512 / share; a walk under a selector if too few)",
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


def server_pid(uri: str) -> int | None:
    """The process on this machine listening on the URI's port (None: a remote server, or not visible here)."""
    parsed = urlparse(uri)
    if parsed.hostname not in ("127.0.0.1", "localhost", "0.0.0.0", "::1") or not parsed.port:
        return None
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == parsed.port:  # 0A: LISTEN
                    inodes.add(f"socket:[{cols[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return int(proc.name)
    return None


def pid_rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def server_config(pid: int | None) -> Path | None:
    """The configuration file of a Milvus started by the PyPI `milvus` package (BASE/bin/milvus, BASE/configs/milvus.yaml)."""
    if pid is None:
        return None
    with contextlib.suppress(OSError):
        return Path(os.readlink(f"/proc/{pid}/exe")).parent.parent / "configs" / "milvus.yaml"
    return None


def server_storage(pid: int | None) -> Path | None:
    """The local storage that server's configuration names."""
    config = server_config(pid)
    if config is None:
        return None
    with contextlib.suppress(OSError):
        found = re.search(r"^localStorage:\s*\n\s+path:\s*(\S+)", config.read_text(), re.M)
        if found and Path(found.group(1)).is_dir():
            return Path(found.group(1))
    return None


SERVER_SETTINGS = tuple(SETTINGS)  # recorded from the server's configuration file


def server_settings(pid: int | None) -> dict[str, str]:
    """The values of SERVER_SETTINGS in that server's configuration file."""
    config = server_config(pid)
    if config is None:
        return {}
    with contextlib.suppress(OSError):
        return settings_in(config.read_text())
    return {}


def settings_in(yaml_text: str, wanted: tuple[str, ...] = SERVER_SETTINGS) -> dict[str, str]:
    """The `wanted` dotted keys of a Milvus YAML configuration (two-space indents), as written."""
    out: dict[str, str] = {}
    path: list[str] = []
    for line in yaml_text.splitlines():
        found = re.match(r"^( *)([A-Za-z0-9_]+):\s*([^#]*)", line)
        if not found:
            continue
        path = path[: len(found.group(1)) // 2] + [found.group(2)]
        key = ".".join(path)
        if key in wanted:
            out[key] = found.group(3).strip()
    return out


def threads_cpu(pid: int | None) -> dict[int, tuple[str, int, float]]:
    """The server's threads: id -> (name, niceness, CPU seconds so far)."""
    out: dict[int, tuple[str, int, float]] = {}
    if pid is None:
        return out
    tick = os.sysconf("SC_CLK_TCK")
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (task / "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
                out[int(task.name)] = (
                    (task / "comm").read_text().strip(),
                    int(fields[16]),
                    (int(fields[11]) + int(fields[12])) / tick,
                )
    return out


def cpu_since(
    before: dict[int, tuple[str, int, float]], after: dict[int, tuple[str, int, float]], prefix: str = ""
) -> float:
    """CPU seconds the threads (named with `prefix`) used between two `threads_cpu` snapshots."""
    return sum(
        cpu - (before[tid][2] if tid in before and before[tid][0] == name else 0.0)
        for tid, (name, _, cpu) in after.items()
        if name.startswith(prefix)
    )


def tree_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20 if folder.is_dir() else 0.0


def bench_milvus_server(
    uri: str,
    vecs: np.ndarray,
    meta: dict[str, np.ndarray],
    queries: np.ndarray,
    truth: dict[str, np.ndarray],
    folder: Path,
    batch: int = 10_000,
    max_rss_mb: float = 12_000,
) -> dict[str, Any]:
    """lawdocs' MilvusDense through pymilvus to a Milvus server, in a fresh collection dropped at the end."""
    from pymilvus import MilvusClient

    from lawdocs.index.milvus import MilvusDense

    n, dim = vecs.shape
    admin = MilvusClient(uri=uri)
    version = str(admin.get_server_version())
    pid = server_pid(uri)
    storage = server_storage(pid)
    name = f"lawdocs_scale_{uuid.uuid4().hex[:12]}"
    index_dir = storage / "index_files" if storage else None  # made by the server at its first index build
    index_files_before = {p.name for p in index_dir.iterdir()} if index_dir and index_dir.is_dir() else set()
    peak = server_before = pid_rss_mb(pid)
    cpu_before = threads_cpu(pid)
    log(
        f"milvus server {version} at {uri}, pid {pid}, RSS {server_before} MB, storage {storage}; collection {name}"
    )

    def watch(what: str) -> float | None:
        nonlocal peak
        now = pid_rss_mb(pid)
        if now is not None:
            peak = max(peak or 0.0, now)
            if now > max_rss_mb:
                raise SystemExit(
                    f"milvus: the server's RSS reached {now:.0f} MB while {what}, over {max_rss_mb:.0f}"
                )
        return now

    before = rss_mb()
    store: MilvusDense | None = None
    try:
        t = time.perf_counter()
        store = MilvusDense(uri, name, dimension=dim)  # lawdocs' defaults: HNSW, its M, efConstruction and ef
        last = time.monotonic()
        for start in range(0, n, batch):
            stop = min(n, start + batch)
            store.add(
                np.arange(start, stop), vecs[start:stop], [fields_of(i, meta) for i in range(start, stop)]
            )
            server_now = watch("inserting")
            if time.monotonic() - last > 60 or stop == n:
                last = time.monotonic()
                log(
                    f"milvus: inserted {stop:,} in {time.perf_counter() - t:.0f} s, "
                    f"server RSS {server_now} MB, this process {rss_mb():.0f} MB"
                )
        insert_s = time.perf_counter() - t
        info = store.save(folder)  # flush: every row in a sealed segment, whose index the server then builds
        flushed_s = time.perf_counter() - t
        index_name = store.client.list_indexes(name)[0]
        last = 0.0
        while True:  # the index node builds each sealed segment's HNSW in the background
            desc = store.client.describe_index(name, index_name)
            server_now = watch("indexing")
            done = int(desc.get("indexed_rows", 0)) >= n and int(desc.get("pending_index_rows", 0)) == 0
            if done or time.monotonic() - last > 60:
                last = time.monotonic()
                log(
                    f"milvus: index {desc.get('state')}, {desc.get('indexed_rows')} of {desc.get('total_rows')} rows "
                    f"indexed ({desc.get('pending_index_rows')} pending) at {time.perf_counter() - t:.0f} s, "
                    f"server RSS {server_now} MB"
                )
            if done:
                break
            time.sleep(2)
        indexed_s = time.perf_counter() - t
        cpu_indexed = threads_cpu(pid)
        # searches so far may have met growing segments (interim index); release + load serves the built indexes
        store.client.release_collection(name)
        store.client.load_collection(name)
        store.search(queries[0], 10, Where(Filters(), None))
        build = time.perf_counter() - t
        built_with = {
            k: v for k, v in desc.items() if k in ("index_type", "metric_type", "M", "efConstruction")
        }
        log(
            f"milvus: inserted in {insert_s:.0f} s, flushed at {flushed_s:.0f} s, indexed at {indexed_s:.0f} s, "
            f"loaded and searched at {build:.0f} s; the server reports {built_with}"
        )
        store.close()
        store = None
        admin.release_collection(name)  # the open below loads the collection from the server's storage again
        gc.collect()
        watch("released")
        t = time.perf_counter()
        store = MilvusDense.open(folder, info, dim)  # load_collection, drop rows past max_key, flush, count
        store.search(queries[0], 10, Where(Filters(), None))
        open_s = time.perf_counter() - t
        server_after = watch("opening")
        client_gain = rss_mb() - before
        segments = admin.list_loaded_segments(name)
        collection_id = admin.describe_collection(name).get("collection_id")
        size = None
        if storage is not None:
            size = sum(
                tree_mb(storage / part / str(collection_id))
                for part in ("insert_log", "stats_log", "delta_log")
            )
            if index_dir is not None and index_dir.is_dir():
                size += sum(tree_mb(p) for p in index_dir.iterdir() if p.name not in index_files_before)

        def plain(q: np.ndarray) -> list[int]:
            return [k for k, _ in store.search(q, 10, Where(Filters(), None))]

        # the keys the row table allows, as Index.search passes them: MilvusDense widens ef by 1 / their share
        narrow_where = Where(FILTER, np.flatnonzero(allowed_mask(meta)).astype(np.int64))
        broad_where = Where(BROAD, np.flatnonzero(broad_mask(meta)).astype(np.int64))

        def filtered(q: np.ndarray) -> list[int]:
            return [k for k, _ in store.search(q, 10, narrow_where)]

        def broad(q: np.ndarray) -> list[int]:
            return [k for k, _ in store.search(q, 10, broad_where)]

        got_p, t_p = timed(plain, queries)
        got_f, t_f = timed(filtered, queries)
        got_b, t_b = timed(broad, queries)
        watch("searching")
        ef = int(store.params["ef"])
        sweep = []  # recall and latency without a filter against ef (lawdocs uses 128)
        for ef_try in (64, 128, 256, 512, 1024):
            store.params["ef"] = ef_try
            got_e, t_e = timed(plain, queries)
            sweep.append(
                {
                    "ef_search": ef_try,
                    "p50_ms": percentile(t_e, 50),
                    "recall@10": recall(got_e, truth["plain"]),
                }
            )
        store.params["ef"] = ef
        from lawdocs.index.milvus_expr import filters_to_expr

        def raw(expr: str, ef_try: int) -> Any:  # one search at a fixed ef, without lawdocs' widening
            def run(q: np.ndarray) -> list[int]:
                res = store.client.search(
                    name,
                    data=[q.tolist()],
                    anns_field="vector",
                    filter=expr,
                    limit=10,
                    search_params={"metric_type": "IP", "params": {"ef": ef_try}},
                    output_fields=["key"],
                )
                return [int(h["key"]) for h in res[0]]

            return run

        expr = filters_to_expr(FILTER)
        narrow = raw(expr, ef)
        filter_sweep = []  # recall and latency under each filter against ef, on the first 50 queries
        for label, f, key in (("narrow", FILTER, "filtered"), ("broad", BROAD, "broad")):
            for ef_try in (128, 256, 512, 1024, 2048, 4096):
                got_s, t_s = timed(raw(filters_to_expr(f), ef_try), queries[:50])
                filter_sweep.append(
                    {
                        "filter": label,
                        "ef_search": ef_try,
                        "p50_ms": percentile(t_s, 50),
                        "recall@10": recall(got_s, truth[key][:50]),
                    }
                )
        got_n, t_n = timed(narrow, queries)
        server_end = watch("searching")
    finally:
        if store is not None:
            store.close()
        with contextlib.suppress(Exception):
            admin.drop_collection(name)
            log(f"milvus: dropped {name}")
        admin.close()
    params = dict(info["params"])
    return {
        "engine": (
            # the PyPI `milvus` package's server calls itself "v2.3.5-lite"; it is not milvus-lite
            f"Milvus {version.lstrip('v').removesuffix('-lite')} standalone server (embedded, PyPI `milvus`; "
            f"reports {version}), lawdocs MilvusDense, HNSW M={built_with.get('M', params['M'])}, "
            f"efConstruction={built_with.get('efConstruction', params['efConstruction'])}, ef={params['ef']}"
        ),
        "server_version": version,
        "server_settings": server_settings(pid),  # what benchmarks/milvus_server.py sets (segments, compaction)
        "uri": uri,
        "index_params_sent": params,
        "index_params_reported": built_with,
        "n": n,
        "queries": len(queries),
        "insert_s": insert_s,
        "flushed_s": flushed_s,
        "indexed_s": indexed_s,
        "build_s": build,
        "open_s": open_s,
        "open_mode": "release, then MilvusDense.open (load_collection from the server's storage) + first search",
        "file_mb": size,
        "rss_after_open_mb": None if server_after is None else server_after - server_before + client_gain,
        # Milvus 2.3 runs its Knowhere build and search threads at niceness 19: on a shared machine they wait
        "knowhere_thread_niceness": sorted(
            {f"{name}: {nice}" for name, nice, _ in cpu_indexed.values() if name.startswith("Knowhere")}
        ),
        "server_cpu_s_to_indexed": cpu_since(cpu_before, cpu_indexed) if pid else None,
        "knowhere_build_cpu_s": cpu_since(cpu_before, cpu_indexed, "Knowhere_Build") if pid else None,
        "server_rss_before_mb": server_before,
        "server_rss_after_open_mb": server_after,
        "server_rss_peak_mb": peak,
        "server_rss_at_end_mb": server_end,
        "client_rss_gain_mb": client_gain,
        "loaded_segments": len(segments),
        "loaded_segment_rows": sorted(int(s.num_rows) for s in segments),
        "p50_ms": percentile(t_p, 50),
        "p99_ms": percentile(t_p, 99),
        "filtered_p50_ms": percentile(t_f, 50),
        "filtered_p99_ms": percentile(t_f, 99),
        "recall@10": recall(got_p, truth["plain"]),
        "filtered_recall@10": recall(got_f, truth["filtered"]),
        "filtered_path": f"Milvus boolean expression, ef {ef} / share of rows passing (at most 4096)",
        "filter_ef_sweep": filter_sweep,
        "broad_share": float(broad_mask(meta).mean()),
        "broad_p50_ms": percentile(t_b, 50),
        "broad_p99_ms": percentile(t_b, 99),
        "broad_recall@10": recall(got_b, truth["broad"]),
        "broad_path": f"Milvus boolean expression, ef {ef} / share of rows passing",
        "ef_search": ef,
        "ef_sweep": sweep,
        "narrow_filtered_p50_ms": percentile(t_n, 50),
        "narrow_filtered_p99_ms": percentile(t_n, 99),
        "narrow_filtered_recall@10": recall(got_n, truth["filtered"]),
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
    ap.add_argument(
        "--milvus-uri", help="a Milvus server (http://host:port) for the Milvus engine instead of milvus-lite"
    )
    ap.add_argument(
        "--milvus-max-rss-mb", type=float, default=12_000, help="stop when the local server's RSS passes this"
    )
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
    if {"flat", "hnsw"} & set(args.engines.split(",")) or args.milvus_uri:
        truth["broad"] = exact(vecs, queries, broad_mask(meta))
    rows: list[dict[str, Any]] = []
    engines = args.engines.split(",")
    milvus_key = "milvus-server" if args.milvus_uri else "milvus"  # its own row: lite and server side by side
    keys = [milvus_key if e == "milvus" else e for e in engines]
    order = ["flat", "hnsw", "milvus", "milvus-server"]
    if args.merge:  # keep the other engines' rows of an earlier run on the same vectors
        old = json.loads((results_dir() / f"{args.name}.json").read_text(encoding="utf-8"))
        if old.get("n") != args.n or old.get("generator") != generator:
            raise SystemExit("--merge: the earlier results were made on other vectors")
        rows = [r for r in old["rows"] if r.get("key") not in keys]

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
            if "narrow_filtered_p50_ms" in r:
                table += (
                    f"\n\n{r['engine']}, the same filter at ef {r['ef_search']} (one search, without lawdocs' widening): "
                    f"p50 {r['narrow_filtered_p50_ms']:.2f} ms, p99 {r['narrow_filtered_p99_ms']:.2f} ms, "
                    f"recall@10 {r['narrow_filtered_recall@10']:.3f}."
                )
            if "filter_ef_sweep" in r:
                table += (
                    f"\n\n{r['engine']} under each filter against ef (one search, first 50 queries): "
                    + "; ".join(
                        f"{e['filter']} ef {e['ef_search']}: recall@10 {e['recall@10']:.3f}, p50 {e['p50_ms']:.2f} ms"
                        for e in r["filter_ef_sweep"]
                    )
                    + "."
                )
            if "ef_sweep" in r:
                table += (
                    f"\n\n{'FAISS HNSW' if r['key'] == 'hnsw' else r['engine']} without a filter, against "
                    f"{'efSearch' if r['key'] == 'hnsw' else 'ef'}: "
                    + "; ".join(
                        f"{e['ef_search']}: recall@10 {e['recall@10']:.3f}, p50 {e['p50_ms']:.2f} ms"
                        for e in r["ef_sweep"]
                    )
                    + "."
                )
        present = {r["key"] for r in rows}
        note = (
            f"Commit {commit()}. {made}; metadata drawn to the shipped corpus' mix; filter doc_type=law and "
            f"year>=2015 ({mask.mean():.3f} of rows). Recall@10 against exact numpy search over the same rows. "
            "Latency is warm, one query at a time, on a shared 2-core machine (see load); "
            f"niceness {os.nice(0)}. "
        )
        if present & {"flat", "hnsw"}:
            note += (
                "FAISS: lawdocs' own `FaissDense` built, saved and opened as an index does (open = np.load of "
                "vectors.npy + read of dense.faiss; Flat builds its IndexFlatIP from the matrix on open); HNSW M=32, "
                f"efConstruction=80, efSearch={HNSW_EF_SEARCH} (lawdocs' settings), built with the threads in the JSON's rows; a "
                "filter that leaves at most 50,000 rows is answered by exact inner products over them (lawdocs' path). "
            )
        if "milvus" in present:
            note += (
                "Milvus: lawdocs' `MilvusDense` through pymilvus to milvus-lite (pure Python, in this process; its own "
                "defaults M=16, efConstruction=200 per segment of at most 100,000 rows: milvus-lite 3.2.2 ignores build "
                "parameters sent by pymilvus 3.0.2), ef=128; build s = insert + flush + building every segment's "
                "index (release + load) + first search; open s = a new engine (the first one stopped) reading the "
                "segments and their index files + first search. RSS after open counts what the process gained from "
                "before the store was made (Milvus: the engine's memory too, it runs in this process). "
            )
        if "milvus-server" in present:
            note += (
                "Milvus server: lawdocs' `MilvusDense` (its defaults: HNSW, IP, M=32, efConstruction=200 sent as "
                "build parameters, ef=128) through pymilvus to a Milvus server in another process, in a fresh "
                "collection dropped afterwards; the row names the server version and the build parameters the "
                "server reports for the index. Rows are inserted in batches of `--milvus-batch` (MilvusDense sends "
                "2,000 per insert call). build s = insert + save (flush) + waiting until the server reports every "
                "row indexed + release and load + first search; open s = the collection released, then "
                "`MilvusDense.open` (load_collection from the server's local storage, the delete of rows past the "
                "saved key, flush, count) + first search; the server process is not restarted, so the OS page "
                "cache may hold its files. A filtered search is one Milvus search with the boolean expression, "
                "its ef widened by MilvusDense to 128 / the share of rows passing (at most 4096). RSS after open = "
                "the server process' RSS gain since before the "
                "collection was made + this process' gain (both separately in the JSON, with the server's peak); "
                "file MB = the collection's insert, stats and delta logs + the index files made during the run in "
                "the server's local storage (segments compacted away but not yet garbage collected count too). "
                "Milvus 2.3 runs its Knowhere index-build and search threads at niceness 19 (listed in the JSON), so "
                "on a shared machine they yield to every other job; the JSON gives the server's CPU seconds, and "
                "those of its Knowhere build threads, from before the collection was made until every row was "
                "indexed. "
            )
        note += "\n"
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
            key = milvus_key if engine == "milvus" else engine
            if engine == "milvus":
                m = min(args.n, args.milvus_n or args.n)
                q = min(args.queries, args.milvus_queries or args.queries)
                sub = {k: v[:m] for k, v in meta.items()}
                mtruth = (
                    {k: v[:q] for k, v in truth.items()}
                    if m == args.n
                    else {
                        "plain": exact(vecs[:m], queries[:q], None),
                        "filtered": exact(vecs[:m], queries[:q], allowed_mask(sub)),
                        "broad": exact(vecs[:m], queries[:q], broad_mask(sub)),
                    }
                )
                if args.milvus_uri:
                    row = bench_milvus_server(
                        args.milvus_uri,
                        vecs[:m],
                        sub,
                        queries[:q],
                        mtruth,
                        folder,
                        args.milvus_batch,
                        args.milvus_max_rss_mb,
                    )
                else:
                    row = bench_milvus(vecs[:m], sub, queries[:q], mtruth, folder, args.milvus_batch)
            else:
                row = bench_faiss(engine, vecs, meta, queries, truth, folder, args.build_threads)
            rows = [r for r in rows if r.get("key") != key] + [{"key": key, "commit": commit(), **row}]
            rows.sort(key=lambda r: order.index(r["key"]))
            log(str(rows[-1]))
            table = publish()  # after every engine, so a run stopped later keeps what it measured
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(table)


if __name__ == "__main__":
    main()
