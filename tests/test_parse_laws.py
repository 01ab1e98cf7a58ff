"""Laws on the real corpora, through `parse_file`: the five PDFs (two bundled in corpora/pdf, three in
tests/data/pdf), every file of the bundled corpora, and every file under shared/corpora (`collections`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawdocs.errors import EmptyDocumentError
from lawdocs.models import Document
from lawdocs.parse import coverage_gaps, parse_file

REPO = Path(__file__).resolve().parents[1]
PDF_DIRS = (REPO / "corpora" / "pdf", REPO / "tests" / "data" / "pdf")
PDF_ARTICLES = {
    "中华人民共和国民法典.pdf": 1260,
    "中华人民共和国劳动合同法.pdf": 98,
    "中华人民共和国网络安全法.pdf": 79,
    "中华人民共和国劳动合同法实施条例.pdf": 38,
    "《中华人民共和国宪法》.pdf": 138,
}


def pdf_file(name: str) -> Path:
    return next((folder / name for folder in PDF_DIRS if (folder / name).is_file()), PDF_DIRS[-1] / name)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, Document]:
    out = {}
    for name in PDF_ARTICLES:
        docs = parse_file(pdf_file(name))
        assert len(docs) == 1
        out[name] = docs[0]
    return out


@pytest.mark.parametrize("name", sorted(PDF_ARTICLES))
def test_pdf_true_article_counts_with_pages(pdfs: dict[str, Document], name: str) -> None:
    doc = pdfs[name]
    articles = [c for c in doc.clauses if c.kind == "article" and (c.part or 1) == 1]
    assert len(articles) == PDF_ARTICLES[name]
    assert len({c.article for c in articles}) == PDF_ARTICLES[name]
    assert all(c.page is not None and c.page >= 1 for c in doc.clauses)
    pages = [c.page or 0 for c in articles]
    assert pages == sorted(pages) and pages[-1] > 1
    assert all(c.label == f"{doc.title}{c.article}" for c in articles)
    assert doc.title.startswith("中华人民共和国")
    assert coverage_gaps(doc) == []


def test_civil_code_pdf_structure(pdfs: dict[str, Document]) -> None:
    doc = pdfs["中华人民共和国民法典.pdf"]
    assert doc.doc_type == "law" and doc.date == "2020-05-28" and doc.effective_date == "2021-01-01"
    markers = {h.marker for h in doc.headings}
    assert {"编", "分编", "章", "节"} <= markers
    last = next(c for c in doc.clauses if c.article == "第一千二百六十条")
    assert last.page == 234 and last.path[0] == "第七编 侵权责任"
    assert [c.article for c in doc.clauses if c.kind == "article"][:3] == ["第一条", "第二条", "第三条"]


def _corpus_files(root: Path) -> list[Path]:
    files = sorted((root / "laws").rglob("*.md"))
    files += [root / "reports/seed/潮州市湘桥区2020年度法治政府建设年度报告.txt"]
    files += sorted((root / "reports/gov-work-reports-2026").glob("*.csv"))
    files += sorted((root / "reports/state-council-2018-2019").glob("*.sql"))
    return files


def test_every_bundled_file_parses_with_full_coverage(corpora: Path, pdfs: dict[str, Document]) -> None:
    files = _corpus_files(corpora)
    assert len(files) == 60 + 1 + 3 + 1  # Markdown laws, the founding report, CSV reports, the SQL dump
    check_full_coverage(files, pdfs, documents=60 + 5 + 1 + 3 + 60)


def test_every_corpus_file_parses_with_full_coverage(shared: Path, pdfs: dict[str, Document]) -> None:
    files = _corpus_files(shared / "corpora")
    assert len(files) == 61 + 1 + 31 + 1  # Markdown laws, the founding report, CSV reports, the SQL dump
    check_full_coverage(files, pdfs, documents=60 + 5 + 1 + 31 + 60)


def check_full_coverage(files: list[Path], pdfs: dict[str, Document], *, documents: int) -> None:
    parsed: list[Document] = list(pdfs.values())  # the PDFs, parsed once by their fixture
    for path in files:
        try:
            parsed.extend(parse_file(path))
        except EmptyDocumentError:  # 民法典/_index.md holds only front matter
            assert path.name == "_index.md"
    problems: list[str] = []
    for doc in parsed:
        if not doc.clauses or coverage_gaps(doc):
            problems.append(f"{doc.source}: {len(doc.clauses)} clauses, gaps {coverage_gaps(doc)[:3]}")
        ids = [c.id for c in doc.clauses]
        if len(set(ids)) != len(ids):
            problems.append(f"{doc.source}: duplicate clause ids")
        if any(doc.body[c.span[0] : c.span[1]] != c.text for c in doc.clauses):
            problems.append(f"{doc.source}: a clause text is not its span")
    assert problems == []
    assert len(parsed) == documents


def test_markdown_laws_folder(corpora: Path) -> None:
    docs = {p.name: parse_file(p)[0] for p in (corpora / "laws").rglob("*.md") if p.name != "_index.md"}
    penalty = docs["行政处罚法(2021-01-22).md"]
    assert penalty.title == "中华人民共和国行政处罚法" and penalty.doc_type == "law"
    assert penalty.date == "2021-01-22"
    assert penalty.extra["history"][0] == {
        "date": "1996-03-17",
        "event": "第八届全国人民代表大会第四次会议通过",
    }
    assert penalty.clauses[0].kind == "preamble" and penalty.clauses[0].path == []
    first = next(c for c in penalty.clauses if c.kind == "article")
    assert first.article == "第一条" and first.path == ["第一章 总则"]
    assert docs["政务数据共享条例(2025-05-28).md"].doc_type == "administrative_regulation"
    local = docs["浙江省综合行政执法条例(2021-11-25).md"]
    assert local.doc_type == "local_regulation" and local.region == "浙江省"
    interp = docs["最高人民法院关于适用《行政诉讼法》的解释(2018-02-06).md"]
    assert interp.doc_type == "judicial_interpretation"
    constitution = docs["宪法.md"]
    preamble = [c for c in constitution.clauses if c.path == ["序言"]]
    assert preamble and all(c.kind == "paragraph" for c in preamble)
