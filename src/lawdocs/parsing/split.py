"""Over-long clauses cut into parts, and the coverage checker.

Cutting is langchain-text-splitters' RecursiveCharacterTextSplitter with Chinese separators (款 = blank line
or line break, then 。；！？ with any closing quote) kept at the end of each part and no overlap, so the parts
tile the clause exactly and map back to offsets.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import Document

_CLOSERS = "”’」』）)》"
# 款 (blank line, then line break), then sentence ends; a closing quote or bracket stays with its sentence.
SEPARATORS = (r"\n\n", r"\n", *(f"{p}[{_CLOSERS}]*" for p in "。；！？"))


@lru_cache(maxsize=8)
def _splitter(max_chars: int) -> Any:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        separators=list(SEPARATORS),
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=max_chars,
        chunk_overlap=0,
        strip_whitespace=False,
    )


def split_offsets(text: str, max_chars: int) -> list[tuple[int, int]]:
    """(start, end) of each part of `text`; one part when it fits. The parts tile the text.

    langchain-text-splitters' RecursiveCharacterTextSplitter cuts at the coarsest separator that brings
    parts under `max_chars` (no overlap, separators kept at the end of their part); a sentence longer
    than `max_chars` stays whole, so a clause is never cut inside a sentence. Parts that hold only
    whitespace join the part before them.
    """
    if len(text) <= max_chars:
        return [(0, len(text))]
    chunks = _splitter(max_chars).split_text(text)
    if "".join(chunks) != text:  # never lose or invent text: keep the clause whole instead
        return [(0, len(text))]
    edges = [0]
    for chunk in chunks:
        end = edges[-1] + len(chunk)
        if chunk.strip() or len(edges) == 1:
            edges.append(end)
        else:
            edges[-1] = end
    if len(edges) > 2 and not text[: edges[1]].strip():
        del edges[1]
    return list(zip(edges, edges[1:], strict=False))


def coverage_gaps(doc: Document) -> list[tuple[int, int]]:
    """Runs of `doc.body` holding non-whitespace that no heading or clause span covers, plus overlaps.

    Every non-whitespace character of the body must lie in exactly one span: an empty list means the
    document is fully and singly covered. A run covered twice is reported as a gap too.
    """
    body = doc.body
    spans = sorted([h.span for h in doc.headings] + [c.span for c in doc.clauses])
    gaps: list[tuple[int, int]] = []
    pos = 0
    for start, end in spans:
        if start < pos:  # overlap
            gaps.append((start, min(pos, end)))
        elif body[pos:start].strip():
            gaps.append(_trim(body, pos, start))
        pos = max(pos, end)
    if body[pos:].strip():
        gaps.append(_trim(body, pos, len(body)))
    return gaps


def _trim(body: str, a: int, b: int) -> tuple[int, int]:
    while a < b and body[a].isspace():
        a += 1
    while b > a and body[b - 1].isspace():
        b -= 1
    return (a, b)
