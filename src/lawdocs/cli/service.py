"""The HTTP service and search page: lawdocs serve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    IndexOpt,
    app,
    err,
    failures,
)


@app.command()
def serve(
    index_dir: IndexOpt = Path("indexes/default"),
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port.")] = 8000,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "warning",
    reranker: Annotated[
        Path | None, typer.Option("--reranker", help="Reranker folder for rerank requests (default: the legal one).")
    ] = None,
) -> None:
    """Serve the index over HTTP (search, ask, documents, clauses, health; OpenAPI at /openapi.json)."""
    try:
        from ..server import serve as run_server
    except ModuleNotFoundError as exc:
        err.print(f"[red]error:[/red] lawdocs serve needs the serve extra ({exc.name} is missing): pip install 'lawdocs\\[serve]'")
        raise typer.Exit(1) from exc

    with failures():
        err.print(
            f"lawdocs: serving {index_dir} on http://{host}:{port} (OpenAPI at /openapi.json)",
            highlight=False,
        )
        run_server(index_dir, host=host, port=port, log_level=log_level, reranker=reranker)


