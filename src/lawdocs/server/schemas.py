"""Requests and responses of the HTTP service, as its OpenAPI schema states them, with their limits."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from ..errors import QueryError
from ..filters import FILTER_KEYS
from ..models import Clause, DocumentInfo, Hit, ReferenceLink, SearchMode

MAX_QUERY = 500
MAX_K = 100
MAX_FILTERS = 20
DOC_ID = r"^[0-9a-f]{8,64}$"
CLAUSE_ID = r"^[0-9a-f]{8,64}:[0-9]{1,7}$"

Text = Annotated[str, StringConstraints(max_length=200), Field(strict=True)]
Texts = Annotated[list[Text], Field(max_length=MAX_FILTERS)]
Year = Annotated[int, Field(strict=True, ge=0, le=9999)]
YearRange = Annotated[str, StringConstraints(pattern=r"^(\d{4})?\.\.(\d{4})?$|^\d{4}$"), Field(strict=True)]
ISO_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
IsoDate = Annotated[str, StringConstraints(pattern=ISO_DATE), Field(strict=True)]
# GET /search?filter=KEY=VALUE: the key must be a known one (see FILTER_KEYS), the value not empty
FILTER_ITEM = r"^(" + "|".join(sorted(FILTER_KEYS)) + r")=.+$"


def _real_date(value: str | None, key: str) -> str | None:
    if value is None:
        return None
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"filter {key!r}: {value!r} is not a calendar date (YYYY-MM-DD)") from exc
    return value


class SearchFilters(BaseModel):
    """Filters of a JSON request: the known keys only (aliases as in the CLI), each with its type."""

    model_config = ConfigDict(extra="forbid")

    doc_type: Text | Texts | None = None
    type: Text | Texts | None = None
    region: Text | Texts | None = None
    issuer: Text | Texts | None = None
    year: Year | YearRange | Annotated[list[Year], Field(max_length=MAX_FILTERS)] | None = None
    year_from: Year | None = None
    year_to: Year | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    doc: Text | Texts | None = None
    doc_id: Text | Texts | None = None
    path: Text | None = None
    path_prefix: Text | None = None
    section: Text | None = None
    status: Text | Texts | None = None
    as_of: IsoDate | None = None  # laws: the versions in force on that day (default: today)
    all_versions: StrictBool | None = None  # laws: every version, each hit labelled with its version

    @field_validator("date_from", "date_to", "as_of")
    @classmethod
    def _calendar(cls, v: str | None, info: Any) -> str | None:
        return _real_date(v, info.field_name)

    def as_dict(self) -> dict[str, Any] | None:
        return self.model_dump(exclude_none=True) or None


if set(SearchFilters.model_fields) != set(FILTER_KEYS):  # pragma: no cover - the two move together
    raise ImportError("server.SearchFilters and search.FILTER_KEYS disagree")


def check_query_filters(items: list[str] | None) -> list[str] | None:
    """GET filters (`KEY=VALUE`, key checked by the schema's pattern): dates must be calendar dates."""
    for item in items or []:
        key, _, value = item.partition("=")
        if key in ("date_from", "date_to"):
            try:
                _real_date(value, key)
            except ValueError as exc:
                raise QueryError(str(exc)) from exc
    return items


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=MAX_QUERY, strict=True)
    k: int = Field(default=10, ge=1, le=MAX_K, strict=True)
    mode: SearchMode = "hybrid"
    filters: SearchFilters | None = None
    rerank: bool = Field(
        default=False,
        strict=True,
        description="Reorder the best candidates with the service's cross-encoder reranker "
        "(400 when the service has none).",
    )


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUERY, strict=True)
    k: int = Field(default=50, ge=1, le=MAX_K, strict=True)
    filters: SearchFilters | None = None
    rerank: bool = Field(
        default=False, strict=True, description="Rerank the candidates (400 when the service has no reranker)."
    )


class SearchResponse(BaseModel):
    query: str
    k: int
    mode: SearchMode
    hits: list[Hit]  # each with its citation (title › section › article or measure)


class ReferencesResponse(BaseModel):
    clause_id: str
    outgoing: list[ReferenceLink]  # what the clause refers to (unresolved ones keep their text and a reason)
    incoming: list[ReferenceLink]  # resolved references, anywhere in the index, to this clause's article


class ClauseResponse(BaseModel):
    clause: Clause
    doc: DocumentInfo
    citation: str
    neighbours: list[Clause]


class ClauseRef(BaseModel):
    id: str
    kind: str
    article: str | None = None
    label: str | None = None
    path: list[str] = Field(default_factory=list)
    text: str


class DocumentResponse(BaseModel):
    doc: DocumentInfo
    clause_count: int
    clauses: list[ClauseRef]


class HealthResponse(BaseModel):
    status: Literal["ok", "starting", "error"]
    documents: int
    clauses: int
    model: str
    model_loaded: bool
    generation: int
    lawdocs_version: str
    error: str | None = None


class ErrorResponse(BaseModel):
    error: str


class ValidationIssue(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    """422: the request does not match the schema; `error` is the first problem, `detail` lists them all."""

    error: str
    detail: list[ValidationIssue]




# -- the question bank: POST /learn (keep this marker) ----------------------------------------------
MAX_LEARN = 1000  # questions per request


class LearnQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=MAX_QUERY)
    gold: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(min_length=1, max_length=50)


class LearnRequest(BaseModel):
    """Labelled questions collected by an application (e.g. a user confirmed which article answered)."""

    model_config = ConfigDict(extra="forbid")

    questions: list[LearnQuestion] = Field(min_length=1, max_length=MAX_LEARN)
    allow_missing: bool = False  # keep gold labels that name no clause yet (reported), else a 400


