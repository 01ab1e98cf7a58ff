"""`.docx` through python-docx: paragraphs and tables in body order, table rows as tab-joined lines."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, EmptyDocumentError, UnsupportedFormatError

_WS_RE = re.compile(r"[ \t\xa0]+")


def _cell_text(cell: Any) -> str:
    return _WS_RE.sub(" ", " ".join(p.text for p in cell.paragraphs)).strip()


def load_docx(path: Path, data: bytes) -> tuple[str, dict[str, Any]]:
    """Return (text, meta) of a Word document; a damaged or truncated file raises CorruptFileError."""
    try:
        import docx
        from docx.oxml.ns import qn
    except ImportError as exc:  # pragma: no cover - python-docx is a declared dependency
        raise ImportError("reading DOCX needs python-docx: pip install python-docx") from exc

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        # an OLE container: a password-protected .docx or an old binary .doc renamed
        raise UnsupportedFormatError("an OLE container (encrypted .docx or binary .doc), not a Word 2007+ file", path=path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise CorruptFileError("not a readable DOCX (zip) file: damaged or truncated", path=path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, ValueError, lxml errors ...
        raise CorruptFileError(f"cannot read DOCX: {type(exc).__name__}: {exc}", path=path) from exc

    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    try:
        body = document.element.body
        for child in body.iterchildren():
            if child.tag == qn("w:p"):
                lines.append(Paragraph(child, document).text.strip())
            elif child.tag == qn("w:tbl"):
                table = Table(child, document)
                for row in table.rows:
                    cells: list[str] = []
                    seen: set[int] = set()
                    for cell in row.cells:  # merged cells repeat: keep each once
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        cells.append(_cell_text(cell))
                    line = "\t".join(cells).strip()
                    if line:
                        lines.append(line)
    except Exception as exc:
        raise CorruptFileError(f"cannot read DOCX body: {type(exc).__name__}: {exc}", path=path) from exc

    # keep paragraph structure; collapse runs of empty paragraphs
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    text = "\n".join(out).strip()
    if not text:
        raise EmptyDocumentError("the document holds no text", path=path)
    meta: dict[str, Any] = {}
    props = document.core_properties
    if props.title:
        meta["title"] = props.title.strip()
    else:
        first = next((ln for ln in out if ln.strip()), "")
        if 0 < len(first) <= 80:
            meta["title"] = first
    if props.created:
        meta["created"] = props.created.date().isoformat()
    if props.author:
        meta["author"] = props.author
    return text, meta
