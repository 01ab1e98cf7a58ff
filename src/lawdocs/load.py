"""Files to text: every supported format becomes one or more RawDocuments.

(Contract skeleton; the implementation fills the bodies.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RecordClause:
    """A clause that arrives already cut (a JSONL record that is one article)."""

    text: str
    label: str | None = None  # e.g. "民法典第五十四条"
    article: str | None = None  # e.g. "第五十四条"
    path: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class RawDocument:
    """Text read from a file, before parsing.

    `text` is the document body in its own wording (page chrome, running headers, page markers
    and 目录 removed, hard line wraps rejoined). `pages` holds the character offsets in `text`
    where pages 1, 2, ... start (PDF only). `meta` holds what the container already says:
    title, doc_type, issuers, date, region, number, year, status, effective_date.
    When `records` is set the document arrives pre-cut (JSONL articles) and `text` is their join.
    """

    source: str
    text: str
    pages: list[int] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    records: list[RecordClause] | None = None
    fmt: str = "txt"  # txt, md, html, pdf, docx, csv, jsonl, sql


def load_path(path: str | Path, **options: Any) -> Iterator[RawDocument]:
    """Yield the documents in one file (a CSV, JSONL or SQL file may hold many)."""
    raise NotImplementedError


def iter_files(paths: list[str | Path]) -> Iterator[Path]:
    """Expand files and directories (recursively) into the files lawdocs reads, sorted."""
    raise NotImplementedError
