"""The `lawdocs` command: a thin shell over the library.

Every command calls one library function, prints a human view by default or JSON with
`--json`, and turns a LawdocsError into a one-line message and a non-zero exit. Modules: `progress` (bars on a
terminal, periodic lines in a log), `hits` (search hits as a table or blocks), `help` (tidy --help).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from ..errors import LawdocsError
from ..models import Hit
from .help import TidyGroup

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
RerankerOpt = Annotated[
    Path | None,
    typer.Option("--reranker", help="A reranker folder (lawdocs finetune --reranker); implies --rerank."),
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


def progress_bar(*, quiet: bool) -> Any:
    """A progress bar on stderr, shown only on a terminal and never with --json."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
    )


@contextmanager
def stage_progress(*, quiet: bool) -> Iterator[Any]:
    """A `progress(stage, done, total)` callback shown as one step per stage (bars or log lines, see
    `lawdocs.cli.progress`)."""
    from .progress import reporting

    with reporting(err, quiet=quiet) as reporter:
        yield lambda stage, done, total: reporter.update(stage, done, total)


# -- parse ---------------------------------------------------------------------------------------
@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Files or folders to parse.")],
    as_json: JsonOpt = False,
) -> None:
    """Show the clause tree of each document (or print it as JSON)."""
    from ..load import iter_files, load_path
    from ..parse import parse_raw

    documents = []
    failed: list[tuple[str, str]] = []
    for path in iter_files(list(files)):
        try:
            for raw in load_path(path):
                documents.append(parse_raw(raw))
        except LawdocsError as exc:
            failed.append((str(path), str(exc)))
            err.print(f"[red]failed:[/red] {exc}", highlight=False)
    if as_json:
        dump({"documents": [document_json(d) for d in documents]})
    else:
        for doc in documents:
            out.print(document_tree(doc))
    if failed:
        err.print(f"{len(failed)} file(s) failed; {len(documents)} document(s) parsed")
        raise typer.Exit(1)


def document_json(doc: Any) -> dict[str, Any]:
    head = doc.model_dump(
        include={"id", "title", "doc_type", "issuers", "region", "date", "year", "number", "source"}
    )
    head["clauses"] = [
        c.model_dump(include={"id", "label", "article", "path", "text", "page", "span"}) for c in doc.clauses
    ]
    return head


def document_tree(doc: Any) -> Tree:
    meta = " · ".join(
        str(x) for x in (doc.doc_type, doc.region, "、".join(doc.issuers), doc.date, doc.number) if x
    )
    root = Tree(f"[bold]{doc.title}[/bold]  [dim]{meta}[/dim]")
    nodes: dict[tuple[str, ...], Tree] = {(): root}
    for clause in doc.clauses:
        for depth in range(1, len(clause.path) + 1):
            key = tuple(clause.path[:depth])
            if key not in nodes:
                nodes[key] = nodes[key[:-1]].add(f"[cyan]{key[-1]}[/cyan]")
        text = clause.text.replace("\n", " ")
        head = clause.article or clause.kind
        part = f" ({clause.part})" if clause.part else ""
        nodes[tuple(clause.path)].add(f"[green]{head}{part}[/green] [dim]{clause.id}[/dim] {text[:60]}…")
    return root


# -- index ---------------------------------------------------------------------------------------
@app.command()
def index(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index (recursively).")],
    index_dir: IndexOpt = Path("indexes/default"),
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model: legal (the default), base, a name or a folder.")
    ] = None,
    index_type: Annotated[str, typer.Option("--index-type", help="auto, flat, hnsw or ivf.")] = "auto",
    lexical: Annotated[str, typer.Option("--lexical", help="jieba, bigram or jieba+bigram.")] = "jieba",
    as_json: JsonOpt = False,
) -> None:
    """Add documents to an index (created if missing); unchanged files are skipped."""
    from ..index import Index
    from ..load import iter_files
    from .progress import reporting

    with failures():
        if (index_dir / "manifest.json").exists():
            ix = Index.open(index_dir, model=model)
        else:
            ix = Index.create(index_dir, model=model, index_type=index_type, lexical=lexical)  # type: ignore[arg-type]
        files = list(iter_files(list(paths)))
        with reporting(err, quiet=as_json, title="indexing") as progress:  # lawdocs.cli.progress
            progress.step("files", label="indexing", total=len(files), unit="files")
            ix.embedder  # noqa: B018 -- load the model first: building it (once per machine) is its own step
            report = ix.add(files, progress=lambda _p, n: progress.advance("files", n))
            progress.finish_all()
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
        for source, message in report.failed:
            where = "" if source in message else f"{source}: "
            err.print(f"[red]failed:[/red] {where}{message}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def duplicates_note(duplicates: list[str]) -> str:
    """ "1 duplicate of another file (indexed once), " or nothing: a document read again from a second file."""
    if not duplicates:
        return ""
    n = len(duplicates)
    return f"{n} duplicate{'s' if n > 1 else ''} of another file (indexed once), "


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


# -- search --------------------------------------------------------------------------------------
def hit_json(hit: Hit) -> dict[str, Any]:
    row = hit.model_dump(
        include={"rank", "score", "clause_id", "label", "text", "path", "article", "page", "scores"}
    )
    row["doc"] = hit.doc.model_dump(
        include={"id", "title", "doc_type", "issuers", "region", "date", "source"}
    )
    if hit.references:
        row["references"] = [link.model_dump() for link in hit.references]
    return row


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="The question or keywords.")] = None,
    index_dir: IndexOpt = Path("indexes/default"),
    k: Annotated[int, typer.Option("-k", help="How many hits.")] = 10,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or lexical.")] = "hybrid",
    filters: FilterOpt = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help='JSONL file of {"query": ...} lines, answered in order.')
    ] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model (must match the index).")] = None,
    rerank: RerankOpt = False,
    reranker: RerankerOpt = None,
    expand_references: ExpandOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Find the clauses that answer a query."""
    from ..index import Index
    from .hits import print_hits

    if (query is None) == (queries is None):
        err.print("[red]error:[/red] give a QUERY or --queries FILE, not both or neither")
        raise typer.Exit(2)
    with failures():
        ix = Index.open(index_dir, model=model)
        chosen = rerank_choice(rerank, reranker)
        if queries is not None:
            for number, row in read_query_lines(queries):
                with failures():
                    hits = ix.search(
                        row["query"],
                        k=k,
                        mode=mode,  # type: ignore[arg-type]
                        filters=filters,
                        rerank=chosen,
                        expand_references=expand_references,
                    )
                if as_json:
                    dump({**row, "hits": [hit_json(h) for h in hits]})
                else:
                    print_hits(f"{number}: {row['query']}", hits, reference_lines)  # lawdocs.cli.hits
            return
        assert query is not None
        hits = ix.search(
            query,
            k=k,
            mode=mode,  # type: ignore[arg-type]
            filters=filters,
            rerank=chosen,
            expand_references=expand_references,
        )
    if as_json:
        dump({"query": query, "hits": [hit_json(h) for h in hits]})
    else:
        print_hits(query, hits, reference_lines)  # lawdocs.cli.hits: a table when wide, blocks when narrow


def read_query_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from ..errors import QueryError
    from ..evaluate import iter_query_rows

    return iter_query_rows(path, error=QueryError)


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
    if as_json:
        dump(
            {
                "clause": clause.model_dump(),
                "doc": doc.model_dump(),
                "neighbours": [c.model_dump() for c in around],
                "references": {way: [link.model_dump() for link in links] for way, links in refs.items()},
            }
        )
        return
    out.print(f"[bold]{doc.title}[/bold] › {' › '.join(clause.path)}", highlight=False)
    for c in around:
        style = "bold" if c.id == clause_id else "dim"
        head = c.article or c.kind
        out.print(f"[{style}]{head}  {c.text}[/{style}]  [dim]{c.id}[/dim]", highlight=False)
    print_references(refs)


# -- cross-references (show, --expand-references) -----------------------------------------------
def clause_references(ix: Any, clause_id: str) -> dict[str, list[Any]]:
    """{"outgoing": links, "incoming": links} of a clause (lawdocs.references)."""
    from ..references import incoming, outgoing

    return {"outgoing": outgoing(ix, clause_id), "incoming": incoming(ix, clause_id)}


def link_line(link: Any, *, incoming: bool = False) -> str:
    """One reference as a line: its words, then where it points (or why it points nowhere)."""
    if incoming:
        who = link.source_label or link.source_clause_id
        return f"{who}: {link.text}  [dim]{link.source_clause_id}[/dim]"
    where = " ".join(x for x in (link.target_title, link.target_article) if x)
    if link.paragraph:
        where += f"第{link.paragraph}款"
    if link.item:
        where += f"第{link.item}项"
    if not link.resolved:
        return f"{link.text} → [yellow]unresolved[/yellow]: {link.reason}"
    tail = f"  [dim]{link.target_clause_id}[/dim]" if link.target_clause_id else ""
    text = f"\n    {link.target_text[:200]}" if link.target_text else ""
    return f"{link.text} → {where}{tail}{text}"


def reference_lines(hit: Hit) -> list[str]:
    return [link_line(link) for link in distinct(hit.references)]


def distinct(links: list[Any], *, incoming: bool = False) -> list[Any]:
    """One link per place named (outgoing) or per referring clause (incoming): a clause may repeat a reference."""
    seen: dict[tuple[Any, ...], Any] = {}
    for link in links:
        key = (
            (link.source_clause_id,)
            if incoming
            else (link.text, link.target_clause_id, link.target_doc_id, link.paragraph, link.item, link.reason)
        )
        seen.setdefault(key, link)
    return list(seen.values())


def print_references(refs: dict[str, list[Any]]) -> None:
    shown = distinct(refs["outgoing"])
    out.print(f"[bold]refers to[/bold] ({len(shown)})", highlight=False)
    for link in shown:
        out.print("  " + link_line(link), highlight=False)
    back = distinct(refs["incoming"], incoming=True)
    out.print(f"[bold]referred to by[/bold] ({len(back)} clauses)", highlight=False)
    for link in back:
        out.print("  " + link_line(link, incoming=True), highlight=False)


# -- eval commands (evaluation; keep this marker) -------------------------------------------------
@app.command("eval")
def eval_command(
    queries: Annotated[
        Path,
        typer.Argument(
            help='JSONL, one question a line: {"query", "gold": list of labels} or {"query", "gold_keys": list of substrings}.'
        ),
    ],
    index_dir: IndexOpt = Path("indexes/default"),
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or lexical.")] = "hybrid",
    k: Annotated[int, typer.Option("-k", help="How many hits to retrieve per question.")] = 100,
    filters: FilterOpt = None,
    per_query: Annotated[bool, typer.Option("--per-query", help="Show each question's gold ranks.")] = False,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model (must match the index).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score retrieval on questions with gold answers: recall@k, MRR@10, nDCG@10."""
    from ..evaluate import evaluate, load_queries
    from ..index import Index

    with failures():
        questions = load_queries(queries)
        ix = Index.open(index_dir, model=model)
        report = evaluate(ix, questions, mode=mode, k=k, filters=filters, per_query=per_query)  # type: ignore[arg-type]
    if as_json:
        dump(report.model_dump())
        return
    table = Table(title=f"{queries.name} · {report.n} questions · {mode} · {index_dir}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in report.metrics.items():
        table.add_row(name, f"{value:.3f}")
    out.print(table, soft_wrap=False)
    if report.gold_absent:
        err.print(
            f"[yellow]note:[/yellow] {report.gold_absent} of {report.gold_total} gold answers are not in the index"
        )
    if per_query:
        rows = Table(show_lines=False, expand=True)
        rows.add_column("qid")
        rows.add_column("query", ratio=3)
        rows.add_column("gold: rank", ratio=3)
        rows.add_column("top hit", ratio=2)
        for result in report.per_query:
            ranks = "; ".join(f"{g.gold}: {g.rank if g.rank is not None else '-'}" for g in result.gold)
            rows.add_row(str(result.qid or ""), result.query, ranks, result.hits[0] if result.hits else "")
        out.print(rows)


# -- ask and serve commands (answers, HTTP service; keep this marker) -----------------------------
def answer_tree(answer: Any) -> Tree:
    """An Answer as a tree: question › document › section › cited clauses, matched terms highlighted."""
    from rich.text import Text

    head = Text(answer.question, style="bold")
    head.append(f"  [{answer.kind}]", style="dim")
    root = Tree(head)
    if not answer.answered:
        root.add(Text(f"not answered: {answer.reason}", style="yellow"))
    if answer.figure is not None:
        root.add(
            Text.assemble(
                ("figure: ", "bold"), (answer.figure.value, "bold green"), f"  {answer.figure.citation}"
            )
        )
    if answer.summary:
        root.add(Text.assemble(("summary: ", "bold"), answer.summary))
    for group in answer.groups:
        meta = " · ".join(
            str(x) for x in (group.doc.region, "、".join(group.doc.issuers), group.doc.date) if x
        )
        doc_node = root.add(
            Text.assemble((group.doc.title, "bold cyan"), (f"  {meta}" if meta else "", "dim"))
        )
        for section in group.sections:
            node = (
                doc_node.add(Text(section.title or "(no section)", style="cyan"))
                if section.path
                else doc_node
            )
            for cited in section.clauses:
                text = Text(cited.text.replace("\n", " "))
                for h in cited.highlights:
                    text.stylize("bold yellow", h.start, h.end)
                shown = cited.article and not cited.text.lstrip().startswith(cited.article)
                line = Text.assemble((f"{cited.article} " if shown else "", "green"))
                line.append(text)
                line.append(f"  {cited.clause_id} ({cited.score:.2f})", style="dim")
                leaf = node.add(line)
                for link in distinct(cited.references):
                    leaf.add(Text.from_markup("↳ " + link_line(link)))
    if answer.prose:
        root.add(Text.assemble(("prose: ", "bold"), answer.prose))
    return root


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, e.g. 哪些措施涉及行政执法？")],
    index_dir: IndexOpt = Path("indexes/default"),
    filters: FilterOpt = None,
    k: Annotated[int, typer.Option("-k", help="Candidates per retriever before the relevance cut-off.")] = 50,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model (must match the index).")] = None,
    rerank: RerankOpt = False,
    reranker: RerankerOpt = None,
    expand_references: ExpandOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question: every clause that addresses it, grouped by document and section, with citations."""
    from ..answer import ask as answer_question
    from ..index import Index

    with failures():
        ix = Index.open(index_dir, model=model)
        answer = answer_question(
            ix,
            question,
            filters=filters,
            k=k,
            rerank=rerank_choice(rerank, reranker),
            expand_references=expand_references,
        )
    if as_json:
        dump(answer.model_dump(mode="json"))
    else:
        Console(soft_wrap=False).print(answer_tree(answer), highlight=False)


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
    from ..server import serve as run_server

    with failures():
        err.print(
            f"lawdocs: serving {index_dir} on http://{host}:{port} (OpenAPI at /openapi.json)",
            highlight=False,
        )
        run_server(index_dir, host=host, port=port, log_level=log_level, reranker=reranker)


# -- finetune commands (domain adaptation; keep this marker) ---------------------------------------


@app.command()
def finetune(
    questions: Annotated[
        Path, typer.Argument(help='JSONL of {"query", "gold": [labels]} or gold_keys lines.')
    ],
    index_dir: IndexOpt = Path("indexes/default"),
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the adapted model to.")
    ] = Path("models/adapted"),
    base: Annotated[
        str | None, typer.Option("--base", help="Model to start from (default: the index's).")
    ] = None,
    epochs: Annotated[
        int, typer.Option("--epochs", help="Epochs to train; the best on kept-back questions is kept.")
    ] = 2,
    batch_size: Annotated[
        int | None,
        typer.Option("--batch-size", help="Pairs per step (embedding, 32) or question groups (reranker, 4)."),
    ] = None,
    learning_rate: Annotated[float | None, typer.Option("--lr", help="3e-5 (embedding), 4e-5 (reranker).")] = None,
    holdout: Annotated[float, typer.Option("--holdout", help="Share of questions kept back.")] = 0.1,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    train_reranker: Annotated[
        bool,
        typer.Option("--reranker", help="Train a cross-encoder reranker (for search --reranker) instead."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Adapt an embedding model, or train a reranker, on your labelled questions (negatives mined from the index)."""
    from ..index import Index
    from ..train.finetune import FinetuneConfig
    from ..train.finetune import finetune as run_finetune

    if train_reranker:
        return finetune_reranker(questions, index_dir, out_dir, base, epochs, batch_size, learning_rate, holdout, seed, as_json)
    config = FinetuneConfig(epochs=epochs, holdout=holdout, seed=seed)
    if batch_size is not None:
        config.batch_size = batch_size
    if learning_rate is not None:
        config.learning_rate = learning_rate
    with failures():
        ix = Index.open(index_dir)
        with stage_progress(quiet=as_json) as progress:
            report = run_finetune(questions, ix, out_dir, base=base, config=config, progress=progress)
    if as_json:
        dump(report.model_dump())
        return
    table = Table(
        title=f"fine-tuning on {report.train_questions} questions, {report.heldout_questions} kept back"
    )
    for column in ("epoch", "loss", "recall@10", "recall@100", "MRR@10", "seconds"):
        table.add_column(column)
    for e in report.epochs:
        loss = "-" if e.loss is None else f"{e.loss:.3f}"
        table.add_row(
            str(e.epoch),
            loss,
            f"{e.recall_at_10:.3f}",
            f"{e.recall_at_100:.3f}",
            f"{e.mrr_at_10:.3f}",
            str(e.seconds),
        )
    out.print(table, soft_wrap=False)
    out.print(f"best epoch {report.best_epoch} written to {report.out}; use it with --model {report.out}")


def finetune_reranker(
    questions: Path,
    index_dir: Path,
    out_dir: Path,
    base: str | None,
    epochs: int,
    groups: int | None,
    learning_rate: float | None,
    holdout: float,
    seed: int,
    as_json: bool,
) -> None:
    from ..index import Index
    from ..train.reranker import RerankConfig, train_reranker

    config = RerankConfig(epochs=epochs, holdout=holdout, seed=seed)
    if groups is not None:
        config.groups_per_batch = groups
    if learning_rate is not None:
        config.learning_rate = learning_rate
    with failures():
        ix = Index.open(index_dir)
        with stage_progress(quiet=as_json) as progress:
            report = train_reranker(questions, ix, out_dir, base=base, config=config, progress=progress)
    if as_json:
        dump(report.model_dump())
        return
    table = Table(
        title=f"reranker on {report.train_questions} questions, {report.heldout_questions} kept back "
        f"(top {report.fusion.depth} of the first stage reranked)"
    )
    for column in ("epoch", "loss", "first-stage weight", "recall@10", "MRR@10", "seconds"):
        table.add_column(column)
    first = report.first_stage
    table.add_row("first stage", "-", "-", f"{first['recall_at_10']:.3f}", f"{first['mrr_at_10']:.3f}", "-")
    for e in report.epochs:
        table.add_row(
            str(e.epoch),
            "-" if e.loss is None else f"{e.loss:.3f}",
            str(e.first_stage_weight),
            f"{e.recall_at_10:.3f}",
            f"{e.mrr_at_10:.3f}",
            str(e.seconds),
        )
    out.print(table, soft_wrap=False)
    out.print(
        f"best: epoch {report.best_epoch}, first-stage weight {report.fusion.first_stage_weight}; written to "
        f"{report.out}; use it with --reranker {report.out}"
    )


def main() -> None:
    app()
