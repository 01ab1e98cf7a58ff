"""Any sentence-transformers model, by hub name (from the local cache) or folder, run in fp32 on the CPU."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .home import folder_fingerprint


def set_offline_default() -> None:
    """No hub is reachable from lawdocs' machines: make Hugging Face libraries fail fast instead of retrying.

    Must run before ``huggingface_hub`` is first imported; a user who has a hub can set HF_HUB_OFFLINE=0.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


@contextmanager
def quiet_progress() -> Iterator[None]:
    """Hide transformers' per-load progress bars ("Loading weights", "Writing model shards") for a while."""
    from transformers.utils import logging as hf_logging

    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if shown:
            hf_logging.enable_progress_bar()


def fp32_kwargs() -> dict[str, Any]:
    """``from_pretrained`` kwargs for fp32 weights (``dtype`` since transformers 4.56, ``torch_dtype`` before)."""
    import torch
    import transformers

    major, minor = (int(p) for p in transformers.__version__.split(".")[:2])
    key = "dtype" if (major, minor) >= (4, 56) else "torch_dtype"
    return {key: torch.float32}


def l2_normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12), dtype=np.float32)


def default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def resolve_local_model(model: str | Path) -> Path:
    """A local folder for ``model``: the folder itself, or a hub name's snapshot in the local cache.

    Raises ModelError when neither exists; nothing is downloaded.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if path.exists() or str(model).startswith((".", "/", "~")) or str(model).count("/") > 1:
        raise ModelError(f"model {model} not found: not a folder", path=path)
    set_offline_default()
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(str(model), local_files_only=True))
    except Exception as exc:  # LocalEntryNotFoundError, HFValidationError, ...
        raise ModelError(
            f"model {model} not found locally and no hub is reachable; pass a local folder "
            "(a sentence-transformers model directory)"
        ) from exc


def prompts_of(prompts: Mapping[str, str | None] | None) -> tuple[str, str]:
    """(query, passage) prompts from a sentence-transformers ``prompts`` dict ("passage" or "document")."""
    prompts = prompts or {}
    query = prompts.get("query") or ""  # a saved null is no prompt
    passage = prompts.get("passage") or prompts.get("document") or ""
    return query, passage


class SentenceTransformerEmbedder:
    """A sentence-transformers model in fp32 on the CPU, with explicit query and passage prompts.

    ``query_prompt`` / ``passage_prompt`` default to the model's saved ``prompts`` ("query", and "passage" or
    "document"). ``max_seq_length`` overrides the model's truncation length.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        name: str | None = None,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        max_seq_length: int | None = None,
        threads: int | None = None,
    ) -> None:
        folder = resolve_local_model(model)
        set_offline_default()
        import torch
        from sentence_transformers import SentenceTransformer

        self.threads = threads or default_threads()
        torch.set_num_threads(self.threads)
        try:
            with quiet_progress():
                self._st = SentenceTransformer(
                    str(folder),
                    device="cpu",
                    local_files_only=True,
                    model_kwargs=fp32_kwargs(),
                )
        except Exception as exc:
            raise ModelError(f"cannot load a sentence-transformers model: {exc}", path=folder) from exc
        self._st.float().eval()
        if max_seq_length is not None:
            self._st.max_seq_length = max_seq_length
        self.folder = folder
        self.name = name or str(model)
        self.fingerprint = folder_fingerprint(folder)
        dim = self._st.get_embedding_dimension()
        if not dim:
            raise ModelError("the model does not report its embedding dimension", path=folder)
        self.dimension = int(dim)
        saved_query, saved_passage = prompts_of(getattr(self._st, "prompts", None))
        self.query_prompt = saved_query if query_prompt is None else query_prompt
        self.passage_prompt = saved_passage if passage_prompt is None else passage_prompt

    @property
    def max_seq_length(self) -> int | None:
        value = self._st.max_seq_length
        return int(value) if value is not None else None

    def _encode(self, texts: Sequence[str], prompt: str, batch_size: int, show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        torch.set_num_threads(self.threads)
        with torch.inference_mode():
            out = self._st.encode(
                list(texts),
                prompt=prompt,
                batch_size=batch_size,
                show_progress_bar=show_progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return l2_normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt, 32, False)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, batch_size, show_progress)
