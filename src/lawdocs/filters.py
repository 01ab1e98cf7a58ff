"""Filters: which documents and sections may answer a query (applied inside the search, so k still come back).

A record shared by the index (row masks, engines that push filters down) and search; built from KEY=VALUE
strings (CLI), mappings (API, HTTP) or itself by `parse_filters`, which refuses unknown keys and values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, field_validator

from .errors import QueryError
from .models import DocType, DocumentInfo

DOC_TYPES: tuple[str, ...] = get_args(DocType)


class Filters(BaseModel):
    """Restrictions applied inside the search, so k results still come back.

    Text fields match when the document's value contains the given one (a region filter
    广东省 matches 广东省潮州市); lists mean "any of".
    """

    model_config = ConfigDict(extra="forbid")

    doc_type: list[str] | None = None
    region: list[str] | None = None
    issuer: list[str] | None = None
    year: list[int] | None = None
    year_from: int | None = None
    year_to: int | None = None
    date_from: str | None = None  # ISO, inclusive
    date_to: str | None = None
    doc_id: list[str] | None = None
    path_prefix: str | None = None  # section path, headings joined by " › " (prefix match)
    status: list[str] | None = None
    as_of: str | None = None  # versions of laws in force on this ISO date (default: today); see lawdocs.versions
    all_versions: bool = False  # every version of every law

    @field_validator("doc_type", "region", "issuer", "doc_id", "status", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("year", mode="before")
    @classmethod
    def _listify_int(cls, v: Any) -> Any:
        return [v] if isinstance(v, int | str) else v

    @field_validator("doc_type")
    @classmethod
    def _known_types(cls, v: list[str] | None) -> list[str] | None:
        for value in v or []:
            if value not in DOC_TYPES:
                raise ValueError(f"doc_type {value!r} is not a known value; known: {', '.join(DOC_TYPES)}")
        return v

    @field_validator("date_from", "date_to")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                date.fromisoformat(v)
            except ValueError:
                raise ValueError(f"{v!r} is not an ISO date (YYYY-MM-DD)") from None
        return v

    def is_empty(self) -> bool:
        """No restriction beyond the version selection (as_of / all_versions, applied on their own)."""
        return not any(v not in (None, []) for v in self.model_dump(exclude={"as_of", "all_versions"}).values())

    def doc_matches(self, doc: DocumentInfo) -> bool:
        if self.doc_type and doc.doc_type not in self.doc_type:
            return False
        if self.region and not any(r in (doc.region or "") for r in self.region):
            return False
        if self.issuer and not any(i in iss for i in self.issuer for iss in doc.issuers):
            return False
        if self.year and doc.year not in self.year:
            return False
        if self.year_from is not None and (doc.year is None or doc.year < self.year_from):
            return False
        if self.year_to is not None and (doc.year is None or doc.year > self.year_to):
            return False
        if self.date_from and (doc.date is None or doc.date < self.date_from):
            return False
        if self.date_to and (doc.date is None or doc.date > self.date_to):
            return False
        if self.doc_id and doc.id not in self.doc_id:
            return False
        return not (self.status and doc.status not in self.status)


FILTER_KEYS = {
    "doc_type": "doc_type",
    "type": "doc_type",
    "region": "region",
    "issuer": "issuer",
    "year": "year",
    "year_from": "year_from",
    "year_to": "year_to",
    "date_from": "date_from",
    "date_to": "date_to",
    "doc": "doc_id",
    "doc_id": "doc_id",
    "path": "path_prefix",
    "path_prefix": "path_prefix",
    "section": "path_prefix",
    "status": "status",
    "as_of": "as_of",
    "all_versions": "all_versions",
}


def parse_filters(items: Sequence[str] | Mapping[str, Any] | Filters | None) -> Filters:
    """Build Filters from KEY=VALUE strings (CLI), a mapping (API, HTTP) or Filters itself.

    `year=2019..2021` is a range; repeating a key means "any of".
    """
    if items is None:
        return Filters()
    if isinstance(items, Filters):
        return items
    if isinstance(items, Mapping):
        pairs = list(items.items())
    else:
        pairs = []
        for item in items:
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise QueryError(f"filter {item!r} is not KEY=VALUE")
            pairs.append((key.strip(), value.strip()))
    fields: dict[str, Any] = {}
    for key, value in pairs:
        name = FILTER_KEYS.get(key)
        if name is None:
            raise QueryError(f"unknown filter {key!r}; known: {', '.join(sorted(set(FILTER_KEYS)))}")
        if name == "year" and isinstance(value, str) and ".." in value:
            lo, _, hi = value.partition("..")
            try:
                if lo:
                    fields["year_from"] = int(lo)
                if hi:
                    fields["year_to"] = int(hi)
            except ValueError as exc:
                raise QueryError(f"year range {value!r} is not YEAR..YEAR") from exc
            continue
        if name in ("doc_type", "region", "issuer", "doc_id", "status", "year"):
            values = value if isinstance(value, list) else [value]
            fields.setdefault(name, []).extend(values)
        else:
            fields[name] = value
    try:
        return Filters(**fields)
    except ValueError as exc:
        errors = getattr(exc, "errors", None)
        detail = (
            "; ".join(f"{e['loc'][0] if e.get('loc') else 'filter'}: {e.get('msg', '')}" for e in errors())
            if callable(errors)
            else str(exc)
        )
        raise QueryError(f"invalid filter: {detail}") from exc
