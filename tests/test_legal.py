"""The legal model's delta: made from an adapted folder, applied to the rebuilt base, checked by fingerprint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from lawdocs.embed import build_default_model, load_embedder
from lawdocs.embedding import legal, onnx_backend
from lawdocs.errors import ModelError
from lawdocs.train.delta import make_delta


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The base model and a copy whose attention weights were nudged, standing in for a fine-tuned one."""
    from safetensors.numpy import load_file, save_file

    base = build_default_model()
    folder = tmp_path_factory.mktemp("adapted") / "model"
    shutil.copytree(base, folder, ignore=shutil.ignore_patterns("onnx"))
    weights = load_file(str(folder / "model.safetensors"))
    rng = np.random.default_rng(0)
    for name in sorted(weights):
        if ".attention.self.query.weight" in name:
            weights[name] = weights[name] + rng.normal(0, 0.02, weights[name].shape).astype(np.float32)
    save_file(weights, str(folder / "model.safetensors"))
    return base, folder


@pytest.mark.slow
def test_delta_round_trip(adapted: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, folder = adapted
    info = make_delta(base, folder, tmp_path / "data", {"trained_on": "test"})
    assert info["tensors"] == 12  # one query matrix per layer changed; nothing else is shipped
    delta_file = tmp_path / "data" / legal.DELTA_FILE
    monkeypatch.setattr(legal, "packaged_delta", lambda: (delta_file, info))
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / base.name).symlink_to(base)  # reuse the built base

    def placeholder_export(folder: str | Path, **_: object) -> dict[str, object]:
        """The int8 export is the packaged model's test (below); this one checks the delta's merge, in torch."""
        (Path(folder) / "onnx").mkdir()
        (Path(folder) / "onnx" / "model_int8.onnx").write_bytes(b"")
        return {}

    monkeypatch.setattr(onnx_backend, "export_onnx", placeholder_export)
    built = legal.build_legal_model(home)
    recorded = json.loads((built / "lawdocs_model.json").read_text())
    assert recorded["fingerprint"] == info["fingerprint"]
    emb = load_embedder(str(built), backend="torch")
    ref = load_embedder(str(folder), backend="torch")
    texts = ["劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十。"]
    assert float((emb.encode_passages(texts) * ref.encode_passages(texts)).sum()) > 0.999  # fp16 delta is close
    base_vec = load_embedder(str(base), backend="torch").encode_passages(texts)
    assert float((emb.encode_passages(texts) * base_vec).sum()) < 0.9999  # and it did change the model

    corrupt = tmp_path / "bad.safetensors"
    corrupt.write_bytes(delta_file.read_bytes()[:-10] + b"0123456789")
    monkeypatch.setattr(legal, "packaged_delta", lambda: (corrupt, info))
    shutil.rmtree(built)
    with pytest.raises(ModelError, match="corrupted"):
        legal.build_legal_model(home)


@pytest.mark.slow
def test_packaged_legal_model_builds_and_ranks() -> None:
    found = legal.packaged_delta()
    assert found is not None, "the package ships its legal delta"
    emb = load_embedder("legal")
    assert emb.name == legal.LEGAL_MODEL_NAME
    info = json.loads((legal.legal_model_dir() / "lawdocs_model.json").read_text())
    assert info["fingerprint"] == found[1]["fingerprint"]
    articles = [
        "劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十，并不得低于用人单位所在地的最低工资标准。",
        "建筑物中抛掷物品造成他人损害的，由侵权人依法承担侵权责任。",
        "当事人对自己提出的主张，有责任提供证据。",
    ]
    scores = emb.encode_queries(["楼上扔东西砸伤人谁赔？"]) @ emb.encode_passages(articles).T
    assert int(np.argmax(scores)) == 1
