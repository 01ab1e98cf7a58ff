"""Stores of the engines other than the default, made for a new index (`Index.create(..., backend=...)`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import ConfigError
from .backend import Backend, DenseStore, LexicalStore


def collection_name(folder: Path, part: str) -> str:
    """A Milvus collection name of this index folder: letters, digits and _ only, stable for the folder."""
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:12]
    return f"lawdocs_{digest}_{part}"


def _uri(backend: Backend) -> str:
    if not backend.uri:
        raise ConfigError("the milvus backend needs a URI: a file such as ./lawdocs.db or http://host:19530")
    return backend.uri


def dense_store_for(folder: Path, backend: Backend, dimension: int) -> DenseStore:
    if backend.engine != "milvus":
        raise ConfigError(f"unknown engine {backend.engine!r}: use faiss or milvus")
    from .milvus import MilvusDense

    return MilvusDense(
        _uri(backend), collection_name(folder, "dense"), dimension=dimension, index_type=backend.index_type
    )


def lexical_store_for(folder: Path, backend: Backend) -> LexicalStore:
    if backend.lexical != "milvus":
        raise ConfigError(f"unknown lexical engine {backend.lexical!r}: use bm25 or milvus")
    from .milvus import MilvusLexical

    return MilvusLexical(_uri(backend), collection_name(folder, "lexical"))
