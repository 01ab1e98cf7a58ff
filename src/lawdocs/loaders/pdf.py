"""PDF text layers through pypdf, with the artefacts of print layout repaired.

What is repaired, and nothing else: CJK radical look-alikes, page markers (`—1—`, `- 1 -`, `第1页`,
bare page numbers), running headers/footers, the 目录 block, padded headings (`第一章  总    则`),
line indents, and hard line wraps (joined without a space between CJK characters).
Pages without a text layer are read by OCR when the `[ocr]` extra is installed (`loaders.ocr`).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, EmptyDocumentError, EncryptedPDFError, NoTextLayerError
from . import ocr
from .text import fold_radicals

NUM = "一二三四五六七八九十百千零〇两"
_DASH = "—–\\-－‐‑‒―_~·•"
# decorated page markers anywhere on a line of their own
_MARKER_RE = re.compile(
    rf"^(?:[{_DASH}]+\s*\d{{1,4}}\s*[{_DASH}]+"  # —1—  - 1 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"  # 第1页 / 第1页 共23页
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"  # 1/23
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_BARE_NUMBER_RE = re.compile(r"^\d{1,4}$")
_GLUED_MARKER_START_RE = re.compile(rf"^[{_DASH}]+\s*\d{{1,4}}\s*[{_DASH}]+\s*(?=\S)")
_GLUED_MARKER_END_RE = re.compile(rf"(?<=\S)\s*[{_DASH}]+\s*\d{{1,4}}\s*[{_DASH}]+$")
HEADING_RE = re.compile(rf"^(第[{NUM}\d]+(?:分编|编|章|节))[\s\u3000]*(.*)$")
ARTICLE_START_RE = re.compile(rf"^第[{NUM}\d]+条(?:之[{NUM}]+)?(?:[\s\u3000]|$)")
# line starts that begin a new unit: a wrapped line never continues into these
_NEW_UNIT_RE = re.compile(
    rf"^(?:第[{NUM}\d]+(?:分编|编|章|节|条(?:之[{NUM}]+)?)(?:[\s\u3000]|$)"
    rf"|[（(][{NUM}\d]+[）)]"
    rf"|[{NUM}]+[、．.]"
    r"|\d{1,3}[、．.](?!\d)"
    r"|[①-⑳]"
    r"|附件|附则|附录|序言)"
)
_TERMINAL = set("。；;：:！!？?…」』”’）)》〉】]")
_SPACED_CJK_RE = re.compile(r"^(?:[\u4e00-\u9fff][\s\u3000]+)+[\u4e00-\u9fff]$")
_WS_RE = re.compile(r"[\s\u3000]+")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _squash(s: str) -> str:
    return _WS_RE.sub("", s)


def normalize_heading(line: str) -> str:
    """`第一章  总    则` → `第一章 总则`; `目    录` → `目录` (layout padding, not wording)."""
    m = HEADING_RE.match(line)
    if m:
        rest = m.group(2).strip()
        if not rest:
            return m.group(1)
        if re.fullmatch(r"[\u4e00-\u9fff、，,·\s\u3000]+", rest):
            rest = _squash(rest)
        else:
            rest = _WS_RE.sub(" ", rest)
        return f"{m.group(1)} {rest}"
    if len(line) <= 24 and _SPACED_CJK_RE.match(line):
        parts = _WS_RE.split(line)
        if all(len(p) == 1 for p in parts):
            return "".join(parts)
    return line


def _clean_page_lines(raw: str) -> list[str]:
    text = fold_radicals(raw).replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    out: list[str] = []
    for i, ln in enumerate(lines):
        edge = i < 2 or i >= len(lines) - 2
        if _MARKER_RE.match(ln) or (edge and _BARE_NUMBER_RE.match(ln)):
            continue
        if edge:
            ln = _GLUED_MARKER_START_RE.sub("", ln)
            ln = _GLUED_MARKER_END_RE.sub("", ln)
        out.append(ln)
    return out


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove header/footer lines that repeat (digits aside) on many pages' first or last two lines."""
    n = len(pages)
    if n < 3:
        return pages

    def key(s: str) -> str:
        return re.sub(r"\d+", "#", _squash(s))

    counts: Counter[str] = Counter()
    for lines in pages:
        edge_lines = set(lines[:2] + lines[-2:])
        # headers and footers are short and are not sentences
        counts.update({key(s) for s in edge_lines if len(s) <= 40 and s[-1] not in "。；;！？!?"})
    limit = max(3, (n + 1) // 2)
    running = {k for k, c in counts.items() if c >= limit}
    if not running:
        return pages
    out = []
    for lines in pages:
        keep = []
        for i, s in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and key(s) in running:
                continue
            keep.append(s)
        out.append(keep)
    return out


def _drop_toc(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop the 目录 block: from the `目录` line up to where the body repeats its first entry."""
    for i, (_, s) in enumerate(items[:400]):
        if _squash(s) not in ("目录", "目次"):
            continue
        j = i + 1
        if j >= len(items):
            return items
        first = _squash(items[j][1])
        k = j + 1
        while k < len(items) and k - i < 800:
            s2 = items[k][1]
            if _squash(s2) == first:
                return items[:i] + items[k:]
            if ARTICLE_START_RE.match(s2) or (len(s2) > 30 and s2[-1] in "。；"):
                return items[:i] + items[k:]
            k += 1
        return items
    return items


def _full_width(items: list[tuple[int, str]]) -> float:
    widths = sorted(_width(s) for _, s in items if len(s) > 4)
    if not widths:
        return 0.0
    return float(widths[int(len(widths) * 0.9)])


def _join_char(prev: str, nxt: str) -> str:
    a, b = prev[-1], nxt[0]
    if a.isascii() and a.isalpha() and b.isascii() and b.isalnum():
        return " "
    return ""


def rejoin(items: list[tuple[int, str]], n_pages: int) -> tuple[str, list[int]]:
    """Join hard-wrapped lines; return (text, page start offsets)."""
    full = _full_width(items)
    parts: list[str] = []
    length = 0
    page_start: list[int | None] = [None] * n_pages
    prev: str | None = None
    for page, s in items:
        if prev is None:
            sep = ""
        else:
            wrapped = (
                prev[-1] not in _TERMINAL
                and _width(prev) >= 0.75 * full
                and not _NEW_UNIT_RE.match(s)
                and not HEADING_RE.match(prev)
            )
            sep = _join_char(prev, s) if wrapped else "\n"
        if page_start[page] is None:
            page_start[page] = length + len(sep)
        parts.append(sep)
        parts.append(s)
        length += len(sep) + len(s)
        prev = s
    # pages left empty (a 目录 page, a blank page) start where the next content starts
    nxt = length
    starts = [0] * n_pages
    for p in range(n_pages - 1, -1, -1):
        v = page_start[p]
        if v is None:
            v = nxt
        starts[p] = v
        nxt = v
    if starts:
        starts[0] = 0
    return "".join(parts), starts


def _title_of(stem: str, lines: list[str], info_title: str | None) -> str | None:
    name = re.sub(r"[（(]\d{4}[-.年].*?[)）]$", "", stem).strip("《》 ")
    head = lines[:12]
    for s in head:
        if _squash(s).strip("《》") == _squash(name):
            return s.strip("《》")
    for s in head:
        if 4 <= len(s) <= 40 and re.search(r"[\u4e00-\u9fff]", s) and s[-1] not in "。；，":
            return s
    return info_title or name or None


def load_pdf(path: Path, data: bytes) -> tuple[str, list[int], dict[str, Any]]:
    """Return (text, page start offsets, meta) of one PDF file."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a declared dependency
        raise ImportError("reading PDF needs pypdf: pip install pypdf") from exc

    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError("not a PDF (no %PDF- header)", path=path)
    if b"%%EOF" not in data[-2048:]:
        raise CorruptFileError("truncated PDF (no %%EOF trailer)", path=path)
    try:
        reader = PdfReader(io.BytesIO(data))
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise CorruptFileError(f"cannot read PDF: {exc}", path=path) from exc
    except Exception as exc:  # pypdf raises a wide range on damaged files
        raise CorruptFileError(f"cannot read PDF: {type(exc).__name__}: {exc}", path=path) from exc
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except DependencyError as exc:
            raise EncryptedPDFError(
                f"encrypted PDF (AES; install 'cryptography' to try the empty password): {exc}", path=path
            ) from exc
        except Exception as exc:
            raise EncryptedPDFError(f"encrypted PDF: {exc}", path=path) from exc
        if not ok:
            raise EncryptedPDFError("encrypted PDF: a password is needed to read it", path=path)
    try:
        n_pages = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise EncryptedPDFError(f"encrypted PDF: {exc}", path=path) from exc
    except Exception as exc:
        raise CorruptFileError(f"cannot read the page tree: {exc}", path=path) from exc
    if n_pages == 0:
        raise EmptyDocumentError("the PDF has no pages", path=path)

    raws: list[str] = []
    chars = 0
    empty_pages: list[int] = []
    for i in range(n_pages):
        try:
            raw = reader.pages[i].extract_text() or ""
        except FileNotDecryptedError as exc:
            raise EncryptedPDFError(f"encrypted PDF: {exc}", path=path, page=i + 1) from exc
        except Exception as exc:
            raise CorruptFileError(
                f"cannot extract text: {type(exc).__name__}: {exc}", path=path, page=i + 1
            ) from exc
        n = len(_squash(raw))
        chars += n
        if n < 5:
            empty_pages.append(i + 1)
        raws.append(raw)
    ocr_read: list[int] = []
    if empty_pages and ocr.available():  # pages without a text layer are read by OCR ([ocr] extra)
        for index, text in ocr.ocr_pages(path, data, [p - 1 for p in empty_pages]).items():
            raws[index] = text
            chars += len(_squash(text))
            ocr_read.append(index + 1)
        empty_pages = [p for p in empty_pages if len(_squash(raws[p - 1])) < 5]
    if chars < 20 * n_pages and len(empty_pages) * 2 >= n_pages:
        first = empty_pages[0] if empty_pages else 1
        hint = "OCR found no text on them" if ocr_read else f"a scan needs OCR: {ocr.EXTRA_HINT}"
        raise NoTextLayerError(
            f"no text layer on {len(empty_pages)} of {n_pages} pages ({chars} characters): {hint}",
            path=path,
            page=first,
        )
    pages = [_clean_page_lines(raw) for raw in raws]

    pages = _drop_running_lines(pages)
    items = [(p, normalize_heading(s)) for p, lines in enumerate(pages) for s in lines]
    items = _drop_toc(items)
    text, starts = rejoin(items, n_pages)
    if not text.strip():
        raise NoTextLayerError("no text after extraction", path=path, page=1)

    meta: dict[str, Any] = {"page_count": n_pages}
    info_title = None
    try:
        info = reader.metadata
        if info is not None and info.title:
            info_title = str(info.title).strip() or None
    except Exception:  # metadata is optional and often damaged
        info_title = None
    title = _title_of(path.stem, [s for _, s in items[:12]], info_title)
    if title:
        meta["title"] = title
    if empty_pages:
        meta["empty_pages"] = empty_pages
    if ocr_read:
        meta["ocr_pages"] = ocr_read
    return text, starts, meta
