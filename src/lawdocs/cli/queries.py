"""Commands that ask the index: search, ask, eval."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..models import Hit, SearchMode
from .common import (
    AllVersionsOpt,
    AsOfOpt,
    ExpandOpt,
    FilterOpt,
    IndexOpt,
    JsonOpt,
    NoBankOpt,
    RerankerOpt,
    RerankOpt,
    app,
    dump,
    err,
    failures,
    out,
    read_query_lines,
    rerank_choice,
    version_filters,
)
from .hits import print_hits
from .render import (
    answer_tree,
    hit_json,
    reference_lines,
    version_note,
)


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="The question or keywords.")] = None,
    index_dir: IndexOpt = Path("indexes/default"),
    k: Annotated[int, typer.Option("-k", help="How many hits.")] = 10,
    mode: Annotated[SearchMode, typer.Option("--mode", help="Retrievers: both fused, or one.")] = "hybrid",
    filters: FilterOpt = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help='JSONL file of {"query": ...} lines, answered in order.')
    ] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model (must match the index).")] = None,
    rerank: RerankOpt = False,
    reranker: RerankerOpt = None,
    expand_references: ExpandOpt = False,
    as_of: AsOfOpt = None,
    all_versions: AllVersionsOpt = False,
    per_document: Annotated[
        bool, typer.Option("--per-document", help="The best clause of each document that answers (k documents).")
    ] = False,
    no_bank: NoBankOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Find the clauses that answer a query."""
    from ..index import Index

    filters = version_filters(filters, as_of, all_versions)
    labelled = bool(as_of or all_versions)

    if (query is None) == (queries is None):
        err.print("[red]error:[/red] give a QUERY or --queries FILE, not both or neither")
        raise typer.Exit(2)
    with failures():
        ix = Index.open(index_dir, model=model)
        if no_bank:
            ix.bank.config.enabled = False
        chosen = rerank_choice(rerank, reranker)

        def run(text: str) -> list[Hit]:
            return ix.search(
                text,
                k=k,
                mode=mode,
                filters=filters,
                rerank=chosen,
                expand_references=expand_references,
                per_document=per_document,
            )

        if queries is not None:
            for number, row in read_query_lines(queries):
                with failures():
                    found = run(row["query"])
                if as_json:
                    dump({**row, "hits": [hit_json(h) for h in found]})
                else:
                    print_hits(f"{number}: {row['query']}", found, reference_lines, version_note if labelled else None)
            return
        assert query is not None
        hits = run(query)
    if as_json:
        dump({"query": query, "hits": [hit_json(h) for h in hits]})
    else:
        print_hits(query, hits, reference_lines, version_note if labelled else None)  # lawdocs.cli.hits


@app.command("eval")
def eval_command(
    queries: Annotated[
        Path,
        typer.Argument(
            help='JSONL, one question a line: {"query", "gold": list of labels} or {"query", "gold_keys": list of substrings}.'
        ),
    ],
    index_dir: IndexOpt = Path("indexes/default"),
    mode: Annotated[SearchMode, typer.Option("--mode", help="Retrievers: both fused, or one.")] = "hybrid",
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
        report = evaluate(ix, questions, mode=mode, k=k, filters=filters, per_query=per_query)
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
    as_of: AsOfOpt = None,
    all_versions: AllVersionsOpt = False,
    show_all: Annotated[bool, typer.Option("--all", help="Show every cited clause, not the first 12.")] = False,
    no_bank: NoBankOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question: every clause that addresses it, grouped by document and section, with citations."""
    from ..answer import ask as answer_question
    from ..index import Index

    filters = version_filters(filters, as_of, all_versions)

    with failures():
        ix = Index.open(index_dir, model=model)
        if no_bank:
            ix.bank.config.enabled = False
        answer = answer_question(
            ix,
            question,
            filters=filters,
            k=k,
            rerank=rerank_choice(rerank, reranker),
            expand_references=expand_references,
            limit=None if show_all else 12,
        )
    if as_json:
        dump(answer.model_dump(mode="json"))
    else:
        Console(soft_wrap=False).print(answer_tree(answer), highlight=False)


