"""Load → parse → embed over a Ray cluster with Ray Data; the Index then stores what comes back.

`ray_add(index, paths)` reads the files on Ray workers (one task per file), drops documents the index already
holds (the content-hash skip, before anything is embedded), embeds the clauses of the rest on `workers` actors
that each load the index's model once, and returns the parsed documents with one vector per clause, in file
order then clause order, exactly as the serial `Index.add` would have produced them. Storing is the Index's job:

    got = ray_add(index, ["corpus/"], workers=4)
    index.add_documents(got.docs, vectors=got.vectors)

Ray is imported only inside `ray_add`: importing this module (or lawdocs) never imports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import LawdocsError, ModelError
from ..models import Document

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..index import Index

Progress = Callable[[str, int], None]  # (source, files done in this call), as Index.add reports


@dataclass
class Ingested:
    """What `ray_add` produced: documents to add, their clause vectors, the files that failed."""

    docs: list[Document]
    vectors: np.ndarray  # (sum of len(doc.clauses), dimension), float32, in docs / clause order
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    skipped: list[str] = field(default_factory=list)  # ids already in the index, not embedded

    def __iter__(self) -> Iterator[Any]:  # docs, vectors = ray_add(...)
        return iter((self.docs, self.vectors))


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise LawdocsError("--ray needs the ray extra: pip install 'lawdocs[ray]'", path="ray") from exc
    return ray


def embedder_spec(embedder: Embedder) -> dict[str, Any]:
    """How a worker rebuilds the index's embedder (a model object does not travel; its name does)."""
    from ..embed import HashEmbedder

    if isinstance(embedder, HashEmbedder):
        return {"hash": embedder.dimension, "fingerprint": embedder.fingerprint}
    return {"model": embedder.name, "fingerprint": embedder.fingerprint}


def build_embedder(spec: dict[str, Any], threads: int | None) -> Embedder:
    from ..embed import HashEmbedder, load_embedder

    emb: Embedder = (
        HashEmbedder(int(spec["hash"])) if "hash" in spec else load_embedder(spec["model"], threads=threads)
    )
    if emb.fingerprint != spec["fingerprint"]:
        raise ModelError(
            f"a Ray worker loaded model {emb.name!r} with fingerprint {emb.fingerprint}, the index has "
            f"{spec['fingerprint']}: every worker needs the same model files",
            path=str(spec.get("model", "")),
        )
    return emb


def parse_file(row: dict[str, Any]) -> list[dict[str, Any]]:
    """One file → one row per document in it (or one row naming the failure)."""
    from ..load import load_path
    from ..parse import parse_raw

    path = row["path"]
    out: list[dict[str, Any]] = []
    try:
        for n, raw in enumerate(load_path(Path(path))):
            out.append(
                {"file": row["file"], "sub": n, "source": path, "doc": parse_raw(raw).model_dump_json()}
            )
    except LawdocsError as exc:
        out = [{"file": row["file"], "sub": -1, "source": path, "doc": "", "error": str(exc)}]
    except Exception as exc:  # a bug in one file must not stop the job
        out = [
            {
                "file": row["file"],
                "sub": -1,
                "source": path,
                "doc": "",
                "error": f"{type(exc).__name__}: {exc}",
            }
        ]
    for r in out:
        r.setdefault("error", "")
        r["vectors"] = b""
    return out


class EmbedBatch:
    """A Ray actor body: loads the model once, embeds the clauses of a batch of documents."""

    def __init__(self, spec: dict[str, Any], threads: int, batch_size: int, known: list[str]) -> None:
        self.embedder = build_embedder(spec, threads)
        self.batch_size = batch_size
        self.known = set(known)  # document ids the index holds: not embedded again

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        from ..index import passage_text

        docs = [Document.model_validate_json(d) if d else None for d in batch["doc"]]
        texts: list[str] = []
        counts: list[int] = []
        for doc in docs:
            clauses = doc.clauses if doc is not None and doc.id not in self.known else []
            info = doc.summary() if doc is not None else None
            texts += [passage_text(info, c) for c in clauses] if info is not None else []
            counts.append(len(clauses))
        vecs = (
            np.asarray(self.embedder.encode_passages(texts, batch_size=self.batch_size), dtype=np.float32)
            if texts
            else np.zeros((0, self.embedder.dimension), np.float32)
        )
        out, start = [], 0
        for n in counts:
            out.append(vecs[start : start + n].tobytes())
            start += n
        return {**{k: list(v) for k, v in batch.items() if k != "vectors"}, "vectors": out}


def ray_add(
    index: Index,
    paths: Iterable[str | Path] | str | Path,
    *,
    address: str | None = None,
    workers: int = 2,
    batch_size: int = 64,
    docs_per_batch: int = 16,
    progress: Progress | None = None,
) -> Ingested:
    """Parse and embed every document under `paths` on Ray; see the module docstring.

    `address`: a running cluster ("auto", "ray://head:10001"); None starts a local Ray with `workers` CPUs and
    shuts it down afterwards. `workers`: embedding actors (each loads the model once and runs one thread per CPU
    it is given). `progress(source, 1)` is called as each file's documents come back embedded.
    """
    from ..load import iter_files

    if workers < 1:
        raise LawdocsError(f"workers must be at least 1, got {workers}")
    if isinstance(paths, str | Path):
        paths = [paths]
    failed: list[tuple[str, str]] = []
    files: list[Path] = []
    for target in paths:
        try:
            files.extend(iter_files([target]))
        except LawdocsError as exc:
            failed.append((str(target), str(exc)))
    files = [Path(p).resolve() for p in dict.fromkeys(files)]
    dim = index.embedder.dimension
    spec = embedder_spec(index.embedder)
    if not files:
        return Ingested([], np.zeros((0, dim), np.float32), failed)

    ray = _ray()
    started = not ray.is_initialized()
    if started:
        if address is None:
            ray.init(
                num_cpus=workers,
                include_dashboard=False,
                log_to_driver=False,
                object_store_memory=256 * 1024 * 1024,
                runtime_env={"env_vars": {"PYTHONPATH": os.environ.get("PYTHONPATH", "")}},
            )
        else:
            ray.init(address=address, log_to_driver=False)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        if progress is not None:
            ctx.enable_progress_bars = False
        known = set(index.documents)
        ds = ray.data.from_items(
            [{"file": i, "path": str(p)} for i, p in enumerate(files)],
            override_num_blocks=min(len(files), max(1, workers * 4)),
        )
        # the embedding actors hold 3/4 of a CPU each, so parse tasks always find room beside them
        ds = ds.flat_map(parse_file, num_cpus=0.25)
        threads = max(1, int(ray.cluster_resources().get("CPU", workers)) // workers)
        ds = ds.map_batches(
            EmbedBatch,
            fn_constructor_kwargs={
                "spec": spec,
                "threads": threads,
                "batch_size": batch_size,
                "known": sorted(known),
            },
            batch_size=docs_per_batch,
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=0.75,
            batch_format="numpy",
        )
        rows = []
        seen_files: set[int] = set()
        for row in ds.iter_rows():
            rows.append(row)
            if progress is not None and int(row["file"]) not in seen_files:
                seen_files.add(int(row["file"]))
                progress(str(row["source"]), 1)
    except LawdocsError:
        raise
    except Exception as exc:
        raise LawdocsError(
            f"the Ray job failed: {type(exc).__name__}: {exc}", path=address or "local Ray"
        ) from exc
    finally:
        if started:
            ray.shutdown()

    rows.sort(key=lambda r: (int(r["file"]), int(r["sub"])))
    docs: list[Document] = []
    blocks: list[np.ndarray] = []
    skipped: list[str] = []
    for row in rows:
        if row["error"]:
            failed.append((str(row["source"]), str(row["error"])))
            continue
        doc = Document.model_validate_json(row["doc"])
        if doc.id in known:  # unchanged since it was indexed: not embedded; the Index only records its source
            skipped.append(doc.id)
            vec = np.zeros((len(doc.clauses), dim), np.float32)
        else:
            vec = np.frombuffer(row["vectors"], dtype=np.float32).reshape(len(doc.clauses), dim)
        docs.append(doc)
        blocks.append(vec)
    vectors = np.concatenate(blocks) if blocks else np.zeros((0, dim), np.float32)
    return Ingested(docs, vectors, failed, skipped)
