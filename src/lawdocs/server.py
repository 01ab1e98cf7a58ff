"""The HTTP service: a thin FastAPI shell over one loaded index.

`create_app(index)` takes an open `Index` or the folder of a saved one. The folder is fixed when the app is
made: no request names a file or a path, ids are checked against their pattern, and every input has a limit
(query ≤ 500 characters, 1 ≤ k ≤ 100, known filter keys only), so bad input gets a 4xx with
``{"error": ...}`` and never a 500.

Start-up and concurrency. The index (clause records, vectors, lexical matrix) is read once, before the app
serves. The embedding model is loaded, and the lexical and FAISS structures warmed, in a background thread
started with the app, so the service answers ``/health`` at once (measured: the index of the founding report
opens in about 0.1 s; the default model takes 2–3 s to load on 2 cores, the hash test model nothing); a
search that arrives before the warm-up ends waits for it behind a lock, so the model is never loaded twice.
Endpoints are plain functions, which FastAPI runs in its threadpool; searches only read the loaded index.

Endpoints: ``GET|POST /search``, ``POST /ask``, ``GET /documents/{doc_id}``, ``GET /clauses/{clause_id}``
(with its neighbours), ``GET /health``; the OpenAPI schema is at ``/openapi.json``. ``GET /`` is the search
page (``lawdocs/web``: static HTML, CSS and JavaScript that call only the endpoints above), served with a
Content-Security-Policy that allows this origin's scripts and nothing else. No response names a server file:
a document's ``source`` is its file name (``#row=N`` kept), never the path it was read from.

(with its neighbours), ``GET /health``, ``POST /learn`` (the question bank, `lawdocs.bank`); the OpenAPI schema is at ``/openapi.json``.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from .answer import Answer, ask
from .errors import LawdocsError, QueryError
from .filters import FILTER_KEYS
from .index import Index
from .models import Clause, DocumentInfo, Hit, ReferenceLink, SearchMode
from .search.rerank import load_reranker

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


STATUS_OF_KIND = {"input": 400, "not_found": 404, "conflict": 409, "unavailable": 503, "internal": 500}


class ValidationIssue(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    """422: the request does not match the schema; `error` is the first problem, `detail` lists them all."""

    error: str
    detail: list[ValidationIssue]


def _status(exc: LawdocsError) -> int:
    """The HTTP status of a library error, by its kind (never by its message)."""
    return STATUS_OF_KIND[exc.kind]


class _Service:
    """One loaded index, warmed once in the background; requests wait for the warm-up."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.error: LawdocsError | None = None
        self.warm_seconds: float | None = None

    def warm(self) -> None:
        with self.lock:
            if self.ready.is_set():
                return
            start = time.perf_counter()
            try:
                if len(self.index):
                    self.index.warm()  # loads the model, builds the BM25 and FAISS structures
                    from .answering.evidence import corpus_of

                    corpus_of(self.index)
            except LawdocsError as exc:
                self.error = exc
            finally:
                self.warm_seconds = time.perf_counter() - start
                self.ready.set()

    def get(self) -> Index:
        if not self.ready.is_set():
            self.warm()
        if self.error is not None:
            raise self.error
        return self.index


def _doc_info(index: Index, doc_id: str) -> DocumentInfo:
    doc = index.get_document(doc_id)
    return _public(DocumentInfo.of(doc))


# -- the search page and what keeps server paths out of responses ------------------------------------
WEB_FILES = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def display_source(source: str) -> str:
    """What a response may say about where a document came from: the file name, ``#row=N`` kept."""
    path, sep, row = source.partition("#")
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name + (sep + row if sep else "")


def _public(info: DocumentInfo) -> DocumentInfo:
    return info.model_copy(update={"source": display_source(info.source)})


def _public_hits(hits: list[Hit]) -> list[Hit]:
    return [h.model_copy(update={"doc": _public(h.doc)}) for h in hits]


def _public_answer(answer: Answer) -> Answer:
    groups = [g.model_copy(update={"doc": _public(g.doc)}) for g in answer.groups]
    return answer.model_copy(update={"groups": groups})


def _web_file(name: str) -> str:
    from importlib.resources import files

    return (files("lawdocs") / "web" / name).read_text(encoding="utf-8")


def add_page_routes(app: FastAPI) -> None:
    """``GET /`` (the search page) and its two static files; read once, from the installed package."""
    from fastapi.responses import HTMLResponse, Response

    page = _web_file("index.html")
    assets = {name: _web_file(name) for name in WEB_FILES}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page() -> HTMLResponse:
        return HTMLResponse(page, headers=PAGE_HEADERS)

    @app.get("/static/app.js", include_in_schema=False)
    def page_script() -> Response:
        return Response(assets["app.js"], media_type=WEB_FILES["app.js"], headers=PAGE_HEADERS)

    @app.get("/static/style.css", include_in_schema=False)
    def page_style() -> Response:
        return Response(assets["style.css"], media_type=WEB_FILES["style.css"], headers=PAGE_HEADERS)


def create_app(index: Index | str | Path, *, reranker: str | Path | None = None) -> FastAPI:
    """The FastAPI app serving `index` (an open Index, or the folder of a saved one, opened now).

    Requests with ``rerank`` use `reranker` (a reranker folder), else lawdocs' legal reranker.
    """
    from . import __version__

    ix = index if isinstance(index, Index) else Index.open(Path(index))
    service = _Service(ix)
    rerank_with: str | Path | bool = reranker if reranker is not None else True
    if reranker is not None:
        load_reranker(reranker)  # a bad folder is the operator's error, found at start-up

    def reranker_for(rerank: bool) -> str | Path | bool | None:
        if not rerank:
            return None
        if reranker is None and not os.environ.get("LAWDOCS_RERANKER"):
            raise QueryError("this service has no reranker: start it with `lawdocs serve --reranker DIR`")
        return rerank_with

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        threading.Thread(target=service.warm, name="lawdocs-warm", daemon=True).start()
        yield

    app = FastAPI(
        title="lawdocs",
        version=__version__,
        description="Search and answer Chinese rule-of-law and policy documents, clause by clause, with citations.",
        lifespan=lifespan,
        responses={
            400: {"model": ErrorResponse},
            404: {"model": ErrorResponse},
            422: {"model": ValidationErrorResponse, "description": "The request does not match the schema"},
        },
    )
    app.state.service = service

    @app.exception_handler(LawdocsError)
    async def _lawdocs_error(_request: Request, exc: LawdocsError) -> JSONResponse:
        return JSONResponse(status_code=_status(exc), content={"error": str(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"error": str(exc.detail)}, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:  # a bug, not bad input
        return JSONResponse(status_code=500, content={"error": f"internal error: {type(exc).__name__}"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = (
            f"{where}: {first.get('msg', 'invalid request')}" if where else str(first.get("msg", "invalid"))
        )
        detail = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in errors
        ]
        return JSONResponse(status_code=422, content={"error": message, "detail": detail})

    def run_search(query: str, k: int, mode: SearchMode, filters: Any, rerank: bool) -> SearchResponse:
        index = service.get()
        hits = index.search(query, k=k, mode=mode, filters=filters, rerank=reranker_for(rerank))
        return SearchResponse(query=query, k=k, mode=mode, hits=_public_hits(hits))

    @app.get("/search", response_model=SearchResponse, summary="Search clauses (query string)")
    def search_get(
        query: Annotated[
            str, Query(min_length=1, max_length=MAX_QUERY, description="The question or keywords.")
        ],
        k: Annotated[int, Query(ge=1, le=MAX_K)] = 10,
        mode: SearchMode = "hybrid",
        filter: Annotated[
            list[Annotated[str, Query(max_length=200, pattern=FILTER_ITEM)]] | None,
            Query(
                max_length=MAX_FILTERS,
                description="KEY=VALUE, repeatable; KEY one of " + ", ".join(sorted(FILTER_KEYS)) + ".",
            ),
        ] = None,
        rerank: Annotated[bool, Query(description="Reorder the best candidates with the reranker.")] = False,
    ) -> SearchResponse:
        return run_search(query, k, mode, check_query_filters(filter) or None, rerank)

    @app.post("/search", response_model=SearchResponse, summary="Search clauses (JSON body)")
    def search_post(request: SearchRequest) -> SearchResponse:
        filters = request.filters.as_dict() if request.filters else None
        return run_search(request.query, request.k, request.mode, filters, request.rerank)

    @app.post("/ask", response_model=Answer, summary="Answer a question with grouped, cited clauses")
    def ask_post(request: AskRequest) -> Answer:
        answer = ask(
            service.get(),
            request.question,
            filters=request.filters.as_dict() if request.filters else None,
            k=request.k,
            rerank=reranker_for(request.rerank),
        )
        return _public_answer(answer)

    @app.get(
        "/documents/{doc_id}", response_model=DocumentResponse, summary="A document's metadata and clauses"
    )
    def document(doc_id: Annotated[str, PathParam(pattern=DOC_ID, max_length=64)]) -> DocumentResponse:
        index = service.get()
        info = _doc_info(index, doc_id)
        clauses = index.document_clauses(doc_id)
        refs = [
            ClauseRef(id=c.id, kind=c.kind, article=c.article, label=c.label, path=c.path, text=c.text)
            for c in clauses
        ]
        return DocumentResponse(doc=info, clause_count=len(refs), clauses=refs)

    @app.get("/clauses/{clause_id}", response_model=ClauseResponse, summary="A clause with its neighbours")
    def clause(
        clause_id: Annotated[str, PathParam(pattern=CLAUSE_ID, max_length=80)],
        context: Annotated[int, Query(ge=0, le=10, description="Neighbours on each side.")] = 1,
    ) -> ClauseResponse:
        from .answer import citation_of

        index = service.get()
        found = index.get_clause(clause_id)
        info = _doc_info(index, found.doc_id)
        around = index.neighbours(clause_id, before=context, after=context)
        return ClauseResponse(
            clause=found, doc=info, citation=citation_of(info.title, found), neighbours=around
        )

    _add_reference_routes(app, service)

    @app.get("/health", response_model=HealthResponse, summary="Service status")
    def health() -> HealthResponse:
        manifest = ix.manifest
        status: Literal["ok", "starting", "error"] = "ok"
        if service.error is not None:
            status = "error"
        elif not service.ready.is_set():
            status = "starting"
        return HealthResponse(
            status=status,
            documents=len(ix.documents),
            clauses=len(ix),
            model=manifest.model_name if manifest else "unknown",
            model_loaded=service.ready.is_set() and service.error is None,
            generation=manifest.generation if manifest else 0,
            lawdocs_version=__version__,
            error=str(service.error) if service.error else None,
        )

    add_page_routes(app)
    add_learn_endpoint(app, service)
    return app


def _add_reference_routes(app: FastAPI, service: _Service) -> None:
    """``GET /clauses/{id}/references``: cross-references in both directions (lawdocs.references)."""
    from .references import incoming, outgoing

    @app.get(
        "/clauses/{clause_id}/references",
        response_model=ReferencesResponse,
        summary="What a clause refers to, and what refers to it",
    )
    def clause_references(
        clause_id: Annotated[str, PathParam(pattern=CLAUSE_ID, max_length=80)],
        expand: Annotated[bool, Query(description="Carry the text of each linked clause.")] = False,
    ) -> ReferencesResponse:
        index = service.get()
        return ReferencesResponse(
            clause_id=clause_id,
            outgoing=outgoing(index, clause_id, expand=expand),
            incoming=incoming(index, clause_id, expand=expand),
        )


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


def add_learn_endpoint(app: FastAPI, service: _Service) -> None:
    """`POST /learn`: add labelled questions to the served index's bank and save the index."""
    from .bank.learning import LearnReport

    lock = threading.Lock()  # one learner at a time; searches keep reading the bank (swapped in whole)

    @app.post("/learn", response_model=LearnReport, summary="Teach the index labelled questions")
    def learn_post(request: LearnRequest) -> LearnReport:
        index = service.get()
        with lock:
            questions = [q.model_dump() for q in request.questions]
            report = index.learn(questions, allow_missing=request.allow_missing)
            if report.added:
                index.save()
        return report


def serve(
    index_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "warning",
    reranker: str | Path | None = None,
) -> None:
    """Open the index and serve it with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(index_dir, reranker=reranker), host=host, port=port, log_level=log_level)
