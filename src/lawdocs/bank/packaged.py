"""The bank that votes at search time: an index's own questions, and the packaged STARD tune questions
for indexes built with the legal model when asked for (`BankConfig.packaged`)."""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from .store import BankConfig, BankEntry, QuestionBank, embed_queries, entry_id, merge

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..index import Index

PACKAGED_FILE = "stard_bank.jsonl"
_MERGED: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], QuestionBank]] = weakref.WeakKeyDictionary()


_PACKAGED: dict[str, QuestionBank] = {}
_PACKAGED_LOCK = threading.Lock()


def packaged_questions() -> list[tuple[str, list[str]]]:
    """(query, gold labels) of the packaged STARD tune-part bank."""
    text = resources.files("lawdocs").joinpath("data", PACKAGED_FILE).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            out.append((row["query"], list(row["gold"])))
    return out


def packaged_bank(embedder: Embedder) -> QuestionBank | None:
    """The packaged bank embedded with `embedder`, cached in the model home (None without the data file)."""
    from ..embedding.home import lawdocs_home

    key = embedder.fingerprint
    with _PACKAGED_LOCK:
        if key in _PACKAGED:
            return _PACKAGED[key]
        try:
            questions = packaged_questions()
        except (FileNotFoundError, OSError):
            return None
        digest = hashlib.sha256(json.dumps(questions, ensure_ascii=False).encode()).hexdigest()[:12]
        cache = lawdocs_home() / "banks" / f"stard-{digest}-{key[:16]}.npy"
        vectors = None
        if cache.exists():
            try:
                vectors = np.load(cache, allow_pickle=False)
            except (OSError, ValueError):
                vectors = None
            if vectors is not None and vectors.shape != (len(questions), embedder.dimension):
                vectors = None
        if vectors is None:
            vectors = embed_queries(embedder, [q for q, _ in questions])
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{threading.get_ident()}.tmp.npy")
            np.save(tmp, vectors, allow_pickle=False)
            tmp.replace(cache)
        entries = [BankEntry(qid=entry_id(q, g), query=q, gold=g) for q, g in questions]
        bank = QuestionBank(entries, vectors, fingerprint=key)
        _PACKAGED[key] = bank
        return bank


def active_bank(index: Index, use: bool | None = None, packaged: bool | None = None) -> QuestionBank | None:
    """The bank that votes for `index`: its own questions, plus the packaged legal bank when the index was
    built with the legal model and its settings (or `packaged`) allow it. None when nothing would vote or
    `use` is False.

    Vote with the index's settings (`index.bank.config`), not the returned bank's.
    """
    own = index.bank
    if use is False or (use is None and not own.config.enabled):
        return None
    setting = own.config.packaged
    want = bool(setting) if packaged is None else packaged and setting is not False
    shipped = packaged_bank(index.embedder) if want and _is_legal(index) else None
    if shipped is None or not len(shipped):
        return own if len(own) else None
    if not len(own):
        return shipped
    key = (id(own._data), id(shipped._data))
    cached = _MERGED.get(index)
    if cached is None or cached[0] != key:
        merged = merge([own, shipped])
        if merged is None:
            return None
        cached = _MERGED[index] = (key, merged)
    return cached[1]


def _is_legal(index: Index) -> bool:
    from ..embed import LEGAL_MODEL_NAME

    name = index.manifest.model_name if index.manifest is not None else index.embedder.name
    return name == LEGAL_MODEL_NAME


def search_votes(
    index: Index, qvec: np.ndarray, mask: np.ndarray, use: bool | None = None
) -> tuple[list[tuple[int, float]], BankConfig] | None:
    """For `lawdocs.search`: the bank's votes for the query whose vector is `qvec`, within `mask`, or None."""
    bank = active_bank(index, use)
    if bank is None:
        return None
    config = index.bank.config
    votes = bank.votes(qvec, index=index, mask=mask, config=config)
    return (votes, config) if votes else None
