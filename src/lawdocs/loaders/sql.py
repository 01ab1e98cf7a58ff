"""MySQL dumps: `INSERT INTO t (cols) VALUES (...), (...);` rows holding gov.cn page HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError

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
