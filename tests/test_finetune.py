"""`lawdocs finetune` end to end on a small real STARD subset (real default model, a minute or two of CPU)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer
from typer.testing import CliRunner

from lawdocs.cli import app
from lawdocs.embedding.onnx_backend import st_settings
from lawdocs.errors import EvalError
from lawdocs.evaluate import load_queries
from lawdocs.index import Index
from lawdocs.train.finetune import FinetuneConfig, finetune


@pytest.mark.slow
def test_finetune_writes_a_model_that_indexes_and_searches(stard_subset: tuple[Path, Path]) -> None:
    folder, index_dir = stard_subset
    ix = Index.open(index_dir)
    config = FinetuneConfig(epochs=1, batch_size=8, pool_random=30, pool_depth=10, holdout=0.25)
    report = finetune(load_queries(folder / "questions.jsonl"), ix, folder / "model", config=config)
    assert report.train_questions + report.heldout_questions == 24 and report.pairs >= report.train_questions
    assert [e.epoch for e in report.epochs] == [0, 1] and report.epochs[1].loss is not None
    assert (folder / "model" / "model.safetensors").is_file()
    assert json.loads((folder / "model" / "lawdocs_finetune.json").read_text())["best_epoch"] in (0, 1)

    adapted = Index.create(folder / "adapted", model=str(folder / "model"))
    some = folder / "some.jsonl"  # 40 of the articles: the new model embeds them with torch, a few per second
    some.write_text("".join((folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines(True)[:40]), encoding="utf-8")
    assert not adapted.add(some).failed and len(adapted.clauses) >= 30
    adapted.save()
    again = Index.open(folder / "adapted")
    assert again.manifest is not None and again.manifest.model_name == str(folder / "model")
    # the index searches with the fine-tuned weights: its dense top 3 are the exact top 3 of the saved model,
    # loaded straight from its folder with sentence-transformers and its own prompts
    hits = again.search("试用期工资", k=3, mode="dense")
    query_prompt, passage_prompt, _ = st_settings(folder / "model")
    st = SentenceTransformer(str(folder / "model"), device="cpu")
    rows = list(again.table.live_rows())
    passages = st.encode([passage_prompt + again.passage(r) for r in rows], normalize_embeddings=True)
    query = st.encode([query_prompt + "试用期工资"], normalize_embeddings=True)[0]
    scores = passages @ query
    best = [again.clauses[rows[i]].id for i in np.argsort(-scores)[:3]]
    assert [h.clause_id for h in hits] == best
    assert [h.score for h in hits] == pytest.approx(sorted(scores, reverse=True)[:3], abs=2e-3)


@pytest.mark.slow
def test_finetune_refuses_questions_that_do_not_match(stard_subset: tuple[Path, Path], tmp_path: Path) -> None:
    _, index_dir = stard_subset
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(
        "".join(
            json.dumps({"query": f"问题{i}", "gold": [f"不存在的法第{i}条"]}, ensure_ascii=False) + "\n"
            for i in range(10)
        ),
        encoding="utf-8",
    )
    with pytest.raises(EvalError, match="do not match"):
        finetune(load_queries(wrong), Index.open(index_dir), tmp_path / "model")
    result = CliRunner().invoke(
        app, ["finetune", str(wrong), "--index", str(index_dir), "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 1 and "do not match" in result.stderr
