"""Train the cross-encoder reranker on STARD's tune questions and measure it on the held-back part.

Uses the split of `stard.py` (seed 13: 988 tune, 247 held back) and the legal index that
`python -m benchmarks.stard --model legal` built (`benchmarks/cache/stard-index-all-legal`, the whole corpus). The reranker
starts from the legal model and learns from the tune questions only (10 % of them kept back inside
`train_reranker` to choose the epoch and the fusion weight), its negatives mined from the `laws` hybrid
first stage without the question bank (a tune question is in the packaged bank, which would put its gold
first). The held-back questions are then searched with the library default (the combiner with the packaged
bank), with the `laws` hybrid, and with the `laws` hybrid plus the packaged bank's votes fused by RRF
(`combine_stard.py`'s setting), each with and without reranking at every depth (`--rerank-stages` limits
which first stages are reranked; every stage listed in `--stages` is measured alone).

    python -m benchmarks.rerank_stard               # hours on 2 cores (training ~1-2 pairs/s on AVX2)
    python -m benchmarks.rerank_stard --limit 40 --epochs 1 --held-limit 20   # a smoke run
    python -m benchmarks.rerank_stard --index benchmarks/cache/stard-index-5000-s13-legal-onnx \
        --out benchmarks/cache/rr-5k-mean --skip-train --held-limit 120 --depths 30,50,100 \
        --stages laws,bank,default --rerank-stages default --timed 10 --name rerank_stard_5k_depths
        # every row of issue 12's table on the 5,000-article subset, with the reranker already trained
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.combine_stard import BANK_RRF
from benchmarks.common import CACHE, STARD, log, md_table, percentile, split, write_results
from lawdocs.embed import load_embedder
from lawdocs.embedding.legal import legal_model_dir
from lawdocs.evaluate import load_queries, score
from lawdocs.index import Index
from lawdocs.search import FUSION_PRESETS
from lawdocs.search.rerank import Reranker, RerankFusion
from lawdocs.train.reranker import RerankConfig, train_reranker

BANK_VOTING = ("neighbours", "power", "min_similarity", "weight")
KEYS = ("recall@1", "recall@10", "recall@20", "recall@100", "mrr@10")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=CACHE / "stard-index-all-legal", help="stard.py --model legal")
    parser.add_argument("--model", default="legal", help="the index's model")
    parser.add_argument("--base", type=Path, default=None, help="reranker start (default: the legal model)")
    parser.add_argument("--out", type=Path, default=CACHE / "legal-reranker")
    parser.add_argument("--epochs", type=int, default=RerankConfig().epochs)
    parser.add_argument("--hard", type=int, default=RerankConfig().hard_negatives, help="hard negatives per group")
    parser.add_argument("--random", type=int, default=RerankConfig().random_negatives, help="random negatives per group")
    parser.add_argument("--mine-depth", type=int, default=RerankConfig().mine_depth, help="hard negatives come from this deep")
    parser.add_argument("--pooling", choices=["mean", "cls"], default="mean")
    parser.add_argument(
        "--max-seq-length", type=int, default=RerankConfig().max_seq_length, help="tokens per (question, article) pair"
    )
    parser.add_argument("--depths", default="30,50,100", help="rerank depths measured on the held-back part")
    parser.add_argument("--limit", type=int, default=0, help="train on only this many tune questions")
    parser.add_argument("--held-limit", type=int, default=0, help="evaluate only this many held-back questions")
    parser.add_argument("--skip-train", action="store_true", help="reuse the reranker already in --out")
    parser.add_argument("--torch", action="store_true", help="also run the chosen setting on fp32 torch")
    parser.add_argument(
        "--stages",
        default="default,laws",
        help="first stages: default (the library's), laws (the hybrid preset), bank (laws + the packaged bank's votes)",
    )
    parser.add_argument("--rerank-stages", default=None, help="the first stages reranked (default: all of --stages)")
    parser.add_argument("--timed", type=int, default=20, help="held-back questions timed with nothing cached")
    parser.add_argument("--name", default="rerank_stard")
    args = parser.parse_args()

    queries = load_queries(STARD / "train.jsonl")
    tune_idx, held_idx = split(queries, seed=13)
    tune = [queries[i] for i in tune_idx][: args.limit or None]
    held = [queries[i] for i in held_idx][: args.held_limit or None]
    ix = Index.open(args.index, embedder=load_embedder(str(args.model), backend="onnx"), verify=False)
    training = None
    if not args.skip_train:
        ix.fusion = FUSION_PRESETS["laws"]  # mined and chosen without the bank, which holds these very questions
        started = time.time()
        config = RerankConfig(
            epochs=args.epochs,
            hard_negatives=args.hard,
            random_negatives=args.random,
            mine_depth=args.mine_depth,
            pooling=args.pooling,
            max_seq_length=args.max_seq_length,
        )
        report = train_reranker(
            tune,
            ix,
            args.out,
            base=str(args.base or legal_model_dir()),
            config=config,
            progress=lambda stage, done, total: log(f"{stage} {done}/{total}") if done % 50 == 0 or done == total else None,
        )
        training = {"seconds": round(time.time() - started), **report.model_dump()}
        log(f"trained in {training['seconds']} s; best epoch {report.best_epoch}, fusion {report.fusion}")
    chosen = Reranker(args.out).fusion
    depths = [int(d) for d in args.depths.split(",")]
    rows: list[list[Any]] = []
    results: dict[str, dict[str, float]] = {}

    stages = {
        "default": ("library default (combiner + bank)", None),
        "laws": ("laws hybrid", FUSION_PRESETS["laws"]),
        "bank": ("laws hybrid + bank RRF", FUSION_PRESETS["laws"]),
    }
    cache: dict[tuple[str, str], float] = {}  # a pair is scored once for all depths and weights

    class Cached(Reranker):
        def score(self, query: str, passages: Any) -> Any:
            todo = [p for p in dict.fromkeys(passages) if (query, p) not in cache]
            if todo:
                cache.update(zip(((query, p) for p in todo), Reranker.score(self, query, todo).tolist(), strict=True))
            return np.array([cache[(query, p)] for p in passages], dtype=np.float32)

    def run(stage: str, fusion: Any, label: str, settings: tuple[int, float, str] | None = None) -> None:
        ix.fusion = fusion
        ix.bank.config = ix.bank.config.model_copy(  # the bank stage: the packaged bank votes in the hybrid
            update={"packaged": True, **BANK_RRF.model_dump(include=set(BANK_VOTING))}
            if stage == stages["bank"][0]
            else {"packaged": None}
        )
        scorer = timer = None
        if settings:
            depth, weight, backend = settings
            scorer, timer = Cached(args.out, backend=backend), Reranker(args.out, backend=backend)  # type: ignore[arg-type]
            for r in (scorer, timer):
                r.info.fusion = RerankFusion(depth=depth, k=chosen.k, first_stage_weight=weight)
        ix.search(held[0].query, k=10, rerank=timer)  # warm: models loaded, caches filled
        timings: list[float] = []
        for q in held[: args.timed]:  # latency with nothing cached, as a user meets it
            t = time.perf_counter()
            ix.search(q.query, k=100, rerank=timer)
            timings.append(time.perf_counter() - t)
        started = time.time()
        rankings = [ix.search(q.query, k=100, rerank=scorer) for q in held]
        m = score(held, rankings, k=100).metrics
        key = f"{stage} + {label}" if scorer else stage
        results[key] = {
            **m,
            "p50_ms": round(percentile(timings, 50) * 1000, 1),
            "timed": len(timings),
            "seconds": round(time.time() - started, 1),
        }
        rows.append([stage, label if scorer else "–", *(f"{m[k]:.3f}" for k in KEYS), results[key]["p50_ms"]])
        log(rows[-1])

    # runs: (depth, first-stage weight, backend); the reranker alone (weight 0) at the first depth
    runs: list[tuple[int, float, str]] = [(depths[0], 0.0, "onnx")] if chosen.first_stage_weight else []
    runs += [(d, chosen.first_stage_weight, "onnx") for d in depths]
    if args.torch:  # int8 against fp32: the chosen setting once more on the fp32 weights
        runs.append((depths[0], chosen.first_stage_weight, "torch"))
    reranked = set((args.rerank_stages or args.stages).split(","))
    for name in args.stages.split(","):
        stage, fusion = stages[name]
        run(stage, fusion, "")
        for depth, weight, backend in runs if name in reranked else []:
            label = f"reranker top {depth}, first-stage weight {weight}" + (
                " (chosen)" if weight == chosen.first_stage_weight else ""
            )
            if backend == "torch":  # fp32 scores of its own
                cache.clear()
            run(stage, fusion, label + (", fp32 torch" if backend == "torch" else ", int8 ONNX"), (depth, weight, backend))
    table = md_table(["first stage", "reranking", "R@1", "R@10", "R@20", "R@100", "MRR@10", "p50 ms/query"], rows)
    print(table)
    write_results(
        args.name,
        {"held_back": len(held), "tuned_on": len(tune), "results": results, "training": training},
        f"# Cross-encoder reranking on STARD: trained on {len(tune)} tune questions, "
        f"{len(held)} held back, index {args.index.name} ({len(ix)} clauses)\n\n{table}",
    )


if __name__ == "__main__":
    main()
