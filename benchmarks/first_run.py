"""Where a new user's first run spends its time: `lawdocs index corpora`, then the README's search.

A fresh model home (`$LAWDOCS_HOME` in a temporary folder, so both models are built as on a new machine) and a
fresh index. The work is done in this process with the library calls `lawdocs index` makes, each step timed:
building the base model, building the legal model, loading + parsing the bundled corpus, embedding the clauses
(the embedder is wrapped to time its calls), the rest of indexing (BM25, rows), saving; then the README's
search is run as the user runs it, `lawdocs search ... --index DIR` in a new process (its time includes
Python start-up and loading the model).

    python -m benchmarks.first_run [--name first_run] [--corpus corpora]

Writes benchmarks/results/<name>.json and .md. On the shared 2-core machine run it niced; the load average is
recorded at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import log, md_table, write_results

ROOT = Path(__file__).resolve().parents[1]
QUERY = "哪些措施涉及行政执法"
FILTER = "doc_type=rule_of_law_report"


class TimedEmbedder:
    """An embedder that adds the seconds spent in `encode_passages` (and the texts embedded) to counters."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def encode_passages(self, texts: Sequence[str], **kwargs: Any) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.encode_passages(texts, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)


def phase_timer(into: dict[str, float]) -> Any:
    """A progress listener that records the CPU seconds of each model-build phase it is told of."""
    state = {"phase": "", "cpu": cpu_seconds()}

    def listen(event: Any) -> None:
        if event.step != "model":
            return
        now = cpu_seconds()
        if state["phase"]:
            into[str(state["phase"])] = round(now - float(state["cpu"]), 2)
        state.update(phase="" if event.finished else event.message.split(": ")[-1], cpu=now)

    return listen


def listening(listener: Any) -> Any:
    """lawdocs.embedding.progress.listening, or nothing for a lawdocs without progress events (older commits)."""
    try:
        from lawdocs.embedding.progress import listening as listen
    except ImportError:
        from contextlib import nullcontext

        return nullcontext()
    return listen(listener)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the children it waited for: on a shared, loaded
    machine a steadier measure of the work than wall time."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", default="first_run")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lawdocs-first-run-") as tmp:
        home = Path(tmp) / "home"
        os.environ["LAWDOCS_HOME"] = str(home)
        from lawdocs.embed import build_legal_model, load_embedder
        from lawdocs.index import Index
        from lawdocs.ingest import Failure, iter_documents

        steps: dict[str, float] = {}
        cpu: dict[str, float] = {}
        started = time.perf_counter()
        cpu_mark = [cpu_seconds()]

        def step(name: str, since: float) -> float:
            now, used = time.perf_counter(), cpu_seconds()
            steps[name] = round(now - since, 2)
            cpu[name] = round(used - cpu_mark[0], 2)
            cpu_mark[0] = used
            log(f"{name}: {steps[name]:.1f} s ({cpu[name]:.1f} s of CPU)")
            return now

        phases: dict[str, float] = {}
        t = time.perf_counter()
        with listening(phase_timer(phases)):
            build_legal_model()  # as `lawdocs index` does: the legal model, built from the base weights
        t = step("build the models", t)
        embedder = TimedEmbedder(load_embedder(None))
        t = step("load legal model", t)
        docs = [d for d in iter_documents([args.corpus]) if not isinstance(d, Failure)]
        t = step("load + parse corpus", t)
        ix = Index.create(Path(tmp) / "index", embedder=embedder)  # type: ignore[arg-type]
        report = ix.add_documents(docs)
        t = step("embed + index", t)
        log(f"embedded {embedder.texts} clauses in {embedder.seconds:.1f} s")
        manifest = ix.save()
        t = step("save", t)
        index_total = t - started
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        cmd = [sys.executable, "-m", "lawdocs", "search", QUERY, "--filter", FILTER, "--index", str(ix.folder)]
        cmd += ["--json", "-k", "5"]
        run = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        t = step("search (new process)", t)  # its CPU is the child's (RUSAGE_CHILDREN)
        hits = json.loads(run.stdout)["hits"]
        total = time.perf_counter() - started

    total_cpu = sum(cpu.values())
    rows = [[name, seconds, 100 * seconds / total, cpu[name]] for name, seconds in steps.items()]
    rows.append(["total", round(total, 2), 100.0, round(total_cpu, 2)])
    data: dict[str, Any] = {
        "corpus": str(args.corpus.relative_to(ROOT) if args.corpus.is_relative_to(ROOT) else args.corpus),
        "documents": manifest.documents,
        "clauses": manifest.clauses,
        "clauses_embedded": embedder.texts,
        "documents_added": len(report.added),
        "embed_clauses_per_second": round(embedder.texts / embedder.seconds, 1) if embedder.seconds else None,
        "steps_seconds": steps,
        "steps_cpu_seconds": cpu,
        "model_build_phases_cpu_seconds": phases,
        "embed_seconds": round(embedder.seconds, 2),
        "total_cpu_seconds": round(total_cpu, 2),
        "index_seconds": round(index_total, 2),
        "total_seconds": round(total, 2),
        "search_top_hit": (hits[0]["label"] or hits[0]["text"][:40]) if hits else None,
        "search_command": f'lawdocs search "{QUERY}" --filter {FILTER}',
    }
    markdown = (
        f"First run on a fresh model home: `lawdocs index corpora` ({manifest.documents} documents, "
        f"{manifest.clauses} clauses) then `{data['search_command']}`.\n\n"
        + md_table(["step", "wall seconds", "% of wall", "CPU seconds"], rows)
        + (f"\n\nModel build phases (CPU seconds): {phases}" if phases else "")
        + f"\n\nEmbedding alone: {embedder.texts:,} clauses in {embedder.seconds:.1f} s wall, "
        f"{data['embed_clauses_per_second']} clauses/s. README search's top hit: "
        f"{data['search_top_hit']}.\n"
    )
    json_path, md_path = write_results(args.name, data, markdown)
    log(f"wrote {json_path} and {md_path}")


if __name__ == "__main__":
    main()
