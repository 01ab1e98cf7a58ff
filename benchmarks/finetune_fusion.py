"""Hybrid fusion settings on the legal (adapted) index that finetune_stard.py built, held-back questions only.

python -m benchmarks.finetune_fusion     # needs benchmarks/cache/stard-index-adapted-onnx and legal-e5-small
"""

from __future__ import annotations

from benchmarks.common import CACHE, STARD, md_table, split, write_results
from lawdocs.embed import load_embedder
from lawdocs.evaluate import evaluate, load_queries
from lawdocs.index import Index
from lawdocs.search import FUSION_PRESETS, FusionConfig

SETTINGS = [
    ("laws preset (rrf k=10, lexical 0.75)", FUSION_PRESETS["laws"]),
    ("rrf k=60 1:1", FusionConfig()),
    ("rrf k=10, lexical 0.5", FusionConfig(rrf_k=10, lexical_weight=0.5)),
    ("rrf k=10, lexical 0.25", FusionConfig(rrf_k=10, lexical_weight=0.25)),
    ("weighted, lexical 0.3", FusionConfig(method="weighted", lexical_weight=0.3)),
]


def main() -> None:
    queries = load_queries(STARD / "train.jsonl")
    held = [queries[i] for i in split(queries, seed=13)[1]]
    rows = []
    for name, model, folder in (
        ("base", None, CACHE / "stard-index-all"),
        ("legal", str(CACHE / "legal-e5-small"), CACHE / "stard-index-adapted-onnx"),
    ):
        embedder = load_embedder(model, backend="onnx") if model else None
        ix = Index.open(folder, embedder=embedder, verify=False)
        for label, cfg in SETTINGS:
            ix.fusion = cfg
            m = evaluate(ix, held, mode="hybrid", k=100).metrics
            rows.append(
                [name, label, *(f"{m[k]:.3f}" for k in ("recall@1", "recall@10", "recall@100", "mrr@10"))]
            )
            print(rows[-1])
    table = md_table(["model", "hybrid fusion", "R@1", "R@10", "R@100", "MRR@10"], rows)
    print(table)
    write_results(
        "finetune_fusion",
        {"held_back": len(held), "rows": rows},
        f"# Fusion on the base and legal STARD indexes, {len(held)} held-back questions\n\n{table}",
    )


if __name__ == "__main__":
    main()
