"""What the CLI shows a reader: --help as written, tidy citations, hits that fit 80 columns, pages for PDFs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdocs.citation import cite
from lawdocs.cli import app

REPO = Path(__file__).resolve().parents[1]
CIVIL_TORTS = REPO / "corpora" / "laws" / "民法典" / "侵权责任编.md"
REGULATION_PDF = REPO / "corpora" / "pdf" / "中华人民共和国劳动合同法实施条例.pdf"
runner = CliRunner()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("docs")
    shutil.copy(CIVIL_TORTS, docs / CIVIL_TORTS.name)
    shutil.copy(REGULATION_PDF, docs / REGULATION_PDF.name)
    folder = tmp_path_factory.mktemp("out") / "ix"
    result = runner.invoke(
        app, ["index", str(docs), "--index", str(folder), "--model", "hash-256"], env={"LAWDOCS_PROGRESS": "off"}
    )
    assert result.exit_code == 0, result.output
    return folder


def search(index_dir: Path, columns: int, *args: str) -> str:
    result = runner.invoke(
        app, ["search", *args, "--index", str(index_dir), "--model", "hash-256"], env={"COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


# -- help -------------------------------------------------------------------------------------------------
COMMANDS = ["parse", "index", "remove", "search", "show", "eval", "ask", "serve", "finetune"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_no_typer_placeholders(command: str | None) -> None:
    args = [command, "--help"] if command else ["--help"]
    result = runner.invoke(app, args, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout  # a flag takes no value
    assert not re.search(r"\{[a-z_]+\}", result.stdout), result.stdout  # usage: FILES..., not {files}


def test_usage_names_arguments_in_capitals() -> None:
    out = runner.invoke(app, ["parse", "--help"], env={"COLUMNS": "120"}).stdout
    assert "parse [OPTIONS] FILES..." in out
    out = runner.invoke(app, ["search", "--help"], env={"COLUMNS": "120"}).stdout
    assert "search [OPTIONS] [QUERY]" in out


def test_help_text_keeps_its_brackets() -> None:
    out = runner.invoke(app, ["finetune", "--help"], env={"COLUMNS": "200"}).stdout
    assert '{"query", "gold": [labels]}' in out
    out = runner.invoke(app, ["eval", "--help"], env={"COLUMNS": "200"}).stdout
    assert '{"query", "gold": list of labels}' in out


# -- citations --------------------------------------------------------------------------------------------
def test_citation_whitespace_is_normalised() -> None:
    path = ["侵权责任编", "第十章\u2002\u2002建筑物和物件损害责任"]
    assert cite("中华人民共和国民法典", path, "第一千二百五十四条", "禁止从建筑物中抛掷物品。") == (
        "中华人民共和国民法典 › 侵权责任编 › 第十章 建筑物和物件损害责任 › 第一千二百五十四条"
    )
    assert cite("标题\u3000 两段", ["一、\n总体要求"], None, "x") == "标题 两段 › 一、 总体要求"


def test_hits_carry_tidy_citations(index_dir: Path) -> None:
    out = search(index_dir, 99, "从建筑物中抛掷物品", "-k", "3")  # blocks: a citation on one line
    assert "第十章 建筑物和物件损害责任 › 第一千二百五十四条" in out
    assert "\u2002" not in out


# -- layout -----------------------------------------------------------------------------------------------
def test_narrow_terminal_prints_blocks(index_dir: Path) -> None:
    out = search(index_dir, 80, "从建筑物中抛掷物品", "-k", "3")
    assert "┃" not in out and "│" not in out  # no table at 80 columns
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    heads = [n for n, line in enumerate(lines) if re.match(r"\d+\. ", line)]
    assert len(heads) == 3
    first = lines[heads[0]]
    assert first.startswith("1. 中华人民共和国民法典 › 侵权责任编 › 第十章 建筑物和物件损害责任")
    # each hit: its citation (1-2 lines), its id and retrievers, its text: no 15-line citation
    assert heads[1] - heads[0] <= 12
    assert re.search(r"[0-9a-f]{16}:\d{5} · found by ", lines[heads[0] + 1]) or re.search(
        r"[0-9a-f]{16}:\d{5} · found by ", lines[heads[0] + 2]
    )


def test_wide_terminal_prints_a_table(index_dir: Path) -> None:
    out = search(index_dir, 140, "从建筑物中抛掷物品", "-k", "2")
    assert "┃" in out and "found by" in out and "score" not in out
    assert all(len(line) <= 140 for line in out.splitlines())
    assert re.search(r"[0-9a-f]{16}:\d{5}", out)  # the id to pass to `lawdocs show`


def test_found_by_names_the_retrievers(index_dir: Path) -> None:
    out = search(index_dir, 80, "从建筑物中抛掷物品", "-k", "2")
    assert "found by dense + lexical" in out
    out = search(index_dir, 80, "从建筑物中抛掷物品", "-k", "2", "--mode", "lexical")
    assert "found by lexical" in out and "dense" not in out


def test_pdf_hits_show_their_page(index_dir: Path) -> None:
    out = search(index_dir, 99, "试用期的工资不得低于本单位相同岗位最低档工资", "-k", "1")
    assert re.search(r"劳动合同法实施条例 › .*第十五条\s+p\. 2", out), out
    out = search(index_dir, 80, "从建筑物中抛掷物品", "-k", "1")
    assert "p. " not in out  # a Markdown law has no pages
