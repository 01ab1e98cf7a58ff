"""A plan's listed topics each answered by a clause of their own, figures with what they are of and the case they
are for, and a report's delivery line for a question about when and where it was delivered."""

from __future__ import annotations

from pathlib import Path

from lawdocs.answer import ask
from lawdocs.answering.anchors import topics_answered, untitled
from lawdocs.answering.figures import figures_in
from lawdocs.answering.question import analyse, detect_kind
from lawdocs.embed import HashEmbedder
from lawdocs.filters import parse_filters
from lawdocs.index import Index
from test_answer_collection import make_doc, make_law

PLAN = "国务院办公厅关于印发国家粮食应急预案的函"
SECTIONS = [
    "中央和地方各级政府要增加投入，加强粮食加工、供应和储运等应急设施的建设、维修和改造。",
    "有关部门要向指挥部办公室提供准确有效的通信联络方式，并及时更新，保证通信畅通。",
    "各级粮食行政管理部门要加强对应急工作人员的培训，结合日常工作进行演练。",
    "应急工作结束后，要及时对应急处理的效果进行评估、总结，并提出改进意见。",
    "粮食市场价格出现大幅波动时，由指挥部决定启动应急响应。",
    "中央储备粮的动用由国务院批准。",
]
QUESTION = "国家粮食应急预案在应急设施建设、通信联络、培训演练和评估总结方面有哪些保障安排？"


def _plan(tmp_path: Path, doc_type: str = "notice") -> tuple[Index, list[int]]:
    doc = make_doc(PLAN, SECTIONS, region=None, doc_type=doc_type) if doc_type != "law" else make_law(PLAN, SECTIONS)
    ix = Index.create(tmp_path / doc_type, embedder=HashEmbedder())
    ix.add_documents([doc])
    return ix, list(ix.doc_rows[doc.id])


def test_each_topic_a_measures_question_lists_gets_the_clause_that_states_it(tmp_path: Path) -> None:
    """The cut-off kept the clause of one topic (培训演练); the clauses of the others, each the only one of the plan
    stating its words (设施; 通信联络 as written; 评估), are cited beside it, and nothing else of the plan."""
    ix, rows = _plan(tmp_path)
    q = analyse(QUESTION)
    mask = ix.rows_matching(parse_filters(None))
    found = [r for r, _, _ in topics_answered(ix, q, [(rows[2], 0.7, [])], mask)]
    assert found[0] == rows[2] and sorted(found) == rows[:4], found
    # a statute's article answers several topics in its paragraphs: the rule leaves its answers alone
    law, law_rows = _plan(tmp_path, "law")
    assert [r for r, _, _ in topics_answered(law, q, [(law_rows[2], 0.7, [])], mask)] == [law_rows[2]]


def test_the_topics_of_a_named_plan_are_answered_when_no_clause_clears_the_cut_off(tmp_path: Path) -> None:
    """Nothing kept, the plan the question names is read for each topic it lists the same way; with no document
    named and nothing kept, nothing is added."""
    ix, rows = _plan(tmp_path)
    q = analyse(QUESTION)
    mask = ix.rows_matching(parse_filters(None))
    assert sorted(r for r, _, _ in topics_answered(ix, q, [], mask, ix.clauses[rows[0]].doc_id)) == rows[:4]
    assert topics_answered(ix, q, [], mask) == []


def test_a_topic_whose_words_fill_the_document_or_name_it_adds_nothing(tmp_path: Path) -> None:
    """A topic stated in more than three clauses is the document's theme, not one clause's matter; a list inside
    the document's name (农业机械化和农机装备产业) is not a list of topics."""
    many = ["要加强应急设施的建设。", "应急设施要定期维修。", "应急设施由各地负责。", "应急设施要登记造册。"]
    doc = make_doc(PLAN, [*many, SECTIONS[2]], region=None, doc_type="notice")
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([doc])
    rows = list(ix.doc_rows[doc.id])
    mask = ix.rows_matching(parse_filters(None))
    q = analyse("国家粮食应急预案在应急设施、培训演练方面有哪些安排？")
    assert [r for r, _, _ in topics_answered(ix, q, [(rows[4], 0.7, [])], mask)] == [rows[4]]
    title = "国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见"
    doc = make_doc(title, ["加强农机人才培养。", "推进农业机械化。", "农机装备产业转型升级。"], region=None, doc_type="notice")
    other = Index.create(tmp_path / "other", embedder=HashEmbedder())
    other.add_documents([doc])
    first = other.doc_rows[doc.id][0]
    for question in (f"{title}在农机人才培养方面提出了哪些措施？", "农业机械化、农机装备发展的意见在农机人才培养方面提出了哪些措施？"):
        kept = topics_answered(other, analyse(question), [(first, 0.7, [])], other.rows_matching(parse_filters(None)))
        assert [r for r, _, _ in kept] == [first], question


def test_a_documents_name_in_the_question_is_not_part_of_its_list() -> None:
    """国家组织药品集中采购和使用试点方案对参加企业、药品范围和入围标准: three topics, after the plan's name."""
    text = "国家组织药品集中采购和使用试点方案对参加企业、药品范围和入围标准分别是怎么规定的？"
    title = "国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知"
    assert untitled(text, title) == "；对参加企业、药品范围和入围标准分别是怎么规定的？"
    assert untitled("对参加企业有何规定", title) == "对参加企业有何规定"  # 试点 alone is too short to name it


def test_a_multiple_is_of_what_the_text_says_and_a_conditioned_figure_answers_its_case() -> None:
    """并处违法所得1倍以上5倍以下的罚款: the figure is 违法所得1倍以上5倍以下, a multiple of the illegal gains; 没有
    违法所得或者违法所得不足十万元的，处十万元以上一百万元以下罚款 answers the question that states that case."""
    text = "没收违法所得，并处违法所得1倍以上5倍以下的罚款。"
    q = analyse("擅自开展专利代理业务，还要并处多少罚款？")
    assert figures_in(text, q.terms, {t.text: 1.0 for t in q.terms}, None, question=q.text)[0].value == "违法所得1倍以上5倍以下"
    for other, value in (("由其承担处置费用的2倍。", "2倍"), ("并处以货值金额二倍以上五倍以下的罚款。", "货值金额二倍以上五倍以下")):
        assert figures_in(other, q.terms, {t.text: 1.0 for t in q.terms}, None, question=q.text)[0].value == value
    article = "没收违法所得，处违法所得一倍以上十倍以下罚款，没有违法所得或者违法所得不足十万元的，处十万元以上一百万元以下罚款。"
    q = analyse("没有违法所得或者违法所得不足十万元的，罚款是多少？")
    best = figures_in(article, q.terms, {t.text: 1.0 for t in q.terms}, None, question=q.text)[0]
    assert best.value == "十万元以上一百万元以下", best


def test_a_range_of_a_fine_is_asked_as_a_figure() -> None:
    """罚款幅度 asks for the range of a fine, as 罚款金额 does; 大幅度 is an adverb, not a figure's noun."""
    assert detect_kind("商品过度包装 拒不改正 罚款幅度")[0] == "figure"
    assert detect_kind("如何大幅度提高农民收入")[0] != "figure"


def test_when_and_at_which_meeting_a_report_was_delivered(tmp_path: Path) -> None:
    """A work report is published after it is delivered: 在哪一天、哪次会议上作的 is answered by its delivery line,
    cited, beside the date of record."""
    line = "——2026年2月3日在上海市第十六届人民代表大会第四次会议上"
    doc = make_doc("2026年上海市政府工作报告", [line, "一、2025年工作回顾", "经济运行稳中有进。"],
                   region="上海市", doc_type="government_work_report")
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([doc])
    assert detect_kind("2026年上海市政府工作报告是在哪一天、哪次会议上作的？")[0] == "metadata"
    assert detect_kind("2026年上海市政府工作报告是在哪次会议上作的？")[0] == "metadata"
    answer = ask(ix, "2026年上海市政府工作报告是在哪一天、哪次会议上作的？")
    assert answer.answered and "2026年2月3日在上海市第十六届人民代表大会第四次会议上" in answer.summary
    assert [c.text for c in answer.cited] == [line]
    # a question about the work done is not a metadata question
    assert detect_kind("上海市2026年政府工作报告在经济运行方面作了哪些部署？")[0] != "metadata"


def test_a_problems_question_about_a_topic_no_problems_section_states_reads_every_section(tmp_path: Path) -> None:
    """反渗透膜分离技术在实际应用中存在哪些问题: the reply's problems section speaks of the city's water saving, and the
    problems of the technology are stated in a section of their own; a question about what the problems section
    states still reads only it."""
    texts = [
        "一、应用反渗透膜分离技术减污节水情况。反渗透膜分离技术在实际应用中也存在一些问题：",
        "一是废水预处理工艺要求高，运行成本较高；",
        "二、城市节水情况。目前城市节水存在的主要问题是，部分地区对节水和污水再生利用重视不够。",
    ]
    doc = make_doc("国务院办公厅关于科技节水建议的复函", texts, region=None, doc_type="notice", year=2004)
    doc.clauses[2].role = "problems"
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([doc])
    answer = ask(ix, "反渗透膜分离技术在实际应用中存在哪些问题？")
    assert answer.kind == "problems" and texts[0] in {c.text for c in answer.cited}, answer.reason
    assert "反渗透膜分离技术" in (answer.reason or "")  # the reason says why every section was read
    answer = ask(ix, "城市节水存在哪些问题？")
    assert [c.text for c in answer.cited] == [texts[2]]


def test_a_preposition_is_not_glued_into_the_word_after_it() -> None:
    """下放给自贸试验区: 给 frames (to whom), so the segmenter's 给 / 自 / 贸 does not become the term 给自贸, which
    no clause states and which would weigh against the clause that answers."""
    terms = [t.text for t in analyse("建筑领域有哪些审批权限直接下放给自贸试验区？").terms]
    assert not any(t.startswith("给") for t in terms), terms
    assert {"审批", "权限", "下放"} <= set(terms)


def test_whom_a_national_document_addresses_is_not_a_comparison() -> None:
    """对各地各部门提出了什么要求 / 各地区、各有关部门要如何落实: the addressees of a State Council document, not places
    compared (so the document the question names scopes it, and 地区 / 部门 are not words to look for); 各地如何推进…
    still compares the places."""
    for text in ("国务院办公厅1996年转发地震重点监视防御区报告时，对各地各部门和地震部门提出了什么要求？",
                 "各地区、各有关部门要如何落实？"):
        q = analyse(text)
        assert not q.comparative, text
        assert not {"地区", "部门提"} & {t.text for t in q.terms}, text
    assert analyse("各地如何推进城市更新？").comparative
    assert analyse("各地区推进城市更新有哪些做法？").compared == "regions"


def test_words_that_only_frame_a_comparison_are_not_looked_for() -> None:
    """除了《…条例》本身，还有哪些法规…: 除了 / 本身 / 还有 / 一样 say how the question is put, and no clause states
    them beside the matter (公平竞争审查, 效力)."""
    for text in ("除了《公平竞争审查条例》本身，还有哪些法规和政府工作报告要求开展公平竞争审查？",
                 "法律解释跟被解释的文件本身效力一样吗？哪些法律法规作了规定？"):
        terms = {t.text for t in analyse(text).terms}
        assert not terms & {"除了", "本身", "还有", "一样"}, terms


def test_a_period_keeps_when_it_starts_and_after_and_a_multiple_its_base_after_any_fining_verb() -> None:
    """自公布之日起30日后: the start of the period and 后 are the figure's (not the 后 of 后果); 可以处违法所得…: a
    multiple after 处 following any word is of 违法所得. The start is looked for only just before the figure."""
    def value(text: str, question: str) -> str:
        q = analyse(question)
        return figures_in(text, q.terms, {t.text: 1.0 for t in q.terms}, None, question=q.text)[0].value

    assert value("规章应当自公布之日起30日后施行。", "规章自公布之日起多少日后施行？") == "自公布之日起30日后"
    assert value("造成严重后果的，处15日后果断处理。", "多少日处理？") == "15日"
    assert value("情节严重的，可以处违法所得二倍以上五倍以下的罚款。", "罚款是违法所得的几倍？") == "违法所得二倍以上五倍以下"
    far = "自" + "于" * 30000 + "之日起30日内完成。"  # no start within reach: the period alone, found fast
    assert value(far, "多少日内完成？") == "30日内"


def test_a_question_of_no_kind_listing_three_topics_gets_a_clause_for_each_and_two_are_one_subject(
    tmp_path: Path,
) -> None:
    """…分别给什么奖励 asks no measures in its words, yet lists three topics of one notice, each rewarded in an item
    of its own; two joined by 和 are often one subject (名单和价格), so they add nothing."""
    title = "国务院办公厅关于对工作成效明显地方加大激励支持力度的通知"
    items = [
        "一、对财政预算执行、盘活财政存量资金等财政管理工作完成情况好的省，中央财政给予奖励。",
        "二、对防范化解金融风险成效较好的省，支持其发行金融债券。",
        "三、对土地节约集约利用成效好的市，安排一定建设用地指标予以奖励。",
        "四、对河长制湖长制工作推进力度大的省，予以适当倾斜。",
    ]
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    doc = make_doc(title, items, region=None, doc_type="notice")
    ix.add_documents([doc])
    rows = list(ix.doc_rows[doc.id])
    mask = ix.rows_matching(parse_filters(None))
    three = analyse("这份激励通知对财政管理、防范化解金融风险和土地节约集约利用成效好的地方分别给什么奖励？")
    assert three.kind == "other"
    assert sorted(r for r, _, _ in topics_answered(ix, three, [], mask, doc.id)) == rows[:3]
    two = analyse("这份激励通知对财政管理和土地节约集约利用成效好的地方分别给什么奖励？")
    assert two.kind == "other" and topics_answered(ix, two, [], mask, doc.id) == []
