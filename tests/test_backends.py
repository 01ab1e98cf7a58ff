"""The same behaviour on both backends, through the Index: add, search, filters, incremental updates, reopen,
errors. FAISS + lawdocs BM25 always; Milvus (milvus-lite file) when the milvus extra is installed."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdocs.cli import app
from lawdocs.errors import ConfigError
from lawdocs.index import Index
from lawdocs.index.backend import Backend

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
SEED = CORPORA / "reports" / "seed"
LAWS = sorted((CORPORA / "laws" / "行政法").glob("行政处罚法*.md")) + sorted((CORPORA / "laws" / "行政法").glob("治安管理处罚法*.md"))
HAS_MILVUS = importlib.util.find_spec("pymilvus") is not None and importlib.util.find_spec("milvus_lite") is not None
ENGINES = ["faiss", pytest.param("milvus", marks=pytest.mark.skipif(not HAS_MILVUS, reason="milvus extra missing"))]
QUERIES = ["哪些措施涉及行政执法", "行政处罚的听证程序", "规范性文件合法性审核"]


def build(folder: Path, engine: str, files: list[Path]) -> Index:
    backend = Backend(engine=engine, uri=str(folder.parent / f"{folder.name}.db")) if engine == "milvus" else None  # type: ignore[arg-type]
    ix = Index.create(folder, model="hash-64", backend=backend)
    report = ix.add(files)
    assert not report.failed and report.clauses > 0
    ix.save()
    return ix


def ranking(ix: Index, query: str, **options: object) -> list[str]:
    return [h.clause_id for h in ix.search(query, k=8, **options)]  # type: ignore[arg-type]


@pytest.fixture
def laws_present() -> list[Path]:
    found = [p for p in LAWS if p.exists()]
    if len(found) < 2:
        pytest.skip("the shipped laws are not in corpora/laws/行政法")
    return found


@pytest.mark.parametrize("engine", ENGINES)
def test_search_filters_updates_and_reopen_match_exact_search(tmp_path: Path, engine: str, laws_present: list[Path]) -> None:
    ix = build(tmp_path / "ix", engine, [SEED, *laws_present])
    reference = build(tmp_path / "ref", "faiss", [SEED, *laws_present])
    for query in QUERIES:  # milvus-lite's HNSW on a few hundred rows is exact, so the rankings agree
        assert ranking(ix, query) == ranking(reference, query)
        for flt in ({"doc_type": "rule_of_law_report"}, {"doc_type": "law", "path": "第五章"}):
            got = ix.search(query, k=5, filters=flt)
            assert got and all(h.doc.doc_type == flt["doc_type"] for h in got)
            assert [h.clause_id for h in got] == [h.clause_id for h in reference.search(query, k=5, filters=flt)]
    law_id = next(d for d, doc in ix.documents.items() if doc.doc_type == "law")
    assert ix.remove(law_id) == [law_id]
    ix.save()
    again = Index.open(tmp_path / "ix")
    assert law_id not in again.documents
    assert all(h.doc.id != law_id for h in again.search("行政处罚", k=20))
    assert len(again) == len(ix)
    report = again.add([SEED, *laws_present])  # the removed law comes back; the report is skipped
    assert len(report.added) == 1 and report.skipped
    again.save()
    assert any(h.doc.id == law_id for h in Index.open(tmp_path / "ix").search("行政处罚", k=20))


@pytest.mark.skipif(not HAS_MILVUS, reason="milvus extra missing")
def test_the_cli_indexes_into_milvus_and_searches_it(tmp_path: Path) -> None:
    runner = CliRunner()
    index_dir, db = tmp_path / "ix", tmp_path / "lawdocs.db"
    result = runner.invoke(
        app, ["index", str(SEED), "--index", str(index_dir), "--model", "hash-64", "--backend", "milvus", "--uri", str(db)]
    )
    assert result.exit_code == 0, result.output + result.stderr
    result = runner.invoke(app, ["search", "三项制度", "--index", str(index_dir), "--json"])
    assert result.exit_code == 0 and "三项制度" in result.stdout
    raw = (index_dir / "manifest.json").read_text(encoding="utf-8")
    assert '"kind": "milvus"' in raw and str(db.resolve()) in raw


@pytest.mark.skipif(not HAS_MILVUS, reason="milvus extra missing")
def test_a_lost_milvus_file_is_a_named_error_and_the_folder_is_kept(tmp_path: Path) -> None:
    build(tmp_path / "ix", "milvus", [SEED])
    before = (tmp_path / "ix" / "manifest.json").read_bytes()
    shutil.move(tmp_path / "ix.db", tmp_path / "moved.db")  # the engine's data is gone, and its collection
    done = subprocess.run(  # a new process: milvus-lite serves one process per file
        [sys.executable, "-m", "lawdocs", "search", "行政执法", "--index", str(tmp_path / "ix")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "ix.db" in done.stderr and "does not exist" in done.stderr
    assert (tmp_path / "ix" / "manifest.json").read_bytes() == before


def test_milvus_without_a_uri_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="URI"):
        Index.create(tmp_path / "ix", model="hash-64", backend=Backend(engine="milvus"))
