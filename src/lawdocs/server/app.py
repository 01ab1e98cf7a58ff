"""`create_app`: the endpoints over one loaded index, error statuses by error kind, the warm-up; `serve`."""

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
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..answer import Answer, ask
from ..errors import LawdocsError, QueryError
from ..filters import FILTER_KEYS
from ..index import Index
from ..models import DocumentInfo, SearchMode
from ..search.rerank import load_reranker
from .page import _public, _public_answer, _public_hits, add_page_routes
from .schemas import (
    CLAUSE_ID,
    DOC_ID,
    FILTER_ITEM,
    MAX_FILTERS,
    MAX_K,
    MAX_QUERY,
    AskRequest,
    ClauseRef,
    ClauseResponse,
    DocumentResponse,
    ErrorResponse,
    HealthResponse,
    LearnRequest,
    ReferencesResponse,
    SearchRequest,
    SearchResponse,
    ValidationErrorResponse,
    check_query_filters,
)

STATUS_OF_KIND = {"input": 400, "not_found": 404, "conflict": 409, "unavailable": 503, "internal": 500}



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
                    from ..answering.evidence import corpus_of

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



def create_app(index: Index | str | Path, *, reranker: str | Path | None = None) -> FastAPI:
    """The FastAPI app serving `index` (an open Index, or the folder of a saved one, opened now).

    Requests with ``rerank`` use `reranker` (a reranker folder), else lawdocs' legal reranker.
    """
    from .. import __version__

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
        from ..answer import citation_of

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
    from ..references import incoming, outgoing

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



def add_learn_endpoint(app: FastAPI, service: _Service) -> None:
    """`POST /learn`: add labelled questions to the served index's bank and save the index."""
    from ..bank.learning import LearnReport

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
