"""HTML to lines: one line per block (<p>, <div>, <br>, <tr>, <li>, headings), page chrome dropped."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CorruptFileError, EmptyDocumentError, LimitExceededError
from .text import strip_chrome

if TYPE_CHECKING:
    from .limits import Limits

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
_SPACE_RE = re.compile(r"[ \r\f\v\xa0\u2002\u2003\u2009\u200b]+")


_SEGMENT_BREAK_RE = re.compile(r"(.?)[ \t]*\r?\n[\s]*(.?)", re.S)


def _segment_break(m: re.Match[str]) -> str:
    a, b = m.group(1), m.group(2)
    if not a or not b:
        return a + " " + b
    if unicodedata.east_asian_width(a) in "WF" and unicodedata.east_asian_width(b) in "WF":
        return a + b
    return a + " " + b


def _lxml():  # type: ignore[no-untyped-def]
    try:
        import lxml.html
    except ImportError as exc:  # pragma: no cover - lxml is a declared dependency
        raise ImportError("reading HTML needs lxml: pip install lxml") from exc
    return lxml.html


def _max_depth(root: Any) -> int:
    """The element nesting depth of a tree, without recursion."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in el)
    return deepest


def html_to_lines(
    markup: str, path: str | Path, *, limits: Limits | None = None
) -> tuple[list[str], str | None]:
    """Return (lines, <title> text) for an HTML page or fragment.

    A page nested deeper than `limits.max_html_depth` elements raises LimitExceededError (libxml2 stops
    reading at 256 levels and would drop the rest without a word).
    """
    from .limits import current_limits

    lim = current_limits(limits)
    lh = _lxml()
    if not markup.strip():
        return [], None
    parser = lh.HTMLParser(huge_tree=False, no_network=True)
    try:
        root = lh.document_fromstring(markup, parser=parser)
    except Exception as exc:  # lxml raises ParserError / ValueError on hopeless input
        raise CorruptFileError(f"cannot parse HTML: {exc}", path=path) from exc
    halted = any("depth" in str(e.message).lower() for e in parser.error_log)
    depth = _max_depth(root)
    if depth > lim.max_html_depth or halted:
        raise LimitExceededError(
            f"HTML nests elements {'more than ' + str(depth) if halted else depth} levels deep, over "
            f"{lim.max_html_depth}; the content below that depth and after it would be skipped, so the page "
            "is not read",
            limit="max_html_depth",
            path=path,
        )
    page_title = None
    for xpath in (".//h1", ".//title"):  # the page's own heading is a better title than <title>
        el = root.find(xpath)
        if el is not None and el.text_content().strip():
            page_title = _SPACE_RE.sub(" ", el.text_content()).strip()
            break

    parts: list[str] = []

    def add(text: str | None) -> None:
        # a line break inside a text node is whitespace: gone between CJK characters, else one space
        if text:
            parts.append(_SEGMENT_BREAK_RE.sub(_segment_break, text))

    full_rows: dict[Any, bool] = {}  # a row → whether two of its cells hold text, read once per row
    data_tables: dict[Any, bool] = {}  # a table (or its tbody) → whether two of its rows are full, once per table

    def full(row: Any) -> bool:
        if row not in full_rows:
            cells = (c for c in row if isinstance(c.tag, str) and c.tag.lower() in _CELL_TAGS)
            full_rows[row] = sum(1 for c in cells if c.text_content().strip()) >= 2
        return full_rows[row]

    def data_cell(el: Any) -> bool:
        """A cell of a data table, not a page's layout cell: it holds no table, its row has another cell with
        text, and so has another row of its table (a spacer or a logo beside the page's text makes no table)."""
        row = el.getparent()
        body = row.getparent() if row is not None else None
        if el.find(".//table") is not None or body is None or not full(row):
            return False
        if body not in data_tables:
            rows = (r for r in body if isinstance(r.tag, str) and r.tag.lower() == "tr")
            data_tables[body] = sum(1 for r in rows if full(r)) >= 2
        return data_tables[body]

    def walk(el: Any, in_cell: bool = False) -> None:
        """`in_cell`: inside a data cell, whose paragraphs stay on the row's line (a row is one line of
        tab-separated cells)."""
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if not tag:  # comments, processing instructions
            add(el.tail)
            return
        if tag in _DROP_TAGS:
            add(el.tail)
            return
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if attrs.strip() and _CHROME_ATTR_RE.search(attrs) and tag not in ("body", "html"):
            add(el.tail)
            return
        block = tag in _BLOCK_TAGS
        in_cell = in_cell or (tag in _CELL_TAGS and data_cell(el))
        if block:
            parts.append(" " if in_cell else "\n")
        add(el.text)
        for child in el:
            walk(child, in_cell)
        if tag in _CELL_TAGS:
            parts.append("\t")
        if block:
            parts.append(" " if in_cell else "\n")
        add(el.tail)

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


# gov.cn policy pages open with a metadata table: 索引号 / 主题分类 / 发文机关 / 成文日期 / 标题 / 发文字号 / 发布日期
_GOVCN_LABELS = {
    "索引号": "index_number",
    "主题分类": "subject",
    "发文机关": "issuers",
    "成文日期": "date",
    "标题": "title",
    "发文字号": "number",
    "发布日期": "release_date",
    "主题词": "keywords",
}
_LABEL_CELL_RE = re.compile(r"^([\u4e00-\u9fff\s\u3000]{2,10})[:：]$")


def govcn_table(lines: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Split the gov.cn metadata table off a page's lines: (remaining lines, meta)."""
    from .text import iso_date

    meta: dict[str, Any] = {}
    keep: list[str] = []
    for i, line in enumerate(lines):
        cells = line.split("\t")
        m = _LABEL_CELL_RE.match(cells[0]) if i < 30 else None
        key = _GOVCN_LABELS.get(re.sub(r"[\s\u3000]", "", m.group(1))) if m else None
        if key is None:
            keep.append(line)
            continue
        # cells alternate label, value, label, value ...
        for j in range(0, len(cells), 2):
            lm = _LABEL_CELL_RE.match(cells[j])
            k = _GOVCN_LABELS.get(re.sub(r"[\s\u3000]", "", lm.group(1))) if lm else None
            value = cells[j + 1].strip() if j + 1 < len(cells) else ""
            if not k or not value:
                continue
            if k in ("date", "release_date"):
                d = iso_date(value)
                if d:
                    meta[k] = d
            elif k == "issuers":
                meta[k] = [x for x in re.split(r"[、,，\s]+", value) if x]
            else:
                meta[k] = value
    return keep, meta


def load_html(path: Path, markup: str, *, limits: Limits | None = None) -> tuple[str, dict[str, Any]]:
    """Text and meta of one HTML page: chrome lines dropped, blocks one per line."""
    meta: dict[str, Any] = {}
    lines, page_title = html_to_lines(markup, path, limits=limits)
    lines, table_meta = govcn_table(lines)
    lines = strip_chrome(lines, meta)
    meta.update(table_meta)
    text = "\n".join(lines)
    if not text.strip():
        raise EmptyDocumentError("the page holds no text", path=path)
    if page_title and "title" not in meta:
        meta["title"] = page_title
    return text, meta
