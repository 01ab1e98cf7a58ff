"""HTML to lines: one line per block (<p>, <div>, <br>, <tr>, <li>, headings), page chrome dropped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, EmptyDocumentError
from .text import strip_chrome

_DROP_TAGS = {
    "script", "style", "noscript", "template", "nav", "menu", "header", "footer", "aside", "form",
    "button", "select", "option", "input", "textarea", "iframe", "object", "embed", "svg", "canvas", "head",
}
_BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tfoot",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main", "blockquote", "pre", "hr",
    "center", "address", "figure", "figcaption", "caption", "body", "html",
}
_CELL_TAGS = {"td", "th"}
# class / id fragments of navigation and toolbars
_CHROME_ATTR_RE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumb|crumb|footer|topbar|toolbar|share|sharebox|"
    r"bdsharebuttonbox|print|fontsize|font-size|zoom|sidebar|related|pagination|pager|copyright|"
    r"skip|search|login)(?:$|[\s_-])",
    re.I,
)
_SPACE_RE = re.compile(r"[ \t\r\f\v\xa0\u2002\u2003\u2009\u200b]+")


def _lxml():  # type: ignore[no-untyped-def]
    try:
        import lxml.html
    except ImportError as exc:  # pragma: no cover - lxml is a declared dependency
        raise ImportError("reading HTML needs lxml: pip install lxml") from exc
    return lxml.html


def html_to_lines(markup: str, path: str | Path) -> tuple[list[str], str | None]:
    """Return (lines, <title> text) for an HTML page or fragment."""
    lh = _lxml()
    if not markup.strip():
        return [], None
    try:
        root = lh.document_fromstring(markup)
    except Exception as exc:  # lxml raises ParserError / ValueError on hopeless input
        raise CorruptFileError(f"cannot parse HTML: {exc}", path=path) from exc
    title_el = root.find(".//title")
    page_title = title_el.text_content().strip() if title_el is not None else None

    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if not tag:  # comments, processing instructions
            if el.tail:
                parts.append(el.tail)
            return
        if tag in _DROP_TAGS:
            if el.tail:
                parts.append(el.tail)
            return
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if attrs.strip() and _CHROME_ATTR_RE.search(attrs) and tag not in ("body", "html"):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _CELL_TAGS:
            parts.append("\t")
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    raw = "".join(parts)
    lines = []
    for ln in raw.split("\n"):
        ln = _SPACE_RE.sub(" ", ln).strip(" \t\u3000")
        ln = re.sub(r"\s*\t\s*", "\t", ln).strip("\t")
        if ln:
            lines.append(ln)
    return lines, page_title


def load_html(path: Path, markup: str) -> tuple[str, dict[str, Any]]:
    """Text and meta of one HTML page: chrome lines dropped, blocks one per line."""
    meta: dict[str, Any] = {}
    lines, page_title = html_to_lines(markup, path)
    lines = strip_chrome(lines, meta)
    text = "\n".join(lines)
    if not text.strip():
        raise EmptyDocumentError("the page holds no text", path=path)
    if page_title:
        meta["title"] = page_title
    return text, meta
