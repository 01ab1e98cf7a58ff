"""The benchmark harness runs end to end (hash embedder, seconds) and its result files say how they were made."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_on_questions(tmp_path: Path, rows: list[dict[str, object]], module: str, *args: str) -> dict:
    """Run `python -m benchmarks.MODULE ARGS --queries Q --name smoke` on `rows`, results kept in tmp_path;
    the result file's JSON."""
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    env = {**os.environ, "LAWDOCS_BENCH_RESULTS": str(tmp_path / "results")}
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *args, "--queries", str(questions), "--name", "smoke"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((tmp_path / "results" / "smoke.json").read_text(encoding="utf-8"))


def test_reports_benchmark_smoke_run(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"qid": "s1", "query": "哪些措施涉及行政执法", "gold_keys": ["三项制度"]},
        {"qid": "s2", "query": "规范性文件审核", "gold_keys": ["规范性文件"]},
    ]
    result = run_on_questions(tmp_path, rows, "reports", "--model", "hash-256", "--no-distractors")
    assert result["command"].startswith("python -m benchmarks.reports --model hash-256")
    machine = result["machine"]
    assert len(machine["commit"].split("+")[0]) == 40 and len(machine["load_average_at_start"]) == 3
    markdown = (tmp_path / "results" / "smoke.md").read_text(encoding="utf-8")
    assert machine["commit"] in markdown and "hybrid, library default" in markdown
    assert not (ROOT / "benchmarks" / "results" / "smoke.json").exists()


def test_eval_index_benchmark_scores_an_existing_index(tmp_path: Path) -> None:
    from lawdocs.index import Index

    ix = Index.create(tmp_path / "ix", model="hash-256")
    ix.add([ROOT / "corpora" / "reports" / "seed"])
    ix.save()
    rows: list[dict[str, object]] = [
        {"qid": "e1", "query": "行政执法三项制度", "gold_keys": ["三项制度"]},
        {"qid": "e2", "query": "没有这样的条款", "gold_keys": ["这段文字不在报告里"]},
    ]
    result = run_on_questions(tmp_path, rows, "eval_index", "--index", str(tmp_path / "ix"), "--modes", "lexical")
    lexical = result["results"]["lexical"]
    assert lexical["in_top10"] == 1 and lexical["recall@10"] == 0.5
    assert result["clauses"] == len(ix) and result["machine"]["commit"]


def test_scale_benchmark_draws_from_a_real_index_spectrum(tmp_path: Path) -> None:
    import numpy as np

    like = tmp_path / "ix"
    (like / "gen-000003").mkdir(parents=True)
    (like / "manifest.json").write_text(json.dumps({"generation": 3, "model_name": "m"}), encoding="utf-8")
    rng = np.random.default_rng(0)
    real = (rng.standard_normal((300, 16)) * np.linspace(3, 0.1, 16)).astype(np.float32)
    np.save(like / "gen-000003" / "vectors.npy", real / np.linalg.norm(real, axis=1, keepdims=True))
    env = {**os.environ, "LAWDOCS_BENCH_RESULTS": str(tmp_path / "results")}
    command = [sys.executable, "-m", "benchmarks.scale", "--n", "2000", "--queries", "5", "--engines", "flat,hnsw",
               "--like-index", str(like), "--name", "scale-smoke"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads((tmp_path / "results" / "scale-smoke.json").read_text(encoding="utf-8"))
    assert result["dim"] == 16 and result["generator"]["kind"] == "real-spectrum"
    assert result["generator"]["real_rows"] == 300
    assert [r["key"] for r in result["rows"]] == ["flat", "hnsw"]
    assert result["rows"][0]["recall@10"] == 1.0 and result["rows"][1]["recall@10"] > 0.9
    markdown = (tmp_path / "results" / "scale-smoke.md").read_text(encoding="utf-8")
    assert "drawn from the spectrum of 300 real clause embeddings" in markdown
    assert not (ROOT / "benchmarks" / "results" / "scale-smoke.json").exists()


def test_scale_benchmark_reads_the_milvus_server_settings_it_ran_with() -> None:
    from benchmarks.scale import settings_in

    config = "\n".join(
        [
            "dataCoord:",
            "  segment:",
            "    maxSize: 1024 # Maximum size of a segment in MB",
            "    sealProportion: 0.9",
            "  # enableCompaction: true",
            "  enableCompaction: false # Enable data segment compaction",
            "  compaction:",
            "    enableAutoCompaction: false",
            "queryNode:",
            "  segment:",
            "    maxSize: 7",  # another component's key of the same name
            "common:",
            "  session:",
            "    ttl: 120",
        ]
    )
    assert settings_in(config) == {
        "dataCoord.segment.maxSize": "1024",
        "dataCoord.segment.sealProportion": "0.9",
        "dataCoord.enableCompaction": "false",
        "dataCoord.compaction.enableAutoCompaction": "false",
        "common.session.ttl": "120",
    }


def test_the_first_hit_study_counts_what_was_cited_and_learns_the_signal_that_tells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """benchmarks/first_hit.py: an answer is right only when what it cites is gold, an out-of-scope question answered
    counts as such and not as a wrong answer, the rules are judged on what they cited, and the acceptor learns which
    signal separates right first hits (and the base rate, through its intercept)."""
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.first_hit import FEATURES, Acceptor, table, tally

    def record(similarity: float, label: bool, answerable: bool = True, **rest: object) -> dict[str, object]:
        signals = dict.fromkeys(FEATURES, 0.0) | {"similarity": similarity, "statute": 1.0}
        return {"signals": signals, "label": label, "answerable": answerable, **rest}

    records = [record(0.5 + i / 100, i >= 10) for i in range(20)] + [record(0.4, False, answerable=False)]
    assert tally(records, [True] * 21) == [21, 10, 10, 1]
    assert tally(records, [True] * 20 + [False]) == [20, 10, 10, 0]
    assert tally(records, [False] * 20 + [True]) == [1, 0, 0, 1]
    assert tally(records[:2], [True, True], right=[True, False]) == [2, 1, 1, 0]
    model = Acceptor(records)
    assert model.probability(records[19]["signals"]) > 0.5 > model.probability(records[0]["signals"])  # type: ignore[arg-type]
    # one right first hit in ten, whatever the signals: the estimate is the base rate
    flat = [record(0.6, i == 0) for i in range(10)]
    assert Acceptor(flat).probability(flat[0]["signals"]) == pytest.approx(0.1, abs=0.02)  # type: ignore[arg-type]
    # the rules cited a gold runner-up (their first hit is not gold) and, for the other question, nothing
    judged = [record(0.6, False, rules=7, rules_right=True, words=False),
              record(0.6, True, rules=None, rules_right=False, words=True)]
    rows = table(judged, [0.0, 0.0])
    assert rows[0][1:] == [1, 1, 0, 0]
    assert rows[1][1:] == [1, 1, 0, 0]  # the word rule alone took the second question's first hit
