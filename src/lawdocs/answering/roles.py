"""Section roles a question asks for: a problems question reads the 存在问题 sections (and a State Council
notice's opening that admits the problems it answers), a plans question the 下一步 sections, a measures
question anything but the problems; no question reads a signature block. The role arrays are built once per
index state (`evidence.memo`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from . import evidence as ev
from .candidates import document_scope

if TYPE_CHECKING:
    from ..index import Index
    from .question import Question


_ADMITS = re.compile(
    r"(?:存在|还有|仍有|面临)[^。；;]{0,80}(?:问题|不足|短板|困难)|问题(?:比较|较为|十分|仍然|依然|日益)?突出|问题亟待解决"
)


def _admissions(index: Index) -> np.ndarray:
    """The opening paragraphs (no heading above them) of State Council documents that state the problems the
    document answers (…但同时一些政务新媒体还存在…等突出问题; …等问题亟待解决): they have no problems section."""
    notices = {d for d, doc in index.documents.items() if doc.doc_type in ("notice", "other")}
    return np.fromiter(
        (not c.path and c.doc_id in notices and bool(_ADMITS.search(c.text)) for c in index.clauses),
        dtype=bool,
        count=len(index.clauses),
    )


def _roles(index: Index, kind: str) -> np.ndarray:
    """The clauses of section role `kind`; "signature": the signature blocks; "admits": `_admissions`. Each is
    read once per index state."""

    def make() -> np.ndarray:
        if kind == "admits":
            return _admissions(index)
        has = (c.kind == "signature" if kind == "signature" else c.role == kind for c in index.clauses)
        return np.fromiter(has, dtype=bool, count=len(index.clauses))

    return ev.memo(index, f"role:{kind}", make)  # type: ignore[no-any-return]


def role_rows(index: Index, q: Question, mask: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Restrict the rows to the sections a problems / plans question asks about (if the documents have them)."""
    mask = mask & ~_roles(index, "signature")
    if q.kind in ("problems", "plans"):  # and for problems a notice's opening: 但…还存在…等突出问题
        role = _roles(index, q.kind) | (_roles(index, "admits") if q.kind == "problems" else False)
        if not (mask & role).any():
            return mask, f"no 存在问题 / 下一步 section found for a {q.kind} question; searched all sections"
        if (elsewhere := _stated_elsewhere(index, q, mask & role, mask & ~role)) is not None:
            return mask, f"the 存在问题 / 下一步 sections do not mention {elsewhere}; searched all sections"
        return mask & role, None
    return (mask & ~_roles(index, "problems") if q.kind == "measures" else mask), None


def _stated_elsewhere(index: Index, q: Question, role: np.ndarray, rest: np.ndarray) -> str | None:
    """The question's words, when the question is of one document (its scope), no clause of that document's sections
    of the question's role states any of them and another of its clauses states them all: the problems of one
    technology a reply describes (反渗透膜分离技术在实际应用中存在哪些问题), not those its section on the city's water
    saving admits. Words of the document's title or region name it and do not count. None otherwise."""
    rows = np.flatnonzero(role | rest)
    first = index.clauses[int(rows[0])].doc_id if len(rows) else None
    if first is None or any(index.clauses[int(r)].doc_id != first for r in rows):  # stops at a second document
        return None
    corpus = ev.corpus_of(index)
    named = document_scope(index, first)
    words = [t for t in q.terms if t.weight == 1.0 and not t.found_in(named)]
    if not words or any(t.found_in(corpus.texts[r]) for r in np.flatnonzero(role) for t in words):
        return None
    if any(all(t.found_in(corpus.texts[r]) for t in words) for r in np.flatnonzero(rest)):
        return "、".join(t.text for t in words)
    return None
