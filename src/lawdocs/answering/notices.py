"""State Council documents named in a question by their own name (国家组织药品集中采购和使用试点方案在…方面有哪些
措施): the title without what wraps it (国务院办公厅关于印发…的通知), stated as written, eight characters of it or all
(`named_notices`). `scope` narrows the question to them."""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING

from .evidence import longest_run, normalise_text

if TYPE_CHECKING:
    from ..index import Index

# what wraps a State Council document's name in its title (国务院办公厅关于印发…的通知)
_WRAPPER = re.compile(r"^(?:国务院办公厅|国务院)?(?:关于)?(?:印发|转发)?|的?(?:通知|若干意见|指导意见|意见|复函|批复|函|决定)$")
NOTICE_RUN = 8
_NOTICE_NAMES: weakref.WeakKeyDictionary[Index, tuple[tuple[int, int], tuple[dict[str, str], dict[str, set[str]]]]] = (
    weakref.WeakKeyDictionary()
)


def _notice_names(index: Index) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Each notice's name (its title without the wrapper) and, for finding candidates fast, which notices' names
    hold each run of six characters. Cached per index until its documents change."""
    key = (len(index.documents), index.manifest.generation if index.manifest else -1)
    cached = _NOTICE_NAMES.get(index)
    if cached is None or cached[0] != key:
        names = {
            d: _WRAPPER.sub("", normalise_text(doc.title)) for d, doc in index.documents.items() if doc.doc_type == "notice"
        }
        grams: dict[str, set[str]] = {}
        for d, name in names.items():
            for i in range(len(name) - 5):
                grams.setdefault(name[i : i + 6], set()).add(d)
        cached = (key, (names, grams))
        _NOTICE_NAMES[index] = cached
    return cached[1]


def named_notices(index: Index, question: str) -> set[str]:
    """The notices (State Council documents) the question names by their title as written, without the wrapper
    (国务院办公厅关于印发…的通知): the longest run of a title's name the question states, at least ``NOTICE_RUN``
    characters (or the whole name, when it is shorter and has six or more), and longer than any other title's. At
    most two documents; none when more tie."""
    text = normalise_text(question)
    names, grams = _notice_names(index)
    candidates = {d for i in range(len(text) - 5) for d in grams.get(text[i : i + 6], ())}  # a run of 6 or more
    best, found = 0, set[str]()
    for doc_id in sorted(candidates):
        name = names[doc_id]
        run = longest_run(text, name)
        if run < min(NOTICE_RUN, len(name)) or run < 6 or run < best:
            continue
        found = found | {doc_id} if run == best else {doc_id}
        best = run
    return found if len(found) <= 2 else set()
