"""Filters and fusion: which rows may answer, and how dense and lexical rankings combine."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import QueryError
from .models import DocumentInfo

FusionMethod = Literal["rrf", "weighted"]


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
        raise QueryError(f"invalid filter: {exc}") from exc


class FusionConfig(BaseModel):
    """How the hybrid mode combines rankings; stored in the index manifest.

    `measure_weight`: when a query asks for measures in so many words (措施, 举措, 做法), the
    candidates that are measures of a report form a third ranked list with this weight, so
    "哪些措施涉及行政执法" prefers what governments did over statute articles that merely share
    the words. It changes nothing for other queries or for collections without reports.
    """

    method: FusionMethod = "rrf"
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    measure_weight: float = 1.0
    candidates: int = Field(default=100, ge=1)


# Measured fusion presets (benchmarks/results/stard.md and reports.md), chosen per collection when an index
# has no fusion set explicitly: statute collections (STARD: seeded 80/20 split of train.jsonl, tuned on the 80 %)
# gain from a sharper RRF (k=10) with the lexical list at 0.75; report collections, where the default model
# tells policy paragraphs apart poorly and exact wording decides, from the lexical list at 3.
FUSION_PRESETS: dict[str, FusionConfig] = {
    "laws": FusionConfig(rrf_k=10, dense_weight=1.0, lexical_weight=0.75),
    "reports": FusionConfig(rrf_k=10, dense_weight=1.0, lexical_weight=3.0),
}


def collection_preset(article_share: float) -> str:
    """The preset for a collection whose clauses are `article_share` statute articles (records included)."""
    return "laws" if article_share >= 0.5 else "reports"


_ASKS_FOR_MEASURES = re.compile(r"措施|举措|做法")


def asks_for_measures(query: str) -> bool:
    """Whether the query asks for measures (what was or will be done) in so many words."""
    return bool(_ASKS_FOR_MEASURES.search(query))


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Row numbers of the k best scores (mask false rows excluded), best first."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def fuse(
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    config: FusionConfig,
    preferred: Sequence[tuple[int, float]] = (),
) -> list[tuple[int, float]]:
    """Combine ranked lists of (row, score) into one, best first.

    `preferred` is an optional third list (see FusionConfig.measure_weight), fused by rank.
    """
    fused: dict[int, float] = {}
    for rank, (row, _) in enumerate(preferred):
        fused[row] = config.measure_weight / (config.rrf_k + rank + 1)
    if config.method == "rrf":
        for weight, ranked in ((config.dense_weight, dense), (config.lexical_weight, lexical)):
            for rank, (row, _) in enumerate(ranked):
                fused[row] = fused.get(row, 0.0) + weight / (config.rrf_k + rank + 1)
    else:  # weighted sum of min-max normalised scores
        for weight, ranked in ((config.dense_weight, dense), (config.lexical_weight, lexical)):
            if not ranked:
                continue
            values = np.array([s for _, s in ranked], dtype=np.float64)
            lo, hi = float(values.min()), float(values.max())
            span = (hi - lo) or 1.0
            for row, score in ranked:
                fused[row] = fused.get(row, 0.0) + weight * (score - lo) / span
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
