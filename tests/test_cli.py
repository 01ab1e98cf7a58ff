"""The `lawdocs` command: parse, index, search, show, remove, through typer's runner on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdocs.cli import app

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "corpora" / "reports" / "seed" / "潮州市湘桥区2020年度法治政府建设年度报告.txt"
LAW = REPO / "corpora" / "laws" / "行政法" / "行政处罚法(2021-01-22).md"
runner = CliRunner()


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(REPORT, folder / REPORT.name)
    shutil.copy(LAW, folder / LAW.name)
    return folder


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def test_parse_json_has_the_documented_fields() -> None:
    code, out = run("parse", str(REPORT), "--json")
    assert code == 0
    doc = json.loads(out)["documents"][0]
    assert {
        "id",
        "title",
        "doc_type",
        "issuers",
        "region",
        "date",
        "year",
        "number",
        "source",
        "clauses",
    } <= set(doc)
    assert doc["date"] == "2021-02-04" and doc["region"] == "潮州市湘桥区"
    clause = doc["clauses"][1]
    assert {"id", "label", "article", "path", "text", "page", "span"} <= set(clause)
    code, out = run("parse", str(LAW), "--json")
    article = json.loads(out)["documents"][0]["clauses"][1]
    assert article["label"] == "中华人民共和国行政处罚法第一条"


def test_parse_tree_and_a_failing_batch(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"\x00\x01 not a pdf")
    result = runner.invoke(app, ["parse", str(bad), str(REPORT)])
    assert result.exit_code == 1
    assert "(一)坚持深化改革" in result.stdout  # the good file was still parsed
    assert "broken.pdf" in result.stderr


def test_index_search_show_remove(docs: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    code, out = run("index", str(docs), "--index", str(ix), "--model", "hash-256", "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["documents_added"] == 2 and summary["failed"] == [] and summary["clauses"] > 100

    code, out = run("index", str(docs), "--index", str(ix), "--json")
    assert code == 0 and json.loads(out)["documents_skipped"] == 2  # unchanged files are skipped

    code, out = run(
        "search",
        "行政执法三项制度",
        "--index",
        str(ix),
        "-k",
        "3",
        "--json",
        "--filter",
        "doc_type=rule_of_law_report",
    )
    assert code == 0
    result = json.loads(out)
    assert result["query"] == "行政执法三项制度" and len(result["hits"]) == 3
    hit = result["hits"][0]
    assert {"rank", "score", "clause_id", "label", "text", "path", "article", "doc"} <= set(hit)
    assert {"id", "title", "doc_type", "issuers", "region", "date", "source"} <= set(hit["doc"])
    assert all(h["doc"]["doc_type"] == "rule_of_law_report" for h in result["hits"])

    code, out = run("show", hit["clause_id"], "--index", str(ix), "--json")
    shown = json.loads(out)
    assert code == 0 and shown["clause"]["id"] == hit["clause_id"] and len(shown["neighbours"]) >= 2

    wide = runner.invoke(
        app, ["search", "罚款", "--index", str(ix), "--mode", "lexical"], env={"COLUMNS": "250"}
    )
    assert (
        wide.exit_code == 0 and "中华人民共和国行政处罚法 ›" in wide.stdout
    )  # the table cites document › section

    code, _ = run("remove", str(docs / LAW.name), "--index", str(ix))
    assert code == 0
    code, out = run("search", "罚款", "--index", str(ix), "--mode", "lexical", "--json")
    assert all("行政处罚法" not in h["doc"]["title"] for h in json.loads(out)["hits"])


def test_search_queries_file_keeps_other_fields(docs: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    assert run("index", str(docs), "--index", str(ix), "--model", "hash-256")[0] == 0
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"qid": "a", "query": "行政复议"}\n\n{"qid": "b", "query": "粤康码", "note": 1}\n', encoding="utf-8"
    )
    code, out = run("search", "--queries", str(queries), "--index", str(ix), "-k", "2", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["qid"] for r in lines] == ["a", "b"] and lines[1]["note"] == 1
    assert all(len(r["hits"]) == 2 for r in lines)
    queries.write_text('{"qid": "a"}\n', encoding="utf-8")
    result = runner.invoke(app, ["search", "--queries", str(queries), "--index", str(ix)])
    assert result.exit_code == 1 and "line 1" in result.stderr


def test_index_reports_failures_and_keeps_the_rest(docs: Path, tmp_path: Path) -> None:
    (docs / "empty.txt").write_text("", encoding="utf-8")
    (docs / "scan.pdf").write_bytes(b"%PDF-1.4 truncated")
    ix = tmp_path / "ix"
    result = runner.invoke(app, ["index", str(docs), "--index", str(ix), "--model", "hash-256"])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr and "scan.pdf" in result.stderr
    assert "2 documents added" in result.stdout and (ix / "manifest.json").exists()


def test_errors_are_one_line_and_nonzero(tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no lawdocs index" in result.stderr
    result = runner.invoke(app, ["show", "abc:00001", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
