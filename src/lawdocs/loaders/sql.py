"""MySQL dumps: `INSERT INTO t (cols) VALUES (...), (...);` rows holding gov.cn page HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, EmptyDocumentError

_INSERT_RE = re.compile(
    r"insert\s+(?:ignore\s+)?into\s+[`\"]?([\w.]+)[`\"]?\s*(?:\(([^)]*)\))?\s*values\s*", re.I
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "Z": "\x1a", "b": "\b"}
_STRING_BODY_RE = re.compile(r"[^'\\]+")
_BARE_RE = re.compile(r"[^,)\s]+")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _read_string(text: str, pos: int, path: Path) -> tuple[str, int]:
    """Read a single-quoted MySQL string starting after its opening quote; return (value, next pos)."""
    out: list[str] = []
    n = len(text)
    while True:
        m = _STRING_BODY_RE.match(text, pos)
        if m:
            out.append(m.group(0))
            pos = m.end()
        if pos >= n:
            raise CorruptFileError("unterminated string in INSERT", path=path, line=_line_of(text, pos - 1))
        ch = text[pos]
        if ch == "\\":
            if pos + 1 >= n:
                raise CorruptFileError("dangling escape in INSERT", path=path, line=_line_of(text, pos))
            nxt = text[pos + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            pos += 2
        elif text.startswith("''", pos):  # doubled quote
            out.append("'")
            pos += 2
        else:  # closing quote
            return "".join(out), pos + 1


def _skip_ws(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _read_tuple(text: str, pos: int, path: Path) -> tuple[list[Any], int]:
    """Read `( v, v, ... )` starting at '('; values are str, int, float or None."""
    start = pos
    pos += 1
    values: list[Any] = []
    while True:
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise CorruptFileError("truncated INSERT values", path=path, line=_line_of(text, start))
        ch = text[pos]
        if ch == "'":
            val, pos = _read_string(text, pos + 1, path)
            values.append(val)
        elif ch == ")" and not values:
            return values, pos + 1
        else:
            m = _BARE_RE.match(text, pos)
            if not m:
                raise CorruptFileError(
                    f"unexpected {ch!r} in INSERT values", path=path, line=_line_of(text, pos)
                )
            word = m.group(0)
            pos = m.end()
            if word.lower() == "null":
                values.append(None)
            else:
                try:
                    values.append(int(word))
                except ValueError:
                    try:
                        values.append(float(word))
                    except ValueError:
                        values.append(word)
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise CorruptFileError("truncated INSERT values", path=path, line=_line_of(text, start))
        if text[pos] == ",":
            pos += 1
            continue
        if text[pos] == ")":
            return values, pos + 1
        raise CorruptFileError(f"unexpected {text[pos]!r} in INSERT values", path=path, line=_line_of(text, pos))


def iter_insert_rows(text: str, path: Path) -> Iterator[tuple[str, dict[str, Any], int]]:
    """Yield (table, row as {column: value}, line number) for every row of every INSERT statement."""
    pos = 0
    while True:
        m = _INSERT_RE.search(text, pos)
        if not m:
            return
        table = m.group(1)
        cols = [c.strip().strip("`\"") for c in (m.group(2) or "").split(",") if c.strip()]
        pos = m.end()
        while True:
            pos = _skip_ws(text, pos)
            if pos >= len(text) or text[pos] != "(":
                raise CorruptFileError("INSERT without a value list", path=path, line=_line_of(text, pos))
            line = _line_of(text, pos)
            values, pos = _read_tuple(text, pos, path)
            if cols and len(values) != len(cols):
                raise CorruptFileError(
                    f"row has {len(values)} values for {len(cols)} columns", path=path, line=line
                )
            names = cols or [f"c{i}" for i in range(len(values))]
            yield table, dict(zip(names, values, strict=True)), line
            pos = _skip_ws(text, pos)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            break


_NOTICE_PREFIXES = ("国发", "国办发", "国函", "国办函", "国发明电", "国办发明电")
_SIGNATURE_DATE_RE = re.compile(r"^(?:[（(])?\s*(\d{4}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)\s*(?:[）)])?$")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def _cn_date(s: str) -> str | None:
    """`二○○八年九月十八日` / `2018年12月5日` → ISO date."""
    from .text import iso_date

    if s[:1].isdigit():
        return iso_date(s)
    m = re.match(r"(.{4})年(.+)月(.+)日", s)
    if not m:
        return None

    def small(x: str) -> int:
        if x == "十":
            return 10
        if x.startswith("十"):
            return 10 + _CN_DIGITS.get(x[1], 0)
        if x.endswith("十"):
            return _CN_DIGITS.get(x[0], 0) * 10
        if "十" in x:
            return _CN_DIGITS.get(x[0], 0) * 10 + _CN_DIGITS.get(x[2], 0)
        return _CN_DIGITS.get(x, 0)

    try:
        year = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
    except KeyError:
        return None
    mo, d = small(m.group(2)), small(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{year:04d}-{mo:02d}-{d:02d}"


def signature_date(lines: list[str]) -> str | None:
    """The date line of a document's signature block (within its last lines), as ISO."""
    for ln in reversed(lines[-8:]):
        m = _SIGNATURE_DATE_RE.match(ln.strip())
        if m:
            return _cn_date(m.group(1))
    return None


def doc_type_hint(number: str | None) -> str | None:
    if not number:
        return None
    if number.startswith("国令"):
        return "administrative_regulation"
    if number.startswith(_NOTICE_PREFIXES):
        return "notice"
    return None


def load_sql(path: Path, text: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (source, text, meta) per INSERT row holding a page (`content` or `html` column)."""
    from .html import govcn_table, html_to_lines
    from .text import iso_date, strip_chrome

    found = False
    for table, row, line in iter_insert_rows(text, path):
        markup = None
        for col in ("content", "html", "body", "text"):
            val = row.get(col)
            if isinstance(val, str) and val.strip():
                markup = val
                break
        if markup is None:
            continue
        meta: dict[str, Any] = {}
        lines, _ = html_to_lines(markup, f"{path} (line {line})")
        lines, page_meta = govcn_table(lines)
        if markup is not row.get("html") and isinstance(row.get("html"), str):
            # the full page's metadata table holds gov.cn's own 成文日期 / 发布日期
            page_lines, _ = html_to_lines(row["html"], f"{path} (line {line})")
            page_meta = govcn_table(page_lines[:40])[1] | page_meta
        lines = strip_chrome(lines, {})
        body = "\n".join(lines)
        if not body.strip():
            continue
        found = True
        row_id = row.get("id", line)
        if row.get("title"):
            meta["title"] = str(row["title"]).strip()
        if row.get("release_office"):
            meta["issuers"] = [s for s in re.split(r"[、,，\s]+", str(row["release_office"])) if s]
        if row.get("release_number"):
            meta["number"] = str(row["release_number"]).strip()
        written = iso_date(row.get("wiritten_time") or row.get("written_time"))
        released = iso_date(row.get("release_time"))
        signed = signature_date(lines)
        # gov.cn's 成文日期, else the signature line, else the dump's columns (which look shifted: see README)
        date = page_meta.get("date") or signed or written or released
        if date:
            meta["date"] = date
        if page_meta.get("release_date") or released:
            meta["release_date"] = page_meta.get("release_date") or released
        if written:
            meta["written_time"] = written
        if page_meta.get("subject"):
            meta["subject"] = page_meta["subject"]
        effective = iso_date(row.get("effect_time"))
        if effective:
            meta["effective_date"] = effective
        hint = doc_type_hint(meta.get("number"))
        if hint:
            meta["doc_type"] = hint
        if row.get("crawl_url"):
            meta["url"] = row["crawl_url"]
        if row.get("index_number"):
            meta["index_number"] = row["index_number"]
        meta["table"] = table
        meta["row"] = row_id
        yield f"{path}#row={row_id}", body, meta
    if not found:
        raise EmptyDocumentError("no INSERT row with a content or html column", path=path)
