"""Release tooling: the packaged delta of an adapted model against the default model's weights."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..embedding.home import sha256_file
from ..embedding.legal import DELTA_FILE, DELTA_INFO, LEGAL_MODEL_NAME, WEIGHTS, merge
from ..errors import ModelError


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


