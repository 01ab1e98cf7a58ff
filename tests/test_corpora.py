"""Every LawRefBook Markdown file (laws-all.tar.gz, 3,504 files) parses: article counts, coverage, STARD labels."""

from __future__ import annotations

import json
import re
import tarfile
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

import pytest

from lawdocs.load import RawDocument
from lawdocs.models import Document
from lawdocs.parse import coverage_gaps, parse_raw

# The strict line-start check of an article heading, written out independently of the parser.
STRICT = re.compile(r"^第[一二三四五六七八九十百千零〇两\d０-９]+条(之[一二三四五六七八九十]+)?[\s　]", re.M)


@pytest.fixture(scope="session")
def laws_all(shared: Path) -> dict[str, tuple[str, Document]]:
    """member name -> (file text, parsed Document), read straight from the tarball (no extraction)."""
    texts: list[tuple[str, str]] = []
    with tarfile.open(shared / "corpora/laws-all.tar.gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".md"):
                fh = tar.extractfile(member)
                assert fh is not None
                texts.append((member.name, fh.read().decode("utf-8")))
    # parse speed is measured by benchmarks/parse_throughput.py, never asserted in a test
    return {name: (text, parse_raw(RawDocument(source=name, text=text, fmt="md"))) for name, text in texts}


def test_every_file_parses_with_its_articles_and_full_coverage(
    laws_all: dict[str, tuple[str, Document]],
) -> None:
    assert len(laws_all) == 3504
    wrong: list[tuple[str, int, int]] = []
    uncovered: list[str] = []
    for name, (text, doc) in laws_all.items():
        strict = len(STRICT.findall(text))
        articles = sum(1 for c in doc.clauses if c.kind == "article" and (c.part or 1) == 1)
        if strict != articles:
            wrong.append((name, strict, articles))
        if coverage_gaps(doc):
            uncovered.append(name)
    assert wrong == []
    assert uncovered == []


def test_corpus_quirks(laws_all: dict[str, tuple[str, Document]]) -> None:
    docs = [doc for _, doc in laws_all.values()]
    no_articles = [d for d in docs if not any(c.kind == "article" for c in d.clauses)]
    assert len(no_articles) >= 150  # decisions numbered 一、二、, replies, cases
    assert all(d.clauses for d in no_articles if d.body.strip() and "INFO END" not in d.body)
    articles = Counter(c.article for d in docs for c in d.clauses if c.kind == "article")
    assert articles["第一千二百六十条"] >= 1 and articles["第十七条之一"] >= 1
    # 民法典: the second `#` line of each 编 is a heading, the double-spaced chapter headings are kept
    civil = next(d for name, (_, d) in laws_all.items() if name.endswith("民法典/合同编.md"))
    assert civil.title == "中华人民共和国民法典"
    art = next(c for c in civil.clauses if c.article == "第四百六十九条")
    assert art.label == "中华人民共和国民法典第四百六十九条"
    assert art.path[0] == "合同编" and len(art.path) >= 3
    # over-long articles are cut into parts that tile and keep their article and label
    parts = [c for d in docs for c in d.clauses if c.part]
    assert parts
    for c in parts:
        assert c.article or c.kind != "article"
        assert len(c.text) <= 1200 or not re.search("[。；！？\n]", c.text[:-1])
    # Markdown tables stay inside their clause
    tables = [c for d in docs for c in d.clauses if "|---" in c.text or "| --- |" in c.text]
    assert tables


def _norm(label: str) -> str:
    return re.sub(r"\s+", "", label).replace("中华人民共和国", "")


def test_every_stard_gold_article_is_a_clause(
    shared: Path, laws_all: dict[str, tuple[str, Document]]
) -> None:
    labels = {_norm(c.label) for _, doc in laws_all.values() for c in doc.clauses if c.label}
    gold = set()
    with open(shared / "bench/stard/train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            gold.update(_norm(g) for g in json.loads(line)["gold"])
    assert len(gold) > 1000
    assert sorted(gold - labels) == []


def test_stard_corpus_source_files_give_the_same_articles(
    shared: Path, laws_all: dict[str, tuple[str, Document]]
) -> None:
    """corpus.jsonl names the LawRefBook file(s) of each law: its articles are clauses of that file."""
    by_file: dict[str, set[str]] = {}
    for name, (_, doc) in laws_all.items():
        by_file[name.split("/", 1)[1]] = {c.article for c in doc.clauses if c.kind == "article" and c.article}
    missing = []
    with open(shared / "bench/stard/corpus.jsonl", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % 25:  # a sample of ~2,300 records keeps this fast
                continue
            rec = json.loads(line)
            article = rec["name"][len(rec["law"]) :]
            pattern = rec["source_file"]
            files = [pattern] if pattern in by_file else [f for f in by_file if fnmatch(f, pattern)]
            if not any(article in by_file[f] for f in files):
                missing.append(rec["name"])
    assert missing == []
