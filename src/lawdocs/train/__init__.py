"""Training on labelled questions (never imported at search time). Modules, one owner each:

- `toolkit`: the question split, the model to start from, the optimiser and its steps (shared by both trainers).
- `finetune`: adapting the embedding model (`lawdocs finetune`).
- `reranker`: training a cross-encoder reranker (`lawdocs finetune --reranker`).
- `combiner`: the learned combiner's weights (`lawdocs learn --tune`, `benchmarks/combine_stard.py`); numpy only.
- `delta`: release tooling, the packaged delta of an adapted model (`tools/make_legal_delta.py`).
"""
