"""What every command shares: the app, the consoles, the options, error and progress handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import LawdocsError
from .help import TidyGroup  # noqa: E402

app = typer.Typer(
    name="lawdocs",
    cls=TidyGroup,  # lawdocs.cli.help: usage FILES..., no <bool> on flags, help texts shown as written
    help="Parse, index, search and answer Chinese rule-of-law and policy documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


out = Console(soft_wrap=True)


err = Console(stderr=True, soft_wrap=True)


IndexOpt = Annotated[Path, typer.Option("--index", "-i", help="Index folder.")]


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]


FilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        "-f",
        help="KEY=VALUE: doc_type, region, issuer, year (or 2019..2021), date_from, "
        "date_to, doc_id, path (section prefix), status. Repeat for more.",
    ),
]


ExpandOpt = Annotated[
    bool,
    typer.Option(
        "--expand-references", help="Give each clause its cross-references with the text they name."
    ),
]


RerankOpt = Annotated[
    bool,
    typer.Option("--rerank", help="Reorder the best candidates with the reranker in $LAWDOCS_RERANKER."),
]


NoBankOpt = Annotated[
    bool, typer.Option("--no-bank", help="Leave out the question bank's votes (lawdocs learn).")
]


RerankerOpt = Annotated[
    Path | None,
    typer.Option("--reranker", help="A reranker folder (lawdocs finetune --reranker); implies --rerank."),
]


AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Search the versions of laws in force on this date (YYYY-MM-DD); default today."),
]


AllVersionsOpt = Annotated[
    bool, typer.Option("--all-versions", help="Search every version of every law, each hit labelled.")
]


def rerank_choice(rerank: bool, reranker: Path | None) -> Any:
    """What `Index.search(rerank=...)` gets: a loaded reranker (from the folder, or from $LAWDOCS_RERANKER
    with --rerank), or None; nothing of the reranker is imported without either option."""
    if reranker is None and not rerank:
        return None
    from ..search.rerank import load_reranker

    return load_reranker(reranker)


@contextmanager
def failures() -> Iterator[None]:
    """Map library errors to a clean message and exit code 1."""
    try:
        yield
    except LawdocsError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc


def dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


@contextmanager
def stage_progress(*, quiet: bool) -> Iterator[Any]:
    """A `progress(stage, done, total)` callback shown as one step per stage (bars or log lines, see
    `lawdocs.cli.progress`)."""
    from .progress import reporting

    with reporting(err, quiet=quiet) as reporter:
        yield lambda stage, done, total: reporter.update(stage, done, total)


def version_filters(filters: list[str] | None, as_of: str | None, all_versions: bool) -> list[str] | None:
    """--as-of / --all-versions as filters (lawdocs.search.Filters.as_of / all_versions)."""
    extra = ([f"as_of={as_of}"] if as_of else []) + (["all_versions=true"] if all_versions else [])
    return [*(filters or []), *extra] or None


def read_query_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from ..errors import QueryError
    from ..evaluate import iter_query_rows

    return iter_query_rows(path, error=QueryError)


