"""Adapt the default model to STARD's training questions and measure it on the held-back part.

Uses the split of `stard.py` (seeded 80/20 of train.jsonl): `lawdocs.finetune` trains on the 80 %
(keeping 10 % of those back to pick the epoch), then the adapted model embeds the whole corpus and the
20 % held back are evaluated in dense, lexical and hybrid modes next to the base model's index.

    python -m benchmarks.finetune_stard            # ~1 hour on 2 cores: training, int8 export, re-embedding
    python -m benchmarks.finetune_stard --limit 60 # smoke run on a few questions
    python -m benchmarks.finetune_stard --records 5000 --epochs 2 --name finetune_stard_5k
        # the recipe on the 5,000-article subset that holds every gold article, next to the shipped legal model
    python -m benchmarks.finetune_stard --records 5000 --from legal --epochs 1 --name finetune_stard_5k_round2
        # a second round: the legal model trained again with hard negatives mined by itself
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from benchmarks.common import CACHE, STARD, get_embedder, log, md_table, split, write_results
from benchmarks.stard import build_index, subset_corpus
from lawdocs.evaluate import evaluate, load_queries
from lawdocs.index import Index
from lawdocs.train.finetune import FinetuneConfig, finetune


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--base-index",
        type=Path,
        default=None,
        help="the starting model's index (default: built by stard.py's rules)",
    )
    parser.add_argument(
        "--from",
        dest="start",
        choices=["base", "legal"],
        default="base",
        help="the model to train (and mine with)",
    )
    parser.add_argument("--records", type=int, default=0, help="corpus subset size (0 = the whole corpus)")
    parser.add_argument("--out", type=Path, default=None, help="where the adapted model goes")
    parser.add_argument("--name", default="finetune_stard", help="result file name")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--seed", type=int, default=13, help="seed of the tune / held-back split (as stard.py)"
    )
    parser.add_argument("--limit", type=int, default=0, help="use only this many training questions")
    parser.add_argument("--skip-train", action="store_true", help="reuse the model already in --out")
    args = parser.parse_args()

    queries = load_queries(STARD / "train.jsonl")
    tune_idx, held_idx = split(queries, seed=args.seed)
    tune = [queries[i] for i in tune_idx]
    held = [queries[i] for i in held_idx]
    if args.limit:
        tune = tune[: args.limit]
    records = f"-{args.records}" if args.records else ""
    if args.start == "legal":
        records += "-round2"
    out = args.out or CACHE / f"legal-e5-small{records}"
    if args.base_index is not None:
        base = Index.open(args.base_index)
    elif args.records:
        corpus = subset_corpus(args.records, queries, args.seed)
        base, _ = build_index(
            corpus, CACHE / f"stard-index-{args.records}-s{args.seed}-{args.start}-onnx", args.start, "onnx"
        )
    else:
        base = Index.open(CACHE / "stard-index-all")
    trained_in = None
    if not args.skip_train:
        started = time.time()
        report = finetune(
            tune,
            base,
            out,
            config=FinetuneConfig(epochs=args.epochs, batch_size=args.batch_size),
            progress=lambda stage, done, total: log(f"{stage} {done}/{total}") if done == total else None,
        )
        trained_in = round(time.time() - started)
        log(f"trained in {trained_in} s; best epoch {report.best_epoch}")
        log(report.model_dump_json(indent=1))

    from lawdocs.embed import export_onnx, load_embedder

    info = export_onnx(out, check=False)
    log(f"exported int8: {info}")
    from lawdocs.embedding.onnx_backend import check_int8

    sample = [c.text for c in base.clauses[:: max(1, len(base.clauses) // 300)]]
    try:
        info["min_cosine_int8_vs_fp32"] = check_int8(Path(out), sample, min_cosine=0.0)
    except Exception as exc:  # the measurement must not lose the training run
        log(f"int8 check failed: {exc}")
    log(f"int8 vs fp32 on {len(sample)} clauses: {info.get('min_cosine_int8_vs_fp32')}")
    results = []
    # The whole corpus is re-embedded with the int8 export only: fp32 on torch runs at ~11 clauses/s here
    # (90 minutes for STARD); int8 vs fp32 agreement of the adapted model is measured on a sample below.
    for backend in ("onnx",):
        adapted_dir = CACHE / f"stard-index-adapted{records}-{backend}"
        if not (adapted_dir / "manifest.json").exists():
            embedder = load_embedder(str(out), backend=backend)  # type: ignore[arg-type]
            started = time.time()
            base.with_model(adapted_dir, embedder).save()
            log(f"re-embedded {len(base)} clauses with {backend} in {time.time() - started:.0f} s")
        ix = Index.open(adapted_dir, embedder=load_embedder(str(out), backend=backend))  # type: ignore[arg-type]
        for mode in ("dense", "hybrid"):
            r = evaluate(ix, held, mode=mode, k=100)  # type: ignore[arg-type]
            results.append((f"adapted ({backend})", mode, r.metrics))
    for mode in ("dense", "lexical", "hybrid"):
        r = evaluate(base, held, mode=mode, k=100)  # type: ignore[arg-type]
        results.append((f"{args.start} (onnx)", mode, r.metrics))
    # the shipped legal model on the same subset, for comparison with this run's model
    if args.records and args.start == "base":
        shipped_dir = CACHE / f"stard-index-{args.records}-s{args.seed}-legal-onnx"  # as stard.py names it
        if (shipped_dir / "manifest.json").exists():
            shipped = Index.open(shipped_dir, embedder=get_embedder("legal"))
        else:
            shipped = base.with_model(shipped_dir, get_embedder("legal"))
            shipped.save()
        # dense only: the legal model's hybrid default also consults the packaged question bank
        r = evaluate(shipped, held, mode="dense", k=100)
        results.append(("shipped legal (onnx)", "dense", r.metrics))
    rows = [
        [model, mode, *(f"{m[key]:.3f}" for key in ("recall@1", "recall@10", "recall@100", "mrr@10"))]
        for model, mode, m in results
    ]
    corpus_text = (
        f"{len(base)} clauses of the corpus (every gold article)" if args.records else "whole corpus"
    )
    table = md_table(["model", "mode", "R@1", "R@10", "R@100", "MRR@10"], rows)
    print(table)
    write_results(
        args.name,
        {
            "held_back": len(held),
            "tuned_on": len(tune),
            "results": [list(r) for r in results],
            "onnx": info,
            # the model's own training report (pairs, kept-back recall per epoch), and this run's training time
            "training": {"seconds": trained_in, "report": json.loads(report_file.read_text(encoding="utf-8"))}
            if (report_file := Path(out) / "lawdocs_finetune.json").exists()
            else {"seconds": trained_in},
        },
        f"STARD train.jsonl, seeded split (seed {args.seed}): fine-tuned on {len(tune)}, "
        f"evaluated on {len(held)} held back, {corpus_text}.\n\n{table}",
    )
    if args.limit:
        shutil.rmtree(CACHE / f"stard-index-adapted{records}-onnx", ignore_errors=True)


if __name__ == "__main__":
    main()
