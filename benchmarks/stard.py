"""STARD: lay questions to Chinese statute articles (shared/bench/stard), lexical vs dense vs hybrid.

Builds (once, cached under benchmarks/cache/) an index of corpus.jsonl with the default model through
`Index.add`, then evaluates train.jsonl in every mode, sweeps the fusion settings on a fixed, seeded 80/20
split of train.jsonl (tune on the 80 %, report on the 20 % held back and on all of train) and tries the
three lexical schemes (jieba, bigram, jieba+bigram) by rebuilding only the BM25 index over the cached
clause texts. Writes results/stard.json and results/stard.md.

    python -m benchmarks.stard                  # the whole corpus: ~20 min of embedding on 2 cores, once
    python -m benchmarks.stard --records 3000 --limit 200   # a quick run (gold articles + random others)
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import (
    BM25_BIGRAM_REFERENCE,
    BM25_REFERENCE,
    CACHE,
    DEPTH,
    METRICS,
    SCHEMES,
    STARD,
    ProgressEmbedder,
    Runs,
    describe,
    evaluate_parts,
    fusion_grid,
    get_embedder,
    log,
    md_table,
    split,
    write_results,
)
from lawdocs.evaluate import EvalReport, Query, evaluate, load_queries, normalise_label, score
from lawdocs.index import Index
from lawdocs.search import FusionConfig


# -- the index --------------------------------------------------------------------------------------
def subset_corpus(records: int, queries: list[Query], seed: int) -> Path:
    """A JSONL file with every gold article of `queries` plus seeded random others, `records` in all."""
    out = CACHE / f"stard-corpus-{records}-s{seed}.jsonl"
    if out.exists():
        return out
    wanted = {normalise_label(g) for q in queries for g in q.gold}
    lines = (STARD / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    gold = [i for i, line in enumerate(lines) if normalise_label(json.loads(line)["name"]) in wanted]
    gold_set = set(gold)
    others = [i for i in range(len(lines)) if i not in gold_set]
    random.Random(seed).shuffle(others)
    keep = sorted(gold_set | set(others[: max(0, records - len(gold))]))
    CACHE.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(lines[i] + "\n" for i in keep), encoding="utf-8")
    return out


def build_index(
    corpus: Path, folder: Path, model: str | None = None, backend: str = "auto"
) -> tuple[Index, dict[str, Any]]:
    base = get_embedder(model, backend)
    info_file = folder / "bench_build.json"
    if (folder / "manifest.json").exists():
        log(f"using the cached index {folder}")
        info = json.loads(info_file.read_text()) if info_file.exists() else {}
        return Index.open(folder, embedder=base), info
    total = sum(1 for _ in corpus.open(encoding="utf-8"))
    log(f"indexing {total} records of {corpus} into {folder} with {base.name}")
    emb = ProgressEmbedder(base, total=total)
    ix = Index.create(folder, embedder=emb)  # type: ignore[arg-type]
    start = time.perf_counter()
    report = ix.add([corpus])
    if report.failed:
        raise SystemExit(f"indexing failed: {report.failed}")
    ix.save()
    seconds = time.perf_counter() - start
    info = {
        "corpus": str(corpus),
        "records": total,
        "clauses": len(ix),
        "documents": len(ix.documents),
        "seconds": round(seconds, 1),
        "embed_seconds": round(emb.seconds, 1),
        "clauses_per_second": round(len(ix) / seconds, 1),
        "model": base.name,
    }
    info_file.write_text(json.dumps(info, indent=1))
    log(f"indexed {len(ix)} clauses in {seconds:.0f} s")
    return Index.open(folder, embedder=base), info


def paired(
    a: list[dict[str, float]], b: list[dict[str, float]], idx: list[int], metric: str, seed: int = 7
) -> tuple[float, float, float]:
    """Mean of a - b over the questions idx, with a 95 % bootstrap interval (2,000 resamples)."""
    diff = np.array([a[i][metric] - b[i][metric] for i in idx])
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(2000, len(diff)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return round(float(diff.mean()), 4), round(float(lo), 4), round(float(hi), 4)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=0, help="corpus subset size (0 = all 58,637 records)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N questions of train.jsonl")
    parser.add_argument("--seed", type=int, default=13, help="seed of the tune / held-back split")
    parser.add_argument("--held", type=float, default=0.2, help="fraction of train held back")
    parser.add_argument(
        "--objective", default="recall@10", help="metric the sweep maximises on the tune part"
    )
    parser.add_argument(
        "--no-check", action="store_true", help="skip re-running the modes through evaluate()"
    )
    parser.add_argument("--name", default="stard", help="results/<name>.json and .md")
    parser.add_argument(
        "--backend",
        default="auto",
        choices=["auto", "torch", "onnx"],
        help="embedder backend (auto: int8 ONNX)",
    )
    parser.add_argument(
        "--model", default=None, help="model (default: lawdocs' default; hash-256 for a dry run)"
    )
    args = parser.parse_args()

    queries = load_queries(STARD / "train.jsonl")
    if args.limit:
        queries = queries[: args.limit]
    if args.records:
        corpus = subset_corpus(args.records, queries, args.seed)
        folder = CACHE / f"stard-index-{args.records}-s{args.seed}"
    else:
        corpus = STARD / "corpus.jsonl"
        folder = CACHE / "stard-index-all"
    if args.model:
        folder = folder.with_name(folder.name + "-" + args.model.replace("/", "_"))
    if args.backend != "auto":
        folder = folder.with_name(folder.name + "-" + args.backend)
    ix, build = build_index(corpus, folder, args.model, args.backend)
    tune, held = split(queries, seed=args.seed, held=args.held)
    parts = {"all": list(range(len(queries))), "tune": tune, "held": held}
    log(f"{len(queries)} questions: {len(tune)} to tune, {len(held)} held back")

    runs = Runs(ix, queries)
    log(f"dense candidates in {runs.dense_seconds:.1f} s")
    for scheme in SCHEMES:
        runs.add_scheme(scheme)
        log(f"{scheme} candidates in {runs.lexical_seconds[scheme]:.1f} s")

    rows: list[dict[str, Any]] = []

    per_query: dict[str, list[dict[str, float]]] = {}

    def add(name: str, kind: str, scheme: str | None, cfg: FusionConfig | None) -> dict[str, Any]:
        rankings = runs.rankings(kind, scheme or "jieba", cfg)
        per_query[name] = [r.metrics for r in score(queries, rankings, k=DEPTH, per_query=True).per_query]
        row = {
            "name": name,
            "kind": kind,
            "scheme": scheme,
            "fusion": cfg.model_dump() if cfg else None,
            **evaluate_parts(queries, rankings, parts),
        }
        rows.append(row)
        return row

    for scheme in SCHEMES:
        add(f"lexical (BM25 {scheme})", "lexical", scheme, None)
    add("dense", "dense", None, None)
    default = FusionConfig()
    for scheme in SCHEMES:
        add(f"hybrid rrf default ({scheme})", "hybrid", scheme, default)
        add(f"hybrid weighted 1:1 ({scheme})", "hybrid", scheme, FusionConfig(method="weighted"))

    sweep: list[dict[str, Any]] = []
    for scheme in SCHEMES:
        for cfg in fusion_grid():
            rankings = runs.rankings("hybrid", scheme, cfg)
            sweep.append(
                {
                    "scheme": scheme,
                    "fusion": cfg.model_dump(),
                    "label": describe(cfg),
                    **evaluate_parts(queries, rankings, parts),
                }
            )
    objective = args.objective

    def key(entry: dict[str, Any]) -> tuple[float, float]:
        return (entry["tune"][objective], entry["tune"]["mrr@10"])

    best_overall = max(sweep, key=key)
    best_per: dict[str, dict[str, Any]] = {}
    for entry in sweep:
        group = f"{entry['scheme']} {entry['fusion']['method']}"
        if group not in best_per or key(entry) > key(best_per[group]):
            best_per[group] = entry
    for group, entry in best_per.items():
        cfg = FusionConfig.model_validate(entry["fusion"])
        add(f"tuned {group}: {describe(cfg)}", "hybrid", entry["scheme"], cfg)

    # Paired comparisons on the same questions: mean difference and a 95 % bootstrap interval.
    tuned_names = [r["name"] for r in rows if r["name"].startswith("tuned ")]
    best_name = f"tuned {best_overall['scheme']} {best_overall['fusion']['method']}: {best_overall['label']}"
    pairs = [(n, "hybrid rrf default (jieba)") for n in tuned_names]
    pairs += [
        (best_name, "dense"),
        ("hybrid weighted 1:1 (jieba)", "hybrid rrf default (jieba)"),
        ("hybrid rrf default (jieba)", "dense"),
    ]
    comparisons = []
    for a, b in pairs:
        entry: dict[str, Any] = {"a": a, "b": b}
        for part in ("held", "all"):
            for metric in ("recall@10", "recall@100", "mrr@10"):
                entry[f"{part} {metric}"] = paired(per_query[a], per_query[b], parts[part], metric)
        comparisons.append(entry)

    checks: dict[str, Any] = {}
    if not args.no_check:  # the library's own path must give the same numbers as the cached candidates
        for mode in ("lexical", "dense", "hybrid"):
            ix.fusion = FusionConfig()
            report: EvalReport = evaluate(ix, queries, mode=mode, k=DEPTH)  # type: ignore[arg-type]
            ref = next(
                r
                for r in rows
                if r["name"]
                == {
                    "lexical": "lexical (BM25 jieba)",
                    "dense": "dense",
                    "hybrid": "hybrid rrf default (jieba)",
                }[mode]
            )
            same = all(abs(report.metrics[m] - ref["all"][m]) < 1e-9 for m in METRICS)
            checks[mode] = {
                "metrics": report.metrics,
                "seconds": report.seconds,
                "ms_per_query": round(1000 * report.seconds / report.n, 2),
                "same": same,
                "gold_absent": report.gold_absent,
                "gold_total": report.gold_total,
            }
            log(f"evaluate({mode}): {report.seconds:.1f} s, agrees with the cached path: {same}")

    # -- tables ---------------------------------------------------------------------------------------
    head = ["method", "R@1", "R@5", "R@10", "R@20", "R@100", "MRR@10", "nDCG@10"]
    ref_row = [
        "BM25 jieba, reference (README, their dev split of 308)",
        None,
        None,
        BM25_REFERENCE["recall@10"],
        None,
        BM25_REFERENCE["recall@100"],
        BM25_REFERENCE["mrr@10"],
        None,
    ]
    ref2 = [
        "BM25 bigram, reference (README, dev split)",
        None,
        None,
        BM25_BIGRAM_REFERENCE["recall@10"],
        None,
        BM25_BIGRAM_REFERENCE["recall@100"],
        None,
        None,
    ]
    text = [
        f"# STARD: {len(queries)} train questions, {build.get('clauses', len(ix))} clauses "
        f"({build.get('records', '?')} records), model {ix.embedder.name}\n",
        f"Index build: {build}\n",
        f"Split: seed {args.seed}, {len(tune)} questions to tune, {len(held)} held back; "
        f"sweep objective: {objective} on the tune part (ties: MRR@10).\n",
    ]
    for part, title in (("held", "held-back 20 %"), ("all", "all of train")):
        body = [ref_row, ref2] + [[r["name"], *(r[part][m] for m in METRICS)] for r in rows]
        text.append(f"## {title} ({len(parts[part])} questions)\n\n" + md_table(head, body) + "\n")
    sweep_head = [
        "scheme",
        "fusion",
        f"tune {objective}",
        "tune MRR@10",
        "held R@10",
        "held R@100",
        "held MRR@10",
        "all R@10",
        "all R@100",
        "all MRR@10",
    ]
    sweep_rows = [
        [
            e["scheme"],
            e["label"],
            e["tune"][objective],
            e["tune"]["mrr@10"],
            e["held"]["recall@10"],
            e["held"]["recall@100"],
            e["held"]["mrr@10"],
            e["all"]["recall@10"],
            e["all"]["recall@100"],
            e["all"]["mrr@10"],
        ]
        for e in sweep
    ]
    text.append("## Fusion sweep\n\n" + md_table(sweep_head, sweep_rows) + "\n")
    held_best = ", ".join(f"{m} {best_overall['held'][m]:.3f}" for m in METRICS)
    text.append(
        f"Best on tune: {best_overall['scheme']} {best_overall['label']}; on the held-back part: {held_best}\n"
    )
    comp_head = ["A", "B"] + [f"{part} Δ{m}" for part in ("held", "all") for m in ("R@10", "R@100", "MRR@10")]
    comp_rows = [
        [c["a"], c["b"]]
        + [
            f"{c[f'{part} {m}'][0]:+.3f} [{c[f'{part} {m}'][1]:+.3f}, {c[f'{part} {m}'][2]:+.3f}]"
            for part in ("held", "all")
            for m in ("recall@10", "recall@100", "mrr@10")
        ]
        for c in comparisons
    ]
    text.append(
        "## Paired differences A − B (same questions; 95 % bootstrap interval, 2,000 resamples)\n\n"
        + md_table(comp_head, comp_rows)
        + "\n"
    )
    if checks:
        text.append(
            "## Library path (`evaluate(index, ...)` with FusionConfig(): rrf k=60 1:1), timings\n\n"
            + md_table(
                ["mode", "same as cached path", "ms/query", "gold absent"],
                [
                    [m, c["same"], c["ms_per_query"], f"{c['gold_absent']}/{c['gold_total']}"]
                    for m, c in checks.items()
                ],
            )
            + "\n"
        )
    markdown = "\n".join(text)
    print(markdown)
    paths = write_results(
        args.name,
        {
            "questions": len(queries),
            "split": {"seed": args.seed, "tune": len(tune), "held": len(held)},
            "build": build,
            "rows": rows,
            "sweep": sweep,
            "best": best_overall,
            "checks": checks,
            "comparisons": comparisons,
            "candidate_seconds": {"dense": runs.dense_seconds, **runs.lexical_seconds},
            "reference": {"bm25_jieba": BM25_REFERENCE, "bm25_bigram": BM25_BIGRAM_REFERENCE},
        },
        markdown,
    )
    log(f"wrote {paths[0]} and {paths[1]}")


if __name__ == "__main__":
    main()
