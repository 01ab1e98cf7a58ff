"""Commands that teach the index or its model: learn, finetune (embedding model or reranker)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .common import (
    IndexOpt,
    JsonOpt,
    app,
    dump,
    err,
    failures,
    out,
    stage_progress,
)


@app.command()
def learn(
    questions: Annotated[
        Path | None,
        typer.Argument(help='JSONL, one labelled question a line: {"query", "gold": [labels or clause ids]}.'),
    ] = None,
    index_dir: IndexOpt = Path("indexes/default"),
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Remove a banked question by its qid. Repeat for more.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every learned question.")] = False,
    allow_missing: Annotated[
        bool,
        typer.Option("--allow-missing", help="Keep gold labels that name no clause yet (they vote later)."),
    ] = False,
    show: Annotated[bool, typer.Option("--list", help="List the banked questions and settings.")] = False,
    packaged: Annotated[
        bool | None,
        typer.Option("--packaged/--no-packaged", help="Vote with the shipped legal bank in every search, or never (legal-model indexes; by default only the shipped combiner of a statute collection consults it)."),
    ] = None,
    enabled: Annotated[
        bool | None, typer.Option("--on/--off", help="Let the bank vote in this index's searches, or not.")
    ] = None,
    tune: Annotated[
        bool,
        typer.Option(
            "--tune",
            help="Choose the votes' weight and threshold, or a learned combiner of every signal, on 20% of "
            "the banked questions kept back (after learning QUESTIONS, if given); at least 20 questions.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Teach an index labelled questions: similar later questions are steered to the same clauses."""
    from ..index import Index

    actions = sum([questions is not None, bool(remove), clear, packaged is not None or enabled is not None])
    if actions > 1 or (actions == 0 and not (show or tune)) or (tune and actions and questions is None):
        err.print(
            "[red]error:[/red] give one of QUESTIONS, --remove QID, --clear, --packaged, --on/--off "
            "(--tune alone or after QUESTIONS)"
        )
        raise typer.Exit(2)
    with failures():
        ix = Index.open(index_dir)
        summary: dict[str, Any] = {"index": str(index_dir)}
        changed = False
        if questions is not None:
            report = ix.learn(questions, allow_missing=allow_missing)
            summary.update(report.model_dump())
            changed = bool(report.added)
        elif remove:
            removed = ix.bank.remove(remove)
            unknown = [q for q in remove if q not in removed]
            summary.update({"removed": removed, "unknown": unknown})
            changed = bool(removed)
        elif clear:
            summary["removed"] = ix.bank.clear()
            changed = bool(summary["removed"])
        elif packaged is not None or enabled is not None:
            if packaged is not None:
                ix.bank.config.packaged = packaged
            if enabled is not None:
                ix.bank.config.enabled = enabled
            changed = True
        if tune:
            tuned = ix.tune_bank()
            summary["tuning"] = tuned.model_dump()
            changed = True
        if changed:
            ix.save()
        summary["questions"] = len(ix.bank)
        summary["settings"] = ix.bank.config.model_dump()
        if show:
            summary["bank"] = [e.model_dump() for e in ix.bank.entries]
    if as_json:
        dump(summary)
    else:
        if "added" in summary:
            out.print(
                f"{len(summary['added'])} question(s) learned, {len(summary['unchanged'])} already known; "
                f"the bank of {index_dir} holds {summary['questions']}."
            )
            if summary["missing"]:
                err.print(
                    f"[yellow]note:[/yellow] {len(summary['missing'])} gold label(s) name no clause yet: "
                    + ", ".join(summary["missing"][:20]),
                    highlight=False,
                )
        elif "removed" in summary:
            count = summary["removed"] if clear else len(summary["removed"])
            out.print(f"removed {count} question(s); the bank holds {summary['questions']}")
            for qid in summary.get("unknown", []):
                err.print(f"[red]error:[/red] no banked question {qid!r} in {index_dir}", highlight=False)
        elif "tuning" not in summary:
            settings = summary["settings"]
            out.print(f"the bank of {index_dir} holds {summary['questions']} question(s); settings {settings}")
        if "tuning" in summary:
            t, chosen, off = summary["tuning"], summary["tuning"]["chosen"], summary["tuning"]["without_votes"]
            out.print(
                f"tuned on {t['held_questions']} kept-back question(s) (bank of {t['tune_questions']}): "
                + (
                    "the learned combiner (it beat every fixed vote weight)"
                    if chosen["combiner"]
                    else f"weight {chosen['weight']}, min similarity {chosen['min_similarity']}"
                    if chosen["weight"]
                    else "votes off (none helped)"
                )
                + f"; recall@10 {off['recall_at_10']:.3f} → {chosen['recall_at_10']:.3f}, "
                f"MRR@10 {off['mrr_at_10']:.3f} → {chosen['mrr_at_10']:.3f}",
                highlight=False,
            )
        for entry in summary.get("bank", []):
            out.print(f"{entry['qid']}  {entry['query']}  → {'; '.join(entry['gold'])}", highlight=False)
    if summary.get("unknown"):
        raise typer.Exit(1)


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

    with failures():
        ix = Index.open(index_dir)
        with stage_progress(quiet=as_json) as progress:
            if train_reranker:
                from ..train import reranker as reranker_training
                from ..train.reranker import RerankConfig

                run: Any = reranker_training.train_reranker
                config: Any = RerankConfig(epochs=epochs, holdout=holdout, seed=seed)
                if batch_size is not None:
                    config.groups_per_batch = batch_size
            else:
                from ..train.finetune import FinetuneConfig, finetune

                run = finetune
                config = FinetuneConfig(epochs=epochs, holdout=holdout, seed=seed)
                if batch_size is not None:
                    config.batch_size = batch_size
            if learning_rate is not None:
                config.learning_rate = learning_rate
            report = run(questions, ix, out_dir, base=base, config=config, progress=progress)
    if as_json:
        dump(report.model_dump())
        return
    reranked = f" (top {report.fusion.depth} of the first stage reranked)" if train_reranker else ""
    what = "reranker" if train_reranker else "fine-tuning"
    table = Table(title=f"{what} on {report.train_questions} questions, {report.heldout_questions} kept back{reranked}")
    weight = ["first-stage weight"] if train_reranker else []
    for column in ("epoch", "loss", *weight, "recall@10", "recall@100", "MRR@10", "seconds"):
        table.add_column(column)
    if train_reranker:
        first = report.first_stage
        table.add_row("first stage", "-", "-", *(f"{first[m]:.3f}" for m in ("recall_at_10", "recall_at_100", "mrr_at_10")), "-")
    for e in report.epochs:
        table.add_row(
            str(e.epoch),
            "-" if e.loss is None else f"{e.loss:.3f}",
            *([str(e.first_stage_weight)] if train_reranker else []),
            *(f"{v:.3f}" for v in (e.recall_at_10, e.recall_at_100, e.mrr_at_10)),
            str(e.seconds),
        )
    out.print(table, soft_wrap=False)
    if train_reranker:
        out.print(
            f"best: epoch {report.best_epoch}, first-stage weight {report.fusion.first_stage_weight}; written to "
            f"{report.out}; use it with --reranker {report.out}"
        )
    else:
        out.print(f"best epoch {report.best_epoch} written to {report.out}; use it with --model {report.out}")
