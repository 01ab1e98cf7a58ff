"""The search page (`lawdocs/web`): its routes, and what keeps server paths out of responses."""

from __future__ import annotations

from fastapi import FastAPI

from ..answer import Answer
from ..models import DocumentInfo, Hit

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


