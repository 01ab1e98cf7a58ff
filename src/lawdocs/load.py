"""Files to text: every supported format becomes one or more RawDocuments.

`load_path(path, **options)` yields the documents of one file; `iter_files(paths)` expands files and
folders into the files lawdocs reads. The readers live in `lawdocs.loaders` (one module per format
family) and are imported when first needed, so `import lawdocs` pulls in neither pypdf, python-docx
nor lxml.

Options of `load_path` (all optional):

- `max_bytes` (int, default 50 MB): a larger file raises FileTooLargeError without being read.
- `limits` (`Limits`): what a file may expand to once read (see `Limits`; defaults from `LAWDOCS_MAX_*`).
- `encoding` (str): force the encoding of a text file (`.txt`, `.md`, `.csv`, `.jsonl`, `.sql`, `.html`).
- `text_field`, `title_field`, `label_field` (str): the columns / keys of a CSV or JSONL file.
- `group` (bool): JSONL only; group records per title (default: when records carry labels).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import (
    EmptyDocumentError,
    FileTooLargeError,
    LoadError,
    QueryError,
    UnsupportedFormatError,
    printable,
)
from .loaders.limits import Limits, current_limits

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

__all__ = ["Limits", "current_limits"]  # re-exported from lawdocs.loaders.limits (the loaders read them)


def display_path(path: str | Path) -> str:
    """A path as text that always encodes as UTF-8: undecodable bytes of a file name become `\\xff` escapes."""
    return printable(str(path))


# extension → RawDocument.fmt
FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".sql": "sql",
}
_OPTIONS = {"max_bytes", "encoding", "text_field", "title_field", "label_field", "group", "limits"}


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


def normalize_for_match(text: str) -> str:
    """Matching key: NFKC, CJK radicals folded, punctuation unified, all whitespace removed."""
    from .loaders.text import normalize_for_match as _normalize

    return _normalize(text)


def detect_format(path: str | Path) -> str | None:
    """The `fmt` lawdocs reads a file as, from its extension (None when unsupported)."""
    return FORMATS.get(Path(path).suffix.lower())


def _read_checked(path: Path, max_bytes: int) -> bytes:
    """Read a file's bytes after checking, without reading, that it exists and is small enough."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise LoadError(_missing_reason(path), path=display_path(path)) from exc
    except OSError as exc:
        raise LoadError(_missing_reason(path, exc), path=display_path(path)) from exc
    if not path.is_file():
        raise LoadError("not a regular file", path=path)
    if st.st_size > max_bytes:
        raise FileTooLargeError(
            f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit (option max_bytes)", path=path
        )
    if st.st_size == 0:
        raise EmptyDocumentError("the file is empty", path=path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc}", path=path) from exc
    if len(data) > max_bytes:  # grew while we looked
        raise FileTooLargeError(f"file is over the {max_bytes:,}-byte limit (option max_bytes)", path=path)
    if not data.strip():
        raise EmptyDocumentError("the file holds only whitespace", path=path)
    return data


def load_path(path: str | Path, **options: Any) -> Iterator[RawDocument]:
    """Yield the documents in one file (a CSV, JSONL or SQL file may hold many).

    Raises a LoadError subclass naming the file (and line or page where it applies):
    UnsupportedFormatError, FileTooLargeError, EmptyDocumentError, EncodingError, CorruptFileError,
    EncryptedPDFError, NoTextLayerError; a malformed JSONL line or CSV row raises LoadError with its line.
    """
    unknown = set(options) - _OPTIONS
    if unknown:
        raise QueryError(f"unknown load option(s): {', '.join(sorted(unknown))}")
    p = Path(path)
    fmt = detect_format(p)
    if fmt is None:
        raise UnsupportedFormatError(
            f"unsupported file type {p.suffix or '(no extension)'!r}; lawdocs reads "
            + ", ".join(sorted(set(FORMATS))),
            path=p,
        )
    max_bytes = int(options.get("max_bytes") or DEFAULT_MAX_BYTES)
    encoding = options.get("encoding")
    limits = options.get("limits")
    if limits is not None and not isinstance(limits, Limits):
        raise QueryError("option limits must be a lawdocs.load.Limits")
    options = {**options, "limits": current_limits(limits)}
    data = _read_checked(p, max_bytes)
    src = display_path(p)
    return _generate(p, src, fmt, data, encoding, options)


def _generate(
    p: Path, src: str, fmt: str, data: bytes, encoding: str | None, options: dict[str, Any]
) -> Iterator[RawDocument]:
    # Checks above run when load_path is called; the reading below runs as the caller iterates.
    if fmt in ("txt", "md"):
        from .loaders.plain import load_text

        text, meta = load_text(p, data, fmt, encoding, limits=options["limits"])
        if fmt == "md":  # LawRefBook's MANIFEST.json / sqlite DB above the file: dates and expiry
            from .loaders.lawrefbook import corpus_meta

            meta = {**corpus_meta(p), **meta}
        yield RawDocument(source=src, text=text, meta=meta, fmt=fmt)
    elif fmt == "html":
        from .loaders.html import load_html
        from .loaders.text import decode_bytes

        text, meta = load_html(p, _decode_html(data, p, encoding, decode_bytes), limits=options["limits"])
        yield RawDocument(source=src, text=text, meta=meta, fmt=fmt)
    elif fmt == "pdf":
        from .loaders.pdf import load_pdf

        text, pages, meta = load_pdf(p, data)
        yield RawDocument(source=src, text=text, pages=pages, meta=meta, fmt=fmt)
    elif fmt == "docx":
        from .loaders.office import load_docx

        text, meta = load_docx(p, data, limits=options["limits"])
        yield RawDocument(source=src, text=text, meta=meta, fmt=fmt)
    elif fmt == "csv":
        from .loaders.tabular import iter_csv
        from .loaders.text import decode_bytes

        for source, text, meta in iter_csv(p, decode_bytes(data, p, encoding), options):
            yield RawDocument(source=source, text=text, meta=meta, fmt=fmt)
    elif fmt == "jsonl":
        from .loaders.tabular import load_jsonl
        from .loaders.text import decode_bytes

        for source, text, meta, recs in load_jsonl(p, decode_bytes(data, p, encoding), options):
            records = None
            if recs is not None:
                records = [
                    RecordClause(text=r["text"], label=r["label"], article=r["article"], meta=r["meta"])
                    for r in recs
                ]
            yield RawDocument(source=source, text=text, meta=meta, records=records, fmt=fmt)
    elif fmt == "sql":
        from .loaders.sql import load_sql
        from .loaders.text import decode_bytes

        for source, text, meta in load_sql(p, decode_bytes(data, p, encoding)):
            yield RawDocument(source=source, text=text, meta=meta, fmt=fmt)
    else:  # pragma: no cover - FORMATS and this dispatch move together
        raise UnsupportedFormatError(f"no reader for {fmt}", path=p)


def _decode_html(data: bytes, p: Path, encoding: str | None, decode_bytes: Any) -> str:
    """HTML: honour a <meta charset> declaration, else the usual detection."""
    if encoding is None:
        m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", data[:4096], re.I)
        if m:
            declared = m.group(1).decode("ascii", "replace").lower()
            if declared in ("gb2312", "gbk"):
                declared = "gb18030"
            try:
                return str(data.decode(declared)).lstrip("\ufeff")
            except (LookupError, UnicodeDecodeError):
                pass
    return str(decode_bytes(data, p, encoding))


_README = re.compile(r"^readme(\.[a-z]+)?$", re.IGNORECASE)
_FRONT_MATTER_ONLY = re.compile(r"^\ufeff?\s*---\s*\n.*?\n---\s*$", re.DOTALL)


def skip_note(path: Path) -> str | None:
    """Why a file met inside a folder is not a document, or None: a README (it describes the folder), a JSONL
    file of questions, or a LawRefBook section page `_index.md` that holds only front matter."""
    if _README.match(path.name):
        return "a README describing the folder, not a document"
    if path.suffix.lower() == ".jsonl":  # a question file (lawdocs eval, corpora/questions) is not documents
        from .loaders.tabular import TEXT_FIELDS

        try:
            with path.open("rb") as fh:
                first = json.loads(fh.readline(65536).decode("utf-8-sig", errors="replace") or "null")
        except (OSError, ValueError):
            return None
        if isinstance(first, dict) and "query" in first and not any(k in first for k in TEXT_FIELDS):
            return "a question file (records with a query and no text), not documents"
    if path.name == "_index.md":
        try:
            head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
        except OSError:
            return None
        if not head.strip() or _FRONT_MATTER_ONLY.match(head):
            return "a section page (front matter only), not a document"
    return None


def iter_files(paths: list[str | Path], notes: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """Expand files and directories (recursively) into the files lawdocs reads, sorted.

    Inside a directory, hidden files and folders (a leading dot), files of an unknown type, READMEs and
    front-matter-only `_index.md` section pages are skipped (the last two with a note appended to `notes`).
    A file named explicitly is yielded as given, whatever its type, so that `load_path`
    reports an unsupported one. A path that does not exist (or is a symlink loop) raises LoadError;
    `expand_paths` reports such paths one by one instead. Each file comes once.
    """
    files, failed = expand_paths(paths, stop_at_first=True, notes=notes)
    if failed:
        raise failed[0]
    yield from files


def _missing_reason(p: Path, exc: OSError | None = None) -> str:
    """Why `p` cannot be read: missing, a symlink loop, a dangling link, or the OS's own reason."""
    import errno

    try:
        os.lstat(p)
    except OSError:
        return "no such file or directory"
    try:
        os.stat(p)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "a symlink loop (too many levels of symbolic links)"
        if err.errno == errno.ENOENT:
            return "a dangling symlink (its target does not exist)"
        return f"cannot stat: {err.strerror or err}"
    return f"cannot read: {exc}" if exc is not None else "no such file or directory"


def expand_paths(
    paths: list[str | Path] | tuple[str | Path, ...],
    *,
    stop_at_first: bool = False,
    notes: list[tuple[Path, str]] | None = None,
) -> tuple[list[Path], list[LoadError]]:
    """(files, failures): like `iter_files`, but a missing path, a symlink loop or an unreadable folder
    is one LoadError in `failures` and the other paths are still expanded."""
    seen: set[Path] = set()
    out: list[Path] = []
    failed: list[LoadError] = []
    for item in paths:
        if failed and stop_at_first:
            break
        p = Path(item)
        try:
            is_dir = p.is_dir()
            exists = is_dir or p.exists()
        except OSError:  # a name too long, a permission problem on a parent
            is_dir = exists = False
        if is_dir:
            found: list[Path] = []
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if name.startswith(".") or detect_format(name) is None:
                        continue
                    note = skip_note(Path(root) / name)
                    if note is not None:
                        if notes is not None:
                            notes.append((Path(root) / name, note))
                        continue
                    found.append(Path(root) / name)
            for f in sorted(found, key=lambda x: x.relative_to(p).parts):
                if f not in seen:
                    seen.add(f)
                    out.append(f)
        elif exists:
            if p not in seen:
                seen.add(p)
                out.append(p)
        else:
            failed.append(LoadError(_missing_reason(p), path=display_path(p)))
    return out, failed
