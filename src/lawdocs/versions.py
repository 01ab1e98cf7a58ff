"""Versions of one law: which version is in force on a day, and the status of each.

Every law-like document (law, regulation, rule, judicial interpretation, local regulation) carries a `law_id`
(its normalised title, shared by all its versions), a `version` (ISO date of its adoption or latest revision),
an `effective_date` and a `repealed` flag (see `parsing.metadata.version_fields`). The versions with one
`law_id` form a version group. On a day D:

- the version in force is the newest one (by effective date, then version date) whose effective date is ≤ D;
- that version is not in force when it is repealed: from `repealed_on` when known; with no known date, on
  and after today (the metadata says expired now, not since when, so a past day still finds it);
- every older version is 已修改 (amended), a version whose effective date is after D is 尚未生效.

Files of one version (same `law_id` and `version`, e.g. the books of 民法典) take effect together: one whose header
omits its 施行 line takes the latest effective date of its siblings, so it is not mistaken for an older version.

Documents without a `law_id` (reports, notices) are never restricted. A version without any date is taken
to be in force (there is nothing to place it by).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from .errors import QueryError
from .models import DocumentInfo

STATUS_CN = {
    "in_force": "现行有效",
    "amended": "已修改",
    "repealed": "已废止",
    "not_yet_in_force": "尚未生效",
    "unknown": "未知",
}
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def today() -> str:
    return date.today().isoformat()


def check_day(value: str) -> str:
    """An ISO date "2019-06-01" as given, else a QueryError."""
    text = str(value).strip()
    if not _ISO_RE.match(text):
        raise QueryError(f"as_of must be an ISO date YYYY-MM-DD, got {value!r}")
    try:
        date.fromisoformat(text)
    except ValueError as exc:
        raise QueryError(f"as_of {value!r} is not a real date: {exc}") from exc
    return text


def starts(doc: DocumentInfo) -> str:
    """The day a version takes effect ("" when it has no date at all)."""
    return doc.effective_date or doc.version or doc.date or ""


def _order(doc: DocumentInfo) -> tuple[str, str, str]:
    return (starts(doc), doc.version or doc.date or "", doc.id)


def groups(docs: Iterable[DocumentInfo]) -> dict[str, list[DocumentInfo]]:
    """law_id → its versions, oldest first."""
    out: dict[str, list[DocumentInfo]] = {}
    for doc in docs:
        if doc.law_id:
            out.setdefault(doc.law_id, []).append(doc)
    for law_id, versions in out.items():
        out[law_id] = sorted(_shared_start(versions), key=_order)
    return out


def _shared_start(versions: list[DocumentInfo]) -> list[DocumentInfo]:
    """The files of one version (same version date) take effect together: a code published book by book whose
    header omits the 施行 line in one book (民法典 婚姻家庭编) is not an older version of the others. A file that
    starts earlier than its siblings gets (as a copy) the latest effective date they give."""
    latest: dict[str, str] = {}
    for v in versions:
        if v.version:
            latest[v.version] = max(latest.get(v.version, ""), starts(v))
    return [
        v.model_copy(update={"effective_date": latest[v.version]})
        if v.version and starts(v) < latest[v.version]
        else v
        for v in versions
    ]


def _ended(doc: DocumentInfo, day: str, now: str) -> bool:
    if not doc.repealed:
        return False
    if doc.repealed_on:
        return doc.repealed_on <= day
    return day >= now


def in_force(versions: Sequence[DocumentInfo], day: str, *, now: str | None = None) -> list[DocumentInfo]:
    """The version of one group (oldest first) in force on `day`: [] when none, several when copies of one
    version (same effective and version dates, other files) sit side by side."""
    started = [v for v in versions if starts(v) <= day]
    if not started:
        return []
    key = _order(started[-1])[:2]
    newest = [v for v in started if _order(v)[:2] == key]
    return [v for v in newest if not _ended(v, day, now or today())]


def allowed_doc_ids(docs: Mapping[str, DocumentInfo], as_of: str | None = None) -> set[str]:
    """Ids of the documents a search on `as_of` (default: today) may return."""
    now = today()
    day = check_day(as_of) if as_of else now
    out = {doc_id for doc_id, doc in docs.items() if not doc.law_id}
    for versions in groups(docs.values()).values():
        out.update(v.id for v in in_force(versions, day, now=now))
    return out


def row_mask(
    docs: Mapping[str, DocumentInfo], row_doc: Sequence[str], as_of: str | None, all_versions: bool
) -> np.ndarray | None:
    """Rows allowed by the version selection, or None when nothing is excluded."""
    if all_versions:
        if as_of:
            raise QueryError("as_of and all_versions exclude each other: pick one")
        return None
    if not as_of and not any(doc.law_id for doc in docs.values()):
        return None
    ok = allowed_doc_ids(docs, as_of)
    if len(ok) == len(docs):
        return None
    return np.fromiter((d in ok for d in row_doc), dtype=bool, count=len(row_doc))


def statuses(docs: Iterable[DocumentInfo], day: str | None = None) -> dict[str, str]:
    """Status of every versioned document on `day` (default today), derived within its group."""
    now = today()
    day = day or now
    out: dict[str, str] = {}
    for versions in groups(docs).values():
        chosen = {v.id for v in in_force(versions, day, now=now)}
        started = [v for v in versions if starts(v) <= day]
        newest = _order(started[-1])[:2] if started else None
        for v in versions:
            if starts(v) > day:
                out[v.id] = "not_yet_in_force"
            elif v.id in chosen:
                out[v.id] = "in_force"
            elif _order(v)[:2] == newest:  # the newest started version, but repealed
                out[v.id] = "repealed"
            else:
                out[v.id] = "amended"
    return out


def refresh(docs: Mapping[str, DocumentInfo]) -> None:
    """Set each versioned document's `status` to its status today (call after adding or removing)."""
    for doc_id, status in statuses(docs.values()).items():
        docs[doc_id].status = status  # type: ignore[assignment]


def other_versions(docs: Mapping[str, DocumentInfo], doc_id: str) -> list[DocumentInfo]:
    """The other versions of the law `doc_id` is a version of, oldest first."""
    doc = docs[doc_id]
    if not doc.law_id:
        return []
    return [
        v
        for v in groups(d for d in docs.values() if d.law_id == doc.law_id).get(doc.law_id, [])
        if v.id != doc_id
    ]


def article_versions(ix: Any, clause: Any) -> list[dict[str, Any]]:
    """The same article in the other versions of the law: version, status, clause id and a diff of its text
    (unified, no context lines: `-` this version's lines, `+` the other's)."""
    import difflib
    import unicodedata

    if not clause.article:
        return []
    rows = []
    for other in other_versions(ix.documents, clause.doc_id):
        same = [c for c in ix.document_clauses(other.id) if c.article == clause.article]
        match = next((c for c in same if c.part == clause.part), same[0] if same else None)
        row: dict[str, Any] = {
            "doc_id": other.id,
            "version": other.version,
            "version_label": other.version_label,
            "status": other.status,
            "status_cn": STATUS_CN.get(other.status, other.status),
            "effective_date": other.effective_date,
            "clause_id": match.id if match else None,
        }
        if match is None:
            row["change"] = "absent"
            row["diff"] = []
        else:
            # lines compared with full-/half-width folded, so "(一)" → "（一）" alone is no change
            a = [ln for ln in clause.text.splitlines() if ln.strip()]
            b = [ln for ln in match.text.splitlines() if ln.strip()]
            fold = lambda lines: [unicodedata.normalize("NFKC", ln).strip() for ln in lines]  # noqa: E731
            diff: list[str] = []
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, fold(a), fold(b), autojunk=False).get_opcodes():
                if op != "equal":
                    diff += [f"-{ln}" for ln in a[i1:i2]] + [f"+{ln}" for ln in b[j1:j2]]
            row["change"] = "changed" if diff else "same"
            row["diff"] = diff
        rows.append(row)
    return rows
