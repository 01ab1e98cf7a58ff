"""Evaluation: matching rules, metrics on hand-made rankings, question files, the `eval` command."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdocs.cli import app
from lawdocs.embed import HashEmbedder
from lawdocs.errors import EvalError
from lawdocs.evaluate import (
    Query,
    evaluate,
    judge,
    load_queries,
    normalise_label,
    normalise_text,
    score,
)
from lawdocs.index import Index
from lawdocs.models import Clause, Document, DocumentInfo, Hit

STARD = Path(__file__).resolve().parent / "data" / "stard"  # shipped: STARD questions and articles


def hit(label: str | None, *, title: str = "某法", article: str | None = None, text: str = "条文") -> Hit:
    return Hit(
        rank=0,
        score=0.0,
        clause_id=f"x:{label}:{text}",
        label=label,
        text=text,
        path=[],
        article=article,
        doc=DocumentInfo(id="d", title=title),
    )


def filler(n: int, tag: str = "无关") -> list[Hit]:
    return [hit(f"{tag}{i}") for i in range(n)]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=1e-9)


# -- matching rules ---------------------------------------------------------------------------------
def test_labels_ignore_whitespace_and_prc() -> None:
    assert normalise_label("中华人民共和国 民法典\u3000第五十四条\n") == "民法典第五十四条"
    assert (
        normalise_label("最高人民法院关于适用《中华人民共和国民法典》的解释第一条")
        == "最高人民法院关于适用《民法典》的解释第一条"
    )
    q = Query(query="q", gold=["中华人民共和国民法典第五十四条", "劳动合同法 第十条", "刑法第一条"])
    hits = [
        hit("民法典 第五十四条"),  # the clause's own label (a STARD `name`): compared alone
        hit(None, title="中华人民共和国劳动合同法", article="第十条"),  # no label: title + article
        hit("刑法第二条", title="刑法", article="第一条"),  # a label is compared alone, not title + article
    ]
    assert judge(q, hits) == [1, 2, None]


def test_gold_keys_match_after_nfkc_and_whitespace_removal() -> None:
    q = Query(query="q", gold_keys=["推进“数字政府”改革，加强政务服务标准化建设", "粤康码"])
    hits = [hit("a", text="其他内容"), hit("b", text="推进“数字政府”改革,加强政务服务\n  标准化建设。")]
    assert judge(q, hits) == [2, None]
    assert normalise_text("ＡＢＣ　１２３") == "ABC123"


# -- metrics on fixed rankings ----------------------------------------------------------------------
def test_metrics_of_three_hand_made_rankings() -> None:
    queries = [
        Query(query="q1", gold=["A", "B"]),
        Query(query="q2", gold=["C"]),
        Query(query="q3", gold=["D", "E", "F"]),
    ]
    rankings = [
        # q1: A at rank 2, B at rank 6.
        [hit("X"), hit("A"), *filler(3), hit("B"), *filler(10, "z")],
        # q2: C at rank 1.
        [hit("C"), *filler(20)],
        # q3: D at rank 12, E and F never.
        [*filler(11), hit("D"), *filler(50, "y")],
    ]
    report = score(queries, rankings, k=100, per_query=True)
    m = report.metrics
    assert report.n == 3
    # recall@1: q1 0/2, q2 1/1, q3 0/3 -> (0 + 1 + 0) / 3
    assert close(m["recall@1"], 1 / 3)
    # recall@5: q1 1/2 (A), q2 1, q3 0 -> 1.5 / 3
    assert close(m["recall@5"], 0.5)
    # recall@10: q1 2/2, q2 1, q3 0 -> 2 / 3
    assert close(m["recall@10"], 2 / 3)
    # recall@20 and @100: q3 finds D at 12 -> 1/3; (1 + 1 + 1/3) / 3 = 7/9
    assert close(m["recall@20"], 7 / 9) and close(m["recall@100"], 7 / 9)
    # MRR@10: q1 1/2, q2 1, q3 0 (rank 12 is past 10) -> 1.5 / 3
    assert close(m["mrr@10"], 0.5)
    # nDCG@10: q1 DCG = 1/log2(3) + 1/log2(7), ideal 1 + 1/log2(3); q2 1; q3 0.
    q1 = (1 / math.log2(3) + 1 / math.log2(7)) / (1 + 1 / math.log2(3))
    assert abs(q1 - 0.60526) < 1e-5
    assert close(m["ndcg@10"], (q1 + 1 + 0) / 3)
    first = report.per_query[0]
    assert [(g.gold, g.rank) for g in first.gold] == [("A", 2), ("B", 6)]
    assert first.first_relevant == 2 and first.hits[:2] == ["X", "A"]
    assert [(g.gold, g.rank) for g in report.per_query[2].gold] == [("D", 12), ("E", None), ("F", None)]


def test_metrics_count_each_gold_item_once() -> None:
    # Two parts of one article and a duplicate gold label: recall and nDCG stay at most 1.
    q = Query(query="q", gold=["民法典第一条", "中华人民共和国民法典第一条"])
    report = score([q], [[hit("民法典第一条", text="前半"), hit("民法典第一条", text="后半")]], k=10)
    assert report.metrics == {
        "recall@1": 1.0,
        "recall@5": 1.0,
        "recall@10": 1.0,
        "mrr@10": 1.0,
        "ndcg@10": 1.0,
    }
    # Two gold keys in one hit: the hit gains once; ideal DCG assumes two relevant hits.
    q = Query(query="q", gold_keys=["甲", "乙"])
    report = score([q], [[hit("a", text="甲乙")]], k=10)
    assert close(report.metrics["ndcg@10"], 1 / (1 + 1 / math.log2(3)))
    assert report.metrics["recall@1"] == 1.0


def test_cutoffs_beyond_k_are_not_reported() -> None:
    report = score([Query(query="q", gold=["A"])], [[hit("A")]], k=5)
    assert set(report.metrics) == {"recall@1", "recall@5"}


def test_score_refuses_unscorable_input() -> None:
    with pytest.raises(EvalError, match="no gold answer"):
        score([Query(query="q", qid=0, line=7)], [[hit("A")]])
    with pytest.raises(EvalError, match="2 questions but 1 rankings"):
        score([Query(query="q", gold=["A"]), Query(query="r", gold=["B"])], [[hit("A")]])


# -- question files ---------------------------------------------------------------------------------
def test_load_queries_reads_both_forms(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"qid": 1, "query": "试用期工资", "gold": ["劳动合同法第2条"]}\n\n'
        '{"qid": "dev-0", "query": "执法公示", "doc": "报告", "gold_keys": ["行政执法公示制度"]}\n',
        encoding="utf-8",
    )
    first, second = load_queries(path)
    assert first.qid == 1 and first.gold == ["劳动合同法第2条"] and first.line == 1
    assert second.gold_keys == ["行政执法公示制度"] and second.line == 3 and second.extra == {"doc": "报告"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"query": "x", "gold": ["a"]', "invalid JSON"),
        ('["query"]', "JSON object"),
        ('{"gold": ["a"]}', '"query"'),
        ('{"query": "x", "gold": [1]}', '"gold"'),
        ('{"query": "x", "gold_keys": {"a": 1}}', '"gold_keys"'),
        ('{"query": "x", "gold": []}', "no gold answer"),
        ('{"query": "x", "gold": ["  "]}', "no gold answer"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"query": "ok", "gold": ["a"]}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvalError, match=message) as info:
        load_queries(path)
    assert info.value.line == 2 and info.value.path == str(path)
    assert "bad.jsonl (line 2)" in str(info.value)


def test_empty_or_missing_file(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(EvalError, match="no questions"):
        load_queries(tmp_path / "empty.jsonl")
    with pytest.raises(EvalError, match="not found"):
        load_queries(tmp_path / "missing.jsonl")


# -- against an index -------------------------------------------------------------------------------
def make_doc(title: str, texts: list[str], *, source: str) -> Document:
    body = "\n".join(texts)
    digest = hashlib.sha256(body.encode()).hexdigest()
    clauses = [
        Clause(
            id=f"{digest[:16]}:{i:05d}",
            doc_id=digest[:16],
            kind="article",
            text=text,
            article=f"第{i + 1}条",
            label=f"{title}第{i + 1}条",
            span=(0, len(text)),
        )
        for i, text in enumerate(texts)
    ]
    return Document(
        id=digest[:16], title=title, source=source, content_hash=digest, body=body, clauses=clauses
    )


LABOUR = make_doc(
    "中华人民共和国劳动合同法",
    [
        "用人单位应当与劳动者订立书面劳动合同。",
        "劳动者试用期工资不得低于本单位相同岗位最低档工资。",
        "用人单位解除劳动合同应当向劳动者支付经济补偿。",
    ],
    source="labour.md",
)
REPORT = make_doc(
    "湘桥区法治政府建设年度报告",
    ["全面推行行政执法公示制度、执法全过程记录制度。", "推进数字政府改革，加强政务服务标准化建设。"],
    source="report.txt",
)


@pytest.fixture()
def index(tmp_path: Path) -> Index:
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([LABOUR, REPORT])
    return ix


def write_questions(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


QUESTIONS = [
    {"qid": 1, "query": "试用期工资不得低于", "gold": ["劳动合同法第2条"]},
    {"qid": 2, "query": "解除劳动合同经济补偿", "gold": ["中华人民共和国劳动合同法 第3条"]},
    {"qid": 3, "query": "行政执法公示制度", "gold_keys": ["行政执法公示制度"]},
]


def test_evaluate_an_index(index: Index, tmp_path: Path) -> None:
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    for mode in ("lexical", "dense", "hybrid"):
        report = evaluate(index, path, mode=mode, k=5)  # type: ignore[arg-type]
        assert report.n == 3 and report.gold_absent == 0 and report.gold_total == 3
        assert report.metrics["recall@5"] == 1.0
    report = evaluate(index, load_queries(path), mode="lexical", k=10, per_query=True)
    assert report.metrics["mrr@10"] == 1.0 and report.metrics["ndcg@10"] == 1.0
    assert report.per_query[0].hits[0] == "中华人民共和国劳动合同法第2条"


def test_questions_for_another_index_are_refused(index: Index, tmp_path: Path) -> None:
    path = write_questions(
        tmp_path / "q.jsonl",
        [{"query": "x", "gold": ["民法典第一条"]}, {"query": "y", "gold_keys": ["粤康码"]}],
    )
    with pytest.raises(EvalError, match="do not match this index.*2 gold"):
        evaluate(index, path)
    path = write_questions(
        tmp_path / "q2.jsonl", [{"query": "试用期", "gold": ["民法典第一条", "劳动合同法第2条"]}]
    )
    report = evaluate(index, path, mode="lexical", k=10)
    assert (report.gold_total, report.gold_absent) == (2, 1)
    assert report.metrics["recall@10"] == 0.5


def test_stard_records_are_matched_by_name() -> None:
    """Real STARD questions against their gold laws' real records (label = the record's `name`)."""
    question = json.loads((STARD / "questions.jsonl").read_text(encoding="utf-8").splitlines()[0])
    wanted = {normalise_label(g) for g in question["gold"]}
    records: dict[str, list[dict[str, str]]] = {}
    with (STARD / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            records.setdefault(row["law"], []).append(row)
    laws = {law for law, rows in records.items() if any(normalise_label(r["name"]) in wanted for r in rows)}
    docs = []
    for law in sorted(laws):
        rows = records[law]
        doc_id = hashlib.sha256(law.encode()).hexdigest()[:16]
        clauses = [
            Clause(
                id=f"{doc_id}:{i:05d}",
                doc_id=doc_id,
                kind="record",
                text=r["content"],
                label=r["name"],
                span=(0, 1),
            )
            for i, r in enumerate(rows)
        ]
        docs.append(Document(id=doc_id, title=law, source=law, content_hash=doc_id, clauses=clauses))
    ix = Index.create("unused", embedder=HashEmbedder())
    ix.add_documents(docs)
    report = evaluate(ix, [Query(query=question["query"], gold=question["gold"])], mode="lexical", k=100)
    assert report.gold_absent == 0 and report.gold_total == len(wanted)
    assert 0.0 <= report.metrics["recall@100"] <= 1.0


# -- the command ------------------------------------------------------------------------------------
def test_eval_command(index: Index, tmp_path: Path) -> None:
    index.save()
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    runner = CliRunner()
    result = runner.invoke(
        app, ["eval", str(path), "--index", str(tmp_path / "ix"), "--mode", "lexical", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 3 and data["per_query"] == []
    assert data["metrics"]["recall@10"] == 1.0 and data["metrics"]["mrr@10"] == 1.0
    assert set(data["metrics"]) == {
        "recall@1",
        "recall@5",
        "recall@10",
        "recall@20",
        "recall@100",
        "mrr@10",
        "ndcg@10",
    }

    result = runner.invoke(app, ["eval", str(path), "-i", str(tmp_path / "ix"), "--json", "--per-query"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["per_query"]
    assert [r["qid"] for r in rows] == [1, 2, 3] and rows[0]["gold"][0]["rank"] == 1

    result = runner.invoke(app, ["eval", str(path), "-i", str(tmp_path / "ix"), "--per-query"])
    assert result.exit_code == 0, result.output
    assert "recall@10" in result.stdout and "mrr@10" in result.stdout and "试用期" in result.stdout


def test_eval_command_errors(index: Index, tmp_path: Path) -> None:
    index.save()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "x", "gold": ["a"]}\nnot json\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(bad), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())  # rich wraps long lines
    assert "bad.jsonl (line 2)" in message and "invalid JSON" in message
    other = write_questions(tmp_path / "other.jsonl", [{"query": "x", "gold": ["民法典第一条"]}])
    result = runner.invoke(app, ["eval", str(other), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "do not match this index" in " ".join(result.stderr.split())
    result = runner.invoke(app, ["eval", str(other), "--index", str(tmp_path / "nothing")])
    assert result.exit_code == 1
