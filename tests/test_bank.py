"""The question bank (lawdocs.bank): `lawdocs learn`, Index.learn, POST /learn, saving, removing, voting."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from lawdocs.bank import BankConfig, QuestionBank, entry_id, fuse_votes, packaged_questions
from lawdocs.cli import app
from lawdocs.errors import EvalError, IndexCorruptError
from lawdocs.evaluate import normalise_label
from lawdocs.index import Index

runner = CliRunner()


def labels(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [normalise_label(h.label or "") for h in hits]


@pytest.fixture(scope="module")
def stard_hash(stard_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:  # type: ignore[type-arg]
    """A hash-embedder index of real STARD articles (tests/data/stard): the gold of 24 training questions plus
    300 others."""
    folder = tmp_path_factory.mktemp("bank")
    with (stard_data / "questions.jsonl").open(encoding="utf-8") as fh:
        questions = [json.loads(line) for line in fh]
    ix = Index.create(folder / "index", model="hash-256")
    assert not ix.add(stard_data / "corpus.jsonl").failed
    ix.save()
    return folder / "index", questions


@pytest.fixture
def index_dir(stard_hash: tuple[Path, list[dict]], tmp_path: Path) -> Path:  # type: ignore[type-arg]
    target = tmp_path / "index"
    shutil.copytree(stard_hash[0], target)
    return target


def missed(index_dir: Path, questions: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    """Questions none of whose gold articles the index finds in its top 10."""
    ix = Index.open(index_dir)
    out = []
    for q in questions:
        found = labels(ix.search(q["query"], k=10))
        if not any(normalise_label(g) in found for g in q["gold"]):
            out.append(q)
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_learn_end_to_end(index_dir: Path, stard_hash: tuple[Path, list[dict]], tmp_path: Path) -> None:  # type: ignore[type-arg]
    before = missed(index_dir, stard_hash[1])
    assert len(before) >= 2, "the hash model should miss some of these lay questions"
    chosen = before[:5]
    qfile = write_jsonl(tmp_path / "q.jsonl", [{"query": q["query"], "gold": q["gold"]} for q in chosen])
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert len(summary["added"]) == len(chosen) and summary["missing"] == []
    assert missed(index_dir, chosen) == []  # every learned question now finds its article in the top 10
    ix = Index.open(index_dir, verify=True)
    hit = ix.search(chosen[0]["query"], k=10)
    assert any("bank" in h.scores for h in hit)
    assert ix.search(chosen[0]["query"], k=10, bank=False) != hit
    # saved with the generation, checksummed
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert manifest["bank"]["questions"] == len(chosen)
    assert {"bank.jsonl", "bank_vectors.npy"} <= set(manifest["files"])
    # the same questions again: a no-op (no new generation)
    again = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir), "--json"])
    assert again.exit_code == 0
    assert json.loads(again.output)["added"] == []
    assert json.loads((index_dir / "manifest.json").read_text())["generation"] == manifest["generation"]


def test_learn_by_clause_id_and_removal_of_the_clause(index_dir: Path) -> None:
    ix = Index.open(index_dir)
    target = ix.clauses[3]
    report = ix.learn([{"query": "一个关于交易所会员资格的问题", "gold": [target.id]}])
    assert report.added and not report.missing
    ix.save()
    ix = Index.open(index_dir)
    assert target.id in [h.clause_id for h in ix.search("一个关于交易所会员资格的问题", k=10)]
    ix.remove(target.doc_id)  # the gold clause leaves the index: the question stops voting, nothing breaks
    ix.save()
    ix = Index.open(index_dir)
    hits = ix.search("一个关于交易所会员资格的问题", k=10)
    assert target.id not in [h.clause_id for h in hits]
    assert not any("bank" in h.scores for h in hits)
    assert len(ix.bank) == 1  # kept: it votes again if the document comes back


def test_labels_that_match_nothing(
    index_dir: Path, stard_hash: tuple[Path, list[dict]], tmp_path: Path
) -> None:  # type: ignore[type-arg]
    good = stard_hash[1][0]
    rows = [
        {"query": good["query"], "gold": good["gold"]},
        {"query": "不存在的法律问题", "gold": ["不存在的法第九十九条", "另一部不存在的法第一条"]},
    ]
    qfile = write_jsonl(tmp_path / "bad.jsonl", rows)
    generation = json.loads((index_dir / "manifest.json").read_text())["generation"]
    with pytest.raises(EvalError) as caught:
        Index.open(index_dir).learn(qfile)
    message = str(caught.value)
    assert "bad.jsonl" in message and "2 gold label(s)" in message and "不存在的法第九十九条" in message
    assert "line" in message and "2" in message
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir)])
    assert result.exit_code == 1 and "name no clause" in result.output
    assert json.loads((index_dir / "manifest.json").read_text())["generation"] == generation
    assert len(Index.open(index_dir).bank) == 0  # nothing stored
    # kept on request, and reported
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir), "--allow-missing", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (
        summary["missing"] == ["不存在的法第九十九条", "另一部不存在的法第一条"]
        and len(summary["added"]) == 2
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "invalid JSON"),
        ('{"query": "问题"}', '"gold"'),
        ('{"query": "问题", "gold": []}', '"gold"'),
        ('{"query": "问题", "gold": [3]}', '"gold"'),
        ('{"gold": ["民法典第一条"]}', '"query"'),
        ('["query"]', "JSON object"),
    ],
)
def test_malformed_lines(
    index_dir: Path, stard_hash: tuple[Path, list[dict]], tmp_path: Path, line: str, expected: str
) -> None:  # type: ignore[type-arg]
    good = json.dumps(
        {"query": stard_hash[1][0]["query"], "gold": stard_hash[1][0]["gold"]}, ensure_ascii=False
    )
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(EvalError) as caught:
        Index.open(index_dir).learn(qfile)
    assert caught.value.line == 2 and caught.value.path == str(qfile) and expected in caught.value.message
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir)])
    assert result.exit_code == 1 and "line 2" in result.output
    assert len(Index.open(index_dir).bank) == 0


def test_remove_clear_and_checksums(
    index_dir: Path, stard_hash: tuple[Path, list[dict]], tmp_path: Path
) -> None:  # type: ignore[type-arg]
    rows = [{"query": q["query"], "gold": q["gold"]} for q in stard_hash[1][:3]]
    qfile = write_jsonl(tmp_path / "q.jsonl", rows)
    added = json.loads(runner.invoke(app, ["learn", str(qfile), "-i", str(index_dir), "--json"]).output)[
        "added"
    ]
    assert added == [entry_id(r["query"], r["gold"]) for r in rows]
    result = runner.invoke(app, ["learn", "--remove", added[1], "-i", str(index_dir), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["removed"] == [added[1]]
    ix = Index.open(index_dir)
    assert [e.qid for e in ix.bank.entries] == [added[0], added[2]]
    assert ix.bank.vectors.shape == (2, 256)
    assert runner.invoke(app, ["learn", "--remove", "nosuchqid", "-i", str(index_dir)]).exit_code == 1
    listed = json.loads(runner.invoke(app, ["learn", "--list", "-i", str(index_dir), "--json"]).output)
    assert [e["qid"] for e in listed["bank"]] == [added[0], added[2]]
    # a damaged bank file is found on open
    manifest = json.loads((index_dir / "manifest.json").read_text())
    vectors = index_dir / f"gen-{manifest['generation']:06d}" / "bank_vectors.npy"
    data = bytearray(vectors.read_bytes())
    data[-1] ^= 0xFF
    saved = bytes(vectors.read_bytes())
    vectors.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError):
        Index.open(index_dir)
    vectors.write_bytes(saved)
    result = runner.invoke(app, ["learn", "--clear", "-i", str(index_dir), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["questions"] == 0
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert "bank.jsonl" not in manifest["files"] and manifest["bank"]["questions"] == 0


def test_off_switch(index_dir: Path, stard_hash: tuple[Path, list[dict]]) -> None:  # type: ignore[type-arg]
    q = stard_hash[1][1]
    ix = Index.open(index_dir)
    ix.learn([{"query": q["query"], "gold": q["gold"]}])
    ix.save()
    assert runner.invoke(app, ["learn", "--off", "-i", str(index_dir)]).exit_code == 0
    ix = Index.open(index_dir)
    assert not ix.bank.config.enabled
    assert not any("bank" in h.scores for h in ix.search(q["query"], k=10))
    assert any("bank" in h.scores for h in ix.search(q["query"], k=10, bank=True))


def test_votes_and_fusion(index_dir: Path) -> None:
    from lawdocs.bank import BankEntry

    ix = Index.open(index_dir)
    ids = [ix.clauses[i].id for i in range(3)]
    vectors = np.eye(4, dtype=np.float32)[:3]
    bank = QuestionBank(config=BankConfig(neighbours=2, power=1.0, min_similarity=0.5))
    entries = [BankEntry(qid=str(i), query=str(i), gold=[ids[i]]) for i in range(3)]
    assert bank.add(entries, vectors) == ["0", "1", "2"]
    assert bank.add(entries, vectors) == []
    query = np.array([0.8, 0.6, 0.0, 0.0], dtype=np.float32)
    votes = bank.votes(query, index=ix)
    assert [r for r, _ in votes] == [0, 1] and votes[0][1] == pytest.approx(0.8)
    mask = np.ones(len(ix.clauses), dtype=bool)
    mask[0] = False  # a filter that excludes row 0: its question cannot vote
    assert [r for r, _ in bank.votes(query, index=ix, mask=mask)] == [1]
    assert bank.votes(np.array([0, 0, 0, 1.0], dtype=np.float32), index=ix) == []  # nothing similar enough
    fused = fuse_votes([(2, 0.15), (0, 0.1)], votes, weight=1.0, rrf_k=10)  # row 0: 0.1 + 1/11
    assert [r for r, _ in fused] == [0, 2, 1]
    assert fuse_votes([(2, 0.2)], [], 1.0, 10) == [(2, 0.2)]


def stard_split(shared: Path) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """benchmarks/common.split over train.jsonl (seed 13, 20 % held back): (tune, held back)."""
    rows = [
        json.loads(line)
        for line in (shared / "bench/stard/train.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    order = list(range(len(rows)))
    random.Random(13).shuffle(order)
    cut = int(round(len(order) * 0.2))
    held = set(order[:cut])
    return [rows[i] for i in range(len(rows)) if i not in held], [rows[i] for i in sorted(held)]


def test_packaged_bank_is_the_tune_part(shared: Path) -> None:
    tune, held = stard_split(shared)
    shipped = packaged_questions()
    assert [q for q, _ in shipped] == [r["query"] for r in tune]
    assert [g for _, g in shipped] == [r["gold"] for r in tune]
    assert not {q for q, _ in shipped} & {r["query"] for r in held}


def test_learn_endpoint(index_dir: Path, stard_hash: tuple[Path, list[dict]]) -> None:  # type: ignore[type-arg]
    from fastapi.testclient import TestClient

    from lawdocs.server import create_app

    q = stard_hash[1][2]
    with TestClient(create_app(index_dir)) as client:
        bad = client.post("/learn", json={"questions": [{"query": "问题", "gold": ["不存在的法第一条"]}]})
        assert bad.status_code == 400 and "不存在的法第一条" in bad.json()["error"]
        assert client.post("/learn", json={"questions": [{"query": "问题"}]}).status_code == 422
        ok = client.post("/learn", json={"questions": [{"query": q["query"], "gold": q["gold"]}]})
        assert ok.status_code == 200 and len(ok.json()["added"]) == 1
        hits = client.get("/search", params={"query": q["query"], "k": 10}).json()["hits"]
        assert any("bank" in h["scores"] for h in hits)
    assert len(Index.open(index_dir).bank) == 1  # saved


@pytest.mark.slow
def test_the_packaged_bank_votes_when_asked_for(stard_subset: tuple[Path, Path], shared: Path) -> None:
    """A statute collection indexed with the legal model ranks with the packaged combiner, and the shipped
    tune-part bank votes through it by default; bank=False silences it. With fusion settings of its own (no
    combiner) the bank's RRF list stays off until asked for (`packaged`)."""
    from lawdocs.search import FUSION_PRESETS

    _, index_path = stard_subset
    tune, _ = stard_split(shared)
    ix = Index.open(index_path)
    present = {normalise_label(c.label or "") for c in ix.clauses}
    q = next(r for r in tune if any(normalise_label(g) in present for g in r["gold"]))
    hits = ix.search(q["query"] + "？", k=10)
    assert all("combiner" in h.scores for h in hits) and any("bank" in h.scores for h in hits)
    assert not any("bank" in h.scores for h in ix.search(q["query"], k=10, bank=False))
    ix.fusion = FUSION_PRESETS["laws"]
    assert not any("bank" in h.scores for h in ix.search(q["query"], k=10))  # the RRF list: off by default
    ix.bank.config.packaged = True
    assert any("bank" in h.scores for h in ix.search(q["query"], k=10))
    assert not any("bank" in h.scores for h in ix.search(q["query"], k=10, bank=False))
    ix.bank.config.packaged = False
    assert not any("bank" in h.scores for h in ix.search(q["query"], k=10))


@pytest.mark.slow
def test_learn_with_the_legal_model(stard_subset: tuple[Path, Path], tmp_path: Path) -> None:
    """End to end with the real model: learned questions missed before are found in the top 10 after."""
    folder, index_path = stard_subset
    target = tmp_path / "index"
    shutil.copytree(index_path, target)
    assert runner.invoke(app, ["learn", "--no-packaged", "-i", str(target)]).exit_code == 0
    questions = [json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")]
    before = missed(target, questions)
    assert before, "the legal model alone should miss some of these questions"
    qfile = write_jsonl(tmp_path / "q.jsonl", [{"query": q["query"], "gold": q["gold"]} for q in before])
    result = runner.invoke(app, ["learn", str(qfile), "-i", str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert missed(target, before) == []


def test_tune_chooses_the_votes_on_kept_back_questions(
    index_dir: Path, stard_hash: tuple[Path, list[dict]], tmp_path: Path
) -> None:  # type: ignore[type-arg]
    """Each question is banked twice (as asked, and with 请问 before it): a kept-back question's twin stays in the
    bank and votes for the same article, so the chosen setting gives votes weight and recalls more than none;
    the setting is saved with the index."""
    questions = stard_hash[1]
    rows = [{"query": q["query"], "gold": q["gold"]} for q in questions]
    rows += [{"query": "请问" + q["query"], "gold": q["gold"]} for q in questions]
    qfile = write_jsonl(tmp_path / "twins.jsonl", rows)
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir), "--tune", "--json"])
    assert result.exit_code == 0, result.output
    tuned = json.loads(result.output)["tuning"]
    assert tuned["held_questions"] == 10 and tuned["tune_questions"] == 38
    assert len(tuned["rows"]) == 1 + 4 * 4 and tuned["rows"][0] == tuned["without_votes"]
    chosen, off = tuned["chosen"], tuned["without_votes"]
    assert chosen["weight"] > 0 and chosen["recall_at_10"] > off["recall_at_10"]
    assert chosen["recall_at_10"] == max(r["recall_at_10"] for r in tuned["rows"])
    config = Index.open(index_dir).bank.config
    assert (config.weight, config.min_similarity, config.enabled) == (
        chosen["weight"],
        chosen["min_similarity"],
        True,
    )


def test_tune_never_lets_a_kept_back_question_vote_for_itself(
    index_dir: Path, stard_hash: tuple[Path, list[dict]]
) -> None:  # type: ignore[type-arg]
    """With each question banked once, a kept-back question finds only other questions in the bank: had it voted
    for itself (similarity 1), every voting setting would recall all of its articles."""
    ix = Index.open(index_dir)
    ix.learn([{"query": q["query"], "gold": q["gold"]} for q in stard_hash[1]])
    report = ix.tune_bank()
    assert report.held_questions == 5 and report.tune_questions == 19
    assert all(r.recall_at_10 < 0.9 for r in report.rows), report.rows


def test_tune_needs_enough_questions(
    index_dir: Path, stard_hash: tuple[Path, list[dict]], tmp_path: Path
) -> None:  # type: ignore[type-arg]
    qfile = write_jsonl(
        tmp_path / "few.jsonl", [{"query": q["query"], "gold": q["gold"]} for q in stard_hash[1][:10]]
    )
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir), "--tune"])
    assert result.exit_code == 1 and "at least 20 banked questions" in result.stderr, result.output
    assert (
        len(Index.open(index_dir).bank) == 0
    )  # the failed tuning saved nothing, not even the learned questions
    refused = runner.invoke(app, ["learn", "--clear", "--tune", "--index", str(index_dir)])
    assert refused.exit_code == 2
