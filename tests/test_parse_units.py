"""parse_raw on small strings: article starts, numbering, measures, signature, long-clause splitting."""

from __future__ import annotations

import pytest

from lawdocs.errors import ParseError
from lawdocs.load import RawDocument, RecordClause
from lawdocs.parse import coverage_gaps, parse_raw
from lawdocs.parsing.laws import STRICT_ARTICLE_RE, article_start
from lawdocs.parsing.numerals import to_int
from lawdocs.parsing.split import split_offsets


def _md(body: str, title: str = "中华人民共和国测试法") -> RawDocument:
    return RawDocument(source="测试/测试法.md", text=f"# {title}\n\n{body}", fmt="md")


def _txt(text: str, source: str = "report.txt", **meta: object) -> RawDocument:
    return RawDocument(source=source, text=text, fmt="txt", meta=dict(meta))


def _articles(doc):  # type: ignore[no-untyped-def]
    return [c for c in doc.clauses if c.kind == "article"]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("十", 10), ("十一", 11), ("一百零五", 105), ("一千二百六十", 1260), ("两千", 2000),
     ("10", 10), ("１０", 10), ("二〇二一", 2021), ("一千", 1000)],
)  # fmt: skip
def test_numerals(numeral: str, value: int) -> None:
    assert to_int(numeral) == value


def test_cross_reference_line_is_not_an_article() -> None:
    doc = parse_raw(
        _md(
            "第十条 本法所称的单位，包括机关。\n\n"
            "第十条规定的单位，应当依法登记。\n\n"
            "第十条中的机关，是指国家机关。\n\n"
            "第十一条 本法自公布之日起施行。\n"
        )
    )
    arts = _articles(doc)
    assert [c.article for c in arts] == ["第十条", "第十一条"]
    assert "第十条规定的单位" in arts[0].text and "第十条中的机关" in arts[0].text
    assert coverage_gaps(doc) == []


def test_cross_reference_in_plain_text_even_without_space() -> None:
    text = "示范条例\n第一条为了规范管理，制定本条例。\n第二条规定的事项，由主管部门办理。\n第二条本条例自公布之日起施行。\n"
    doc = parse_raw(_txt(text, source="示范条例.txt"))
    assert [c.article for c in _articles(doc)] == ["第一条", "第二条"]
    assert "第二条规定的事项" in _articles(doc)[0].text


def test_article_suffix_and_big_numbers() -> None:
    doc = parse_raw(
        _md(
            "第十条 甲。\n\n第十条之一 乙。\n\n第一千二百六十条 丙。\n\n"
            "第10条 阿拉伯数字。\n\n第１１条 全角数字。\n\n第十二条\u3000全角空格。\n"
        )
    )
    arts = [c.article for c in _articles(doc)]
    assert arts == ["第十条", "第十条之一", "第一千二百六十条", "第10条", "第１１条", "第十二条"]
    assert _articles(doc)[1].label == "中华人民共和国测试法第十条之一"
    assert len(STRICT_ARTICLE_RE.findall(doc.body)) == len(arts)


def test_article_start_rule() -> None:
    assert article_start("第五条 文本", markdown=True, previous=4) is not None
    assert article_start("第五条规定的", markdown=True, previous=4) is None
    assert article_start("第五条文本", markdown=True, previous=4) is None  # Markdown: whitespace required
    assert article_start("第五条文本", markdown=False, previous=4) is not None  # PDF: numbering continues
    assert article_start("第五条文本", markdown=False, previous=9) is None
    assert article_start("第五条的规定", markdown=False, previous=4) is None
    assert article_start("　　第五条　文本", markdown=False, previous=None) is not None


def test_article_keeps_paragraphs_items_and_tables() -> None:
    doc = parse_raw(
        _md(
            "## 第一章 总则\n\n### 第一节 一般规定\n\n"
            "第一条 第一款。\n\n第二款：\n\n（一）第一项；\n\n（二）第二项。\n\n"
            "| 罪名 | 条文 |\n|---|---|\n| 甲 | 第一条 |\n\n"
            "## 第二章 附则\n\n第二条 施行。\n"
        )
    )
    arts = _articles(doc)
    assert len(arts) == 2
    assert "（二）第二项" in arts[0].text and "| 甲 | 第一条 |" in arts[0].text
    assert arts[0].path == ["第一章 总则", "第一节 一般规定"]
    assert arts[1].path == ["第二章 附则"]
    assert [h.level for h in doc.headings] == [0, 1, 2, 1]
    assert coverage_gaps(doc) == []


def test_lawrefbook_info_block_is_a_preamble_clause() -> None:
    raw = _md(
        "2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n2021年1月1日 施行\n\n<!-- INFO END -->\n\n第一条 为了。\n"
    )
    doc = parse_raw(raw)
    assert "INFO END" not in doc.body
    assert doc.clauses[0].kind == "preamble" and "2021年1月1日 施行" in doc.clauses[0].text
    assert doc.date == "2020-05-28" and doc.effective_date == "2021-01-01"
    assert doc.issuers == ["全国人民代表大会"]
    assert coverage_gaps(doc) == []


def test_document_without_articles_parses_to_paragraphs() -> None:
    doc = parse_raw(
        _md(
            "一、同意设立。\n\n二、本决定自公布之日起施行。\n",
            title="全国人民代表大会常务委员会关于某事的决定",
        )
    )
    assert not _articles(doc)
    assert len(doc.clauses) == 2
    assert coverage_gaps(doc) == []


def test_yishi_ershi_split_into_measures() -> None:
    text = (
        "某区2020年度法治政府建设年度报告\n\n"
        "一、主要成效\n\n"
        "1、提升效率,完善机制。积极推进改革。一是深化审批改革。二是清理中介服务;三是进驻大厅。\n\n"
        "四是推进便民化。\n\n"
        "2、推进数字政府。按照要求推进。\n"
    )
    doc = parse_raw(_txt(text))
    measures = [c for c in doc.clauses if c.kind == "measure"]
    assert [c.article for c in measures] == ["1、", "一是", "二是", "三是", "四是", "2、"]
    assert measures[0].text == "1、提升效率,完善机制。积极推进改革。"
    assert measures[2].text == "二是清理中介服务;"
    assert measures[1].path == ["一、主要成效", "1、提升效率,完善机制"]
    assert measures[4].path == ["一、主要成效", "1、提升效率,完善机制"]
    assert measures[5].path == ["一、主要成效"]
    assert all(c.role == "achievements" for c in measures)
    assert coverage_gaps(doc) == []


def test_word_containing_yishi_is_not_a_measure() -> None:
    doc = parse_raw(_txt("报告\n\n一、情况\n\n坚持统一是关键。唯一是目标。\n"))
    assert [c.kind for c in doc.clauses] == ["paragraph"]


@pytest.mark.parametrize("opening", ["（一）", "(一)"])
def test_fullwidth_and_ascii_parenthesised_headings(opening: str) -> None:
    text = f"报告\n\n一、主要工作\n\n{opening}坚持深化改革,全面提升效能\n\n我区以改革为抓手。\n\n二、存在问题\n\n不足。\n\n三、下一步工作打算\n\n(一)加强领导。自觉把党的建设摆在首位。\n"
    doc = parse_raw(_txt(text))
    heads = [(h.level, h.text, h.role) for h in doc.headings if h.level > 0]
    assert heads[1] == (2, f"{opening}坚持深化改革,全面提升效能", "achievements")
    assert heads[2] == (1, "二、存在问题", "problems")
    assert heads[3][2] == "plans"
    last = doc.clauses[-1]
    assert last.kind == "measure" and last.article == "(一)" and last.role == "plans"
    assert last.path == ["三、下一步工作打算"]


def test_signature_block_and_attachment() -> None:
    text = (
        "潮州市湘桥区关于2020年度法治政府建设的年度报告\n\n一、成效\n\n工作。\n\n"
        "中共潮州市湘桥区委\n\n潮州市湘桥区人民政府\n\n2021年 2 月4 日\n\n附件:\n"
    )
    doc = parse_raw(_txt(text))
    assert doc.issuers == ["中共潮州市湘桥区委", "潮州市湘桥区人民政府"]
    assert doc.date == "2021-02-04"
    assert doc.region == "潮州市湘桥区" and doc.year == 2020 and doc.doc_type == "rule_of_law_report"
    kinds = [c.kind for c in doc.clauses]
    assert kinds[-2:] == ["signature", "attachment"]
    assert coverage_gaps(doc) == []


def test_chinese_numeral_signature_date() -> None:
    doc = parse_raw(_txt("国务院关于某事的通知\n\n各省：\n\n现通知如下。\n\n国务院\n二〇一九年二月十五日\n"))
    assert doc.issuers == ["国务院"] and doc.date == "2019-02-15"


def test_long_clause_parts_tile_and_end_at_sentences() -> None:
    sentence = "行政机关应当依法履行职责并接受监督" * 3 + "。"  # 52 characters
    article = "第一条 " + "".join(sentence for _ in range(30)) + "\n\n" + "".join(sentence for _ in range(10))
    doc = parse_raw(_md(article + "\n\n第二条 短。\n"), max_chars=300)
    parts = [c for c in doc.clauses if c.article == "第一条"]
    assert len(parts) > 1
    assert [c.part for c in parts] == list(range(1, len(parts) + 1))
    assert "".join(c.text for c in parts) == doc.body[parts[0].span[0] : parts[-1].span[1]]
    for a, b in zip(parts, parts[1:], strict=False):
        assert a.span[1] == b.span[0]
        assert a.text.rstrip().endswith("。")
    assert all(len(c.text) <= 300 for c in parts)
    assert all(c.label == "中华人民共和国测试法第一条" for c in parts)
    second = [c for c in doc.clauses if c.article == "第二条"]
    assert len(second) == 1 and second[0].part is None
    assert coverage_gaps(doc) == []


def test_split_never_cuts_inside_a_sentence() -> None:
    text = "甲" * 500 + "。" + "乙" * 10
    assert split_offsets(text, 100) == [(0, 501), (501, 511)]


def test_records_one_clause_each() -> None:
    recs = [
        RecordClause(text="为了。", label="某法第一条", article="第一条"),
        RecordClause(text="适用。", label="某法第二条"),
    ]
    raw = RawDocument(
        source="c.jsonl",
        text="第一条 为了。\n第二条 适用。",
        records=recs,
        fmt="jsonl",
        meta={"title": "某法"},
    )
    doc = parse_raw(raw)
    assert [c.label for c in doc.clauses] == ["某法第一条", "某法第二条"]
    assert [c.text for c in doc.clauses] == ["为了。", "适用。"]
    assert coverage_gaps(doc) == []


def test_ids_are_stable_and_content_based() -> None:
    a = parse_raw(_md("第一条 甲。\n"))
    b = parse_raw(
        RawDocument(source="elsewhere/copy.md", text="# 中华人民共和国测试法\n\n第一条 甲。\n", fmt="md")
    )
    assert a.id == b.id and len(a.id) == 16
    assert a.clauses[0].id == f"{a.id}:00000"


def test_metadata_rules() -> None:
    doc = parse_raw(
        _txt(
            "国务院办公厅关于全面推行行政执法公示制度的指导意见\n\n国办发〔2018〕118号\n\n各省：\n\n一、总体要求\n\n内容。\n"
        )
    )
    assert doc.number == "国办发〔2018〕118号" and doc.doc_type == "notice" and doc.region is None
    gov = parse_raw(_txt("2026年政府工作报告\n\n各位代表：\n", issuers="云南省人民政府"))
    assert gov.doc_type == "government_work_report" and gov.region == "云南省" and gov.year == 2026


def test_bad_option_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_raw(_txt("x"), max_chars=1)


def test_notice_with_attachment_list_before_and_attached_text_after_the_signature() -> None:
    text = (
        "国务院办公厅关于印发某方案的通知\n国办发〔2019〕1号\n各省、自治区、直辖市人民政府：\n"
        "现将《某方案》印发给你们，请认真贯彻执行。\n附件：某方案\n国务院办公厅\n2019年1月8日\n（此件公开发布）\n"
        "附件\n某方案\n一、总体要求\n（一）指导思想。坚持改革。\n做好工作。\n"
    )
    doc = parse_raw(_txt(text, title="国务院办公厅关于印发某方案的通知"))
    assert doc.issuers == ["国务院办公厅"] and doc.date == "2019-01-08" and doc.number == "国办发〔2019〕1号"
    kinds = [(c.kind, c.text) for c in doc.clauses]
    assert ("attachment", "附件：某方案") in kinds
    assert ("signature", "国务院办公厅\n2019年1月8日\n（此件公开发布）") in kinds
    # the line after a bare 附件 line names the attachment: it is kept with it and heads what follows
    assert ("attachment", "附件\n某方案") in kinds
    measure = next(c for c in doc.clauses if c.kind == "measure")
    assert measure.path == ["附件 某方案", "一、总体要求"]
    assert doc.clauses[-1].kind == "attachment" and doc.clauses[-1].path[-1] == "（一）指导思想"
    assert coverage_gaps(doc) == []


def test_a_bare_attachment_line_takes_the_short_line_after_it_as_its_name_and_nothing_else() -> None:
    body = "一、总体要求\n做好工作。\n" * 3
    named = parse_raw(_txt(body + "附件1\n2026年省十件民生实事\n一、提高低保标准。\n标准提高到每月800元。\n"))
    measure = next(c for c in named.clauses if "低保" in c.text)
    assert measure.path[0] == "附件1 2026年省十件民生实事"
    assert coverage_gaps(named) == []
    # a sentence or a numbered line after 附件 is the attachment's text, not its name
    for after in ("坚持民生为大，办好实事。", "一、提高低保标准。"):
        doc = parse_raw(_txt(body + f"附件1\n{after}\n标准提高到每月800元。\n"))
        assert all(p == "附件1" for c in doc.clauses for p in c.path[:1] if p.startswith("附件"))
        assert any(c.text == after or c.text.startswith(after) for c in doc.clauses)
        assert coverage_gaps(doc) == []
