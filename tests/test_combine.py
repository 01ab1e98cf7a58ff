"""The learned combiner (lawdocs.search.combine, lawdocs.train.combiner): its signals, its fit, how search uses
it, how `lawdocs learn --tune` chooses it, and how it is saved with the index."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from lawdocs.cli import app
from lawdocs.evaluate import normalise_label
from lawdocs.index import Index
from lawdocs.search.combine import FEATURES, Combiner, signals
from lawdocs.train.combiner import fit_combiner

runner = CliRunner()
N = len(FEATURES)


def plain(**update: object) -> Combiner:
    return Combiner(weights=[0.0] * N, mean=[0.0] * N, scale=[1.0] * N).model_copy(update=update)


@pytest.fixture(scope="module")
def stard_index(stard_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("combine") / "index"
    ix = Index.create(folder, model="hash-256")
    assert not ix.add(stard_data / "corpus.jsonl").failed
    ix.save()
    return folder


@pytest.fixture
def index_dir(stard_index: Path, tmp_path: Path) -> Path:
    shutil.copytree(stard_index, tmp_path / "index")
    return tmp_path / "index"


def test_the_fit_weighs_the_feature_that_separates_gold_from_the_rest() -> None:
    """Column "lexical" tells gold apart (noisily), every other column is noise: its weight must dominate."""
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(60):
        x = rng.normal(size=(50, N))
        y = np.zeros(50, dtype=bool)
        y[rng.choice(50, 2, replace=False)] = True
        x[y, FEATURES.index("lexical")] += 2.0
        groups.append((x, y))
    model = fit_combiner(groups)
    weights = dict(zip(model.features, model.weights, strict=True))
    assert weights["lexical"] > 1.0
    assert max(abs(w) for f, w in weights.items() if f != "lexical") < 0.3 * weights["lexical"]
    assert model.trained_on == 60
    # ranking a fresh group puts the separated rows first
    x = rng.normal(size=(30, N)) * 0.1
    x[[3, 17], FEATURES.index("lexical")] += 2.0
    assert {r for r, _ in model.rank(list(range(30)), x)[:2]} == {3, 17}


def test_the_fit_refuses_questions_it_cannot_learn_from() -> None:
    only_negatives = [(np.ones((5, N)), np.zeros(5, dtype=bool))]
    with pytest.raises(ValueError, match="nothing to learn"):
        fit_combiner(only_negatives)


def test_a_combiner_names_known_features_with_one_weight_each() -> None:
    with pytest.raises(ValidationError, match="unknown features"):
        Combiner(features=["dense", "clicks"], weights=[1, 1], mean=[0, 0], scale=[1, 1])
    with pytest.raises(ValidationError, match="one value per feature"):
        Combiner(features=["dense"], weights=[1, 2], mean=[0], scale=[1])


def test_signals_judge_every_candidate_on_its_dense_similarity(stard_index: Path) -> None:
    """A row that only the lexical list brought up still gets its true dense similarity and gap."""
    ix = Index.open(stard_index)
    query = "劳动合同解除经济补偿"
    qvec = ix.encode_query(query)
    mask = ix.alive.copy()
    dense = ix.dense_candidates(qvec, mask, 5)
    lexical = ix.lexical_candidates(query, mask, 30)
    only_lexical = [r for r, _ in lexical if r not in dict(dense)]
    assert only_lexical
    rows, x = signals(ix, qvec, dense, lexical, [], {})
    assert rows[: len(dense)] == [r for r, _ in dense]
    i = rows.index(only_lexical[0])
    expected = float(ix.vectors_of([only_lexical[0]])[0] @ qvec)
    assert x[i, FEATURES.index("dense")] == pytest.approx(expected, abs=1e-5)
    assert x[i, FEATURES.index("dense_gap")] == pytest.approx(expected - dense[0][1], abs=1e-5)
    assert x[i, FEATURES.index("dense_rrf")] == 0.0 and x[i, FEATURES.index("lexical_rrf")] > 0
    assert (x[:, FEATURES.index("law_prior")] == x[0, FEATURES.index("law_prior")]).all()  # no bank: flat


def test_search_ranks_by_the_combiner_and_it_is_saved_with_the_index(index_dir: Path) -> None:
    """A combiner that only trusts the lexical list makes hybrid search give the lexical order; it is written to
    the manifest and in force after reopening."""
    ix = Index.open(index_dir)
    query = "劳动合同解除经济补偿"
    only_lexical = plain(features=["lexical"], weights=[1.0], mean=[0.0], scale=[1.0])
    ix.fusion = ix.fusion_config().model_copy(update={"combiner": only_lexical})
    hybrid = ix.search(query, k=5)
    lexical = ix.search(query, k=5, mode="lexical")
    assert [h.clause_id for h in hybrid] == [h.clause_id for h in lexical]
    assert all("combiner" in h.scores for h in hybrid)
    ix.save()
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert manifest["fusion"]["combiner"]["features"] == ["lexical"]
    again = Index.open(index_dir, verify=True)
    assert again.fusion_config().combiner == only_lexical
    assert [h.clause_id for h in again.search(query, k=5)] == [h.clause_id for h in hybrid]


def test_a_corrupt_combiner_in_the_manifest_is_a_clear_error(index_dir: Path) -> None:
    ix = Index.open(index_dir)
    ix.fusion = ix.fusion_config().model_copy(update={"combiner": plain()})
    ix.save()
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["fusion"]["combiner"]["weights"] = [1.0]
    path.write_text(json.dumps(manifest))
    result = runner.invoke(app, ["search", "合同", "--index", str(index_dir)])
    assert result.exit_code != 0 and "fusion" in result.output + result.stderr


def concentrated_questions(index_dir: Path, n: int = 40) -> list[dict]:  # type: ignore[type-arg]
    """Questions that share no words with their answers (random characters), each answered by one of three
    articles of the same law: only the bank's unthresholded neighbours and the document prior can find them."""
    ix = Index.open(index_dir)
    civil = [c.label for c in ix.clauses if c.label and normalise_label(c.label).startswith("民法典")][:3]
    assert len(civil) == 3
    rng = random.Random(5)
    pool = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃辰宿列张"
    return [{"query": "".join(rng.choice(pool) for _ in range(12)), "gold": [civil[i % 3]]} for i in range(n)]


def test_tune_puts_the_combiner_in_force_when_it_beats_every_fixed_weight(
    index_dir: Path, tmp_path: Path
) -> None:
    questions = concentrated_questions(index_dir)
    qfile = tmp_path / "q.jsonl"
    qfile.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir), "--tune", "--json"])
    assert result.exit_code == 0, result.output
    tuned = json.loads(result.output)["tuning"]
    best_fixed = max(r["recall_at_10"] for r in tuned["rows"])
    assert tuned["combiner"]["recall_at_10"] > best_fixed + 0.3, tuned
    assert tuned["chosen"] == tuned["combiner"] and tuned["chosen"]["combiner"]
    ix = Index.open(index_dir, verify=True)
    combiner = ix.fusion_config().combiner
    assert combiner is not None and combiner.trained_on == len(questions)
    weights = dict(zip(combiner.features, combiner.weights, strict=True))
    assert weights["bank"] > 0 or weights["law_prior"] > 0
    # a new question of the same kind finds one of the three articles in its top 10
    new = concentrated_questions(index_dir, 41)[-1]
    hits = ix.search(new["query"] + "乙", k=10)
    assert any(
        normalise_label(h.label or "") in {normalise_label(q["gold"][0]) for q in questions} for h in hits
    )
    assert "combiner" in hits[0].scores
    shown = runner.invoke(app, ["search", new["query"] + "乙", "--index", str(index_dir), "-k", "3"])
    assert shown.exit_code == 0 and "bank" in shown.output  # "found by … bank": past questions voted for it


def test_tune_removes_a_combiner_that_no_longer_wins(
    index_dir: Path, stard_data: Path, tmp_path: Path
) -> None:
    """The STARD questions with the hash model: whichever setting wins, what is saved is what was chosen."""
    ix = Index.open(index_dir)
    ix.fusion = ix.fusion_config().model_copy(update={"combiner": plain()})  # an earlier, useless combiner
    ix.save()
    questions = [json.loads(line) for line in (stard_data / "questions.jsonl").open(encoding="utf-8")]
    rows = [{"query": q["query"], "gold": q["gold"]} for q in questions]
    rows += [{"query": "请问" + q["query"], "gold": q["gold"]} for q in questions]
    qfile = tmp_path / "twins.jsonl"
    qfile.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["learn", str(qfile), "--index", str(index_dir), "--tune", "--json"])
    assert result.exit_code == 0, result.output
    chosen = json.loads(result.output)["tuning"]["chosen"]
    saved = Index.open(index_dir).fusion_config().combiner
    if chosen["combiner"]:
        assert saved is not None and saved.trained_on > 0
    else:
        assert saved is None


def test_the_packaged_combiner_ranks_statute_collections_of_the_legal_model_only(
    stard_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped combiner (learnt on STARD's tune part with the legal model) ranks a statute collection indexed
    with the legal model, with the packaged bank voting; not a mixed collection, not another model. The hash
    model stands in for the legal model here (the slow test below uses the real one)."""
    import lawdocs.embed
    import lawdocs.index
    from lawdocs.search.combine import packaged_combiner

    shipped = packaged_combiner()
    assert shipped is not None and shipped.packaged_bank and shipped.trained_on > 800
    assert Index.open(stard_index).fusion_config().combiner is None  # the hash model: never
    monkeypatch.setattr(lawdocs.index, "LEGAL_MODEL_NAME", "hash-256")
    monkeypatch.setattr(lawdocs.embed, "LEGAL_MODEL_NAME", "hash-256")
    ix = Index.open(stard_index)
    assert ix.fusion is None and ix.fusion_config().combiner == shipped
    hits = ix.search("借了钱不还，利息怎么算", k=10)
    assert all("combiner" in h.scores for h in hits) and any("bank" in h.scores for h in hits)
    kinds = {h.doc.doc_type for h in hits}
    rare = min({ix.documents[c.doc_id].doc_type for c in ix.clauses} - kinds or kinds)
    filtered = ix.search("借了钱不还，利息怎么算", k=10, filters={"doc_type": rare})
    assert filtered and all(h.doc.doc_type == rare for h in filtered)  # votes and prior obey the filter too
    ix.bank.config.packaged = False  # `lawdocs learn --no-packaged`: the shipped bank never, nor its combiner
    assert ix.fusion_config().combiner is None and all("bank" not in h.scores for h in ix.search("借钱不还", k=10))
    ix.bank.config.packaged = None
    corpora = Path(__file__).resolve().parents[1] / "corpora"
    mixed = Index.create(tmp_path / "mixed", model="hash-256")
    assert not mixed.add([corpora / "reports", corpora / "laws" / "宪法"]).failed
    assert mixed.fusion_config().combiner is None
    assert all("combiner" not in h.scores for h in mixed.search("哪些措施涉及行政执法", k=5))


def test_a_banked_question_is_left_out_of_its_own_votes_and_prior(index_dir: Path) -> None:
    """Training on the bank itself: a banked question's own entry neither votes nor counts in the document
    prior (else the combiner would learn that the bank is always right)."""
    from lawdocs.evaluate import Query
    from lawdocs.train.combiner import question_groups

    ix = Index.open(index_dir)
    article = next(c for c in ix.clauses if c.label and c.label.startswith("民法典"))
    q = {"query": "借了钱不还怎么办", "gold": [article.label]}
    ix.learn([q])
    row = ix.row_of[article.id]
    settings = plain()
    ((rows_in, x_in, y_in),) = question_groups(ix, [Query(**q)], settings, leave_out=[False])
    ((rows_out, x_out, y_out),) = question_groups(ix, [Query(**q)], settings, leave_out=[True])
    bank, prior = FEATURES.index("bank"), FEATURES.index("law_prior")
    assert x_in[rows_in.index(row), bank] == 1.0 and y_in[rows_in.index(row)]
    if row in rows_out:  # found by the dense or lexical list: no vote, and no prior from itself
        assert x_out[rows_out.index(row), bank] == 0.0
    assert len(set(x_out[:, prior])) == 1  # an empty prior is the same for every document
    assert x_in[rows_in.index(row), prior] > x_in[:, prior].min()


@pytest.mark.parametrize("with_combiner", [True, False])
def test_a_question_asked_again_as_learned_gets_its_learned_answer_first(
    index_dir: Path, with_combiner: bool
) -> None:
    """Whatever the ranking (a combiner that trusts only BM25, or the RRF fusion), a question the bank holds word for
    word puts its gold clause first; bank=False leaves the ranking as it was."""
    ix = Index.open(index_dir)
    if with_combiner:
        ix.fusion = ix.fusion_config().model_copy(
            update={"combiner": plain(features=["lexical"], weights=[1.0], mean=[0.0], scale=[1.0])}
        )
    query = "房东不退押金怎么办"
    before = ix.search(query, k=10)
    gold = next(c for c in ix.clauses if c.label and c.id not in {h.clause_id for h in before[:1]})
    ix.learn([{"query": query, "gold": [gold.id]}])
    assert (
        ix.search(" 房东不退押金 怎么办 ", k=10)[0].clause_id == gold.id
    )  # whitespace aside, the same question
    assert [h.clause_id for h in ix.search(query, k=10, bank=False)] == [h.clause_id for h in before]
