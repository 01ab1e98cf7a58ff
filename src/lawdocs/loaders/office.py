"""`.docx` through python-docx: paragraphs and tables in body order, table rows as tab-joined lines.

The zip container is vetted first (`vetted_zip`): member count and inflated size of its XML parts are checked
against `Limits` from the central directory and again while each member is read through a bounded reader, a
part that declares XML entities is refused, and binary parts (images, fonts) are replaced by empty blobs since
only text is read. python-docx then parses that vetted in-memory copy (its lxml parser resolves no entities and
keeps lxml's huge-tree protection on), so a zip bomb cannot make it inflate more than the limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CorruptFileError, EmptyDocumentError, LimitExceededError, UnsupportedFormatError

if TYPE_CHECKING:
    from .limits import Limits

_WS_RE = re.compile(r"[ \t\xa0]+")


def _cell_text(cell: Any) -> str:
    return _WS_RE.sub(" ", " ".join(p.text for p in cell.paragraphs)).strip()


_TEXT_PARTS = (".xml", ".rels")
_ENTITY_RE = re.compile(rb"<!ENTITY", re.I)


def _is_text_part(name: str) -> bool:
    return name.lower().endswith(_TEXT_PARTS) or name == "[Content_Types].xml"


def vetted_zip(path: Path, data: bytes, limits: Limits) -> bytes:
    """A copy of the DOCX container holding its XML parts (read within the limits) and empty binary parts."""
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptFileError(f"not a readable DOCX (zip) file: {exc}", path=path) from exc
    members = zin.infolist()
    if len(members) > limits.max_zip_members:
        raise LimitExceededError(
            f"the DOCX container holds {len(members):,} members, over {limits.max_zip_members:,}",
            limit="max_zip_members",
            path=path,
        )
    budget = limits.max_inflated_bytes
    declared = sum(m.file_size for m in members if _is_text_part(m.filename))
    if declared > budget:
        raise LimitExceededError(
            f"the DOCX's XML parts inflate to {declared:,} bytes, over {budget:,}",
            limit="max_inflated_bytes",
            path=path,
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in members:
            if info.is_dir():
                continue
            if not _is_text_part(info.filename):
                zout.writestr(info.filename, b"")
                continue
            chunks: list[bytes] = []
            try:
                with zin.open(info) as fh:
                    while True:
                        chunk = fh.read(min(1 << 20, budget + 1))
                        if not chunk:
                            break
                        budget -= len(chunk)
                        if budget < 0:
                            raise LimitExceededError(
                                f"the DOCX's XML parts inflate past {limits.max_inflated_bytes:,} bytes "
                                f"(at {info.filename})",
                                limit="max_inflated_bytes",
                                path=path,
                            )
                        chunks.append(chunk)
            except LimitExceededError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise CorruptFileError(f"cannot read DOCX member {info.filename}: {exc}", path=path) from exc
            blob = b"".join(chunks)
            entities = len(_ENTITY_RE.findall(blob))
            if entities > limits.max_xml_entities:
                raise LimitExceededError(
                    f"DOCX part {info.filename} declares {entities} XML entities, over {limits.max_xml_entities}"
                    " (entity expansion is refused)",
                    limit="max_xml_entities",
                    path=path,
                )
            zout.writestr(info.filename, blob)
    return out.getvalue()


def load_docx(path: Path, data: bytes, *, limits: Limits | None = None) -> tuple[str, dict[str, Any]]:
    """Return (text, meta) of a Word document; a damaged or truncated file raises CorruptFileError,
    one that expands past `limits` LimitExceededError."""
    from .limits import current_limits

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
    vetted = vetted_zip(path, data, current_limits(limits))
    try:
        document = docx.Document(io.BytesIO(vetted))
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
