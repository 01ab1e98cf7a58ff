"""Helpers shared by the benchmark scripts: machine facts, result files, tables, splits, progress.

The benchmarks run outside CI (they embed tens of thousands of clauses with the real model). Each script
writes `benchmarks/results/<name>.json` and `<name>.md`, both naming the command that produced them.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shlex
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from lawdocs.evaluate import Query, score
from lawdocs.index import Index, passage_text
from lawdocs.index.backend import top_k
from lawdocs.index.lexical import LexicalIndex
from lawdocs.models import Hit
from lawdocs.search import FusionConfig, fuse, hit
from lawdocs.text import Tokenizer

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CACHE = HERE / "cache"  # git-ignored
SHARED = HERE.parent.parent / "shared"
STARD = SHARED / "bench" / "stard"
REPORTS_BENCH = SHARED / "bench" / "reports"
REPORTS = HERE.parent / "corpora" / "reports"  # shipped with the project

# Reference points from shared/bench/README.md (BM25 over jieba tokens, their dev split of 308 questions).
BM25_REFERENCE = {"recall@10": 0.414, "recall@100": 0.611, "mrr@10": 0.344}
BM25_BIGRAM_REFERENCE = {"recall@10": 0.411, "recall@100": 0.642}

METRICS = ["recall@1", "recall@5", "recall@10", "recall@20", "recall@100", "mrr@10", "ndcg@10"]
SCHEMES: list[Tokenizer] = ["jieba", "bigram", "jieba+bigram"]
DEPTH = 100  # candidates per retriever, as Index.search (FusionConfig.candidates)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


START_LOAD = [round(x, 2) for x in os.getloadavg()]  # when the script started: the machine is shared


def command_line() -> str:
    """The command as it can be typed again from the repository root (`python -m benchmarks.NAME ...`)."""
    script = Path(sys.argv[0])
    head = ["python", "-m", f"benchmarks.{script.stem}"] if script.suffix == ".py" else ["python", *sys.argv[:1]]
    return " ".join(shlex.quote(a) for a in [*head, *sys.argv[1:]])


def git_commit() -> str:
    """The commit the benchmark ran at, with "+dirty" when the work tree had uncommitted changes."""
    import subprocess

    root = HERE.parent
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "src", "benchmarks",
             ":(exclude)benchmarks/results"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")


START_COMMIT = git_commit()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    try:
        from importlib.metadata import version

        lawdocs_version = version("lawdocs")
    except Exception:
        lawdocs_version = "unknown"
    now = git_commit()
    return {
        "commit": START_COMMIT,  # the code the benchmark ran: HEAD when it started
        **({"commit_at_end": now} if now != START_COMMIT else {}),  # HEAD moved while it ran
        "nproc": cores,
        "cpu": cpu_model(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "load_average_at_start": START_LOAD,
        "python": platform.python_version(),
        "lawdocs": lawdocs_version,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):  # metrics keep 3 decimals; times, sizes and rates fewer
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}"
        return "–" if v is None else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def results_dir() -> Path:
    """benchmarks/results, or $LAWDOCS_BENCH_RESULTS (the CI smoke run writes there, not over the results)."""
    return Path(os.environ.get("LAWDOCS_BENCH_RESULTS") or RESULTS)


def write_results(name: str, data: dict[str, Any], markdown: str) -> tuple[Path, Path]:
    """results/<name>.json and .md, each with the commit, the command line and machine facts."""
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    info = {"command": command_line(), "machine": machine()}
    json_path = out / f"{name}.json"
    md_path = out / f"{name}.md"
    json_path.write_text(json.dumps({**info, **data}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    m = info["machine"]
    head = (
        f"Command: `{info['command']}` at commit {m['commit']}\n\n"
        f"Machine: {m['nproc']} cores, {m['cpu']}, load average {m['load_average_at_start']} at the start, "
        f"{m['load_average']} at the end, "
        f"Python {m['python']}, lawdocs {m['lawdocs']}, {m['date']}\n\n"
    )
    md_path.write_text(head + markdown.rstrip() + "\n", encoding="utf-8")
    return json_path, md_path


def split(items: Sequence[Any], *, seed: int = 13, held: float = 0.2) -> tuple[list[int], list[int]]:
    """A fixed, seeded split of positions: (tune, held_back)."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    cut = int(round(len(order) * held))
    held_back = sorted(order[:cut])
    return sorted(order[cut:]), held_back


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


class ProgressEmbedder:
    """Wraps an embedder and prints how many passages it has encoded, and how fast (stderr)."""

    def __init__(self, inner: Any, total: int | None = None, every: float = 30.0) -> None:
        self._inner = inner
        self.total = total
        self.done = 0
        self.seconds = 0.0
        self._every = every
        self._last = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.encode_queries(texts)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        out = []
        step = max(batch_size * 32, 2048)
        for start in range(0, len(texts), step):
            t0 = time.perf_counter()
            out.append(self._inner.encode_passages(texts[start : start + step], batch_size=batch_size))
            self.seconds += time.perf_counter() - t0
            self.done += len(texts[start : start + step])
            now = time.monotonic()
            if now - self._last >= self._every:
                self._last = now
                of = f"/{self.total}" if self.total else ""
                rate = self.done / self.seconds if self.seconds else 0.0
                print(f"  embedded {self.done}{of} passages, {rate:.1f}/s", file=sys.stderr, flush=True)
        if not out:
            return self._inner.encode_passages(texts, batch_size=batch_size)
        return np.concatenate(out)


def get_embedder(model: str | None, backend: str = "auto") -> Any:
    """The default model (None), a model name or folder, or "hash-256" (a fake, for dry runs of the script).

    `backend`: "auto" (int8 ONNX when exported), "torch" (fp32) or "onnx", as `load_embedder`.
    """
    from lawdocs.embed import embedder_for, load_embedder

    if model and model.startswith("hash-"):
        return embedder_for(model)
    return load_embedder(model, backend=backend)  # type: ignore[arg-type]


# -- candidates, fusion, scoring --------------------------------------------------------------------
def library_rankings(ix: Index, queries: Sequence[Query], **options: Any) -> list[list[Hit]]:
    """What the library itself returns: `Index.search` for every question (top DEPTH)."""
    return [ix.search(q.query, k=DEPTH, **options) for q in queries]


class Runs:
    """Per question: the index's dense and (per scheme) lexical top-DEPTH candidates, computed once through
    its public candidate calls and fused many times with `lawdocs.search.fuse`, for sweeps over fusion
    settings; `library_rankings` is what `Index.search` gives."""

    def __init__(self, ix: Index, queries: list[Query]) -> None:
        self.ix = ix
        self.queries = queries
        self.mask = ix.rows_matching(None)
        self.dense: list[list[tuple[int, float]]] = []
        self.lexical: dict[str, list[list[tuple[int, float]]]] = {}
        self._hits: dict[int, Hit] = {}
        start = time.perf_counter()
        for q in queries:
            self.dense.append(ix.dense_candidates(q.query, self.mask, DEPTH))
        self.dense_seconds = time.perf_counter() - start
        self.lexical_seconds: dict[str, float] = {}

    def add_scheme(self, scheme: Tokenizer) -> None:
        ix = self.ix
        start = time.perf_counter()
        rows = []
        if scheme == getattr(ix.text, "scheme", None):
            rows = [ix.lexical_candidates(q.query, self.mask, DEPTH) for q in self.queries]
        else:
            log(f"building a {scheme} BM25 index over {len(ix.clauses)} clause texts")
            lex = LexicalIndex(scheme=scheme)
            lex.add([passage_text(ix.documents[c.doc_id], c) for c in ix.clauses])
            start = time.perf_counter()
            for q in self.queries:
                scores = lex.scores(q.query)
                best = top_k(scores, DEPTH, self.mask & (scores > 0))
                rows.append([(int(r), float(scores[r])) for r in best])
        self.lexical_seconds[scheme] = time.perf_counter() - start
        self.lexical[scheme] = rows

    def hit(self, row: int) -> Hit:
        if row not in self._hits:
            self._hits[row] = hit(self.ix, 0, row, 0.0, {})
        return self._hits[row]

    def rankings(
        self, kind: str, scheme: str = "jieba", fusion: FusionConfig | None = None
    ) -> list[list[Hit]]:
        out = []
        for i in range(len(self.queries)):
            if kind == "dense":
                ranked = self.dense[i]
            elif kind == "lexical":
                ranked = self.lexical[scheme][i]
            else:
                ranked = fuse(self.dense[i], self.lexical[scheme][i], fusion or FusionConfig())[:DEPTH]
            out.append([self.hit(r) for r, _ in ranked])
        return out


def evaluate_parts(
    queries: list[Query], rankings: list[list[Hit]], parts: dict[str, list[int]]
) -> dict[str, dict[str, float]]:
    return {
        name: score([queries[i] for i in idx], [rankings[i] for i in idx], k=DEPTH).metrics
        for name, idx in parts.items()
    }


def fusion_grid() -> list[FusionConfig]:
    grid = []
    for rrf_k in (10, 60):
        for lw in (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0):
            grid.append(FusionConfig(method="rrf", rrf_k=rrf_k, dense_weight=1.0, lexical_weight=lw))
    for lw in (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0):
        grid.append(FusionConfig(method="weighted", dense_weight=1.0, lexical_weight=lw))
    return grid


def describe(cfg: FusionConfig) -> str:
    if cfg.method == "rrf":
        return f"rrf k={cfg.rrf_k} dense {cfg.dense_weight:g} lexical {cfg.lexical_weight:g}"
    return f"weighted dense {cfg.dense_weight:g} lexical {cfg.lexical_weight:g}"
