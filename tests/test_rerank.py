"""The cross-encoder reranker: fusion and calibration rules, training end to end on real STARD questions,
search / ask / CLI use."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from lawdocs.answer import ask
from lawdocs.cli import app
from lawdocs.errors import ModelError, QueryError
from lawdocs.index import Index
from lawdocs.search.rerank import (
    RERANKER_INFO,
    Reranker,
    RerankFusion,
    fuse_reranked,
    load_reranker,
    mean_pooled_logits,
)
from lawdocs.train.reranker import FUSION_WEIGHTS, acceptance_threshold

LAY_QUESTION = "楼上扔东西砸伤人谁赔？"
ARTICLES = [
    "劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十，并不得低于用人单位所在地的最低工资标准。",
    "从建筑物中抛掷物品或者从建筑物上坠落的物品造成他人损害，难以确定具体侵权人的，除能够证明自己不是侵权人的外，"
    "由可能加害的建筑物使用人给予补偿。",
    "当事人对自己提出的主张，有责任提供证据。",
]


def test_fusion_weight_trades_the_cross_encoder_order_against_the_first_stage() -> None:
    rows, scores = [10, 11, 12, 13], [0.1, 3.0, 2.0, -1.0]
    alone = fuse_reranked(rows, scores, RerankFusion(k=10, first_stage_weight=0.0))
    assert [r for r, _ in alone] == [11, 12, 10, 13]
    # row 10: 1/(10+3) + 2/(10+1) = 0.2587 beats row 11: 1/(10+1) + 2/(10+2) = 0.2576
    mixed = fuse_reranked(rows, scores, RerankFusion(k=10, first_stage_weight=2.0))
    assert [r for r, _ in mixed] == [10, 11, 12, 13]
    assert mixed[0][1] == pytest.approx(1 / 13 + 2 / 11)


def test_acceptance_threshold_is_the_lowest_logit_with_half_gold_above_it() -> None:
    scores = [np.array([5.0, 1.0, 0.0]), np.array([4.0, 3.0, -2.0])]
    # ranked: 5 gold, 4, 3 gold, 1, 0, -2 -> precision 2/3 at 3, 2/4 at 1, then below one half
    assert acceptance_threshold(scores, [[1, 2, 3], [4, 5, 6]], [[1], [5]]) == 1.0
    assert acceptance_threshold(scores, [[1, 2, 3], [4, 5, 6]], [[9], [9]]) is None


def test_a_folder_that_is_not_a_reranker_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=RERANKER_INFO):
        Reranker(tmp_path)
    with pytest.raises(QueryError, match="no reranker folder"):
        load_reranker(tmp_path / "missing")


def test_mean_pooled_logits_average_only_the_unmasked_tokens() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 2.0], [100.0, 100.0]]], dtype=np.float32)  # the last token is padding
    mask = np.array([[1, 1, 0]])
    logits = mean_pooled_logits(hidden, mask, [0.5, 1.0, -1.0])  # pooled (2, 1): 0.5*2 + 1*1 - 1
    assert logits.shape == (1,) and math.isclose(float(logits[0]), 1.0)


# -- trained on real questions ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def trained(stard_subset: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A reranker trained through the CLI on 24 STARD questions (one epoch, a minute of CPU)."""
    folder, index_dir = stard_subset
    out = tmp_path_factory.mktemp("rr") / "reranker"
    result = CliRunner().invoke(
        app,
        [
            "finetune",
            str(folder / "questions.jsonl"),
            "--index",
            str(index_dir),
            "--out",
            str(out),
            "--reranker",
            "--epochs",
            "1",
            "--holdout",
            "0.25",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


@pytest.mark.slow
def test_training_reports_every_fusion_weight_and_writes_a_loadable_folder(trained: tuple[Path, dict]) -> None:
    out, report = trained
    assert report["train_questions"] + report["heldout_questions"] == 24
    assert [e["first_stage_weight"] for e in report["epochs"]] == list(FUSION_WEIGHTS)
    assert all(e["loss"] is not None and 0 <= e["recall_at_10"] <= 1 for e in report["epochs"])
    best = max(report["epochs"], key=lambda e: (e["recall_at_10"], e["mrr_at_10"]))
    assert report["fusion"]["first_stage_weight"] == best["first_stage_weight"]
    info = json.loads((out / RERANKER_INFO).read_text())
    assert info["query_prompt"] == "query: " and info["passage_prompt"] == "passage: "
    # the default head reads the mean-pooled token states: one weight per hidden unit, then the bias, trained
    assert info["pooling"] == "mean" and len(info["head"]) == 384 + 1 and any(info["head"][:-1])
    reranker = Reranker(out)
    scores = reranker.score(LAY_QUESTION, ARTICLES)
    assert scores.shape == (3,) and np.isfinite(scores).all() and len(set(scores.tolist())) == 3


@pytest.mark.slow
def test_int8_onnx_and_fp32_torch_rerankers_agree(trained: tuple[Path, dict], stard_subset: tuple[Path, Path]) -> None:
    out, _ = trained
    ix = Index.open(stard_subset[1])
    fast, exact = Reranker(out), Reranker(out, backend="torch")
    assert fast.backend == "onnx" and exact.backend == "torch"
    query = "什么情况下注册商标会被宣告无效？"
    passages = [ix.passage(ix.row_of[h.clause_id]) for h in ix.search(query, k=12)]
    a, b = fast.score(query, passages), exact.score(query, passages)
    assert float(np.corrcoef(a, b)[0, 1]) > 0.95 and float(np.abs(a - b).max()) < 1.0
    # int8 activations are quantised per run: each pair is scored alone, so its score does not depend on the others
    assert np.array_equal(a, np.concatenate([fast.score(query, [p]) for p in passages]))


@pytest.mark.slow
def test_search_reranks_the_first_stage_head(trained: tuple[Path, dict], stard_subset: tuple[Path, Path]) -> None:
    out, _ = trained
    ix = Index.open(stard_subset[1])
    reranker = Reranker(out)  # a fresh one: this test changes its settings
    reranker.info.fusion = RerankFusion(depth=8, first_stage_weight=0.5)
    query = "试用期工资最低多少"
    first = ix.search(query, k=20)
    hits = ix.search(query, k=12, rerank=reranker)
    head = [ix.row_of[h.clause_id] for h in first[:8]]
    logits = reranker.score(query, [ix.passage(r) for r in head])
    expected = [row for row, _ in fuse_reranked(head, logits.tolist(), reranker.fusion)]
    assert [ix.row_of[h.clause_id] for h in hits[:8]] == expected
    assert [h.clause_id for h in hits[8:]] == [h.clause_id for h in first[8:12]]  # the rest as they were
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))  # and scored below them
    assert all("rerank" in h.scores for h in hits[:8]) and all("rerank" not in h.scores for h in hits[8:])
    by_row = dict(zip(head, logits.tolist(), strict=True))
    assert all(math.isclose(h.scores["rerank"], by_row[ix.row_of[h.clause_id]], abs_tol=1e-4) for h in hits[:8])

    result = CliRunner().invoke(
        app, ["search", query, "--index", str(stard_subset[1]), "--reranker", str(out), "-k", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert all("rerank" in h["scores"] for h in json.loads(result.stdout)["hits"])


@pytest.mark.slow
def test_ask_cites_in_the_rerankers_order_and_accepts_on_its_word(
    trained: tuple[Path, dict], stard_subset: tuple[Path, Path]
) -> None:
    out, _ = trained
    ix = Index.open(stard_subset[1])
    reranker = Reranker(out)  # a fresh one: this test changes its settings
    answer = ask(ix, "什么情况下注册商标会被宣告无效？", rerank=reranker)
    assert answer.answered
    scored = [c.score for c in answer.cited]
    assert all(0 < s < 1 for s in scored)

    reranker.info.accept = None  # nothing is accepted on the reranker's word alone
    plain = ask(ix, "嗯嗯嗯啊啊啊", rerank=reranker)
    assert not plain.answered
    reranker.info.accept = -1e9  # everything the reranker scored is accepted
    anything = ask(ix, "嗯嗯嗯啊啊啊", rerank=reranker)
    assert anything.answered and 0 < len(anything.cited) <= 5


def test_without_a_reranker_rerank_asks_for_one(
    monkeypatch: pytest.MonkeyPatch, stard_subset: tuple[Path, Path]
) -> None:
    monkeypatch.delenv("LAWDOCS_RERANKER", raising=False)
    with pytest.raises(QueryError, match="finetune QUESTIONS --reranker"):
        load_reranker(None)
    result = CliRunner().invoke(app, ["search", "试用期工资", "--index", str(stard_subset[1]), "--rerank"])
    assert result.exit_code == 1 and "--reranker DIR" in result.stderr


@pytest.mark.slow
def test_rerank_uses_the_reranker_named_in_the_environment(
    trained: tuple[Path, dict], stard_subset: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = trained
    monkeypatch.setenv("LAWDOCS_RERANKER", str(out))
    assert load_reranker(None).folder == out
    args = ["search", "什么情况下注册商标会被宣告无效？", "--index", str(stard_subset[1]), "--rerank", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert all("rerank" in h["scores"] for h in json.loads(result.stdout)["hits"])


@pytest.mark.slow
def test_the_service_reranks_with_its_reranker(trained: tuple[Path, dict], stard_subset: tuple[Path, Path]) -> None:
    from fastapi.testclient import TestClient

    from lawdocs.server import create_app

    out, _ = trained
    with pytest.raises(QueryError, match="no reranker folder"):
        create_app(stard_subset[1], reranker=out.parent / "missing")  # refused at start-up, not per request
    with TestClient(create_app(stard_subset[1], reranker=out)) as client:
        query = {"query": "什么情况下注册商标会被宣告无效？", "k": 5}
        plain = client.post("/search", json=query).json()["hits"]
        reranked = client.post("/search", json={**query, "rerank": True})
        assert reranked.status_code == 200, reranked.text
        hits = reranked.json()["hits"]
        assert all("rerank" in h["scores"] for h in hits) and all("rerank" not in h["scores"] for h in plain)
        got = client.get("/search", params={**query, "rerank": "true"}).json()["hits"]
        assert [h["clause_id"] for h in got] == [h["clause_id"] for h in hits]
        answer = client.post("/ask", json={"question": query["query"], "rerank": True}).json()
        assert answer["answered"]
