"""Ray Data ingestion: the same documents and vectors as the serial path; Ray stays unimported without --ray."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from lawdocs.index import Index, passage_text

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    ROOT / "corpora" / "laws" / "行政法规",  # markdown laws
    ROOT / "corpora" / "pdf" / "中华人民共和国网络安全法.pdf",
    ROOT / "corpora" / "reports" / "seed",
]


def test_lawdocs_without_ray_never_imports_it(tmp_path: Path) -> None:
    code = f"""
import sys, json
import lawdocs, lawdocs.cli, lawdocs.scale, lawdocs.scale.ray_ingest, lawdocs.index.milvus
from lawdocs.index import Index
ix = Index.create({str(tmp_path / "ix")!r}, model="hash-64")
report = ix.add({str(FILES[1])!r})
print(json.dumps({{"ray": sorted(m for m in sys.modules if m == "ray" or m.startswith("ray.")),
                   "pymilvus": "pymilvus" in sys.modules, "clauses": report.clauses}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["clauses"] > 10
    assert got["ray"] == []
    assert got["pymilvus"] is False


pytest.importorskip("ray", reason="the ray extra (ray[data]) is not installed")

from lawdocs.scale.ray_ingest import ray_add  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    """One local Ray (2 CPUs) for the module: starting Ray is the slow part on a loaded machine; ray_add uses
    a running Ray and leaves it running."""
    import os

    import ray

    # Ray waits 30 s for its GCS server to write its port file; on a loaded 2-core machine that start can take longer
    os.environ.setdefault("RAY_gcs_server_port_wait_time_s", "180")
    for attempt in range(3):  # Ray gives its raylet a fixed 30 s to register, which a loaded machine can miss
        try:
            ray.init(
                num_cpus=2,
                include_dashboard=False,
                log_to_driver=False,
                object_store_memory=256 * 1024 * 1024,
                runtime_env={"env_vars": {"PYTHONPATH": os.environ.get("PYTHONPATH", "")}},
            )
            break
        except Exception as exc:  # Ray raises a bare Exception: "The current node timed out during startup"
            ray.shutdown()
            if attempt == 2 or "timed out during startup" not in str(exc):
                raise
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, np.ndarray]:
    ix = Index.create(tmp_path_factory.mktemp("serial") / "ix", model="hash-64")
    report = ix.add(FILES)
    assert not report.failed and report.clauses > 200
    texts = [passage_text(ix.documents[c.doc_id], c) for c in ix.clauses]
    return ix, ix.embedder.encode_passages(texts)


@pytest.mark.parametrize("workers", [1, 2])
def test_ray_add_matches_the_serial_path(
    workers: int, serial: tuple[Index, np.ndarray], tmp_path: Path
) -> None:
    ix, vectors = serial
    seen: list[str] = []
    fresh = Index.create(tmp_path / "ix", model="hash-64")
    got = ray_add(fresh, FILES, workers=workers, progress=lambda source, n: seen.append(source))
    assert not got.failed and not got.skipped
    assert [c.id for d in got.docs for c in d.clauses] == [c.id for c in ix.clauses]
    assert [d.id for d in got.docs] == list(dict.fromkeys(c.doc_id for c in ix.clauses))
    assert got.vectors.shape == vectors.shape and got.vectors.dtype == np.float32
    np.testing.assert_allclose(got.vectors, vectors, atol=1e-6)
    docs, vecs = got  # unpacks as (docs, vectors)
    assert docs is got.docs and vecs is got.vectors
    assert len(set(seen)) == len(seen) == len({d.source.split("#")[0] for d in got.docs})  # one call per file


def test_ray_add_skips_known_documents_and_reports_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    ix = Index.create(tmp_path / "ix", model="hash-64")
    ix.add(FILES[1])
    got = ray_add(ix, [FILES[1], bad, tmp_path / "missing.txt"], workers=1)
    assert len(got.docs) == 1 and got.skipped == [got.docs[0].id]
    assert not got.vectors.any()  # a known document is not embedded again
    failed = dict(got.failed)
    assert str(bad.resolve()) in failed and str(tmp_path / "missing.txt") in failed
