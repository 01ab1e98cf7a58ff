"""lawdocs.load: the bundled corpora, the real files in tests/data, generated bad inputs; and the whole
collections in ../shared (tests marked `collections`)."""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import pytest

from lawdocs.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncodingError,
    EncryptedPDFError,
    FileTooLargeError,
    LoadError,
    NoTextLayerError,
    QueryError,
    UnsupportedFormatError,
)
from lawdocs.load import RawDocument, RecordClause, iter_files, load_path, normalize_for_match

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "load"
PDF_DIRS = (REPO / "corpora" / "pdf", Path(__file__).resolve().parent / "data" / "pdf")  # bundled, then test data

ARTICLE_LINE = re.compile(r"^第[一二三四五六七八九十百千零〇]+条", re.M)
RADICALS = re.compile("[\u2e80-\u2fdf]")


def pdf_file(name: str) -> Path:
    return next((folder / name for folder in PDF_DIRS if (folder / name).is_file()), PDF_DIRS[-1] / name)


def load_one(path: Path, **options: object) -> RawDocument:
    docs = list(load_path(path, **options))
    assert len(docs) == 1
    return docs[0]


# --- PDF: the five real files, each loaded once ---------------------------------------------------------
PDF_ARTICLES = {
    "中华人民共和国民法典.pdf": 1260,
    "中华人民共和国劳动合同法.pdf": 98,
    "中华人民共和国网络安全法.pdf": 79,
    "中华人民共和国劳动合同法实施条例.pdf": 38,
    "《中华人民共和国宪法》.pdf": 138,
}


@pytest.fixture(scope="module")
def pdfs() -> dict[str, RawDocument]:
    return {name: load_one(pdf_file(name)) for name in PDF_ARTICLES}


@pytest.mark.parametrize("name,expected", sorted(PDF_ARTICLES.items()))
def test_pdf_article_lines_after_wrap_rejoin(pdfs: dict[str, RawDocument], name: str, expected: int) -> None:
    doc = pdfs[name]
    assert doc.fmt == "pdf"
    assert len(ARTICLE_LINE.findall(doc.text)) == expected


@pytest.mark.parametrize("name", sorted(PDF_ARTICLES))
def test_pdf_page_offsets(pdfs: dict[str, RawDocument], name: str) -> None:
    from pypdf import PdfReader

    doc = pdfs[name]
    n_pages = len(PdfReader(pdf_file(name)).pages)
    assert doc.pages is not None and len(doc.pages) == n_pages == doc.meta["page_count"]
    assert doc.pages[0] == 0
    assert doc.pages == sorted(doc.pages)
    assert all(0 <= p <= len(doc.text) for p in doc.pages)


def test_pdf_page_offsets_point_at_page_text(pdfs: dict[str, RawDocument]) -> None:
    doc = pdfs["中华人民共和国劳动合同法.pdf"]
    assert doc.pages is not None
    # page 2 opens with the first chapter (page 1 holds the title and the 目录)
    assert doc.text[doc.pages[1] :].startswith("第一章 总则\n第一条 为了完善劳动合同制度")
    # page 3 starts mid-sentence: its offset is inside the rejoined paragraph
    assert doc.text[doc.pages[2] :].startswith("不适当的，有权向用人单位提出")
    assert doc.text[doc.pages[2] - 1] != "\n"
    # the 民法典's 目录 pages are empty: they start where the body starts
    civil = pdfs["中华人民共和国民法典.pdf"]
    assert civil.pages is not None
    assert civil.text[civil.pages[1] :].startswith("第一编 总则\n第一章 基本规定")


@pytest.mark.parametrize("name", sorted(PDF_ARTICLES))
def test_pdf_artefacts_removed(pdfs: dict[str, RawDocument], name: str) -> None:
    text = pdfs[name].text
    lines = text.split("\n")
    assert not re.search(r"[—–-]\s*\d+\s*[—–-]", text), "page markers like —1— remain"
    assert not any(re.fullmatch(r"\d{1,4}", ln.strip()) for ln in lines), "bare page numbers remain"
    assert not any(re.sub(r"\s", "", ln) in ("目录", "目次") for ln in lines), "目录 remains"
    assert not RADICALS.search(text)
    assert all(ln == ln.strip() for ln in lines)


def test_pdf_toc_entries_not_duplicated(pdfs: dict[str, RawDocument]) -> None:
    text = pdfs["中华人民共和国劳动合同法.pdf"].text
    assert text.count("第五章 特别规定") == 1
    civil = pdfs["中华人民共和国民法典.pdf"].text
    assert civil.count("第一编 总则") == 1


def test_pdf_radicals_folded(pdfs: dict[str, RawDocument]) -> None:
    text = pdfs["中华人民共和国劳动合同法实施条例.pdf"].text
    assert not RADICALS.search(text)
    assert "中华人民共和国劳动合同法实施条例" in text
    assert "有关部门以及工会" in text  # ⻔ (U+2ED4) is 门
    assert "第一条\u3000为了贯彻实施《中华人民共和国劳动合同法》" in text  # own spacing kept
    assert pdfs["中华人民共和国劳动合同法实施条例.pdf"].meta["title"] == "中华人民共和国劳动合同法实施条例"


def test_pdf_padded_headings_and_wraps(pdfs: dict[str, RawDocument]) -> None:
    net = pdfs["中华人民共和国网络安全法.pdf"].text
    assert "\n第一章 总则\n" in net and "总    则" not in net
    assert "\n第七章 附则\n" in net
    labour = pdfs["中华人民共和国劳动合同法.pdf"].text
    # a wrapped line that starts with a cross-reference "第三十九条和…" is joined, not a new article
    assert "且劳动者没有本法第三十九条和第四十条第一项、第二项规定的情形，续订劳动合同的。" in labour
    assert "\n第一条 为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，保护劳动者的合法权益" in labour
    constitution = pdfs["《中华人民共和国宪法》.pdf"].text
    assert "\n序言\n" in constitution and "\n第一章 总纲\n" in constitution
    assert pdfs["中华人民共和国民法典.pdf"].meta["title"] == "中华人民共和国民法典"


def test_pdf_cleaning_rules() -> None:
    from lawdocs.loaders.pdf import _clean_page_lines, _drop_running_lines, normalize_heading, rejoin

    page = "- 3 -\n第一条 为了规范管理，制定本\n办法。\n第 3 页 共 10 页\n7"
    assert _clean_page_lines(page) == ["第一条 为了规范管理，制定本", "办法。"]
    assert _clean_page_lines("—12—第二条 内容。") == ["第二条 内容。"]
    assert normalize_heading("第一章  总    则") == "第一章 总则"
    assert normalize_heading("第三节　国务院") == "第三节 国务院"
    assert normalize_heading("目    录") == "目录"
    assert normalize_heading("总　理　　温家宝") == "总　理　　温家宝"  # not a heading: left alone
    pages = [["某市规章汇编", f"正文第{i}页的内容。", "内部资料"] for i in range(4)]
    assert _drop_running_lines(pages) == [[f"正文第{i}页的内容。"] for i in range(4)]
    items = [
        (0, "第一条 国家机关、事业单位、社会团体和与其建立劳动关系的劳动"),
        (0, "者，依照本法执行。"),
        (1, "第二条 有下列情形之一的，依照本法第三十九条和第四十条第一"),
        (1, "第四十条第一项规定处理："),
        (1, "（一）其他情形。"),
    ]
    text, starts = rejoin(items, 2)
    assert text.split("\n") == [
        "第一条 国家机关、事业单位、社会团体和与其建立劳动关系的劳动者，依照本法执行。",
        "第二条 有下列情形之一的，依照本法第三十九条和第四十条第一第四十条第一项规定处理：",
        "（一）其他情形。",
    ]
    assert starts == [0, text.index("第二条")]


# --- PDF: generated bad inputs --------------------------------------------------------------------------
def _blank_pdf(path: Path, pages: int = 3) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def test_pdf_random_bytes_is_corrupt(tmp_path: Path) -> None:
    bad = tmp_path / "random.pdf"
    bad.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(CorruptFileError) as info:
        list(load_path(bad))
    assert str(bad) in str(info.value)


def test_pdf_truncated_is_corrupt(tmp_path: Path) -> None:
    data = pdf_file("中华人民共和国劳动合同法.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match="cut.pdf"):
        list(load_path(cut))


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    scan = _blank_pdf(tmp_path / "scan.pdf")
    with pytest.raises(NoTextLayerError) as info:
        list(load_path(scan))
    assert info.value.page == 1 and "scan.pdf" in str(info.value)


def test_pdf_encrypted_with_password(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    assert PdfReader(locked).is_encrypted
    with pytest.raises(EncryptedPDFError, match="locked.pdf"):
        list(load_path(locked))


def test_pdf_encrypted_with_empty_password_is_read(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(pdf_file("中华人民共和国劳动合同法实施条例.pdf")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    opened = tmp_path / "owner-only.pdf"
    with open(opened, "wb") as fh:
        writer.write(fh)
    doc = load_one(opened)
    assert len(ARTICLE_LINE.findall(doc.text)) == 38


# --- Markdown and plain text ----------------------------------------------------------------------------
def test_markdown_lawrefbook(corpora: Path) -> None:
    doc = load_one(corpora / "laws" / "行政法" / "行政处罚法(2021-01-22).md")
    assert doc.fmt == "md"
    assert doc.meta["title"] == "中华人民共和国行政处罚法"
    assert doc.meta["date"] == "2021-01-22"
    assert doc.meta["category_hint"] == "行政法"
    assert doc.text.startswith("# 中华人民共和国行政处罚法\n")
    assert "<!-- INFO END -->" in doc.text and "\n## 第一章 总则\n" in doc.text


def test_markdown_front_matter(corpora: Path) -> None:
    path = corpora / "laws" / "_extra_qisehong_china-law-db" / "laws" / "法律" / "行政法" / "生态环境法典(2026).md"
    doc = load_one(path)
    assert not doc.text.startswith("---") and "publish_date" not in doc.text
    assert doc.text.startswith("# 中华人民共和国生态环境法典")
    assert doc.meta["title"] == "中华人民共和国生态环境法典"
    assert doc.meta["date"] == "2026-03-12"
    assert doc.meta["status"] == "现行有效"
    assert doc.meta["issuers"] == ["全国人民代表大会"]
    assert doc.meta["category_hint"] == "行政法"


def test_markdown_local_regulation_hint(corpora: Path) -> None:
    files = sorted((corpora / "laws" / "DLC").rglob("*.md"))
    assert files
    for f in files:
        assert load_one(f).meta["category_hint"] == "地方性法规"


def test_markdown_front_matter_only_is_empty() -> None:
    with pytest.raises(EmptyDocumentError):  # LawRefBook's 民法典/_index.md (shared/corpora/laws)
        list(load_path(DATA / "front_matter_only" / "_index.md"))


def test_every_law_markdown_loads(corpora: Path) -> None:
    files = [f for f in iter_files([corpora / "laws"]) if f.name != "_index.md"]
    assert len(files) >= 58
    for f in files:
        doc = load_one(f)
        assert doc.meta.get("title"), f
        assert not doc.text.startswith("---"), f


def test_seed_report_txt(corpora: Path) -> None:
    doc = load_one(corpora / "reports" / "seed" / "潮州市湘桥区2020年度法治政府建设年度报告.txt")
    assert doc.fmt == "txt"
    assert doc.meta["title"] == "潮州市湘桥区关于2020年度法治政府建设的年度报告"
    assert doc.meta["date"] == "2021-02-07"
    assert "浏览量" not in doc.text and "稿件作者" not in doc.text
    assert "一是深化行政审批制度改革" in doc.text  # ASCII punctuation and wording kept as written


def test_gbk_txt(corpora: Path, tmp_path: Path) -> None:
    original = (corpora / "reports" / "seed" / "潮州市湘桥区2020年度法治政府建设年度报告.txt").read_text("utf-8")
    body = original.replace("\xa0", " ")  # GBK has no NO-BREAK SPACE
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(body.encode("gbk"))
    utf = tmp_path / "utf.txt"
    utf.write_text(body, encoding="utf-8")
    assert load_one(gbk).text == load_one(utf).text
    assert "法治政府建设" in load_one(gbk).text


def test_utf8_bom_txt(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes("\ufeff第一条 为了规范行政处罚。\n".encode())
    assert load_one(f).text == "第一条 为了规范行政处罚。"


@pytest.mark.parametrize("kind", ["all-bytes", "high-bytes"])
def test_binary_garbage_txt(tmp_path: Path, kind: str) -> None:
    import random

    rng = random.Random(7)
    if kind == "all-bytes":
        data = bytes(range(256)) * 8
    else:  # no control bytes at all: GB18030 decodes most pairs, into rare symbols
        data = bytes(rng.randrange(0x81, 0xFF) for _ in range(4000))
    f = tmp_path / "garbage.txt"
    f.write_bytes(data)
    with pytest.raises(EncodingError, match="garbage.txt"):
        list(load_path(f))


# --- empty, too large, unsupported ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.pdf", "empty.jsonl", "empty.docx", "empty.csv"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_bytes(b"")
    with pytest.raises(EmptyDocumentError, match=name):
        list(load_path(f))


def test_whitespace_only_file(tmp_path: Path) -> None:
    f = tmp_path / "blank.txt"
    f.write_text(" \n\t\n   \n", encoding="utf-8")
    with pytest.raises(EmptyDocumentError):
        list(load_path(f))


def test_max_bytes_option(corpora: Path) -> None:
    f = corpora / "laws" / "行政法" / "行政处罚法(2021-01-22).md"
    with pytest.raises(FileTooLargeError) as info:
        load_path(f, max_bytes=1000)  # refused when called, before iteration
    assert str(f) in str(info.value)
    assert load_one(f, max_bytes=10_000_000).meta["title"] == "中华人民共和国行政处罚法"


def test_sparse_200mb_file_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.pdf"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(FileTooLargeError, match="huge.pdf"):
            list(load_path(big))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_unsupported_extension(tmp_path: Path) -> None:
    f = tmp_path / "notes.xyz"
    f.write_text("第一条", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match="notes.xyz"):
        list(load_path(f))


def test_unknown_option(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("第一条 内容。", encoding="utf-8")
    with pytest.raises(QueryError):
        list(load_path(f, maxbytes=10))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="nope.txt"):
        list(load_path(tmp_path / "nope.txt"))


# --- DOCX -----------------------------------------------------------------------------------------------
def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("某市行政执法公示办法")
    d.add_paragraph("第一条　为了规范行政执法公示，制定本办法。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "事项"
    table.cell(0, 1).text = "公示期限"
    table.cell(1, 0).text = "行政处罚"
    table.cell(1, 1).text = "七个工作日"
    d.add_paragraph("第二条　本办法自公布之日起施行。")
    d.save(str(path))
    return path


def test_docx_body_order_and_tables(tmp_path: Path) -> None:
    doc = load_one(_docx(tmp_path / "rules.docx"))
    assert doc.fmt == "docx"
    assert doc.text.split("\n") == [
        "某市行政执法公示办法",
        "第一条　为了规范行政执法公示，制定本办法。",
        "事项\t公示期限",
        "行政处罚\t七个工作日",
        "第二条　本办法自公布之日起施行。",
    ]
    assert doc.meta["title"] == "某市行政执法公示办法"


def test_docx_truncated_is_corrupt(tmp_path: Path) -> None:
    good = _docx(tmp_path / "full.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(CorruptFileError, match="cut.docx"):
        list(load_path(cut))


# --- HTML -----------------------------------------------------------------------------------------------
def test_html_chrome_dropped(tmp_path: Path) -> None:
    doc = load_one(DATA / "notice.html")
    lines = doc.text.split("\n")
    assert lines[0] == "某市人民政府关于推行行政执法公示制度的通知"
    assert "第一条 行政执法机关应当公示执法信息。" in lines
    assert "（一）执法主体；" in lines and "（二）执法依据。" in lines
    assert "事项\t期限" in lines  # a table row is one line, cells tab-joined
    for chrome in ("浏览量", "【字号", "打印", "分享", "来源：", "稿件作者", "首页", "var ", "color:"):
        assert not any(chrome in ln for ln in lines), chrome
    assert "2020年3月1日" in lines  # the signature date is wording, not chrome
    assert doc.meta["title"] == "某市人民政府关于推行行政执法公示制度的通知"  # <h1> before <title>


def test_html_gbk_declared_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="gb2312"><title>通知</title></head><body><p>第一条 依法行政。</p></body></html>'
    f = tmp_path / "gbk.html"
    f.write_bytes(page.encode("gbk"))
    assert load_one(f).text == "第一条 依法行政。"


# --- SQL ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def state_council(corpora: Path) -> list[RawDocument]:
    return list(load_path(corpora / "reports" / "state-council-2018-2019" / "ge_policy_raw20190217.sql"))


def test_sql_rows(state_council: list[RawDocument], corpora: Path) -> None:
    assert len(state_council) == 60
    ids = set()
    for doc in state_council:
        assert doc.fmt == "sql"
        assert doc.meta["title"] and doc.meta["issuers"] and doc.meta["number"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.meta["date"])
        assert doc.meta["doc_type"] in ("notice", "administrative_regulation")
        assert re.search(r"#row=\d+$", doc.source)
        ids.add(doc.source)
        assert "<" not in doc.text or "<p" not in doc.text
        assert not re.search(r"</?(?:p|span|td|div)\b", doc.text)
    assert len(ids) == 60


def test_sql_three_systems_document(state_council: list[RawDocument]) -> None:
    (doc,) = [d for d in state_council if d.meta["number"] == "国办发〔2018〕118号"]
    assert doc.meta["doc_type"] == "notice"
    assert doc.meta["issuers"] == ["国务院办公厅"]
    assert doc.meta["date"] == "2018-12-05"  # the signature date in the body
    assert "全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度" in doc.meta["title"]
    assert "\n一、总体要求\n" in doc.text
    assert "（一）指导思想。" in doc.text


def test_sql_dates_from_govcn_metadata(state_council: list[RawDocument]) -> None:
    by_number = {d.meta["number"]: d for d in state_council}
    doc = by_number["国办函〔2004〕88号"]
    # the page's own table: 成文日期 2004年12月17日, 发布日期 2018年12月24日 (the dump's columns are a month off)
    assert doc.meta["date"] == "2004-12-17"
    assert doc.meta["release_date"] == "2018-12-24"
    assert doc.meta["written_time"] == "2005-01-17"
    assert "索引号" not in doc.text and not doc.text.startswith("索 引 号")


def test_sql_parser_escapes(tmp_path: Path) -> None:
    sql = (
        "-- dump\n"
        "insert into ge_policy_raw (id, title, release_office, release_number, wiritten_time, content) values "
        "(7, 'It''s \\'quoted\\'', '国务院', '国函〔2018〕1号', '2018-01-02 10:00:00', "
        "'<p>第一段\\n仍是第一段</p><p>第二段；含逗号, 和括号)</p>'),"
        "(8, 'second', null, null, null, '<div>只有正文</div>');\n"
    )
    f = tmp_path / "dump.sql"
    f.write_text(sql, encoding="utf-8")
    docs = list(load_path(f))
    assert [d.source for d in docs] == [f"{f}#row=7", f"{f}#row=8"]
    assert docs[0].meta["title"] == "It's 'quoted'"
    assert docs[0].meta["date"] == "2018-01-02"
    assert docs[0].meta["doc_type"] == "notice"
    assert docs[0].text == "第一段仍是第一段\n第二段；含逗号, 和括号)"
    assert docs[1].text == "只有正文" and "issuers" not in docs[1].meta


def test_sql_truncated_statement(tmp_path: Path) -> None:
    f = tmp_path / "cut.sql"
    f.write_text("insert into t (id, content) values (1, '<p>未完", encoding="utf-8")
    with pytest.raises(CorruptFileError, match="cut.sql"):
        list(load_path(f))


# --- CSV ------------------------------------------------------------------------------------------------
def test_csv_work_reports_bundled(corpora: Path) -> None:
    files = sorted((corpora / "reports" / "gov-work-reports-2026").glob("*.csv"))
    assert len(files) == 3
    check_work_reports(files)


def test_csv_work_reports_all_31(shared: Path) -> None:
    files = sorted((shared / "corpora" / "reports" / "gov-work-reports-2026").glob("*.csv"))
    assert len(files) == 31
    check_work_reports(files)


def check_work_reports(files: list[Path]) -> None:
    regions = set()
    for f in files:
        doc = load_one(f)
        assert doc.fmt == "csv" and doc.source == f"{f}#row=1"
        assert "政府工作报告" in doc.meta["title"]
        assert doc.meta["year"] == 2026
        assert re.fullmatch(r"2026-\d{2}-\d{2}", doc.meta["date"])
        assert doc.meta["doc_type"] == "government_work_report"
        regions.add(doc.meta["region"])
        head = doc.text.split("\n")[:12]
        for chrome in ("下载", "打印", "全屏", "收藏", "【字号：", "加大", "还原", "减小", "】", "相关报道："):
            assert chrome not in head, (f.name, chrome)
        assert "各位代表" in doc.text
        assert not doc.text.rstrip().endswith("相关报道：")
    assert len(regions) == len(files)


def test_csv_without_text_column() -> None:
    # shared/corpora/reports/manifest.csv lists files, titles and dates: no column holds document text
    with pytest.raises(EmptyDocumentError, match="text_field"):
        list(load_path(DATA / "reports_manifest.csv"))


def test_csv_text_field_option(tmp_path: Path) -> None:
    f = tmp_path / "docs.csv"
    f.write_text("名称,正文,备注\n甲办法,第一条 甲。,x\n乙办法,第一条 乙。,y\n", encoding="utf-8-sig")
    docs = list(load_path(f))
    assert [d.text for d in docs] == ["第一条 甲。", "第一条 乙。"]
    assert [d.meta["title"] for d in docs] == ["甲办法", "乙办法"]
    assert [d.text for d in load_path(f, text_field="备注")] == ["x", "y"]
    with pytest.raises(QueryError):
        list(load_path(f, text_field="missing"))


# --- JSONL ----------------------------------------------------------------------------------------------
def test_stard_corpus_groups_records(shared: Path) -> None:
    path = shared / "bench" / "stard" / "corpus.jsonl"
    docs = list(load_path(path))  # its speed is measured in benchmarks, not asserted here
    assert sum(len(d.records or []) for d in docs) == 58_637
    assert len(docs) == 1339
    civil = [d for d in docs if d.meta["title"] == "民法典"]
    assert len(civil) == 1 and civil[0].records is not None
    rec = next(r for r in civil[0].records if r.label == "民法典第五十四条")
    assert isinstance(rec, RecordClause) and rec.article == "第五十四条"
    first = docs[0]
    assert first.records is not None
    assert first.text.split("\n")[0] == f"{first.records[0].article} {first.records[0].text}"
    assert first.meta["date"] == "1996-10-03" and first.meta["category_hint"] == "行政法规"


def test_jsonl_records_without_labels(tmp_path: Path) -> None:
    f = tmp_path / "notices.jsonl"
    rows = [
        {"title": "关于甲的通知", "text": "一、总体要求\n（一）指导思想。", "region": "广东省", "date": "2020/3/1"},
        {"title": "关于乙的通知", "body": "ignored", "text": "二、主要任务"},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    docs = list(load_path(f))
    assert [d.meta["title"] for d in docs] == ["关于甲的通知", "关于乙的通知"]
    assert docs[0].records is None and docs[0].text.startswith("一、总体要求")
    assert docs[0].meta["region"] == "广东省" and docs[0].meta["date"] == "2020-03-01"
    assert [d.source for d in docs] == [f"{f}#line=1", f"{f}#line=2"]


def test_jsonl_field_options(tmp_path: Path) -> None:
    f = tmp_path / "custom.jsonl"
    rows = [{"doc": "某条例", "art": "某条例第一条", "words": "为了……制定本条例。"}]
    f.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    (doc,) = load_path(f, text_field="words", label_field="art")
    assert doc.meta["title"] == "某条例"
    assert doc.records == [
        RecordClause(text="为了……制定本条例。", label="某条例第一条", article="第一条", meta={"line": 1})
    ]


def test_jsonl_name_without_article_is_a_title(tmp_path: Path) -> None:
    f = tmp_path / "named.jsonl"
    rows = [{"name": "某市优化营商环境办法", "content": "第一条 为了优化营商环境，制定本办法。"}]
    f.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    (doc,) = load_path(f)
    assert doc.records is None and doc.meta["title"] == "某市优化营商环境办法"
    assert doc.text == rows[0]["content"]


def test_jsonl_group_option_off(tmp_path: Path) -> None:
    f = tmp_path / "articles.jsonl"
    rows = [
        {"law": "甲法", "name": "甲法第一条", "content": "一。"},
        {"law": "甲法", "name": "甲法第二条", "content": "二。"},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    (grouped,) = load_path(f)
    assert grouped.text == "第一条 一。\n第二条 二。"
    assert [r.article for r in grouped.records or []] == ["第一条", "第二条"]
    assert len(list(load_path(f, group=False))) == 2


def test_jsonl_malformed_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "第一条 好。"}\n{"text": "第二条 坏。"\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        list(load_path(f))
    assert info.value.line == 2
    assert "bad.jsonl" in str(info.value) and "line 2" in str(info.value)


# --- iter_files -----------------------------------------------------------------------------------------
def test_iter_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ["b/z.md", "a.txt", "b/a.pdf", ".hidden.txt", ".git/x.md", "c.exe", "b/notes.jsonl"]:
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a.txt", "b/a.pdf", "b/notes.jsonl", "b/z.md"]
    # an explicit file comes through whatever its type (load_path then says it is unsupported); no duplicates
    explicit = list(iter_files([tmp_path / "c.exe", tmp_path / "a.txt", tmp_path]))
    assert explicit[0] == tmp_path / "c.exe" and len(explicit) == 5
    with pytest.raises(LoadError):
        list(iter_files([tmp_path / "missing"]))


def test_iter_files_real_corpora(corpora: Path) -> None:
    files = list(iter_files([corpora]))
    suffixes = {f.suffix for f in files}
    assert suffixes <= {".md", ".pdf", ".csv", ".txt", ".sql"}
    assert not any(part.startswith(".") for f in files for part in f.relative_to(corpora).parts)
    assert sum(f.suffix == ".pdf" for f in files) == 2  # corpora/pdf bundles two of the five law PDFs


# --- matching form --------------------------------------------------------------------------------------
def test_normalize_for_match() -> None:
    assert normalize_for_match("中华⼈⺠共和国 劳动合同法　第⼀条") == "中华人民共和国劳动合同法第一条"
    assert normalize_for_match("部⻔（一）：“甲”，乙。") == normalize_for_match('部门(一):"甲",乙.')
    assert normalize_for_match("ＡＢＣ１２３") == "ABC123"


def test_records_dataclass_contract() -> None:
    doc = RawDocument(source="x", text="t")
    assert doc.pages is None and doc.records is None and doc.meta == {} and doc.fmt == "txt"


def test_a_data_table_s_row_is_one_line_a_layout_cell_keeps_its_paragraphs() -> None:
    """A table of figures whose cells hold <p> (gov.cn's 扩大招生计划表): one line per row, cells tab-separated,
    so a row is one clause, not one clause per number; the page's layout cell (one cell a row, the whole notice
    in it) keeps a line per paragraph; a row that starts 一、 is not read as a heading."""
    from lawdocs.loaders.html import html_to_lines
    from lawdocs.parse import parse_raw

    page = (
        "<html><body><table><tr><td id='content'>"
        "<p>一、逐年扩招</p><p>各地要认真落实。</p><p>附：扩大招生计划表</p>"
        "<table><tr><td><p>省（市）</p></td><td><p>1996年</p></td><td><p>1997年</p></td></tr>"
        "<tr><td><p>江苏</p></td><td><p>100</p></td><td><p>120</p></td></tr>"
        "<tr><td><p>一、医疗质量</p></td><td><p>定量</p></td><td><p>指标来源：医院填报。</p></td></tr></table>"
        "</td></tr></table></body></html>"
    )
    lines, _ = html_to_lines(page, "plan.html")
    assert lines[:3] == ["一、逐年扩招", "各地要认真落实。", "附：扩大招生计划表"]
    assert lines[3:] == ["省（市）\t1996年\t1997年", "江苏\t100\t120", "一、医疗质量\t定量\t指标来源：医院填报。"]
    doc = parse_raw(RawDocument(source="plan.txt", text="\n".join(lines)))
    row = next(c for c in doc.clauses if c.text.startswith("一、医疗质量"))
    assert row.kind != "measure" and "一、医疗质量" not in " ".join(row.path)


def test_a_spacer_beside_the_page_s_text_makes_no_table() -> None:
    """An older government page: a narrow empty cell and a logo beside the cell holding the text. Its paragraphs
    stay lines of their own."""
    from lawdocs.loaders.html import html_to_lines

    page = ("<table><tr><td width=10></td><td><p>第一条 为了规范管理，制定本办法。</p><p>第二条 本办法适用于全省。</p>"
            "</td><td>&nbsp;</td></tr></table>")
    assert html_to_lines(page, "p.html")[0] == ["第一条 为了规范管理，制定本办法。", "第二条 本办法适用于全省。"]


def test_a_long_data_table_reads_each_cell_s_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a table is data is decided once per row and once per table: a 600-row table reads each cell's
    text once, not once per cell of the table (which made a 1,500-row table take half a minute)."""
    import lxml.html

    from lawdocs.loaders.html import html_to_lines

    reads = 0
    text_content = lxml.html.HtmlMixin.text_content

    def counted(self: object) -> str:
        nonlocal reads
        reads += 1
        return text_content(self)  # type: ignore[arg-type]

    monkeypatch.setattr(lxml.html.HtmlMixin, "text_content", counted)
    rows = "".join(f"<tr><td><p>江苏{i}</p></td><td><p>{i}</p></td></tr>" for i in range(600))
    lines, _ = html_to_lines(f"<table>{rows}</table>", "t.html")
    assert len(lines) == 600 and lines[1] == "江苏1\t1"
    assert reads <= 2 * 600 + 10, reads
