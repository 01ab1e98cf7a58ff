"""The question bank on STARD: the hybrid first stage against the same with the bank's votes fused in.

Split of `stard.py` (train.jsonl, seed 13: 988 tune, 247 held back). The bank's settings (neighbours, vote
power, similarity threshold, weight) are chosen with a bank of 80 % of the tune questions, scored on the
other 20 % of them (kept back; seeded split of the tune part). Then the bank is the whole tune part (the
questions `src/lawdocs/data/stard_bank.jsonl` ships) and the held-back questions are measured: R@1, R@10,
R@100, MRR@10, and latency per query through `Index.search` (bank off / on). Never a held-back question in
the bank or in the choice of a setting.

The report questions (shared/bench/reports/seed_dev.jsonl) are checked too: how many of them come close
enough to a banked question to let the bank vote at all, and their metrics on the founding report's index
with the bank on and off.

    python -m benchmarks.bank_stard --index DIR     # DIR: a saved index of corpus.jsonl (or a subset), legal model
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path
from typing import Any

import numpy as np

import lawdocs.bank.packaged
from benchmarks.common import (
    CACHE,
    DEPTH,
    REPORTS_BENCH,
    STARD,
    get_embedder,
    log,
    md_table,
    percentile,
    split,
    write_results,
)
from lawdocs.bank import (
    BankConfig,
    BankEntry,
    QuestionBank,
    embed_queries,
    entry_id,
    fuse_votes,
    packaged_questions,
)
from lawdocs.evaluate import Query, evaluate, load_queries, normalise_label, query_metrics
from lawdocs.index import Index
from lawdocs.search import fuse

KEYS = ("recall@1", "recall@10", "recall@100", "mrr@10")


class Scorer:
    """Metrics of rankings of rows, by the STARD label rule, without building hits (for the sweep)."""

    def __init__(self, ix: Index) -> None:
        self.labels = [
            normalise_label(c.label or ix.documents[c.doc_id].title + (c.article or "")) for c in ix.clauses
        ]

    def metrics(self, query: Query, rows: list[int]) -> dict[str, float]:
        gold = [value for _, value in query.gold_items()]
        found: dict[str, int] = {}
        for rank, row in enumerate(rows[:DEPTH], 1):
            found.setdefault(self.labels[row], rank)
        ranks = [found.get(g) for g in gold]
        first = min((r for r in ranks if r is not None), default=None)
        return query_metrics(ranks, first, DEPTH)

    def mean(self, queries: list[Query], rankings: list[list[int]]) -> dict[str, float]:
        total: dict[str, float] = {}
        for q, rows in zip(queries, rankings, strict=True):
            for name, value in self.metrics(q, rows).items():
                total[name] = total.get(name, 0.0) + value
        return {name: round(value / len(queries), 4) for name, value in total.items()}


def query_vectors(ix: Index, queries: list[Query]) -> np.ndarray:
    """The questions' query embeddings, cached in benchmarks/cache by model fingerprint."""
    cache = CACHE / f"stard-train-queries-{ix.embedder.fingerprint[:16]}.npy"
    if cache.exists():
        return np.load(cache)
    start = time.perf_counter()
    vectors = embed_queries(ix.embedder, [q.query for q in queries])
    log(f"embedded {len(queries)} questions in {time.perf_counter() - start:.0f} s")
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def make_bank(queries: list[Query], vectors: np.ndarray, idx: list[int]) -> QuestionBank:
    entries = [
        BankEntry(
            qid=entry_id(queries[i].query, queries[i].gold), query=queries[i].query, gold=queries[i].gold
        )
        for i in idx
    ]
    bank = QuestionBank()
    bank.add(entries, vectors[idx])
    return bank


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--index", type=Path, required=True, help="saved index of STARD's corpus (legal model)"
    )
    parser.add_argument(
        "--reports-index", type=Path, default=None, help="index of the founding report (built if missing)"
    )
    parser.add_argument("--name", default="bank_stard")
    parser.add_argument("--model", default=None, help="the index's model (default: lawdocs' default; hash-256)")
    parser.add_argument(
        "--sample", type=int, default=60, help="held-back questions timed through Index.search"
    )
    parser.add_argument("--tolerance", type=float, default=0.005, help="R@10 given up for a higher threshold")
    args = parser.parse_args()

    queries = load_queries(STARD / "train.jsonl")
    tune, held = split(queries, seed=13)
    inner_bank_pos, inner_kept_pos = split(tune, seed=13, held=0.2)
    bank_part = [tune[i] for i in inner_bank_pos]
    kept = [tune[i] for i in inner_kept_pos]
    log(
        f"{len(tune)} tune ({len(bank_part)} bank + {len(kept)} kept back to choose settings), {len(held)} held back"
    )

    ix = Index.open(args.index, embedder=get_embedder(args.model), verify=False)
    fusion = ix.fusion_config().model_copy(update={"combiner": None})  # the RRF bank, not the learned combiner
    ix.fusion = fusion
    alive = ix.alive.copy()
    log(f"index {args.index}: {len(ix)} clauses, model {ix.embedder.name}, fusion {fusion}")
    vectors = query_vectors(ix, queries)
    # Exact dense candidates from the same query vectors (the index is Flat below 100,000 rows), BM25 as search.
    dense = [ix.dense_candidates(vectors[i], alive, DEPTH) for i in range(len(queries))]
    lexical = [ix.lexical_candidates(q.query, alive, DEPTH) for q in queries]
    hybrid = [fuse(dense[i], lexical[i], fusion) for i in range(len(queries))]
    scorer = Scorer(ix)

    def ranked(i: int, bank: QuestionBank | None, cfg: BankConfig) -> list[int]:
        if bank is None:
            return [r for r, _ in hybrid[i][:DEPTH]]
        votes = bank.votes(vectors[i], index=ix, mask=alive, config=cfg)
        return [r for r, _ in fuse_votes(hybrid[i], votes, cfg.weight, cfg.rrf_k or fusion.rrf_k)[:DEPTH]]

    # -- choose the settings on the kept-back tune questions --------------------------------------------
    inner = make_bank(queries, vectors, bank_part)
    kept_q = [queries[i] for i in kept]
    base_kept = scorer.mean(kept_q, [ranked(i, None, BankConfig()) for i in kept])
    sweep: list[dict[str, Any]] = []
    grid = itertools.product(
        (5, 10, 20, 40), (1.0, 4.0, 10.0, 20.0), (0.0, 0.8, 0.85, 0.88, 0.9, 0.92), (0.5, 1.0, 2.0, 3.0)
    )
    for neighbours, power, threshold, weight in grid:
        cfg = BankConfig(neighbours=neighbours, power=power, min_similarity=threshold, weight=weight)
        m = scorer.mean(kept_q, [ranked(i, inner, cfg) for i in kept])
        sweep.append({"config": cfg.model_dump(), **m})
    best = max(s["recall@10"] for s in sweep)
    near = [s for s in sweep if s["recall@10"] >= best - args.tolerance]
    chosen_row = max(near, key=lambda s: (s["config"]["min_similarity"], s["mrr@10"], s["recall@100"]))
    chosen = BankConfig.model_validate(chosen_row["config"])
    log(f"kept back: hybrid {base_kept}; best R@10 {best}; chosen {chosen_row}")

    # -- the held-back questions: bank = the whole tune part -------------------------------------------
    full = make_bank(queries, vectors, tune)
    held_q = [queries[i] for i in held]
    first = scorer.mean(held_q, [ranked(i, None, chosen) for i in held])
    plus = scorer.mean(held_q, [ranked(i, full, chosen) for i in held])
    fires = sum(1 for i in held if full.votes(vectors[i], index=ix, mask=alive, config=chosen))
    log(f"held back: hybrid {first}; + bank {plus}; the bank voted on {fires}/{len(held)}")

    # The library path: Index.search with the packaged bank and the chosen settings, on a sample. The packaged
    # file holds exactly the tune questions (checked), so its vectors are the ones computed above.
    shipped = [entry_id(q, g) for q, g in packaged_questions()]
    assert shipped == [e.qid for e in full.entries], "src/lawdocs/data/stard_bank.jsonl is not the tune part"
    lawdocs.bank.packaged._PACKAGED[ix.embedder.fingerprint] = full
    library: dict[str, Any] = {}
    sample = held_q[: args.sample]
    for label, on in (("hybrid (bank off)", False), ("hybrid + bank", True)):
        ix.bank.config = chosen.model_copy(update={"enabled": on, "packaged": on})
        times, rankings = [], []
        for q in sample:
            t0 = time.perf_counter()
            hits = ix.search(q.query, k=DEPTH)
            times.append(1000 * (time.perf_counter() - t0))
            rankings.append([ix.row_of[h.clause_id] for h in hits])
        library[label] = {
            "questions": len(sample),
            "metrics": scorer.mean(sample, rankings),
            "p50_ms": round(percentile(times, 50), 1),
            "p90_ms": round(percentile(times, 90), 1),
        }
        log(f"{label}: {library[label]}")

    # -- report questions -------------------------------------------------------------------------------
    report_q = load_queries(REPORTS_BENCH / "seed_dev.jsonl")
    rvec = embed_queries(ix.embedder, [q.query for q in report_q])
    sims = (rvec @ full.vectors.T).max(axis=1)
    reports: dict[str, Any] = {
        "questions": len(report_q),
        "max_similarity_to_bank": [round(float(x), 3) for x in sims],
        "would_vote": int((sims >= chosen.min_similarity).sum()),
    }
    if args.reports_index is not None:  # an index of the founding report built with the legal model
        rix = Index.open(args.reports_index, embedder=ix.embedder, verify=False)
        for label, on in (("bank off", False), ("bank on", True)):
            rix.bank.config = chosen.model_copy(update={"enabled": on, "packaged": on})
            m = evaluate(rix, report_q, mode="hybrid", k=DEPTH).metrics
            reports[label] = {k: round(m[k], 4) for k in ("recall@1", "recall@5", "recall@10", "mrr@10")}
    log(f"reports: {reports}")

    # -- tables -----------------------------------------------------------------------------------------
    off, on_ = library["hybrid (bank off)"], library["hybrid + bank"]
    rows = [
        ["hybrid (first stage, today's default)", *(first[k] for k in KEYS), off["p50_ms"], off["p90_ms"]],
        [f"+ bank ({len(full)} tune questions)", *(plus[k] for k in KEYS), on_["p50_ms"], on_["p90_ms"]],
    ]
    top = sorted(sweep, key=lambda x: (-x["recall@10"], -x["mrr@10"]))[:12]
    cfg_rows = [
        [x["config"][c] for c in ("neighbours", "power", "min_similarity", "weight")] + [x[k] for k in KEYS]
        for x in [chosen_row, *top]
    ]
    if "bank on" in reports:
        report_table = md_table(
            ["", "R@1", "R@5", "R@10", "MRR@10"], [[n, *reports[n].values()] for n in ("bank off", "bank on")]
        )
    else:
        report_table = (
            "(no --reports-index given. Where no question reaches the threshold the bank cannot vote, and "
            "`fuse_votes` returns the hybrid ranking unchanged.)"
        )
    text = [
        f"# Question bank on STARD: {len(held)} held-back questions, index {args.index.name} ({len(ix)} clauses)\n",
        f"Settings chosen on {len(kept)} kept-back tune questions with a bank of the other {len(bank_part)} "
        f"(objective R@10; among settings within {args.tolerance} of the best, the highest similarity threshold, "
        f"then MRR@10): `{chosen.model_dump()}`. Then the bank is all {len(full)} tune questions.\n",
        "## Held back\n\n"
        + md_table(["method", "R@1", "R@10", "R@100", "MRR@10", "search p50 ms", "p90 ms"], rows)
        + f"\n\nMetrics from the cached candidates (all {len(held)}); latency: `Index.search(k=100)` on the first "
        f"{len(sample)} held-back questions, query embedding included. The bank voted on {fires} of {len(held)}.\n",
        f"Library path on those {len(sample)}: bank off {off['metrics']}; bank on {on_['metrics']}.\n",
        f"## Kept-back tune questions (choosing the settings): hybrid {base_kept}\n\n"
        "First row: the chosen setting; then the 12 best by R@10.\n\n"
        + md_table(["neighbours", "power", "min sim", "weight", "R@1", "R@10", "R@100", "MRR@10"], cfg_rows)
        + "\n",
        f"## Report questions ({len(report_q)})\n\n"
        f"Highest similarity of each to a banked question: {reports['max_similarity_to_bank']}; "
        f"{reports['would_vote']} reach the threshold {chosen.min_similarity}.\n\n" + report_table + "\n",
    ]
    markdown = "\n".join(text)
    print(markdown)
    write_results(
        args.name,
        {
            "index": str(args.index),
            "clauses": len(ix),
            "split": {
                "seed": 13,
                "tune": len(tune),
                "held": len(held),
                "bank_part": len(bank_part),
                "kept_back": len(kept),
            },
            "chosen": chosen.model_dump(),
            "kept_back_hybrid": base_kept,
            "held_back": {"hybrid": first, "hybrid+bank": plus, "bank_voted_on": fires},
            "library": library,
            "reports": reports,
            "sweep": sweep,
        },
        markdown,
    )


if __name__ == "__main__":
    main()
