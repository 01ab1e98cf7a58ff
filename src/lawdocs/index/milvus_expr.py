"""Values for Milvus: filters as boolean expressions (every value quoted and escaped, `like` patterns matched
literally), rows of scalar fields, URIs as they may be shown, and which returned keys the row table allows.

Pure functions, so the translation is tested without an engine; a filter that cannot be expressed safely
(a backslash inside a `like` value) is reported by `pushable` and left to the row table's allowed keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..filters import Filters
from .backend import RowFields

SCALARS = ("doc_id", "doc_type", "region", "issuers", "date", "status", "path")
MAX_VARCHAR = 8192  # bytes kept of a scalar string (section paths are far shorter)
MAX_TEXT = 65_535  # Milvus' VARCHAR limit in bytes, for the BM25 text


def quote(value: str) -> str:
    """A Milvus string literal: double-quoted, with backslashes and quotes escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def like_escape(value: str) -> str:
    """`value` as literal text inside a LIKE pattern (`%` and `_` are wildcards there, escaped by a backslash).

    A backslash in the value itself has no portable LIKE spelling (milvus-lite reads `\\\\` as two
    backslashes, a lone `\\` before a letter as itself): such values are not pushed down (`pushable`).
    """
    return value.replace("%", "\\%").replace("_", "\\_")


def _likeable(value: str) -> bool:
    return "\\" not in value


def pushable(filters: Filters) -> bool:
    """Whether `filters_to_expr` expresses all of `filters` (else it leaves out the parts it cannot spell, so
    its expression admits a superset and the row table's keys must decide)."""
    likes = [
        *(filters.region or []),
        *(filters.issuer or []),
        *([filters.path_prefix] if filters.path_prefix else []),
    ]
    return all(_likeable(v) for v in likes)


def _like(field: str, pattern_inner: str) -> str:
    # the LIKE pattern is itself a string literal: escape its own backslashes and quotes on top
    return f"{field} like {quote(pattern_inner)}"


def _in(field: str, values: Sequence[str | int]) -> str:
    items = ", ".join(quote(v) if isinstance(v, str) else str(int(v)) for v in values)
    return f"{field} in [{items}]"


def filters_to_expr(filters: Filters) -> str:
    """The Milvus boolean expression for `filters` ("" when they restrict nothing).

    Same meaning as `Filters.doc_matches` plus the section-path prefix: text fields match by containment,
    lists mean any of, and a row with an unknown year or date fails any year or date bound. A text value holding
    a backslash is left out (see `pushable`); every value is quoted, so none can change the expression's shape.
    """
    parts: list[str] = []
    if filters.doc_type:
        parts.append(_in("doc_type", filters.doc_type))
    if filters.region and all(_likeable(r) for r in filters.region):
        parts.append(" or ".join(_like("region", f"%{like_escape(r)}%") for r in filters.region))
    if filters.issuer and all(_likeable(i) for i in filters.issuer):
        parts.append(" or ".join(_like("issuers", f"%{like_escape(i)}%") for i in filters.issuer))
    if filters.year:
        parts.append(_in("year", [int(y) for y in filters.year]))
    if filters.year_from is not None:
        parts.append(f"year >= {int(filters.year_from)} and year != -1")
    if filters.year_to is not None:
        parts.append(f"year <= {int(filters.year_to)} and year != -1")
    if filters.date_from:
        parts.append(f'date >= {quote(filters.date_from)} and date != ""')
    if filters.date_to:
        parts.append(f'date <= {quote(filters.date_to)} and date != ""')
    if filters.doc_id:
        parts.append(_in("doc_id", filters.doc_id))
    if filters.path_prefix and _likeable(filters.path_prefix):
        parts.append(_like("path", f"{like_escape(filters.path_prefix)}%"))
    if filters.status:
        wanted = list(dict.fromkeys([*filters.status, *([""] if "unknown" in filters.status else [])]))
        parts.append(_in("status", wanted))
    if len(parts) == 1:
        return parts[0]
    return " and ".join(f"({p})" for p in parts)


def _clip(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    return text if len(raw) <= limit else raw[:limit].decode("utf-8", errors="ignore")


def _row(f: RowFields) -> dict[str, Any]:
    row: dict[str, Any] = {name: _clip(getattr(f, name), MAX_VARCHAR) for name in SCALARS}
    row["key"] = int(f.key)
    row["year"] = int(f.year)
    return row


def _public_uri(uri: str) -> str:
    """The URI as recorded and shown: a local file made absolute, any user:password@ removed."""
    if "://" not in uri:
        return str(Path(uri).expanduser().resolve())
    scheme, rest = uri.split("://", 1)
    host, sep, tail = rest.partition("/")
    return f"{scheme}://{host.rsplit('@', 1)[-1]}{sep}{tail}"


def members(found: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """A bool per found key: is it among the sorted allowed keys (None: all are)."""
    if allowed is None or not len(found):
        return np.ones(len(found), dtype=bool)
    return allowed[np.minimum(np.searchsorted(allowed, found), len(allowed) - 1)] == found
