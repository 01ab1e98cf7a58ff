"""Over-long clauses cut into parts, and the coverage checker.

Cutting is langchain-text-splitters' RecursiveCharacterTextSplitter with Chinese separators (款 = blank line
or line break, then 。；！？ with any closing quote) kept at the end of each part and no overlap, so the parts
tile the clause exactly and map back to offsets.

A sentence longer than `max_chars` stays whole up to a hard cap (`Limits.max_clause_chars`, 2,400 characters by
default, `LAWDOCS_MAX_CLAUSE_CHARS`): past it a part is cut at the last comma, enumeration mark, colon or space
before the cap, or exactly at the cap when the text has none (one unpunctuated run of 15 million 法 becomes parts
of 2,400 characters, not one clause of 15 million). The parts still tile the text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import Document

_CLOSERS = "”’」』）)》"
# 款 (blank line, then line break), then sentence ends; a closing quote or bracket stays with its sentence.
SEPARATORS = (r"\n\n", r"\n", *(f"{p}[{_CLOSERS}]*" for p in "。；！？"))


# where a part over the hard cap is cut when it has no sentence end: after the last of these before the cap
_WEAK_BREAK_RE = re.compile(r"[，、：,:\s]")


def hard_cut(text: str, start: int, end: int, cap: int) -> list[tuple[int, int]]:
    """(start, end) pieces of text[start:end], each at most `cap` characters, cut after a weak break when one
    lies in the second half of the window, else exactly at the cap."""
    out: list[tuple[int, int]] = []
    pos = start
    while end - pos > cap:
        window = text[pos + cap // 2 : pos + cap]
        last = None
        for last in _WEAK_BREAK_RE.finditer(window):  # noqa: B007 - we want the last match
            pass
        cut = pos + cap // 2 + last.end() if last is not None else pos + cap
        out.append((pos, cut))
        pos = cut
    out.append((pos, end))
    return out


def _hard_cap(max_chars: int, hard_max: int | None) -> int:
    if hard_max is None:
        from ..load import current_limits

        hard_max = current_limits().max_clause_chars
    return max(max_chars, hard_max)


def record_parts(text: str, span: tuple[int, int], hard_max: int | None = None) -> list[tuple[str, tuple[int, int]]]:
    """A pre-cut record's (text, span) parts: itself, or pieces of at most the hard cap when it is longer.

    The first part's span keeps whatever precedes the text in `span` (a joined "第一条 " lead)."""
    cap = _hard_cap(0, hard_max)
    if len(text) <= cap:
        return [(text, span)]
    base = span[1] - len(text)
    cuts = hard_cut(text, 0, len(text), cap)
    if base < span[0]:  # the record was not found in the body: its parts share its (empty) span
        return [(text[a:b], span) for a, b in cuts]
    return [
        (text[a:b], (span[0] if i == 0 else base + a, base + b)) for i, (a, b) in enumerate(cuts)
    ]


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


def split_offsets(text: str, max_chars: int, hard_max: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each part of `text`; one part when it fits. The parts tile the text.

    langchain-text-splitters' RecursiveCharacterTextSplitter cuts at the coarsest separator that brings
    parts under `max_chars` (no overlap, separators kept at the end of their part); a sentence longer
    than `max_chars` stays whole up to the hard cap `hard_max` (default `Limits.max_clause_chars`), past
    which it is cut at a comma or space, or at the cap itself (`hard_cut`). Parts that hold only
    whitespace join the part before them.
    """
    if len(text) <= max_chars:
        return [(0, len(text))]
    cap = _hard_cap(max_chars, hard_max)
    chunks = _splitter(max_chars).split_text(text)
    if "".join(chunks) != text:  # never lose or invent text: fall back to cuts at the cap
        chunks = [text[a:b] for a, b in hard_cut(text, 0, len(text), cap)]
    if any(len(c) > cap for c in chunks):
        pieces: list[str] = []
        for chunk in chunks:
            pieces.extend(chunk[a:b] for a, b in hard_cut(chunk, 0, len(chunk), cap))
        chunks = pieces
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
