"""Reports on the real corpora: the founding report, the provincial 政府工作报告 (CSV: 3 bundled, all 31 in
shared/, a `collections` test), 60 State Council documents (SQL)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lawdocs.load import RawDocument
from lawdocs.models import Document
from lawdocs.parse import coverage_gaps, parse_file, parse_raw

SEED = "corpora/reports/seed/潮州市湘桥区2020年度法治政府建设年度报告.txt"
PART_ONE = "一、2020年度主要工作成效"
SECTION_ONE = "(一)坚持深化改革,全面提升政府依法履职效能"


@pytest.fixture(scope="module")
def seed(corpora: Path) -> Document:
    docs = parse_file(corpora.parent / SEED)
    assert len(docs) == 1
    return docs[0]


def test_founding_report_metadata(seed: Document) -> None:
    assert seed.title == "潮州市湘桥区关于2020年度法治政府建设的年度报告"
    assert seed.doc_type == "rule_of_law_report"
    assert seed.issuers == ["中共潮州市湘桥区委", "潮州市湘桥区人民政府"]
    assert seed.date == "2021-02-04"
    assert seed.year == 2020
    assert seed.region == "潮州市湘桥区"
    assert coverage_gaps(seed) == []


def test_founding_report_from_plain_read_matches_loader(corpora: Path, seed: Document) -> None:
    path = corpora.parent / SEED
    doc = parse_raw(RawDocument(source=str(path), text=path.read_text(encoding="utf-8"), fmt="txt"))
    assert (doc.title, doc.issuers, doc.date, doc.year, doc.region) == (
        seed.title, seed.issuers, seed.date, seed.year, seed.region
    )  # fmt: skip
    assert [c.text for c in doc.clauses] == [c.text for c in seed.clauses]
    assert coverage_gaps(doc) == []


def test_founding_report_page_chrome_is_not_a_clause(seed: Document) -> None:
    assert "稿件作者" not in seed.body and "浏览字体" not in seed.body
    assert not any("浏览量" in c.text for c in seed.clauses)
    assert seed.clauses[0].kind == "preamble" and seed.clauses[0].text.startswith("2020年,我区")


def test_founding_report_parts_and_sections(seed: Document) -> None:
    top = [h for h in seed.headings if h.level == 1]
    assert [h.text for h in top] == [PART_ONE, "二、存在问题", "三、下一步工作打算"]
    assert [h.role for h in top] == ["achievements", "problems", "plans"]
    sections = [h.text for h in seed.headings if h.level == 2]
    assert len(sections) == 8
    assert [s[:3] for s in sections] == [f"({n})" for n in "一二三四五六七八"]
    assert sections[0] == SECTION_ONE
    # the plans part numbers its measures (一)…(十一) in running text: clauses, not headings
    plans = [c for c in seed.clauses if c.role == "plans" and c.kind == "measure"]
    assert [c.article for c in plans][:2] == ["(一)", "(二)"] and len(plans) == 11
    assert all(c.path == ["三、下一步工作打算"] for c in plans)
    problems = [c for c in seed.clauses if c.role == "problems"]
    assert len(problems) == 1 and problems[0].text.startswith("尽管我区法治建设工作")


def test_founding_report_yishi_measures(seed: Document) -> None:
    ordinals = [c for c in seed.clauses if c.kind == "measure" and (c.article or "").endswith("是")]
    # every 一是/二是… at a paragraph start or after a sentence end in the text is its own clause
    expected = re.findall(r"(?:^|(?<=[。；;：:\s]))[一二三四五六七八九十]是", seed.body, re.M)
    assert len(ordinals) == len(expected) == 24
    for c in ordinals:
        assert c.text.startswith(c.article or "")
    first = next(c for c in ordinals if c.text.startswith("一是深化行政审批制度改革。"))
    assert first.path == [PART_ONE, SECTION_ONE, "1、提升效率,完善行政审批运行管理机制"]
    assert first.article == "一是" and first.role == "achievements"
    second = next(c for c in ordinals if c.text.startswith("二是扎实推进“互联网+监管”工作"))
    assert second.path[-1] == "2、推进“数字政府”改革,加强政务服务标准化建设"
    fourth = next(c for c in ordinals if c.text.startswith("四是为优化乡镇街道党政机构设置"))
    assert fourth.path[-1] == "6、充分运用法治思维,推进乡镇街道综合行政执法改革工作"
    # the numbered measure itself keeps its lead sentence(s) and sits under the section
    lead = next(c for c in seed.clauses if c.article == "1、" and c.path == [PART_ONE, SECTION_ONE])
    assert lead.kind == "measure"
    assert lead.text.startswith("1、提升效率") and "一是" not in lead.text


def test_founding_report_signature_and_attachment(seed: Document) -> None:
    sig = [c for c in seed.clauses if c.kind == "signature"]
    assert len(sig) == 1 and "中共潮州市湘桥区委" in sig[0].text and sig[0].text.endswith("4 日")
    assert seed.clauses[-1].kind == "attachment" and seed.clauses[-1].text.startswith("附件")


def work_reports(root: Path) -> list[Document]:
    files = sorted((root / "reports/gov-work-reports-2026").glob("*.csv"))
    return [d for f in files for d in parse_file(f)]


def test_bundled_provincial_work_reports(corpora: Path) -> None:
    reports = work_reports(corpora)
    assert len(reports) == 3
    check_work_reports(reports)
    assert all(any(c.role == "plans" for c in d.clauses) for d in reports)
    assert all(any(c.role == "achievements" for c in d.clauses) for d in reports)
    assert all(any(c.role == "problems" for c in d.clauses) for d in reports)  # 我们也清醒认识到…


def test_provincial_work_reports(shared: Path) -> None:
    gov_reports = work_reports(shared / "corpora")
    assert len(gov_reports) == 31
    check_work_reports(gov_reports)
    # sections on plans / the past year are recognised in (nearly) all: 福建 titles its parts poetically
    with_plans = [d.title for d in gov_reports if any(c.role == "plans" for c in d.clauses)]
    with_review = [d.title for d in gov_reports if any(c.role == "achievements" for c in d.clauses)]
    assert len(with_plans) >= 29 and len(with_review) >= 29


def check_work_reports(gov_reports: list[Document]) -> None:
    regions = set()
    for doc in gov_reports:
        assert "政府工作报告" in doc.title, doc.source
        assert doc.doc_type == "government_work_report"
        assert doc.year == 2026
        assert doc.region, doc.title
        regions.add(doc.region)
        tops = [h for h in doc.headings if h.level == 1]
        assert len(tops) >= 2, (doc.title, [h.text for h in doc.headings])
        assert coverage_gaps(doc) == [], doc.title
    assert len(regions) == len(gov_reports)


@pytest.fixture(scope="module")
def state_council(corpora: Path) -> list[Document]:
    return parse_file(corpora / "reports/state-council-2018-2019/ge_policy_raw20190217.sql")


def test_state_council_documents(state_council: list[Document]) -> None:
    assert len(state_council) == 60
    for doc in state_council:
        assert doc.title and doc.title != "ge_policy_raw20190217"
        assert doc.headings, doc.title
        assert doc.clauses, doc.title
        assert doc.number, doc.title
        assert coverage_gaps(doc) == [], doc.title
    notices = [d for d in state_council if d.doc_type == "notice"]
    assert len(notices) >= 55


def test_guobanfa_2018_118(state_council: list[Document]) -> None:
    hits = [d for d in state_council if d.number == "国办发〔2018〕118号"]
    assert len(hits) == 1
    doc = hits[0]
    assert "行政执法公示制度" in doc.title and doc.doc_type == "notice"
    assert doc.issuers == ["国务院办公厅"] and doc.date and doc.date.startswith("2018-")
    assert len([h for h in doc.headings if h.level == 1]) >= 4
    assert any(c.kind == "signature" for c in doc.clauses)


def test_a_plan_numbered_1_1_1_keeps_its_chapters(state_council: list[Document]) -> None:
    """国家粮食应急预案 numbers its chapters 1 / 1.1 / 1.1.1: "4.2.3　省级…通知后…" is a measure of 4.2 under 4, and
    its （1）（2）（3） items are under it, not under the item before."""
    plan = next(d for d in state_council if "粮食应急预案" in d.title)
    item = next(c for c in plan.clauses if c.text.startswith("（1）进入国家级应急状态后"))
    assert item.path[0] == "4\u3000应急响应" and item.path[1].startswith("4.2\u3000国家级")
    assert item.path[2].startswith("4.2.3 省级粮食应急工作指挥部接到")
    opening = next(c for c in plan.clauses if c.text.startswith("4.2.3"))
    assert opening.kind == "measure" and opening.article == "4.2.3" and opening.path == item.path[:2]
    assert coverage_gaps(plan) == []
    body = "1\u3000总则\n1.1\u3000目的\n为了做好工作，制定本预案。\n2\u3000组织\n2.1\u3000指挥部由10 个部门组成。"
    doc = parse_raw(RawDocument(source="plan.txt", text=body))
    assert [c.path for c in doc.clauses] == [["1\u3000总则", "1.1\u3000目的"], ["2\u3000组织"]]


def test_a_decimal_at_a_line_s_start_is_a_quantity_not_a_chapter() -> None:
    """3.5 亿元…, 1.5亿元…, 12 月份…, 5 个县…: quantities; 1　总则 and 4.2.3　省级… are chapters."""
    from lawdocs.parsing.reports import marker_of

    for line in ("1.5亿元资金已下达。", "3.5 亿元用于建设。", "2.0版本上线", "12 月份完成验收", "5 个县完成摘帽", "2 项目建设"):
        assert marker_of(line) is None, line
    assert marker_of("1\u3000总则") is not None and marker_of("4.2.3\u3000省级指挥部要立即落实。") is not None
    body = "一、主要工作\n1.5亿元资金已下达。\n3.5 亿元用于建设。\n各地加快进度。"
    doc = parse_raw(RawDocument(source="r.txt", text=body))
    assert all(c.path == ["一、主要工作"] for c in doc.clauses), [c.path for c in doc.clauses]


def roles_of(body: str, width: int) -> dict[str, str | None]:
    """The role of each clause `body` parses into, by its first `width` characters."""
    return {c.text[:width]: c.role for c in parse_raw(RawDocument(source="r.txt", text=body)).clauses}


def test_a_paragraph_admitting_problems_inside_the_review_is_a_problems_clause() -> None:
    """A provincial work report states its problems inside its review (我们也清醒认识到…), with no 存在问题 section:
    that paragraph, and the 一是… pieces it splits into, are "problems"; a paragraph that only mentions 看到 late,
    or one in the plans, keeps its section's role."""
    body = (
        "2026年某省政府工作报告\n"
        "一、2025年工作回顾\n"
        "过去一年，全省经济稳中向好，地区生产总值增长5%。\n"
        "在肯定成绩的同时，我们也清醒认识到，发展中还存在不少困难和问题。一是有效需求不足；二是创新能力不强。\n"
        "全省上下团结奋斗。但也要看到差距，继续加油干。\n"
        "二、2026年工作安排\n"
        "我们也清醒认识到任务艰巨，要加快建设现代化产业体系。\n"
    )
    roles = roles_of(body, 9)
    assert roles["在肯定成绩的同时，"] == "problems"
    assert roles["一是有效需求不足；"] == "problems" and roles["二是创新能力不强。"] == "problems"
    assert roles["过去一年，全省经济"] == "achievements"
    assert roles["全省上下团结奋斗。"] == "achievements"  # 但也要看到 after its first sentence
    assert roles["我们也清醒认识到任"] == "plans"


def test_a_heading_that_remedies_a_weak_spot_is_not_a_problems_heading() -> None:
    """（七）加快补齐全程机械化生产短板 is a measure: 短板 after 补 names what it mends, not a problem it states; a
    heading that states 短板 (存在的短板和不足) still makes its section "problems"."""
    body = (
        "国务院关于推进某产业的指导意见\n"
        "三、着力推进全程机械化\n"
        "（七）加快补齐全程机械化生产短板。聚焦薄弱环节，加大试验示范力度。\n"
        "（八）补短板、强弱项。提升服务能力。\n"
        "四、存在的短板和不足\n"
        "基层力量仍然薄弱。\n"
    )
    roles = roles_of(body, 6)
    assert roles["（七）加快补"] != "problems" and roles["（八）补短板"] != "problems", roles
    assert roles["基层力量仍然"] == "problems", roles
    from lawdocs.parsing.reports import role_of

    assert role_of("（三）农业补贴政策存在短板") == "problems"  # 补贴 mends nothing


def test_provincial_work_reports_state_their_problems(shared: Path) -> None:
    """Nearly every provincial report admits its problems inside its review; those paragraphs are found (辽宁's
    admission is inside a longer paragraph, 内蒙古, 江苏 and 河北 have none)."""
    reports = work_reports(shared / "corpora")
    with_problems = [d.title for d in reports if any(c.role == "problems" for c in d.clauses)]
    assert len(with_problems) >= 27, sorted({d.title for d in reports} - set(with_problems))
