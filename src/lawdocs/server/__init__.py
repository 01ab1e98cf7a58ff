"""The HTTP service: a thin FastAPI shell over one loaded index.

`create_app(index)` takes an open `Index` or the folder of a saved one. The folder is fixed when the app is
made: no request names a file or a path, ids are checked against their pattern, and every input has a limit
(query ≤ 500 characters, 1 ≤ k ≤ 100, known filter keys only), so bad input gets a 4xx with
``{"error": ...}`` and never a 500.

Start-up and concurrency. The index (clause records, vectors, lexical matrix) is read once, before the app
serves. The embedding model is loaded, and the lexical and FAISS structures warmed, in a background thread
started with the app, so the service answers ``/health`` at once; a search that arrives before the warm-up
ends waits for it behind a lock, so the model is never loaded twice. Endpoints are plain functions, which
FastAPI runs in its threadpool; searches only read the loaded index.

Endpoints: ``GET|POST /search``, ``POST /ask``, ``GET /documents/{doc_id}``, ``GET /clauses/{clause_id}``
(with its neighbours), ``GET /clauses/{clause_id}/references``, ``POST /learn`` (the question bank),
``GET /health``; the OpenAPI schema is at ``/openapi.json``. ``GET /`` is the search page (``lawdocs/web``:
static HTML, CSS and JavaScript that call only the endpoints above), served with a Content-Security-Policy
that allows this origin's scripts and nothing else. No response names a server file: a document's
``source`` is its file name (``#row=N`` kept), never the path it was read from.

Modules, one owner each:
- `schemas`: the requests and responses as the OpenAPI schema states them, with their limits.
- `page`: the search page's routes, and what keeps server paths out of responses.
- `app`: `create_app` (the endpoints, error statuses by error kind, the warm-up) and `serve`.
"""

from __future__ import annotations

from .app import create_app, serve
from .page import display_source

__all__ = ["create_app", "display_source", "serve"]
