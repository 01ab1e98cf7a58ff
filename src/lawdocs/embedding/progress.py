"""Progress of long library work (building a model, embedding clauses), told to whoever listens.

The library never prints. A face (the CLI's reporter, a notebook, a service) registers a listener with
:func:`listening`; the work calls :func:`emit` with an :class:`Event`. Without a listener an event only goes to
the ``lawdocs.progress`` logger at DEBUG level, so ``logging`` users can follow it too.

Events are of two kinds: a step with a known number of parts (``done``/``total``, e.g. the phases of a model
build) and a counter that grows (``advance``, e.g. clauses embedded).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger("lawdocs.progress")

MODEL_STEP = "model"  # building a model lawdocs makes itself (once per machine)
EMBED_STEP = "embed"  # clauses embedded
EMBED_CHUNK = 256  # texts per reported slice of an encode_passages call


@dataclass(frozen=True)
class Event:
    step: str  # MODEL_STEP, EMBED_STEP, or another name
    message: str = ""  # what is being done, for a reader ("building the legal model …: exporting to ONNX")
    done: int | None = None  # parts done of `total` (absolute), or None for a counter
    total: int | None = None
    advance: int = 0  # for a counter: how much it grew
    finished: bool = False  # the step is over


Listener = Callable[[Event], None]
_listeners: ContextVar[tuple[Listener, ...]] = ContextVar("lawdocs_progress_listeners", default=())


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send the events of the work done inside the block (in this thread or task) to `listener`."""
    token = _listeners.set((*_listeners.get(), listener))
    try:
        yield
    finally:
        _listeners.reset(token)


def emit(event: Event) -> None:
    log.debug("%s", event)
    for listener in _listeners.get():
        listener(event)


class Phases:
    """A step made of named phases, told as `done/total` with the phase in the message."""

    def __init__(self, title: str, phases: Sequence[str], step: str = MODEL_STEP) -> None:
        self.title, self.phases, self.step = title, list(phases), step
        self.done = 0

    def begin(self, phase: str) -> None:
        """Phase `phase` starts (the ones before it are done); a phase not announced is added at the end."""
        if phase not in self.phases:
            self.phases.append(phase)
        self.done = self.phases.index(phase)
        emit(Event(self.step, f"{self.title}: {phase}", done=self.done, total=len(self.phases)))

    def finish(self) -> None:
        emit(Event(self.step, self.title, done=len(self.phases), total=len(self.phases), finished=True))


def encode_passages_reporting(embedder: Any, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
    """`embedder.encode_passages(texts)`, in slices of texts of similar length, telling each slice's size.

    The texts are ordered by length before slicing, so a slice holds texts of similar length and an embedder
    that batches (sentence-transformers) pads little; the vectors come back in the order of `texts`.
    """
    if not _listeners.get() or len(texts) <= EMBED_CHUNK:
        vecs = embedder.encode_passages(list(texts), batch_size=batch_size)
        emit(Event(EMBED_STEP, "embedding clauses", advance=len(texts)))
        return np.asarray(vecs)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: np.ndarray | None = None
    for start in range(0, len(order), EMBED_CHUNK):
        chunk = order[start : start + EMBED_CHUNK]
        vecs = np.asarray(embedder.encode_passages([texts[i] for i in chunk], batch_size=batch_size))
        if out is None:
            out = np.empty((len(texts), vecs.shape[1]), dtype=vecs.dtype)
        out[chunk] = vecs
        emit(Event(EMBED_STEP, "embedding clauses", advance=len(chunk)))
    assert out is not None
    return out
