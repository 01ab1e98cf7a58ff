"""Answers: question kinds, the relevance cut-off, grouping, figures, metadata, the CLI `ask` (founding report)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdocs.answer import Answer, ask, lead_phrase
from lawdocs.answering.question import analyse, detect_kind
from lawdocs.cli import app
from lawdocs.embed import HashEmbedder
from lawdocs.errors import QueryError
from lawdocs.index import Index
from lawdocs.models import Clause, Document

REPORT = Path(__file__).resolve().parents[1] / "corpora/reports/seed/潮州市湘桥区2020年度法治政府建设年度报告.txt"
DEV = Path(__file__).resolve().parent / "data/reports/seed_dev.jsonl"  # shared/bench/reports/seed_dev.jsonl


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def report_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    folder = tmp_path_factory.mktemp("answer") / "ix"
    ix = Index.create(folder, embedder=HashEmbedder())
    report = ix.add(REPORT)
    assert not report.failed, report.failed
    ix.save()
    return ix


def report_chars() -> int:
    return len(norm(REPORT.read_text(encoding="utf-8")))


# -- reading the question ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("哪些措施涉及行政执法？", "measures"),
        ("如何推进数字政府建设？", "measures"),
        ("2020年审核发布了多少件规范性文件？", "figure"),
        ("全区配备了几名专职人民调解员", "figure"),
        ("法治政府建设存在哪些问题？", "problems"),
        ("还有哪些不足", "problems"),
        ("下一步有什么工作打算？", "plans"),
        ("这份报告是哪个机关发布的？", "metadata"),
        ("报告是什么时候印发的", "metadata"),
        ("文号是多少", "metadata"),
        ("劳动合同法第十九条规定了什么", "law"),
        ("法律对试用期是怎么规定的", "law"),
        ("南极企鹅的繁殖季节是什么时候？", "other"),
        # a figure word that tells the circumstances before a yes-or-no question does not ask for a quantity
        ("我欠了几个月房租，房东就把门锁换了，这样做合法吗？", "other"),
        ("借给别人的钱，过了多少年就要不回来了吗", "figure"),
    ],
)
def test_kind_comes_from_general_wording_rules(question: str, kind: str) -> None:
    assert detect_kind(question)[0] == kind


def test_content_terms_drop_framing_and_keep_parts() -> None:
    q = analyse("哪些措施涉及行政执法？")
    assert [t.text for t in q.terms] == ["行政执法"]
    assert "执法" in q.terms[0].parts and "行政" not in q.terms[0].parts  # the head, not the modifier
    assert [t.text for t in analyse("粤康码是怎么推广的？").terms] == [
        "粤康码",
        "推广",
    ]  # single characters joined
    fig = analyse("2020年审核发布了多少件规范性文件？")
    assert fig.years == [2020] and fig.measure_word == "件"
    assert "多少" not in [t.text for t in fig.terms] and "规范性文件" in [t.text for t in fig.terms]
    assert analyse("报告是什么时候印发的").meta_fields == ["date"]


def test_lead_phrase_strips_numbering_and_stops_at_the_first_sentence() -> None:
    assert lead_phrase("一是深化行政审批制度改革。通过梳理") == "深化行政审批制度改革"
    assert lead_phrase("1、全面推行行政执法“三项制度”。启用") == "全面推行行政执法“三项制度”"
    assert lead_phrase("4.2.3　省级指挥部接到通知后，要立即落实应急措施。（1）") == "省级指挥部接到通知后，要立即落实应急措施"
    from lawdocs.citation import cite

    cited = cite("预案", ["4　应急响应", "4.2　国家级"], "4.2.3", "4.2.3　省级指挥部接到通知后，要立即落实。")
    assert cited == "预案 › 4 应急响应 › 4.2 国家级 › 4.2.3 省级指挥部接到通知后，要立即落实"
    assert lead_phrase("(十一)推进综合行政执法体制改革进程,规范行政执法行为。积极").startswith(
        "推进综合行政执法"
    )


# -- the done-when: every enforcement measure, grouped and cited, nothing else -------------------
def test_cli_ask_json_cites_every_enforcement_measure(report_index: Index) -> None:
    result = CliRunner().invoke(
        app, ["ask", "哪些措施涉及行政执法？", "--index", str(report_index.folder), "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["answered"] and answer["kind"] == "measures"
    cited = [c for g in answer["groups"] for s in g["sections"] for c in s["clauses"]]
    for c in cited:
        assert {"text", "label", "path", "citation", "highlights"} <= set(c)
        assert c["highlights"], c["text"][:30]  # every cited clause shows the matched term
    by_text = {norm(c["text"]): c for c in cited}

    def find(key: str) -> dict:
        hits = [c for t, c in by_text.items() if norm(key) in t]
        assert hits, f"not cited: {key}"
        return hits[0]

    three = find("全面推行行政执法“三项制度”")  # 公示 / 全过程记录 / 重大执法决定法制审核
    assert any("规范执法程序" in p for p in three["path"])
    staff = find("健全行政执法人员管理制度")  # 持证上岗、亮证执法, 执法证件
    assert any("规范执法程序" in p for p in staff["path"])
    towns = [c for c in cited if any("乡镇街道综合行政执法改革" in p for p in c["path"])]
    assert {c["article"] for c in towns} >= {"一是", "二是", "三是", "四是"}  # the 镇街 reform measures
    # grouped under their sections, in document order
    sections = [s["title"] for s in answer["groups"][0]["sections"]]
    assert len(sections) == len(set(sections)) >= 3
    # nothing that does not belong: criminal prosecution and the 存在问题 paragraph stay out
    assert not any("依法打击各类刑事犯罪" in c["text"] for c in cited)
    assert not any(c["role"] == "problems" for c in cited)
    assert sum(len(norm(c["text"])) for c in cited) < 0.30 * report_chars()


def test_cli_ask_prints_a_readable_tree(report_index: Index) -> None:
    result = CliRunner().invoke(app, ["ask", "哪些措施涉及行政执法？", "--index", str(report_index.folder)])
    assert result.exit_code == 0, result.output
    assert "潮州市湘桥区" in result.stdout and "三项制度" in result.stdout and "summary" in result.stdout


def test_cli_ask_names_where_to_look_when_it_cannot_answer(report_index: Index) -> None:
    result = CliRunner().invoke(app, ["ask", "南极企鹅的繁殖季节是什么时候？", "--index", str(report_index.folder)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "not answered" in out and "where to look" in out and "not confirmed" in out
    lead = ask(report_index, "南极企鹅的繁殖季节是什么时候？").leads[0]
    assert lead.clause_id in out.replace("│", "")


def test_cli_ask_reports_errors_with_exit_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ask", "行政执法", "--index", str(tmp_path / "missing")])
    assert result.exit_code == 1


# -- figures, metadata, problems, plans ----------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "value", "clause_key"),
    [
        ("2020年审核发布了多少件规范性文件？", "5件", "审核发布的规范性文件共5件"),
        ("2020年度办理了多少件建议提案？", "51件", "办理的市建议提案51件"),
        ("年度学法考试的优秀率是多少？", "97.39%", "优秀率97.39%"),
        ("为基层司法所配备了多少名专职人民调解员？", "26名", "配备26名专职人民调解员"),
    ],
)
def test_figure_questions_return_the_figure_and_its_clause(
    report_index: Index, question: str, value: str, clause_key: str
) -> None:
    answer = ask(report_index, question)
    assert answer.answered and answer.kind == "figure"
    assert answer.figure is not None and answer.figure.value.endswith(value)
    figure_clause = report_index.get_clause(answer.figure.clause_id)
    assert norm(clause_key) in norm(figure_clause.text)
    assert answer.figure.clause_id in {c.clause_id for c in answer.cited}
    assert value in answer.summary


def test_metadata_questions_are_answered_from_document_metadata(report_index: Index) -> None:
    who = ask(report_index, "这份报告是哪个机关发布的？")
    assert who.answered and who.kind == "metadata" and who.asked == ["issuers"]
    assert "中共潮州市湘桥区委" in who.summary and "潮州市湘桥区人民政府" in who.summary
    when = ask(report_index, "报告是什么时候印发的？")
    assert when.answered and "2021-02-04" in when.summary
    number = ask(report_index, "这份报告的文号是什么？")
    assert not number.answered and "文号" in (number.reason or "")


def test_problems_and_plans_questions_read_their_own_sections(report_index: Index) -> None:
    problems = ask(report_index, "法治政府建设存在哪些问题？")
    assert problems.answered and problems.cited
    assert all(c.role == "problems" for c in problems.cited)
    plans = ask(report_index, "下一步如何加强法制队伍建设？")
    assert plans.answered and all(c.role == "plans" for c in plans.cited)
    assert any("完善法制队伍建设" in c.text for c in plans.cited)


@pytest.mark.parametrize(
    "question", ["南极企鹅的繁殖季节是什么时候？", "火星探测器的发射计划", "量子计算机的研发进展"]
)
def test_unanswerable_questions_come_back_unanswered(report_index: Index, question: str) -> None:
    answer = ask(report_index, question)
    assert not answer.answered and answer.reason and not answer.groups and not answer.summary


def test_dev_questions_cite_their_gold_clause_and_little_else(report_index: Index) -> None:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    total = report_chars()
    for row in rows:
        answer = ask(report_index, row["query"])
        assert answer.answered, row
        texts = [norm(c.text) for c in answer.cited]
        assert any(norm(key) in t for key in row["gold_keys"] for t in texts), row["query"]
        assert sum(map(len, texts)) < 0.15 * total, row["query"]


def test_highlights_point_at_the_matched_terms(report_index: Index) -> None:
    answer = ask(report_index, "哪些措施涉及行政执法？")
    for c in answer.cited:
        for h in c.highlights:
            assert norm(c.text[h.start : h.end]) == h.term


def test_filters_and_input_limits(report_index: Index) -> None:
    assert not ask(report_index, "行政执法", filters=["region=上海"]).answered
    assert ask(report_index, "行政执法", filters={"region": "潮州"}).answered
    with pytest.raises(QueryError):
        ask(report_index, "  ")
    with pytest.raises(QueryError):
        ask(report_index, "执法" * 300)
    with pytest.raises(QueryError):
        ask(report_index, "行政执法", filters=["colour=red"])


def test_generator_hook_writes_prose_over_the_cited_clauses(report_index: Index) -> None:
    seen: list[tuple[str, int]] = []

    def generator(question: str, cited: list) -> str:
        seen.append((question, len(cited)))
        return f"{len(cited)} measures"

    answer = ask(report_index, "哪些措施涉及行政执法？", generator=generator)
    assert answer.prose == f"{len(answer.cited)} measures" and seen == [
        ("哪些措施涉及行政执法？", len(answer.cited))
    ]
    assert ask(report_index, "南极企鹅的繁殖季节是什么时候？", generator=generator).prose is None
    assert len(seen) == 1


# -- many documents: grouped by document and region; laws by article -----------------------------
def make_doc(
    title: str,
    texts: list[str],
    *,
    region: str | None,
    doc_type: str = "government_work_report",
    articles: list[str] | None = None,
) -> Document:
    body = "\n".join(texts)
    digest = hashlib.sha256(body.encode()).hexdigest()
    doc_id = digest[:16]
    clauses, pos = [], 0
    for i, text in enumerate(texts):
        article = articles[i] if articles else None
        clauses.append(
            Clause(
                id=f"{doc_id}:{i:05d}",
                doc_id=doc_id,
                kind="article" if articles else "paragraph",
                text=text,
                path=["一、工作回顾"] if not articles else ["第一章 总则"],
                article=article,
                label=f"{title}{article}" if article else None,
                span=(pos, pos + len(text)),
            )
        )
        pos += len(text) + 1
    return Document(
        id=doc_id,
        title=title,
        doc_type=doc_type,
        region=region,
        year=2025,  # type: ignore[arg-type]
        source=f"mem/{doc_id}",
        content_hash=digest,
        body=body,
        clauses=clauses,
    )


def test_questions_across_documents_group_by_document_and_region(tmp_path: Path) -> None:
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents(
        [
            make_doc(
                "2025年山东省政府工作报告",
                ["全面落实行政执法三项制度，规范涉企行政检查。", "推进乡村振兴，建设宜居和美乡村。"],
                region="山东省",
            ),
            make_doc(
                "2025年四川省政府工作报告",
                ["严格落实行政执法“三项制度”，推行柔性执法。", "加快建设现代化产业体系。"],
                region="四川省",
            ),
            make_doc(
                "2025年海南省政府工作报告",
                ["建设海南自由贸易港，扩大制度型开放。", "发展海洋经济。"],
                region="海南省",
            ),
            make_doc(
                "中华人民共和国劳动合同法",
                [
                    "用人单位自用工之日起即与劳动者建立劳动关系。",
                    "劳动合同期限三个月以上不满一年的，试用期不得超过一个月。",
                ],
                region=None,
                doc_type="law",
                articles=["第七条", "第十九条"],
            ),
        ]
    )
    answer = ask(ix, "哪些省份提到了行政执法三项制度？")
    assert answer.answered
    assert {r.region for r in answer.regions} == {"山东省", "四川省"}
    assert all(len(g.sections) == 1 for g in answer.groups)
    assert not any("海南" in g.doc.title for g in answer.groups)
    law = ask(ix, "劳动合同法第十九条规定了什么？")
    assert law.kind == "law" and [c.article for c in law.cited] == ["第十九条"]
    assert law.cited[0].citation.endswith("第十九条")


def test_empty_index_is_unanswered(tmp_path: Path) -> None:
    answer = ask(Index.create(tmp_path / "empty", embedder=HashEmbedder()), "行政执法")
    assert isinstance(answer, Answer) and not answer.answered


# -- the real default model ------------------------------------------------------------------------
@pytest.mark.slow
def test_enforcement_answer_with_the_default_model(tmp_path: Path) -> None:
    from lawdocs.embed import load_embedder

    ix = Index.create(tmp_path / "real", embedder=load_embedder())
    ix.add(REPORT)
    answer = ask(ix, "哪些措施涉及行政执法？")
    texts = [norm(c.text) for c in answer.cited]
    for key in (
        "全面推行行政执法“三项制度”",
        "健全行政执法人员管理制度",
        "立足镇街无编无人",
        "乡镇街道综合执法业务培训",
    ):
        assert any(norm(key) in t for t in texts), key
    assert sum(map(len, texts)) < 0.30 * report_chars()
    assert not ask(ix, "南极企鹅的繁殖季节是什么时候？").answered
    figure = ask(ix, "2020年审核发布了多少件规范性文件？").figure
    assert figure is not None and figure.value.endswith("5件")
