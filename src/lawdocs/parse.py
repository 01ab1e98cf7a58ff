"""Text to a clause tree: `parse_raw(RawDocument) -> Document`.

The body is `raw.text` minus pure page-chrome lines (the web-page line "2021-02-07 09:48  稿件作者: 浏览量:…",
`<!-- INFO END -->`, YAML front matter the loader left in place). Every non-whitespace character of the body
lands in exactly one heading or clause span (`coverage_gaps(doc) == []`).

Structure (see `lawdocs.parsing.structure`, `.laws` and `.reports` for the rules):
- laws and regulations: 编/分编/章/节 headings (Markdown `#` lines or plain lines), one clause per article
  (`第X条` + its 款/项/目, until the next article or heading), LawRefBook date lines as a "preamble" clause;
- reports and notices: 一、/（一）/1、/（1）/① headings or numbered measures, 一是/二是… measures, preamble,
  sections with role problems/plans/achievements, signature block (issuers, date) and 附件 attachments;
- pre-cut records (`raw.records`, JSONL articles): one clause per record, no further cutting.
Clauses longer than `max_chars` are cut into parts (`part=1,2,…`) at 款/项/sentence ends (`parsing.split`).

Headings: the title line is a Heading with level 0 and marker "title" (never in a path); other headings have
level 1, 2, … by depth and marker 编/分编/章/节/一、/（一）/1、/（1）/①/#/§ (§: an unnumbered report section).

Metadata (`parsing.metadata`): what `raw.meta` says wins, except that a signature block's date is preferred
to a container date (the web posting date is kept in `extra["published"]`); LawRefBook date lines go to
`extra["history"]`; date falls back to the latest adoption/revision date, effective_date to 施行 lines.

Ids: `Document.id` is the first 16 hex digits of sha256(title, body) (the same document under two paths gets the same
id; two laws whose articles read alike but whose titles differ do not);
`Clause.id` is f"{doc_id}:{ordinal:05d}" with the 0-based position of the clause in `Document.clauses`.
Labels: title + article ("中华人民共和国民法典第五十四条") for articles; the record's label for records;
None for measures and paragraphs.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from .errors import LawdocsError, ParseError
from .load import RawDocument
from .models import Clause, Document, Heading
from .parsing import metadata as md
from .parsing.split import coverage_gaps, record_parts, split_offsets
from .parsing.structure import walk
from .parsing.versions import version_fields

__all__ = ["DEFAULT_MAX_CHARS", "coverage_gaps", "parse_file", "parse_raw"]

DEFAULT_MAX_CHARS = 1200

_CHROME_LINE_RE = re.compile(
    r"^\s*(?:<!--.*-->"
    r"|\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}.*(?:稿件作者|浏览量|浏览字体|来源[:：]).*"
    r"|.*【\s*(?:浏览字体|字号)[:：].*"
    r"|(?:打印本页|关闭窗口|【打印】|【关闭】))\s*$"
)
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_INFO_END = "<!-- INFO END -->"


def _prepare(raw: RawDocument) -> tuple[str, list[int] | None, int | None, dict[str, Any]]:
    """(body, page offsets in body, offset of the INFO END line in body, front-matter meta)."""
    text = raw.text
    removed: list[tuple[int, int]] = []  # (offset in text, length) of dropped lines
    extra_meta: dict[str, Any] = {}
    fm = _FRONT_MATTER_RE.match(text) if raw.fmt == "md" else None
    if fm is not None:
        for line in fm.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and value.strip():
                extra_meta[key.strip()] = value.strip().strip("\"'")
        removed.append((0, fm.end()))
    out: list[str] = []
    info_end: int | None = None
    pos = fm.end() if fm is not None else 0
    kept = 0
    for line in text[pos:].split("\n"):
        seg = len(line) + 1
        if line.strip() and _CHROME_LINE_RE.match(line):
            if _INFO_END in line and info_end is None:
                info_end = kept
            removed.append((pos, seg))
        else:
            out.append(line)
            kept += seg
        pos += seg
    body = "\n".join(out)
    if len(body) > len(text):  # no trailing newline was there
        body = body[: len(text)]
    pages = raw.pages
    if pages is not None and removed:
        pages = [p - sum(min(n, max(0, p - at)) for at, n in removed) for p in pages]
    return body, pages, info_end, extra_meta


def _page(pages: list[int] | None, offset: int) -> int | None:
    if not pages:
        return None
    return max(1, bisect.bisect_right(pages, offset))


def parse_raw(raw: RawDocument, *, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Parse one RawDocument into a Document with headings and clauses (see the module docstring)."""
    if max_chars < 50:
        raise ParseError(f"max_chars must be at least 50, got {max_chars}", path=raw.source)
    try:
        return _parse(raw, max_chars)
    except LawdocsError:
        raise
    except Exception as exc:  # a bug or an input we did not foresee: say which document
        raise ParseError(f"cannot parse: {type(exc).__name__}: {exc}", path=raw.source) from exc


def _parse(raw: RawDocument, max_chars: int) -> Document:
    meta = dict(raw.meta or {})
    if raw.records is not None:
        return _parse_records(raw, meta)
    body, pages, info_end, fm_meta = _prepare(raw)
    for key, value in fm_meta.items():
        meta.setdefault(key, value)
    meta_title = str(meta["title"]).strip() if meta.get("title") else None
    w = walk(body, markdown=raw.fmt == "md", title=meta_title, info_end=info_end)

    title = meta_title or w.title or md.title_from_source(raw.source)
    info_lines = body[:info_end].splitlines() if info_end is not None else []
    history = md.history_of(info_lines)
    number = str(meta["number"]) if meta.get("number") else md.number_of(title) or md.number_of(body[:600])
    doc_type = md.doc_type_of(title, meta, raw.source, number)
    issuers = _as_list(meta.get("issuers")) or w.issuers or md.issuers_from_history(history)
    # the signature's date is the document's own; a container date (web posting, CSV column) comes next
    date = w.date or md.iso(meta.get("date")) or md.date_from_history(history) or md.header_date(body)
    versioned = version_fields(title, doc_type, history, date, body, info_lines, meta, raw.source)
    effective = versioned.pop("effective_date")
    year = _as_int(meta.get("year")) or md.year_of(title, date, doc_type)
    region = meta.get("region") or md.region_of(title)
    if region is None and doc_type not in ("law", "administrative_regulation", "judicial_interpretation"):
        for issuer in issuers:
            region = md.region_of(issuer)
            if region:
                break
    chash = md.content_hash(body)
    doc_id = md.document_id(title, body)

    headings: list[Heading] = []
    clauses: list[Clause] = []
    for b in w.blocks:
        if b.kind == "heading":
            headings.append(
                Heading(
                    text=b.text,
                    level=b.level,
                    marker=b.marker,
                    span=(b.start, b.end),
                    page=_page(pages, b.start),
                    role=b.role,  # type: ignore[arg-type]
                )
            )
            continue
        label = f"{title}{b.article}" if b.kind == "article" and b.article else None
        parts = (
            split_offsets(body[b.start : b.end], max_chars)
            if b.end - b.start > max_chars
            else [(0, b.end - b.start)]
        )
        for k, (a, e) in enumerate(parts, start=1):
            start, end = b.start + a, b.start + e
            clauses.append(
                Clause(
                    id=f"{doc_id}:{len(clauses):05d}",
                    doc_id=doc_id,
                    kind=b.kind,  # type: ignore[arg-type]
                    text=body[start:end],
                    path=list(b.path),
                    article=b.article,
                    label=label,
                    page=_page(pages, start),
                    span=(start, end),
                    part=k if len(parts) > 1 else None,
                    role=b.role,  # type: ignore[arg-type]
                )
            )
    extra: dict[str, Any] = {"fmt": raw.fmt}
    if md.iso(meta.get("date")) not in (None, date):
        extra["published"] = md.iso(meta.get("date"))
    if history:
        extra["history"] = history
    return Document(
        id=doc_id,
        title=title,
        doc_type=doc_type,  # type: ignore[arg-type]
        issuers=issuers,
        region=region,
        date=date,
        effective_date=effective,
        year=year,
        number=number,
        status=md.status_of(meta),  # type: ignore[arg-type]
        **versioned,
        source=raw.source,
        content_hash=chash,
        body=body,
        headings=headings,
        clauses=clauses,
        extra=extra,
    )


def _parse_records(raw: RawDocument, meta: dict[str, Any]) -> Document:
    """One clause per pre-cut record; spans found in `raw.text` (the records' join)."""
    body = raw.text
    chash = md.content_hash(body)
    title = str(meta.get("title") or md.title_from_source(raw.source))
    doc_id = md.document_id(title, body)
    clauses: list[Clause] = []
    cursor = 0
    for rec in raw.records or []:
        # the span runs from the end of the previous record (whitespace skipped) to the end of this one,
        # so it also covers what the join put before the text (e.g. "第一条 ")
        at = body.find(rec.text, cursor) if rec.text else -1
        lead = cursor + (len(body[cursor:]) - len(body[cursor:].lstrip())) if at >= 0 else cursor
        span = (min(lead, at), at + len(rec.text)) if at >= 0 else (cursor, cursor)
        cursor = span[1]
        # a record over the hard clause cap (Limits.max_clause_chars) is cut into parts that keep its label
        pieces = record_parts(rec.text, span)
        for k, (piece_text, piece_span) in enumerate(pieces, start=1):
            clauses.append(
                Clause(
                    id=f"{doc_id}:{len(clauses):05d}",
                    doc_id=doc_id,
                    kind="record",
                    text=piece_text,
                    path=list(rec.path),
                    article=rec.article,
                    label=rec.label or (f"{title}{rec.article}" if rec.article else None),
                    span=piece_span,
                    part=k if len(pieces) > 1 else None,
                )
            )
    number = str(meta["number"]) if meta.get("number") else None
    doc_type = md.doc_type_of(title, meta, raw.source, number)
    date = md.iso(meta.get("date"))
    return Document(
        id=doc_id,
        title=title,
        doc_type=doc_type,  # type: ignore[arg-type]
        issuers=_as_list(meta.get("issuers")),
        region=meta.get("region") or md.region_of(title),
        date=date,
        effective_date=md.iso(meta.get("effective_date")),
        year=_as_int(meta.get("year")) or (int(date[:4]) if date else None),
        number=number,
        status=md.status_of(meta),  # type: ignore[arg-type]
        source=raw.source,
        content_hash=chash,
        body=body,
        clauses=clauses,
        extra={"fmt": raw.fmt},
    )


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[，,;；、\s]+", value) if v]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [str(value)]


def _as_int(value: object) -> int | None:
    try:
        return int(str(value)[:4]) if value not in (None, "") else None
    except ValueError:
        return None


def parse_file(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS, **options: Any) -> list[Document]:
    """Load (`lawdocs.load.load_path`) and parse every document in one file."""
    from .load import load_path

    return [parse_raw(r, max_chars=max_chars) for r in load_path(path, **options)]
