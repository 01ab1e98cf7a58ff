"""Over-long clauses cut into parts, and the coverage checker.

Cutting works like langchain-text-splitters' RecursiveCharacterTextSplitter with the Chinese separators
["\\n\\n", "\\n", "。", "；", "！", "？"] and keep_separator="end", but on offsets, so the parts tile the
clause exactly: a text longer than `max_chars` is cut at its coarsest separator (款 = blank line or line
break, then sentence ends), the pieces that are still too long are cut at the next separator, and
neighbouring pieces are packed back together while they fit. A sentence longer than `max_chars` without any
separator stays whole: a clause is never cut inside a sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Document

SEPARATORS = ("\n\n", "\n", "。", "；", "！", "？")
_CLOSERS = frozenset("”’」』）)》")


def _cuts(text: str, lo: int, hi: int, max_chars: int, seps: tuple[str, ...]) -> list[int]:
    """Offsets (in `text`, strictly inside (lo, hi)) where text[lo:hi] is cut."""
    if hi - lo <= max_chars or not seps:
        return []
    sep, rest = seps[0], seps[1:]
    bounds = [lo]
    i = text.find(sep, lo, hi)
    while i != -1:
        j = i + len(sep)
        while j < hi and text[j] in _CLOSERS:  # 。” stays together
            j += 1
        while j < hi and text[j].isspace():  # leading whitespace of the next piece stays with this one
            j += 1
        if lo < j < hi and j != bounds[-1]:
            bounds.append(j)
        i = text.find(sep, j, hi) if j > i else -1
    bounds.append(hi)
    if len(bounds) == 2:
        return _cuts(text, lo, hi, max_chars, rest)
    # refine pieces that are still too long, then pack neighbours greedily
    fine: list[int] = [lo]
    for a, b in zip(bounds, bounds[1:], strict=False):
        fine.extend(_cuts(text, a, b, max_chars, rest))
        fine.append(b)
    out: list[int] = []
    start = lo
    for k in range(1, len(fine)):
        if fine[k] - start > max_chars and fine[k - 1] > start:
            out.append(fine[k - 1])
            start = fine[k - 1]
    return out


def split_offsets(text: str, max_chars: int) -> list[tuple[int, int]]:
    """(start, end) of each part of `text`; one part when it fits. The parts tile the text."""
    cuts = _cuts(text, 0, len(text), max_chars, SEPARATORS)
    edges = [0, *cuts, len(text)]
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False)]


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
