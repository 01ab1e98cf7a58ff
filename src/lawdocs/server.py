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
(with its neighbours), ``GET /health``, ``POST /learn`` (the question bank, `lawdocs.bank`); the OpenAPI schema is at ``/openapi.json``.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from .answer import Answer, ask
from .embedding.legal import packaged_reranker
from .errors import IndexStoreError, LawdocsError, ModelError, QueryError
from .index import Index
from .models import Clause, DocumentInfo, Hit, SearchMode
from .rerank import load_reranker
from .search import FILTER_KEYS

MAX_QUERY = 500
MAX_K = 100
MAX_FILTERS = 20
DOC_ID = r"^[0-9a-f]{8,64}$"
CLAUSE_ID = r"^[0-9a-f]{8,64}:[0-9]{1,7}$"

FilterValue = str | int | list[str | int]


def _check_filters(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if len(value) > MAX_FILTERS:
        raise ValueError(f"at most {MAX_FILTERS} filters")
    unknown = sorted(set(value) - set(FILTER_KEYS))
    if unknown:
        raise ValueError(f"unknown filter {unknown[0]!r}; known: {', '.join(sorted(FILTER_KEYS))}")
    for key, v in value.items():
        if isinstance(v, list) and len(v) > MAX_FILTERS:
            raise ValueError(f"filter {key!r}: at most {MAX_FILTERS} values")
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, str) and len(item) > 200:
                raise ValueError(f"filter {key!r}: values are at most 200 characters")
    return value


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=MAX_QUERY)
    k: int = Field(default=10, ge=1, le=MAX_K)
    mode: SearchMode = "hybrid"
    filters: dict[str, FilterValue] | None = None
    rerank: bool = False  # reorder the best candidates with the service's cross-encoder reranker

    @field_validator("filters")
    @classmethod
    def _known_filters(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return _check_filters(v)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUERY)
    k: int = Field(default=50, ge=1, le=MAX_K)
    filters: dict[str, FilterValue] | None = None
    rerank: bool = False

    @field_validator("filters")
    @classmethod
    def _known_filters(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return _check_filters(v)


class SearchResponse(BaseModel):
    query: str
    k: int
    mode: SearchMode
    hits: list[Hit]  # each with its citation (title › section › article or measure)


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


def _status(exc: LawdocsError) -> int:
    if isinstance(exc, QueryError):
        return 404 if exc.message.startswith("no ") and " in this index" in exc.message else 400
    if isinstance(exc, ModelError):
        return 503
    if isinstance(exc, IndexStoreError):
        return 500
    return 400


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
                    _ = self.index.embedder  # loads the model
                    self.index.search("法", k=1, mode="hybrid")  # builds the BM25 and FAISS structures
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
    return DocumentInfo.model_validate(doc.model_dump(include=set(DocumentInfo.model_fields)))


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
        if reranker is None and packaged_reranker() is None and not os.environ.get("LAWDOCS_RERANKER"):
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
        responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
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
        detail = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in errors]
        return JSONResponse(status_code=422, content={"error": message, "detail": detail})

    def run_search(query: str, k: int, mode: SearchMode, filters: Any, rerank: bool) -> SearchResponse:
        index = service.get()
        hits = index.search(query, k=k, mode=mode, filters=filters, rerank=reranker_for(rerank))
        return SearchResponse(query=query, k=k, mode=mode, hits=hits)

    @app.get("/search", response_model=SearchResponse, summary="Search clauses (query string)")
    def search_get(
        query: Annotated[
            str, Query(min_length=1, max_length=MAX_QUERY, description="The question or keywords.")
        ],
        k: Annotated[int, Query(ge=1, le=MAX_K)] = 10,
        mode: SearchMode = "hybrid",
        filter: Annotated[
            list[Annotated[str, Query(max_length=200)]] | None,
            Query(max_length=MAX_FILTERS, description="KEY=VALUE, repeatable (doc_type, region, year, ...)."),
        ] = None,
        rerank: Annotated[bool, Query(description="Reorder the best candidates with the reranker.")] = False,
    ) -> SearchResponse:
        return run_search(query, k, mode, filter or None, rerank)

    @app.post("/search", response_model=SearchResponse, summary="Search clauses (JSON body)")
    def search_post(request: SearchRequest) -> SearchResponse:
        return run_search(request.query, request.k, request.mode, request.filters, request.rerank)

    @app.post("/ask", response_model=Answer, summary="Answer a question with grouped, cited clauses")
    def ask_post(request: AskRequest) -> Answer:
        return ask(
            service.get(),
            request.question,
            filters=request.filters,
            k=request.k,
            rerank=reranker_for(request.rerank),
        )

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
            model=manifest.model_name if manifest else getattr(ix._embedder, "name", "unknown"),
            model_loaded=ix._embedder is not None,
            generation=manifest.generation if manifest else 0,
            lawdocs_version=__version__,
            error=str(service.error) if service.error else None,
        )

    add_learn_endpoint(app, service)
    return app


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
    from .bank import LearnReport

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
