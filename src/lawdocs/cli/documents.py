"""Commands on documents: parse, index, remove, show."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ..models import IndexType
from ..text import Tokenizer
from ..versions import article_versions
from .common import (
    IndexOpt,
    JsonOpt,
    app,
    dump,
    err,
    failures,
    out,
)
from .render import (
    document_json,
    document_tree,
    duplicates_note,
    print_article_versions,
    print_references,
)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Files or folders to parse.")],
    as_json: JsonOpt = False,
) -> None:
    """Show the clause tree of each document (or print it as JSON)."""
    from ..ingest import Failure, iter_documents

    documents = []
    failed: list[Failure] = []
    for item in iter_documents(list(files)):  # the same loop, and the same errors, as Index.add
        if isinstance(item, Failure):
            failed.append(item)
            where = "" if item.source in item.message else f"{item.source}: "
            err.print(f"[red]failed:[/red] {where}{item.message}", highlight=False)
        else:
            documents.append(item)
    if as_json:
        dump({"documents": [document_json(d) for d in documents]})
    else:
        for doc in documents:
            out.print(document_tree(doc))
    if failed:
        err.print(f"{len(failed)} file(s) failed; {len(documents)} document(s) parsed")
        raise typer.Exit(1)


@app.command()
def index(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index (recursively).")],
    index_dir: IndexOpt = Path("indexes/default"),
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model: legal (the default), base, a name or a folder.")
    ] = None,
    index_type: Annotated[IndexType, typer.Option("--index-type", help="FAISS structure (auto: exact up to 100k clauses).")] = "auto",
    lexical: Annotated[Tokenizer, typer.Option("--lexical", help="BM25 tokens.")] = "jieba",
    backend: Annotated[
        Literal["faiss", "milvus"], typer.Option("--backend", help="Where a new index keeps its vectors.")
    ] = "faiss",
    uri: Annotated[
        str | None, typer.Option("--uri", help="Milvus: a milvus-lite file (./lawdocs.db) or http://host:19530.")
    ] = None,
    lexical_engine: Annotated[
        Literal["bm25", "milvus"], typer.Option("--lexical-engine", help="BM25 in lawdocs (default) or in Milvus.")
    ] = "bm25",
    ray: Annotated[bool, typer.Option("--ray", help="Load, parse and embed on Ray (the ray extra).")] = False,
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="A running Ray cluster (auto, ray://head:10001); else local.")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Ray embedding workers.")] = 2,
    as_json: JsonOpt = False,
) -> None:
    """Add documents to an index (created if missing); unchanged files are skipped."""
    from ..index import Index
    from ..index.backend import Backend
    from ..ingest import expand
    from ..load import display_path
    from .progress import reporting

    with failures():
        if (index_dir / "manifest.json").exists():
            ix = Index.open(index_dir, model=model)
        else:
            engines = Backend(engine=backend, uri=uri, lexical=lexical_engine)
            ix = Index.create(index_dir, model=model, index_type=index_type, lexical=lexical, backend=engines)
        notes: list[tuple[Path, str]] = []  # files met in folders that are not documents (READMEs, ...)
        files, missing = expand(list(paths), notes=notes)  # a missing path or a symlink loop fails alone
        with reporting(err, quiet=as_json, title="indexing") as progress:  # lawdocs.cli.progress
            progress.step("files", label="indexing", total=len(files), unit="files")
            ix.embedder  # noqa: B018 -- load the model first: building it (once per machine) is its own step
            if ray:  # nothing of Ray is imported without --ray
                from ..scale.ray_ingest import ray_add

                got = ray_add(
                    ix, files, address=ray_address, workers=workers, progress=lambda _p, n: progress.advance("files", n)
                )
                report = ix.add_documents(got.docs, vectors=got.vectors)
                report.failed += got.failed
                report.skipped += got.skipped
            else:
                report = ix.add(files, progress=lambda _p, n: progress.advance("files", n))
            progress.finish_all()
        report.failed[:0] = [(problem.source, problem.message) for problem in missing]
        report.failed = [(display_path(source), display_path(message)) for source, message in report.failed]
        manifest = ix.save()
    summary = {
        "index": str(index_dir),
        "files": len(files),
        "documents_added": len(report.added),
        "documents_replaced": len(report.replaced),
        "documents_skipped": len(report.skipped),
        "documents_duplicate": len(report.duplicates),
        "clauses_added": report.clauses,
        "failed": [{"source": s, "error": e} for s, e in report.failed],
        "notes": report.notes,
        "not_documents": [{"source": str(p), "note": n} for p, n in notes],
        "documents": manifest.documents,
        "clauses": manifest.clauses,
        "model": manifest.model_name,
    }
    if as_json:
        dump(summary)
    else:
        out.print(
            f"{len(files)} files: {len(report.added)} documents added, {len(report.replaced)} replaced, "
            f"{len(report.skipped)} unchanged, {duplicates_note(report.duplicates)}{len(report.failed)} failed; "
            f"{report.clauses:,} clauses embedded.\n"
            f"Index {index_dir}: {manifest.documents} documents, {manifest.clauses} clauses, model {manifest.model_name}."
        )
        for path, note in notes:
            err.print(f"[dim]skipped:[/dim] {path}: {note}", highlight=False)
        for note in report.notes:
            err.print(f"[yellow]note:[/yellow] {note}", highlight=False)
        for source, message in report.failed:
            where = "" if source in message else f"{source}: "
            err.print(f"[red]failed:[/red] {where}{message}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def remove(
    targets: Annotated[
        list[str], typer.Argument(help="Document ids, sources, or files/folders they came from.")
    ],
    index_dir: IndexOpt = Path("indexes/default"),
) -> None:
    """Remove documents from an index."""
    from ..index import Index

    with failures():
        ix = Index.open(index_dir)
        removed = [doc_id for t in targets for doc_id in ix.remove(t)]
        if removed:
            ix.save()
    out.print(f"removed {len(removed)} document(s)")
    if not removed:
        raise typer.Exit(1)


@app.command()
def show(
    clause_id: Annotated[str, typer.Argument(help="A clause id from search results.")],
    index_dir: IndexOpt = Path("indexes/default"),
    context: Annotated[int, typer.Option("--context", "-c", help="Neighbours on each side.")] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Print a clause with its path and its neighbours."""
    from ..index import Index

    with failures():
        ix = Index.open(index_dir)
        clause = ix.get_clause(clause_id)
        doc = ix.get_document(clause.doc_id)
        around = ix.neighbours(clause_id, before=context, after=context)
        refs = clause_references(ix, clause_id)
        others = article_versions(ix, clause)
    if as_json:
        dump(
            {
                "clause": clause.model_dump(),
                "doc": doc.model_dump(),
                "neighbours": [c.model_dump() for c in around],
                "references": {way: [link.model_dump() for link in links] for way, links in refs.items()},
                "versions": others,
            }
        )
        return
    out.print(f"[bold]{doc.title}[/bold] › {' › '.join(clause.path)}", highlight=False)
    for c in around:
        style = "bold" if c.id == clause_id else "dim"
        head = c.article or c.kind
        out.print(f"[{style}]{head}  {c.text}[/{style}]  [dim]{c.id}[/dim]", highlight=False)
    print_references(refs)
    print_article_versions(doc, others)


def clause_references(ix: Any, clause_id: str) -> dict[str, list[Any]]:
    """{"outgoing": links, "incoming": links} of a clause (lawdocs.references)."""
    from ..references import incoming, outgoing

    return {"outgoing": outgoing(ix, clause_id), "incoming": incoming(ix, clause_id)}
