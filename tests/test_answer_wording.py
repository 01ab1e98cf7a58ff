"""How questions are read and figures taken, on small texts: shares written in words, a value and what it became,
lengths, planning periods, short names, compounds with words between their parts, abbreviations."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawdocs.answer import ask
from lawdocs.answering.evidence import CONTEXT_CREDIT, LOOSE_CREDIT, loose_pattern, term_credit
from lawdocs.answering.figures import figures_in
from lawdocs.answering.question import Term, analyse
from lawdocs.embed import HashEmbedder
from lawdocs.index import Index
from test_answer_collection import make_doc, make_law


def top_figure(text: str, question: str, words: list[str]) -> str:
    q = analyse(question)
    terms = [Term(w) for w in words]
    return figures_in(text, terms, {w: 1.0 for w in words}, q.measure_word, q.years, question)[0].value


def test_a_share_written_in_words_is_a_figure() -> None:
    law = "定金的数额由当事人约定；但是，不得超过主合同标的额的百分之二十，超过部分不产生定金的效力。"
    value = top_figure(law, "定金数额最高不得超过主合同标的额的多少？", ["定金", "主合同标的额"])
    assert "百分之二十" in value and value.startswith("不得超过")
    assert top_figure("罚款总额不得超过百分之五十以上。", "罚款总额是多少？", ["罚款"]).endswith("百分之五十以上")


def test_foreign_currencies_and_days_before_a_meeting_are_figures() -> None:
    report = "实际使用外资达到160.6亿美元，进出口总额增长5%。"
    assert top_figure(report, "实际使用外资有多少美元？", ["实际", "外资"]) == "160.6亿美元"
    assert "美元" not in {t.text for t in analyse("实际使用外资有多少美元？").terms}
    law = "专项工作报告应当在常务委员会举行会议的二十日前，送交有关专门委员会征求意见。"
    assert top_figure(law, "专项工作报告应当在会议举行前多少日送交？", ["专项工作报告", "送交"]) == "二十日前"


def test_a_value_that_changed_answers_with_what_it_became_unless_its_year_is_asked() -> None:
    report = "人均预期寿命从2020年的82.4岁提升至83.9岁，城镇化率提高到76.58%。"
    assert top_figure(report, "人均预期寿命达到多少岁？", ["人均", "预期寿命"]) == "83.9岁"
    assert top_figure(report, "2020年人均预期寿命是多少岁？", ["人均", "预期寿命"]) == "82.4岁"


def test_how_long_asks_for_a_time_or_a_length() -> None:
    report = "黄浦江累计贯通69公里岸线，新建绿地1200公顷。"
    assert top_figure(report, "黄浦江累计贯通了多长的岸线？", ["黄浦江", "岸线"]) == "69公里"
    works = "黄浦江岸线贯通工程投资12亿元，累计贯通69公里。"
    assert top_figure(works, "黄浦江岸线贯通工程贯通了多长？", ["黄浦江", "岸线", "贯通工程"]) == "69公里"
    law = "试用期最长不得超过六个月，工资不得低于本单位相同岗位最低档工资的百分之八十。"
    assert top_figure(law, "试用期最长多长？", ["试用期"]) == "最长不得超过六个月"


def test_a_planning_period_in_the_headings_dates_the_clause_as_a_year_does() -> None:
    idf = {"十四五": 3.0, "回顾": 2.0}
    heading = "一、2025年和十四五时期工作回顾"
    assert term_credit(Term("十四五"), "城镇化率提高到76.58%", heading, idf)[0] == 1.0
    assert term_credit(Term("回顾"), "城镇化率提高到76.58%", heading, idf)[0] == CONTEXT_CREDIT
    q = analyse("“十四五”收官时，广东全省常住人口城镇化率达到了多少？")
    assert [t.text for t in q.terms if t.text in ("十四五", "收官", "达到")] == ["十四五"]
    assert "期间" not in [t.text for t in analyse("北京在十四五期间把人均预期寿命提高到了多少岁").terms]


def test_pointers_and_abbreviations_are_not_content() -> None:
    q = analyse("上海在中小学校园餐这些民生问题上准备做什么？")
    assert not {"这些", "民生问题"} & {t.text for t in q.terms} and "民生" in {t.text for t in q.terms}
    assert "一块" not in {t.text for t in analyse("那份意见里，冰雪赛事这一块打算怎么发展？").terms}
    office = next(t for t in analyse("国办推进政务新媒体的意见提出了哪些保障措施？").terms if t.text == "国办")
    assert office.found_in("国务院办公厅关于推进政务新媒体健康有序发展的意见")
    hong_kong = next(t for t in analyse("国务院授权香港特区管辖的查验区有多大？").terms if t.text == "香港特区")
    assert hong_kong.found_in("国务院关于授权香港特别行政区实施管辖的批复")


def test_a_compound_is_stated_with_a_few_words_between_its_parts_not_across_a_pause() -> None:
    assert loose_pattern("冰雪赛事").search("积极培育冰雪体育赛事")  # type: ignore[union-attr]
    assert loose_pattern("算力基础设施").search("推进智能算力等新型基础设施建设")  # type: ignore[union-attr]
    assert not loose_pattern("冰雪赛事").search("冰雪运动，赛事活动")  # type: ignore[union-attr]
    assert not loose_pattern("冰雪赛事").search("冰雪旅游资源丰富多彩的赛事")  # type: ignore[union-attr]
    assert loose_pattern("行政执法") is None  # one dictionary word
    idf = {"冰雪赛事": 3.0, "赛事": 1.0}
    credit, words = term_credit(Term("冰雪赛事", ("赛事",)), "积极培育冰雪体育赛事", "", idf)
    assert credit == LOOSE_CREDIT and words == ["冰雪体育赛事"]


def test_a_quoted_short_name_after_a_full_name_stands_for_it() -> None:
    q = analyse("国家重大战略实施和重点领域安全能力建设（“两重”）在哪些省市有部署？")
    words = {t.text: t for t in q.terms}
    assert "两重" in words and words["战略"].found_in("高质量推进“两重”建设".replace("“", "").replace("”", ""))
    assert not words["两重"].found_in("国家重大战略实施")  # the short name is what the texts must state or expand


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Index:
    ix = Index.create(tmp_path_factory.mktemp("named") / "ix", embedder=HashEmbedder())
    regulation = make_law(
        "政府投资条例",
        [
            "第一条 为了规范政府投资行为，制定本条例。",
            "第二条 政府投资项目应当符合国民经济和社会发展规划。",
            "第三条 政府投资年度计划应当明确项目名称、建设内容及规模。",
        ],
    )
    regulation.doc_type = "administrative_regulation"
    notice = make_doc(
        "关于推广政府和社会资本合作模式的通知",
        ["推广政府和社会资本合作（PPP）模式，合理确定项目合作期限。"],
        region=None,
        doc_type="notice",
    )
    ix.add_documents([regulation, notice])
    ix.save()
    return ix


def test_a_question_naming_a_statute_is_not_answered_on_a_shared_word_alone(named: Index) -> None:
    """Every article of a statute the question names shares some of its words (项目): without the model's
    word, a matter the statute does not treat (PPP合作期限) is not answered from one of them."""
    from lawdocs.answering.compose import NAMED_LAY_DENSE, lay_rescue

    q = analyse("政府投资条例对政府和社会资本合作（PPP）项目的合作期限有什么规定？")
    row = next(r for r, c in enumerate(named.clauses) if c.article == "第三条")
    assert not lay_rescue(named, q, [(row, 0.07, [])])
    assert [r for r, _, _ in lay_rescue(named, q, [(row, 0.07, [])], NAMED_LAY_DENSE)] == [row]
    unnamed = analyse("PPP项目的合作期限有什么规定？")  # not naming it: a held word still counts
    assert [r for r, _, _ in lay_rescue(named, unnamed, [(row, 0.07, [])])] == [row]


@pytest.fixture(scope="module")
def litigation(tmp_path_factory: pytest.TempPathFactory) -> Index:
    ix = Index.create(tmp_path_factory.mktemp("editions") / "ix", embedder=HashEmbedder())
    statute = make_law(
        "中华人民共和国行政诉讼法",
        ["第四十六条 公民、法人或者其他组织直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起六个月内提出。"],
    )
    statute.clauses[0].article, statute.clauses[0].path = "第四十六条", ["第六章 起诉和受理"]
    statute.law_id, statute.version, statute.version_label = statute.title, "2017-06-27", "2017-06-27 修正"
    ix.add_documents([statute])
    ix.save()
    return ix


def test_a_year_before_a_law_s_name_asks_for_that_text_of_it(litigation: Index) -> None:
    """The collection holds the 2017 revision only: the 1989 text, or one older than 2014, is not held, and the
    answer says which version is; the 2017 revision, or a text after 2014, is."""
    for question in ("1989年行政诉讼法规定的起诉期限是多长？", "2014年修正以前的行政诉讼法规定的起诉期限是多长？"):
        old = ask(litigation, question)
        assert not old.answered and "行政诉讼法" in (old.reason or "") and old.reason.count("the collection has no") == 1
        assert old.closest == ["中华人民共和国行政诉讼法（2017-06-27 修正）"] and not old.leads
    for question in ("2017年修正的行政诉讼法规定的起诉期限是多长？", "2014年修正以后的行政诉讼法规定的起诉期限是多长？",
                     "行政诉讼法规定的起诉期限是多长？"):
        held = ask(litigation, question)
        assert "the collection has no" not in (held.reason or ""), held.reason


def test_a_question_asking_two_things_is_answered_by_a_clause_answering_either(tmp_path: Path) -> None:
    from lawdocs.answering.wording import either_branches

    question = "哪些法律要求受理举报的机关对举报人的信息保密，或者把泄露举报人信息作为追责情形？"
    sides = either_branches(question, analyse(question).terms)
    assert len(sides) == 2 and "保密" in [t.text for t in sides[0]] and "追责" in [t.text for t in sides[1]]
    assert either_branches("电子签名、电子印章或者电子档案具有同等效力吗？", analyse("电子签名、电子印章或者电子档案具有同等效力吗？").terms) == []
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_law("中华人民共和国监察法", ["第一条 受理举报的机关应当对举报人的信息保密。", "第二条 监察机关依法独立行使监察权。"]),
        make_law("中华人民共和国公务员法", ["第一条 泄露举报人信息的，依法追究责任，作为追责情形处理。", "第二条 公务员应当忠于宪法。"]),
        make_law("中华人民共和国人民调解法", ["第一条 人民调解委员会调解民间纠纷。", "第二条 调解员应当公道正派。"]),
    ])
    ix.save()
    rows = {r.title for r in ask(ix, question).comparison or []}
    assert rows == {"中华人民共和国监察法", "中华人民共和国公务员法"}, rows


def test_a_side_of_or_naming_one_matter_is_answered_by_a_clause_stating_it(tmp_path: Path) -> None:
    """…对公职律师作了规定，或者要求发挥公职律师的作用: the first side asks of 公职律师 alone, so an article that
    only names it answers; a side whose one word is short (规定) or a verb asks nothing of its own."""
    from lawdocs.answering.wording import either_branches

    question = "哪些法规和文件对公职律师作了规定，或者要求发挥公职律师的作用？"
    sides = either_branches(question, analyse(question).terms)
    assert [[t.text for t in side] for side in sides] == [["公职律师"]], sides
    short = "哪些法规规定了听证，或者要求举行听证会并公开听证笔录？"
    assert either_branches(short, analyse(short).terms) == []
    # a side holding every term is the question itself: the other side is the branch
    words = [Term(w) for w in ("公职律师", "法律顾问", "作用")]
    both = "哪些文件要求发挥公职律师、法律顾问的作用，或者对公职律师、法律顾问作了规定？"
    assert [[t.text for t in side] for side in either_branches(both, words)] == [["公职律师", "法律顾问"]]
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_law("甲条例", ["第一条 机关可以设立公职律师，公职律师依法执业。", "第二条 本条例自公布之日起施行。"]),
        make_doc("乙意见", ["充分发挥公职律师在合法性审核中的作用。"], region=None, doc_type="notice"),
        make_doc("丙意见", ["加强基层法律服务，发挥人民调解的作用。"], region=None, doc_type="notice"),
    ])
    ix.save()
    rows = {r.title for r in ask(ix, question).comparison or []}
    assert rows == {"甲条例", "乙意见"}, rows


def test_a_character_the_segmenter_left_alone_joins_the_word_beside_it_when_the_texts_use_the_compound(
    tmp_path: Path,
) -> None:
    """代 + 履行 is 代履行, 政府 + 性 + 融资 is 政府性融资: the compound replaces the word when a clause states it.
    A function character (向 + 社会), a cut one character off (打 + 造成 of 打造成, where 打造 is meant) and a
    compound no clause states stay as they were."""
    from lawdocs.answering.phrases import glue_characters

    texts = ["行政机关可以代履行，或者委托第三人代履行。", "当事人应当履行行政决定。", "防范政府性融资担保风险。",
             "草案应当向社会公开征求意见。", "打造成为检测维修中心。"]

    def df(term: str) -> int:
        return sum(term in text for text in texts)

    def words(question: str) -> list[str]:
        q = analyse(question)
        return [t.text for t in glue_characters(q.terms, q.pairs, df)]

    assert "代履行" in words("哪些法律规定行政机关可以实施代履行？") and "履行" not in words("哪些法律规定行政机关可以实施代履行？")
    assert "政府性融资" in words("政府性融资担保机构有哪些措施？")
    assert "社会" in words("草案向社会公开征求意见的期限是多久？")
    assert "造成" in words("把综合保税区打造成检测维修中心有哪些措施？")
    texts.append("试点范围扩展到全国。")
    assert "扩展" in words("哪些试点扩展到全国？")  # 到 completes the verb: not 扩展到
    texts += ["加强公共服务作为重点。", "复议机关逾期不作决定的，申请人可以起诉。"]
    assert "服务" in words("各地对家政服务作了哪些安排？")  # 作了 is the verb: not 服务作 of 服务作为
    assert "作决定" in words("复议机关逾期不作决定的，如何起算？")  # a light verb takes the word after it
    assert "作决定" in words("复议机关作决定要多长时间？")
    texts[0] = "行政机关可以委托第三人履行。"
    assert "履行" in words("哪些法律规定行政机关可以实施代履行？")  # no clause states 代履行: the word stays
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_law("中华人民共和国行政强制法", ["第一条 当事人逾期不履行排除妨碍的行政决定的，行政机关可以代履行。",
                                     "第二条 当事人应当履行行政决定，行政机关应当催告当事人履行义务。"]),
        make_law("中华人民共和国行政处罚法", ["第一条 当事人应当自觉履行行政处罚决定。", "第二条 行政处罚遵循公正、公开的原则。"]),
    ])
    ix.save()
    answer = ask(ix, "哪些法律规定行政机关可以代履行？")
    assert [c.text for c in answer.cited] == ["第一条 当事人逾期不履行排除妨碍的行政决定的，行政机关可以代履行。"], answer.cited


def test_a_measures_question_listing_topics_is_answered_by_a_clause_for_each(tmp_path: Path) -> None:
    """…强化企业科技创新主体地位、加大全社会研发投入: two topics, each answered by a paragraph of its own, where
    no paragraph states both. A topic of one short word, or of a generic verb and one word, makes no branch; in a
    topics question 推进 after the pause is the start of the next topic, not another word for 依法行政."""
    from lawdocs.answering.phrases import topic_branches

    question = "广东2026年打算怎样强化企业科技创新主体地位、加大全社会研发投入？"
    branches = [[t.text for t in b] for b in topic_branches(question, analyse(question).terms)]
    assert len(branches) == 2 and "地位" in branches[0] and "地位" not in branches[1], branches
    assert all("广东" in b for b in branches)  # the words before the first topic belong to each
    joined = topic_branches("上海市2026年在国资国企改革和支持民营企业发展方面有哪些举措？",
                            analyse("上海市2026年在国资国企改革和支持民营企业发展方面有哪些举措？").terms)
    assert len(joined) == 2 and "民营企业" not in [t.text for t in joined[0]], joined  # 和 joins topics too
    assert topic_branches("国务院在管理、建设加工上有哪些措施？", [Term("管理"), Term("建设"), Term("加工")]) == []
    disposal = "转制时，对清查出的资产损失和原来的划拨土地分别怎么处置？"
    assert [[t.text for t in b][-1] for b in topic_branches(disposal, analyse(disposal).terms)] == ["损失", "土地"]
    terms = {t.text: t for t in analyse("上海市政府2026年在深化依法行政、推进正风肃纪这两块准备怎么做").terms}
    assert "推进" not in terms["依法行政"].alts
    assert "离任" in {t.text: t for t in analyse("哪些法规对离职、离任人员从业作了限制？").terms}["离职"].alts  # compared
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([make_doc("2026年广东省政府工作报告", [
        "强化企业科技创新主体地位。把创新资源更多布局到企业。",
        "加大全社会研发投入。提高科技支出总量和比重。",
        "推动货物贸易稳定发展，加大力度开拓新兴市场。",
        "稳定房地产市场，推进城市更新。",
    ], region="广东省", doc_type="government_work_report")])
    ix.save()
    cited = [c.text[:6] for c in ask(ix, question).cited]
    assert sorted(cited) == ["加大全社会研", "强化企业科技"], cited


def test_a_period_before_the_act_it_times_is_a_figure_and_before_a_noun_a_name() -> None:
    rule = "国务院通过举办讲座等方式组织学习。国务院领导同志及各部门负责人参加，一般两个月安排一次。"
    assert top_figure(rule, "学习讲座一般多久安排一次？", ["学习", "讲座"]) == "两个月"
    assert figures_in("实施三年行动计划。", [Term("行动计划")], {"行动计划": 1.0}, None, [], "行动计划要实施多久？") == []


def test_a_comparison_across_statutes_and_documents_reaches_every_document(tmp_path: Path) -> None:
    """哪些法规和文件…: 文件 stands for any document, so the notices and reports that answer count beside the
    statutes; 哪些法规… alone stays with the statutes."""
    from lawdocs.answering.comparison import LAW_TYPES, read_comparison

    assert read_comparison("哪些法规和文件提出推进一网通办？").types == frozenset()
    assert read_comparison("哪些法规和文件提出推进一网通办？").across is None
    assert read_comparison("哪些法规提出推进一网通办？").types == LAW_TYPES
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_law("优化营商环境条例", ["第一条 推进政务服务“一网通办”。", "第二条 国家优化营商环境。"]),
        make_doc("国务院办公厅关于推进政务新媒体健康有序发展的意见", ["推动政务服务“一网通办”，提升服务效能。"],
                 region=None, doc_type="notice"),
        make_doc("国务院关于加强质量认证体系建设的意见", ["完善质量认证体系。"], region=None, doc_type="notice"),
    ])
    ix.save()
    rows = {r.title for r in ask(ix, "哪些法规和文件提出推进政务服务“一网通办”？").comparison or []}
    assert rows == {"优化营商环境条例", "国务院办公厅关于推进政务新媒体健康有序发展的意见"}, rows
    rows = {r.title for r in ask(ix, "哪些法规提出推进政务服务“一网通办”？").comparison or []}
    assert rows == {"优化营商环境条例"}, rows


def test_a_fraction_and_half_a_year_are_figures_and_a_share_asked_is_answered_by_one() -> None:
    rule = ("新设立有限责任制专利代理机构的，允许不超过五分之一不具有专利代理人资格、年满18周岁、能够在专利代理机构"
            "专职工作的中国公民担任股东。")
    asked = "新设立有限责任制专利代理机构的，不具有专利代理人资格且年满18周岁的股东能占多大比例？"
    q = analyse(asked)  # 年满18周岁 is nearer the question's words, but a share is asked
    found = figures_in(rule, q.terms, {t.text: 1.0 for t in q.terms}, q.measure_word, q.years, asked)
    assert found[0].value == "不超过五分之一", found
    assert top_figure("须经全体代表的三分之二以上多数通过。", "需要多少代表通过？", ["代表", "通过"]) == "三分之二以上"
    meeting = "国务院全体会议一般每半年召开一次，根据需要可安排有关部门负责人列席会议。"
    # 半年 is a period; asked how often, the count with its period answers (一般每半年召开一次)
    assert top_figure(meeting, "国务院全体会议一般多长时间召开一次？", ["全体会议", "召开"]) == "一般每半年召开一次"
    assert top_figure("试用期为半年。", "试用期多长时间？", ["试用期"]) == "半年"


def test_hours_counted_with_a_measure_word_and_a_latest_bound_are_a_time_limit() -> None:
    plan = ("指挥部在接到有关信息报告后，立即向国务院上报有关情况（最迟不超过4个小时），请示启动本预案。"
            "指挥部办公室必须24小时值班。")
    asked = "指挥部接到信息报告最迟要在多长时间内向国务院上报？"
    assert top_figure(plan, asked, ["指挥部", "信息报告", "国务院", "上报"]) == "最迟不超过4个小时"


def test_figures_stated_respectively_go_to_their_entities_and_a_total_asked_is_the_total() -> None:
    """A、B…分别增长9.7%、15.3%: the second figure is B's; 建成…8.9万亩、累计达到120.5万亩: a question asking the
    累计 figure gets the total; 3家及以上 keeps its qualifier."""
    report = "金融业、软件和信息服务业增加值分别增长9.7%、15.3%，规模以上工业增加值增长3%。"
    assert top_figure(report, "软件和信息服务业增加值增长了多少？", ["软件", "信息服务业", "增加值"]) == "15.3%"
    assert top_figure(report, "金融业增加值增长了多少？", ["金融业", "增加值"]) == "9.7%"
    shares = "先进制造业、高技术制造业增加值占规模以上工业增加值比重分别达56.2%、34.7%。"
    assert top_figure(shares, "高技术制造业增加值的比重达到多少？", ["高技术", "制造业", "增加值", "比重"]) == "34.7%"
    farmland = "新建成高标准农田8.9万亩、累计达到120.5万亩。"
    assert top_figure(farmland, "累计建成的高标准农田达到多少亩？", ["累计", "建成", "高标准", "农田"]) == "120.5万亩"
    assert top_figure(farmland, "新建成的高标准农田有多少亩？", ["建成", "高标准", "农田"]) == "8.9万亩"
    drugs = "入围生产企业在3家及以上的，采取招标采购的方式。"
    assert top_figure(drugs, "入围生产企业有几家时采取招标采购？", ["入围", "生产企业", "招标采购"]) == "3家及以上"


def test_an_area_is_not_a_region_the_collection_may_lack() -> None:
    from lawdocs.answering.scope import places_in

    assert places_in("国务院办公厅的复函中，哪些涉及三峡库区或三峡水库？") == []
    assert places_in("粤港澳大湾区建设有哪些措施？") == []
    assert places_in("湘桥区2020年在依法行政方面做了什么？") == ["湘桥区"]
    assert places_in("青山区、东城区2020年在依法行政方面做了什么？") == ["青山区", "东城区"]  # districts, not areas
    assert places_in("深圳市2026年政府工作报告提出的增长目标是多少？") == ["深圳市"]


def test_how_often_is_a_count_with_its_period_weights_are_figures_and_a_count_is_no_time() -> None:
    """多长时间开几次: 一般每月召开三次 (a count of times in words, stated with its period); 5亿公斤以下 is a
    quantity; 多少次 is not answered by a number of days."""
    rules = "国务院常务会议一般每月召开三次，如有需要可临时召开。"
    assert top_figure(rules, "国务院常务会议一般多长时间开几次？", ["常务会议"]) == "一般每月召开三次"
    assert top_figure("全体会议每年召开一次。", "全体会议一年开几次？", ["全体会议"]) == "每年召开一次"
    grain = "一次动用中央储备粮数量在5亿公斤以下的，经国务院授权，指挥部可直接下达动用命令。"
    asked = "一次动用中央储备粮在多少数量以下的，指挥部可以直接下达命令？"
    assert top_figure(grain, asked, ["动用", "储备粮", "指挥部", "命令"]) == "5亿公斤以下"
    # 多长时间召开一次 asks the period of one time: the count with its period, not the period alone
    council = "委员会原则上每半年召开一次例会，必要时可临时召开。"
    assert top_figure(council, "委员会多长时间召开一次例会？", ["委员会", "例会"]) == "原则上每半年召开一次"
    q = analyse("专家组一共记录到多少次振动事件？")
    stay = "专家组在现场工作15日，记录了振动事件，提出了处置意见。"
    assert figures_in(stay, q.terms, {t.text: 1.0 for t in q.terms}, q.measure_word, q.years, q.text) == []


def test_a_total_asked_is_not_a_part_after_its_breakdown() -> None:
    """一共有多少个: 标记的26个指标为监测指标，其中15个…、9个…: the parts after 其中 are not the total."""
    table = "标记的26个指标为国家监测指标，其中15个指标自动生成，9个指标由财务年报表获取。"
    assert top_figure(table, "国家监测指标一共有多少个？", ["指标", "国家", "监测"]) == "26个"
    assert top_figure(table, "有多少个指标由财务年报表获取？", ["指标", "财务", "年报表", "获取"]) == "9个指标"
    housing = "全年建成保障性住房3万套，其中公租房1.2万套。"
    assert top_figure(housing, "公租房一共建成多少套？", ["公租房", "建成"]) == "1.2万套"  # the part asked for


def test_ten_thousands_in_numerals_are_a_quantity_and_each_qualifies_it() -> None:
    """15万左右 in numerals is a quantity (万 after a numeral in words is mostly a word: 万众, 十万火急); 各 before
    it (两省各15万左右) says it is each one's."""
    moved = "丹江口水库移民的安置规模不大，湖北、河南两省各15万左右，由两省自行安置。"
    assert top_figure(moved, "湖北、河南两省各有多少移民？", ["湖北", "河南", "移民"]) == "各15万左右"
    assert top_figure("十万火急，各方有3个小组赶到。", "有多少个小组？", ["小组"]) == "3个小组"


def test_where_and_when_a_document_says_something_frames_the_question() -> None:
    """回顾…工作时说, 调查意见里说: not content words; 家里 and 称为 inside words still are."""
    said = [t.text for t in analyse("上海2026年政府工作报告回顾2025年工作时说，市政府一年办理了多少件市政协提案？").terms]
    assert "时说" not in said and "政协提案" in said
    assert "家里" in [t.text for t in analyse("我想申请法律援助，需要证明自己家里经济困难吗？").terms]
    assert "称为" in [t.text for t in analyse("规章的名称有什么要求，能否称为“条例”？").terms]


def test_a_year_that_only_dates_the_report_named_lets_any_of_its_sections_answer(tmp_path: Path) -> None:
    """广东省2026年政府工作报告回顾“十四五”成就时说…: 2026 dates the report; its 2025 review answers. 广东省2025年…
    still asks about 2025's sections only."""
    from lawdocs.answering.years import dates_report_only

    assert dates_report_only("广东省2026年政府工作报告回顾十四五成就时说，发明专利拥有量达到了多少件")
    assert not dates_report_only("广东省2026年政府工作报告中2025年发明专利拥有量达到了多少件")
    assert not dates_report_only("广东省2026年发明专利拥有量要达到多少件")
    assert not dates_report_only("上海市2026年政府工作报告给今年的外贸进出口定了多少增长目标")
    from lawdocs.answering.years import year_shift

    assert year_shift("上海2026年的政府工作报告回顾去年改进政府作风") == -1
    assert year_shift("上海市2026年政府工作报告给今年的外贸进出口定了多少增长目标") == 0
    assert year_shift("上海市2026年政府工作报告中2025年的外贸") is None
    report = make_doc(
        "2026年广东省政府工作报告",
        ["“十四五”时期创新成就显著，全省每万人口发明专利拥有量达到45件。", "加快建设现代化产业体系，培育新兴产业。"],
        region="广东省", doc_type="government_work_report",
    )
    report.clauses[0].path = ["一、2025年和“十四五”时期工作回顾"]
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([report])
    ix.save()
    answer = ask(ix, "广东省2026年政府工作报告回顾“十四五”成就时说，全省每万人口发明专利拥有量达到了多少件？")
    assert answer.answered and answer.figure and answer.figure.value == "45件", answer.reason
    assert not ask(ix, "广东省2026年全省每万人口发明专利拥有量要达到多少件？").answered  # no 2026 section says
    last_year = ask(ix, "广东省2026年政府工作报告说去年“十四五”时期创新成就显著，每万人口发明专利拥有量达到多少件？")
    assert last_year.answered and last_year.figure and last_year.figure.value == "45件", last_year.reason
    assert not ask(ix, "广东省2026年政府工作报告提出今年每万人口发明专利拥有量要达到多少件？").answered


def test_a_place_a_named_document_speaks_of_is_its_subject_not_a_missing_region(tmp_path: Path) -> None:
    """国发〔2018〕38号…给郑州、西安哪些支持: the collection holds no document of 郑州, but the notice named by its
    number speaks of it. The title's words in an abbreviation (自贸试验区 for 自由贸易试验区) name the notice too."""
    from lawdocs.answering.phrases import join_phrases

    notice = make_doc(
        "国务院关于支持自由贸易试验区深化改革创新若干措施的通知",
        ["（三十）支持郑州机场利用第五航权，允许外国航空公司承载经郑州至第三国的客货业务。",
         "（三十一）支持西安机场利用第五航权，允许外国航空公司承载经西安至第三国的客货业务。",
         "（一）支持自贸试验区深化改革创新，提升贸易便利化水平。"],
        region=None, doc_type="notice",
    )
    notice.number = "国发〔2018〕38号"
    other = make_doc("2026年广东省政府工作报告", ["推进广州白云机场航空枢纽建设。"], region="广东省",
                     doc_type="government_work_report")
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([notice, other])
    ix.save()
    answer = ask(ix, "国务院支持自贸试验区深化改革创新的若干措施（国发〔2018〕38号）在航空方面给郑州、西安哪些支持？")
    assert answer.answered, answer.reason
    assert {c.text[:4] for c in answer.cited} == {"（三十）", "（三十一"}
    assert "no document of" in (ask(ix, "郑州市在航空方面有哪些支持？").reason or "")  # nothing named: a region
    joined = join_phrases([Term("自贸"), Term("试验区")], [("自贸", "试验区")], lambda w: 5)
    assert joined[0].text == "自贸试验区" and joined[0].alts == ("自由贸易试验区",)


def test_a_count_asked_beside_another_question_is_not_a_figure_question() -> None:
    """分几个阶段进行？各阶段分别由谁做什么？: the clauses answer, the count among them; 期限是多久？…又如何起算？
    asks two figures."""
    assert analyse("清理整顿社会团体的工作分几个阶段进行？各阶段分别由谁做什么？").kind != "figure"
    assert analyse("要给多少抚养费？以后她还能再找我要吗？").kind != "figure"
    assert analyse("提起行政诉讼的期限是多久？复议机关逾期不作决定时又如何起算？").kind == "figure"
    assert analyse("清理整顿社会团体的工作分几个阶段进行？").kind == "figure"
    # the last clause asks who or where: the count or amount before it tells what it is asked of
    assert analyse("办一次房产登记要交多少钱，这个收费标准是谁定的？").kind != "figure"
    assert analyse("被决定拘留几天的人，要送到哪里去关？").kind != "figure"
    assert analyse("这个收费标准是谁定的，办一次房产登记要交多少钱？").kind == "figure"
    assert analyse("办一次房产登记要交多少钱？这个收费标准是谁定的？").kind != "figure"  # another question asks who


def test_a_document_named_by_what_it_says_across_clauses_answers_a_metadata_question(tmp_path: Path) -> None:
    """王超斌委员提的设立总理热线电话的提案…文号: the reply names the member in one clause and the hotline in
    another; the document stating them all is the one asked about."""
    reply = make_doc(
        "国务院办公厅对全国政协十届四次会议第4626号提案的答复",
        ["王超斌委员：", "您提出的关于设立总理热线电话的提案收悉，现答复如下。", "国务院办公厅 二〇〇六年十月十八日"],
        region=None, doc_type="notice",
    )
    reply.number = "国办函〔2006〕82号"
    reply.clauses[2].kind = "signature"
    others = []
    for n, topic in enumerate(["加强政府网站建设", "完善信访制度", "推进政务公开", "设立市长热线电话"], 60):
        other = make_doc(f"国务院办公厅对全国政协十届四次会议第{n}号提案的答复",
                         ["李明委员：", f"您提出的关于{topic}的提案收悉，现答复如下。"], region=None, doc_type="notice")
        other.number = f"国办函〔2006〕{n}号"
        others.append(other)
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([reply, *others])
    ix.save()
    answer = ask(ix, "王超斌委员提的设立总理热线电话的提案，国务院办公厅答复的文号是什么？")
    assert answer.answered and "国办函〔2006〕82号" in (answer.summary or ""), answer.summary
    assert answer.summary.count("国办函") == 1
    # a statute stating what the question describes is not described: the question asks what it says of a thing
    # it governs, so the article answers (the statute's own date would be a confident wrong answer)
    law = make_law("中华人民共和国公证法", ["第一条 公证书自出具之日起生效。", "第二条 公证机构依法独立行使公证职能。"])
    law.date = "2017-09-01"
    ix.add_documents([law])
    ix.save()
    rule = ask(ix, "公证书自何时起生效？")
    assert rule.kind != "metadata" and rule.answered, (rule.kind, rule.reason)
    assert [c.text for c in rule.cited] == ["第一条 公证书自出具之日起生效。"], rule.cited
    assert "2017-09-01" not in (rule.summary or "")


def test_a_comparison_no_clause_of_which_clears_the_cut_off_still_answers_from_documents_of_its_kind(
    tmp_path: Path,
) -> None:
    """哪些行政法规规定…同时废止: each regulation says it in words of its own, none clearing the cut-off over all
    documents; the search's first rows in regulations pass on their own."""
    laws = [
        make_law(name, ["第一条 为了规范有关工作，制定本条例。",
                        f"第二条 本条例自公布之日起施行。{year}年国务院发布的《{old}》同时废止。"])
        for name, year, old in (("国家赔偿费用管理条例", 1995, "国家赔偿费用管理办法"),
                                ("法规规章备案审查条例", 2001, "法规规章备案条例"),
                                ("行政法规制定程序条例", 1987, "行政法规制定程序暂行条例"))
    ]
    for law in laws:
        law.doc_type = "administrative_regulation"
    notice = make_doc("国务院办公厅关于做好有关工作的通知",
                      ["此前各地同类做法不一，应当统一规范。", "各地区要逐步扩大集中采购的覆盖范围。"],
                      region=None, doc_type="notice")
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([*laws, notice])
    ix.save()
    answer = ask(ix, "哪些行政法规规定，自本条例施行之日起国务院此前发布的同类条例、办法或者暂行规定同时废止？")
    assert answer.answered, answer.reason
    assert {r.title for r in answer.comparison or []} == {law.title for law in laws}


def test_a_pair_the_question_repeats_is_one_phrase_however_rarely_the_texts_join_it() -> None:
    """军民融合（军民融合发展或军民融合创新）: written three times, it is the asker's unit, though most texts saying
    军民 say something else (军民共建); written once, the texts decide."""
    from lawdocs.answering.phrases import join_phrases

    df = {"军民": 9, "融合": 86, "军民融合": 4}.get
    pair = ("军民", "融合")
    assert [t.text for t in join_phrases([Term("军民"), Term("融合")], [pair, pair], lambda w: df(w, 0))] == ["军民融合"]
    assert [t.text for t in join_phrases([Term("军民"), Term("融合")], [pair], lambda w: df(w, 0))] == ["军民", "融合"]


def test_a_price_asked_is_answered_by_money_and_a_percentage_of_a_wage_by_a_share() -> None:
    """中选价格各是多少: 2—3年内 is no price; 1万元以上5万元以下 is one range; 工资的百分之多少: a share, not
    money."""
    plan = "如患者使用的药品价格与中选药品集中采购价格差异较大，可渐进调整支付标准，在2—3年内调整到位。"
    q = analyse("试点方案确定的中选价格各是多少？")
    assert figures_in(plan, q.terms, {t.text: 1.0 for t in q.terms}, q.measure_word, q.years, q.text) == []
    fee = "对个人处二百元以上五百元以下罚款，对单位处1万元以上5万元以下罚款。"
    assert top_figure(fee, "对单位的罚款金额是多少？", ["单位", "罚款"]) == "1万元以上5万元以下"
    wage = "劳动者在试用期的工资不得低于本单位相同岗位最低档工资的80%或者不得低于劳动合同约定工资的80%。"
    share = top_figure(wage, "试用期工资不得低于劳动合同约定工资的百分之多少？", ["试用期", "工资", "劳动合同"])
    assert share == "不得低于劳动合同约定工资的80%"  # a share, with what it is a share of


def test_a_province_is_stated_by_the_runs_of_short_names_that_include_it() -> None:
    """输出津冀技术合同成交额 says 天津 and 河北; 长三角 words (沪苏浙) say 上海; 管理 has no such runs."""
    from lawdocs.answering.wording import alternatives

    assert "津冀" in alternatives("河北") and "京津冀" in alternatives("天津市")
    assert "沪苏浙" in alternatives("上海") and alternatives("管理") == ()
    hebei = analyse("北京输出到天津、河北的技术合同成交额是多少？").terms
    text = "输出津冀技术合同成交额达到500亿元"
    assert all(t.found_in(text) for t in hebei if t.text in ("天津", "河北"))


def test_a_province_s_organ_names_the_province() -> None:
    """上海市人大常委会的规范性文件备案审查条例: the segmenter reads 上海市人大常委会 as one organisation; the
    question is about 上海市, which the collection may lack."""
    from lawdocs.answering.scope import places_in

    assert places_in("上海市人大常委会的规范性文件备案审查条例对备案审查的期限是怎么规定的？") == ["上海市"]
    assert places_in("北京市人民政府2026年提出了哪些措施？") == ["北京市"]


def test_only_the_years_that_date_a_report_choose_it(tmp_path: Path) -> None:
    """上海今年的政府工作报告…到2035年…比2020年: targets and baselines, not a 2035 report the collection lacks;
    上海市2025年政府工作报告 is one it lacks."""
    report = make_doc("2026年上海市政府工作报告", ["到2035年，全市人均地区生产总值比2020年翻一番。"],
                      region="上海市", doc_type="government_work_report")
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([report])
    ix.save()
    answer = ask(ix, "上海今年的政府工作报告说，到2035年全市人均地区生产总值要比2020年增长到什么程度？")
    assert "has no" not in (answer.reason or ""), answer.reason
    missing = ask(ix, "上海市2025年政府工作报告说，到2035年全市人均地区生产总值要比2020年增长到什么程度？")
    assert not missing.answered and "has no" in (missing.reason or "")


def test_breaking_a_named_article_is_answered_by_the_article_that_sets_the_liability(tmp_path: Path) -> None:
    """违反数据安全法第三十一条的规定…应当承担何种法律责任: 第四十六条 (违反本法第三十一条规定…罚款), not 第三十一条;
    数据安全法第三十一条是怎么规定的 still gets 第三十一条."""
    law = make_law("中华人民共和国数据安全法", [
        "第三十一条 关键信息基础设施的运营者在境内运营中收集和产生的重要数据的出境安全管理，适用网络安全法的规定。",
        "第四十五条 开展数据处理活动的组织、个人不履行数据安全保护义务的，由有关主管部门责令改正。",
        "第四十六条 违反本法第三十一条规定，向境外提供重要数据的，由有关主管部门责令改正，给予警告，可以并处罚款。",
    ])
    for clause in law.clauses:
        clause.article = clause.text.split(" ", 1)[0]
        clause.path = ["第六章 法律责任"]
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([law])
    ix.save()
    liable = ask(ix, "违反数据安全法第三十一条的规定向境外提供重要数据的，应当承担何种法律责任？")
    assert [c.article for c in liable.cited] == ["第四十六条"]
    assert [c.article for c in ask(ix, "数据安全法第三十一条是怎么规定的？").cited] == ["第三十一条"]


def test_a_counter_asked_is_not_money_and_hours_counted_with_a_classifier_are_a_time() -> None:
    """罚款案件有多少件: cases, not the sum; 每周工作多少个小时: a time, though 个 is the classifier asked; the
    upper bound of 1万元以上5万元以下 is not a figure of its own."""
    cases = "全年查处罚款案件356件，罚没金额1200万元。"
    assert top_figure(cases, "罚款案件有多少件？", ["罚款", "案件"]) == "356件"
    hours = "劳动者每日工作时间不超过八小时、平均每周工作时间不超过四十四小时。"
    assert top_figure(hours, "平均每周工作多少个小时？", ["每周", "工作时间"]) == "不超过四十四小时"
    fee = "对单位处1万元以上5万元以下罚款。"
    assert [f.value for f in figures_in(fee, [Term("罚款")], {"罚款": 1.0}, None, (), "罚款是多少？")] == [
        "1万元以上5万元以下"
    ]


def test_before_which_year_is_answered_by_a_year_stated_as_a_deadline_or_not_at_all() -> None:
    """哪一年之前 asks for a deadline as 什么时候前 does: 2010年前 answers it; a text that only names years (1945年,
    50多年来) states none, so the question goes unanswered rather than cite it."""
    from lawdocs.answering.question import detect_kind

    asked = "日本政府承诺在哪一年之前销毁完遗弃的化学武器？"
    assert detect_kind(asked)[0] == "figure"
    terms = ["日本政府", "销毁", "化学武器"]
    promised = "日本政府承诺在2010年前销毁完遗弃的化学武器。"
    assert top_figure(promised, asked, terms) == "2010年前"
    q = analyse(asked)
    history = "1945年战败日军遗弃了化学武器，50多年来日本政府已允诺履行销毁义务，各地化学武器2010年前后陆续发现。"
    assert figures_in(history, q.terms, {t.text: 1.0 for t in q.terms}, q.measure_word, q.years, asked) == []
    quarters = "日本政府2025年前三季度销毁化学武器100吨，前期工作已完成。"
    assert figures_in(quarters, q.terms, {t.text: 1.0 for t in q.terms}, q.measure_word, q.years, asked) == []



def test_a_penalty_asked_for_one_party_is_the_amount_its_own_phrase_sets() -> None:
    """对单位处…，对个人处…: a question about 个人 gets the individual's amount, one about 单位 the unit's; 个人信息
    names no party, so it decides nothing."""
    text = "利用档案馆的档案，有违法行为之一的，由档案主管部门给予警告，并对单位处一万元以上十万元以下的罚款，对个人处五百元以上五千元以下的罚款。"
    terms = ["档案馆", "档案", "主管部门", "罚款"]
    assert top_figure(text, "个人擅自复制档案馆的档案，档案主管部门可以对个人罚多少钱？", terms) == "五百元以上五千元以下"
    assert top_figure(text, "单位擅自复制档案馆的档案，档案主管部门可以罚多少钱？", terms) == "一万元以上十万元以下"
    from lawdocs.answering.attribution import asked_party as _asked_party

    assert _asked_party("泄露个人信息的，档案主管部门可以罚多少钱？") is None
    assert _asked_party("单位和个人分别罚多少钱？") is None  # two parties: the question asks for both
    # 执法人员, 非法人组织, 三个人, 一个人民调解委员会 and 单位时间 name no party
    assert _asked_party("行政执法人员发现违规的，对单位罚多少？") == "单位"
    assert _asked_party("三个人以上共同违法的，每单位时间罚多少钱？") is None
    assert _asked_party("依照人民调解法，一个人民调解委员会由多少名委员组成？") is None
    assert _asked_party("对非法人组织罚多少钱？") is None


def test_a_period_closed_by_a_comma_is_for_the_act_after_it() -> None:
    """之日起15日内，按照…支付国家赔偿费用: the act the period times comes after the comma, and counts for the
    figure as it does written without the comma (15日内支付…)."""
    asked = "财政部门受理支付申请后，要在多长时间内支付国家赔偿费用？"
    q = analyse(asked)
    idf = {t.text: 1.0 for t in q.terms}

    def score(text: str) -> float:
        return figures_in(text, q.terms, idf, q.measure_word, q.years, asked)[0].score

    with_comma = score("财政部门应当自受理之日起15日内，按照有关规定支付国家赔偿费用。")
    assert with_comma == pytest.approx(score("财政部门应当自受理之日起15日内按照有关规定支付国家赔偿费用。"))
    assert with_comma > score("财政部门应当自受理之日起15日内，按照有关规定办理。")


def test_a_count_is_written_with_what_it_counts_and_a_time_limit_or_deadline_is_a_figure_question() -> None:
    """几个省（区、市） → 10个省（区、市）; 有没有时间限制 and 在什么时间之前 ask for figures; a deadline is the one whose
    phrase holds what is due, and a deadline after 每年… is yearly too."""
    from lawdocs.answering.question import detect_kind

    pilot = "确定北京、天津等10个省（区、市）开展试点。"
    assert top_figure(pilot, "一共确定了几个省（区、市）作为试点地区？", ["试点"]) == "10个省（区、市）"
    assert top_figure("确定10个项目开展试点。", "确定了几个重点工程？", ["试点"]) == "10个"
    limit = "聘任制公务员申请仲裁有没有时间限制？"
    assert detect_kind(limit)[0] == "figure"
    due = "国家卫生健康委每年要在什么时间之前完成国家监测指标分析？"
    assert detect_kind(due)[0] == "figure"
    text = "2020年起，每年2月底前各省份完成绩效考核工作，3月底前国家卫生健康委完成国家监测指标分析工作。"
    assert top_figure(text, due, ["国家卫生健康委", "完成", "国家", "监测", "指标", "分析"]) == "每年3月底前"
    once = "各地每年3月底前报送上年度数据，并于6月底前完成首次全面评估。"  # 于6月底前: not a yearly deadline
    assert top_figure(once, "各地要在什么时间之前完成首次全面评估？", ["完成", "首次", "全面评估"]) == "6月底前"
    assert top_figure("批准设立5个国家级示范区。", "批准设立了多少个国家级示范区？", ["设立"]) == "5个国家级示范区"


def test_the_length_of_a_named_period_comes_only_from_a_sentence_naming_it(tmp_path: Path) -> None:
    """公证书有效期是多久: the law's 十五个工作日内 (for issuing the certificate) is not its validity, so the question
    is not answered from it; 试用期是多长时间 is answered from the sentence that names 试用期."""
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_law("中华人民共和国公证法", [
            "第一条 公证机构应当自受理公证申请之日起十五个工作日内向当事人出具公证书。",
            "第二条 公证书自出具之日起生效。",
        ]),
        make_law("中华人民共和国公务员法", ["第一条 新录用的公务员试用期为一年。试用期满合格的，予以任职。"]),
        make_law("中华人民共和国行政许可法", ["第一条 行政许可证件应当载明有效期。"]),  # 有效期 is a word the texts use
    ])
    from lawdocs.answering.compose import stated_figures

    issued = next(r for r, c in enumerate(ix.clauses) if "十五个工作日内" in c.text)
    assert stated_figures(ix, analyse("公证处出具的公证书有效期是多久？"), [(issued, 1.0, [])]) == []
    assert stated_figures(ix, analyse("公证处出具公证书要多长时间？"), [(issued, 1.0, [])])  # no period named
    probation = ask(ix, "新录用的公务员试用期是多长时间？")
    assert probation.figure is not None and probation.figure.value == "一年"


def test_a_law_named_in_the_matter_of_a_comparison_across_laws_does_not_scope_it(tmp_path: Path) -> None:
    """…同宪法相抵触的，可以提出审查建议，哪些法律法规对此作了规定: 宪法 is part of what is asked, not the one document
    compared; a question about 宪法 alone is still scoped to it."""
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    rules = make_law("规章制定程序条例", ["第一条 公民认为规章同法律、行政法规相抵触的，可以向国务院书面提出审查建议。"])
    rules.doc_type = "administrative_regulation"
    ix.add_documents([
        make_law("中华人民共和国宪法", ["第一条 一切法律、行政法规和地方性法规都不得同宪法相抵触。"]),
        make_law("中华人民共和国立法法", ["第一条 公民认为行政法规同宪法或者法律相抵触的，可以书面提出进行审查的建议。"]),
        rules,
    ])
    answer = ask(ix, "公民认为规章或者行政法规同宪法、法律相抵触的，可以书面提出审查建议，哪些法律法规对此作了规定？")
    titles = {row.title for row in answer.comparison or []}
    assert {"中华人民共和国立法法", "规章制定程序条例"} <= titles, titles
    code = [make_law("中华人民共和国民法典", [f"第{n}条 自然人的个人信息受法律保护。"]) for n in "一二"]  # two books
    for n, book in enumerate(code):
        book.id, book.title = f"civil-code-{n}", "中华人民共和国民法典"
        for clause in book.clauses:
            clause.doc_id, clause.id = book.id, f"{book.id}:{clause.id.split(':')[1]}"
    ix.add_documents(code)
    laws = ask(ix, "公民认为规章同民法典、法律相抵触的，可以书面提出审查建议，哪些法律法规对此作了规定？")
    assert "规章制定程序条例" in {row.title for row in laws.comparison or []}  # 民法典's books are one law
    alone = ask(ix, "宪法对法律同宪法相抵触有什么规定？")
    assert {c.citation.split(" › ")[0] for c in alone.cited} == {"中华人民共和国宪法"}


def test_a_comparison_does_not_require_the_words_of_its_asides(tmp_path: Path) -> None:
    """…秸秆的综合利用（秸秆还田、肥料化…）: the words in parentheses or after 比如 are the asker's examples, so a
    document that states the matter without them still answers; a word also stated outside the aside (秸秆) and
    the words of a question with no aside are required as before."""
    from lawdocs.answering.phrases import aside_branches

    question = "哪些文件对农作物秸秆的综合利用（秸秆还田、肥料化、饲料化、燃料化等）作了规定或者部署？"
    terms = analyse(question).terms
    (core,) = aside_branches(question, [terms])
    assert {"秸秆", "综合利用"} <= {t.text for t in core} and not {"还田", "肥料化"} & {t.text for t in core}, core
    assert aside_branches("哪些文件提到了秸秆综合利用？", [analyse("哪些文件提到了秸秆综合利用？").terms]) == []
    flood = "哪些法规涉及防汛物资储备，无论是防汛设施保护还是防汛避险部署？"
    (kept,) = aside_branches(flood, [analyse(flood).terms])
    assert {"防汛", "储备"} <= {t.text for t in kept} and not {"避险", "设施"} & {t.text for t in kept}, kept
    fines = "哪些法律规定了加处罚款（或者由代收机构加收罚款）？"  # 罚款 alone would hold every article that fines
    assert aside_branches(fines, [analyse(fines).terms]) == []
    asked_after = "各地在秸秆综合利用，比如秸秆还田等方面采取了哪些措施？"  # the aside ends at 等
    assert aside_branches(asked_after, [analyse(asked_after).terms]) == []
    assert aside_branches("哪些法规规定了惩罚性赔偿，比如知识产权侵权？", [[Term("知识产权"), Term("侵权")]]) == []
    # one short word left, a rare one (a few clauses of the collection state it), is the matter asked of; the
    # alternatives the examples offer for it (庭审直播、政务微直播: 政务 after 直播) are examples too
    live = "哪些文件提到了直播（直播经济、庭审直播、政务微直播等）？"
    assert aside_branches(live, [analyse(live).terms]) == []
    (alone,) = aside_branches(live, [analyse(live).terms], frozenset({"直播"}))
    assert [(t.text, t.alts) for t in alone] == [("直播", ())], alone
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_doc("甲省报告", ["推进农作物秸秆综合利用，开展秸秆还田和肥料化、饲料化利用。"], region="甲省",
                 doc_type="government_work_report"),
        make_doc("乙省报告", ["加强农作物秸秆综合利用。"], region="乙省", doc_type="government_work_report"),
        make_doc("丙省报告", ["稳定房地产市场，推进城市更新。"], region="丙省", doc_type="government_work_report"),
    ])
    ix.save()
    rows = ask(ix, question).comparison
    assert sorted(r.title for r in rows) == ["乙省报告", "甲省报告"], rows


def test_a_set_of_documents_before_which_makes_a_comparison_across_it(tmp_path: Path) -> None:
    """国务院办公厅给地方的复函和办理函中，哪些涉及…: the opening says which documents (State Council letters), not what
    they state, so its words are not required of a clause. One document named (信访工作条例中，哪些…; …的复函中), a
    notice that is no document of the collection (…事先告知的通知中), a year or a place in the set (a scope the
    cut opening would lose), and 在行政赔偿中 are no such set."""
    from lawdocs.answering.comparison import read_comparison
    from lawdocs.text import fold

    letters = read_comparison(fold("国务院办公厅给地方的复函和办理函中，哪些涉及三峡库区？"))
    assert letters.comparative and letters.types == frozenset({"notice"}) and letters.head.endswith("办理函中,")
    for one in ("信访工作条例中，哪些信访事项不予受理？", "行政处罚事先告知的通知中，哪些事项应当告知当事人？",
                "国务院办公厅关于科技节水建议的复函中，哪些措施已经落实？", "国务院办公厅2005年给地方的复函和办理函中，哪些涉及地质灾害？",
                "湖北省的复函和办理函中，哪些涉及地质灾害？", "在行政赔偿中，哪些情形下国家不承担赔偿责任？",
                "处罚前应当告知，这在收到的复函和办理函中，哪些情况下可以不告知？"):
        assert not read_comparison(fold(one)).comparative, one
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_doc("国务院办公厅关于湖北省所提问题办理情况的函", ["加快三峡库区地质灾害防治。"], region=None,
                 doc_type="notice"),
        make_doc("国务院办公厅关于重庆市有关问题的复函", ["支持三峡库区移民安置。"], region=None, doc_type="notice"),
        make_doc("国务院办公厅关于四川省有关问题的复函", ["支持天然林保护工程。"], region=None, doc_type="notice"),
    ])
    ix.save()
    rows = ask(ix, "国务院办公厅给地方的复函和办理函中，哪些涉及三峡库区？").comparison
    assert sorted(r.title for r in rows) == ["国务院办公厅关于湖北省所提问题办理情况的函", "国务院办公厅关于重庆市有关问题的复函"]


def test_a_run_of_province_names_before_a_year_asking_which_mention_is_a_comparison() -> None:
    """京沪2026年的报告里，哪些提到了…: which of the places' reports; 京津冀2025年…有哪些进展 asks of one region's
    matter (a run that names a thing), 辽宁 is one province, and 哪些措施 asks for measures, not documents."""
    assert analyse("京沪2026年政府工作报告里，哪些提到了低空经济？").comparative
    assert not analyse("京津冀2025年协同发展有哪些进展？").comparative
    assert not analyse("京津冀2025年协同发展规划里，哪些提到了交通？").comparative
    assert not analyse("辽宁2026年政府工作报告里，哪些提到了低空经济？").comparative
    assert not analyse("粤港澳大湾区2026年建设中哪些措施涉及跨境金融？").comparative


def test_a_rare_word_left_alone_by_a_comparison_s_aside_answers_and_a_common_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """哪些文件提到了直播（直播经济、庭审直播…）: 直播 is in few of the collection's clauses, so a document stating it
    without the examples answers; a word in more of them (罚款 in a statute collection) is not enough alone."""
    from lawdocs.answering import candidates

    notices = [make_doc(f"第{n}号通知", [f"加强第{n}项经济工作。"], region=None, doc_type="notice") for n in range(500)]
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_doc("甲市报告", ["培育直播电商。"], region="甲市", doc_type="government_work_report"),
        make_doc("乙市报告", ["推进庭审网络直播。"], region="乙市", doc_type="government_work_report"),
        make_doc("丙市报告", ["推进城市更新。"], region="丙市", doc_type="government_work_report"),
        *notices,
    ])
    ix.save()
    question = "哪些文件提到了直播（直播经济、直播带货、政务微直播等）？"
    rows = {r.title for r in ask(ix, question).comparison or []}
    assert rows == {"甲市报告", "乙市报告"}, rows
    monkeypatch.setattr(candidates, "RARE_SHARE", 0.001)  # 直播 in 2 of 503 clauses: no longer rare
    assert not {"甲市报告", "乙市报告"} <= {r.title for r in ask(ix, question).comparison or []}


def test_a_range_with_its_unit_twice_is_one_figure_and_a_query_ending_in_a_limit_asks_for_one() -> None:
    """三十年至七十年 and 6个月至12个月 are ranges, as 1万元以上5万元以下 is: the figure is both ends, not the first;
    a query of key words ending in 期限 or 名额 (专利代理师首次执业 备案期限) asks for a figure, one asking whether
    something counts toward a 期限 does not."""
    from lawdocs.answering.question import detect_kind

    land = "耕地的承包期为三十年。草地的承包期为三十年至五十年。林地的承包期为三十年至七十年。"
    assert top_figure(land, "林地的承包期是多少年？", ["林地", "承包期"]) == "三十年至七十年"
    halt = "情节严重的，责令停止承接新的专利代理业务6个月至12个月。"
    assert top_figure(halt, "会被责令停止承接新业务多长时间？", ["停止", "承接"]) == "6个月至12个月"
    years = "自2019年至2023年，共计10件。"  # years are dates, not a range of figures
    assert top_figure(years, "一共多少件？", ["共计"]) == "共计10件"
    assert detect_kind("专利代理师首次执业 备案期限")[0] == "figure"
    assert detect_kind("设区的市人大常委会组成人员名额")[0] == "figure"
    assert [detect_kind(q)[0] for q in ("诉讼时效", "公务员 最低服务年限", "专项资金 限额")] == ["figure"] * 3
    assert detect_kind("所需时间是否计入许可期限？")[0] != "figure"
    assert detect_kind("哪些法律法规对解除冻结规定了期限？")[0] != "figure"


def test_a_case_after_a_semicolon_or_a_paragraph_referring_back_is_read_with_the_text_it_is_of() -> None:
    """…处一万元以上十万元以下的罚款；使用者为个人的，可以处二百元以上二千元以下的罚款: the individual's fine is of the
    act the sentence before describes, so a question naming 个人 takes it; 单位有前款行为的 is of the paragraph before.
    A sentence that is not a case (…的, after a full stop) keeps only its own words."""
    from lawdocs.answering.attribution import in_context

    fines = ("未将农药包装废弃物交由专门的机构进行无害化处理的，由农业农村主管部门责令改正，处一万元以上十万元以下的罚款；"
             "农业投入品使用者为个人的，可以处二百元以上二千元以下的罚款。")
    words = ["农药", "包装", "废弃物", "无害化", "处理"]
    assert top_figure(fines, "个人没把农药包装废弃物交去无害化处理，最多罚多少？", words) == "二百元以上二千元以下"
    assert top_figure(fines, "单位没把农药包装废弃物交去无害化处理，最多罚多少？", words) == "一万元以上十万元以下"
    site = ("设立用于实施违法犯罪活动的网站的，由公安机关处五日以下拘留，可以并处一万元以上十万元以下罚款。\n"
            "单位有前款行为的，由公安机关处十万元以上五十万元以下罚款。")
    asked = "单位设立用于实施违法犯罪活动的网站的，公安机关对单位罚款多少？"
    assert top_figure(site, asked, ["设立", "违法犯罪", "网站", "公安机关"]) == "十万元以上五十万元以下"
    second = "申请人为个人的，十日内答复。"
    assert "甲机关" not in in_context(second, "甲机关应当公开", "甲机关应当公开" + second, semicolon=False)
    assert in_context(second, "甲机关应当公开", "甲机关应当公开" + second, semicolon=True).startswith("甲机关")
    parallel = "属于有条件共享类的，十日内答复。"  # a parallel case, not a party's: its own words only
    assert "甲机关" not in in_context(parallel, "甲机关应当公开", "甲机关应当公开" + parallel, semicolon=True)
    assert in_context("单位有前款行为的，处…", "", "甲乙丙单位有前款行为的，处…", semicolon=False).startswith("甲乙丙")


def test_what_a_listed_value_became_answers_with_its_rate_and_其中_names_the_case_after_it() -> None:
    """分别从每人每月209元、280元提高到217元、290元: 提高到多少 asks for what the first became (217元), written with
    the rate it shares with the starting values; 三十日内…，其中对领导成员…的申请，应当…九十日内: the case after 其中
    is the leaders'."""
    raise_ = "困难残疾人生活补贴、重度残疾人护理补贴标准分别从每人每月209元、280元提高到217元、290元。"
    asked = "困难残疾人生活补贴标准提高到每人每月多少元？"
    assert top_figure(raise_, asked, ["残疾人", "生活", "补贴", "标准", "每人", "每月"]) == "每人每月217元"
    towns = "甲市、乙县的示范村分别从10个、20个增加到15个、25个。"
    assert top_figure(towns, "乙县的示范村增加到多少个？", ["乙县", "示范村"]) == "25个"
    quit_ = "任免机关应当自接到申请之日起三十日内予以审批，其中对领导成员辞去公职的申请，应当自接到申请之日起九十日内予以审批。"
    leader = "领导成员申请辞去公职的，任免机关要在接到申请后多长时间内审批？"
    assert top_figure(quit_, leader, ["领导成员", "辞去公职", "任免机关", "申请", "审批"]) == "自接到申请之日起九十日内"
    member = "公务员申请辞去公职的，任免机关要在接到申请后多长时间内审批？"
    assert top_figure(quit_, member, ["公务员", "辞去公职", "任免机关", "申请", "审批"]) == "自接到申请之日起三十日内"


def test_a_case_the_question_sets_aside_does_not_answer_it() -> None:
    """除仅受通报批评的以外，…满多长时间停止公示: the three months set for 通报批评 are the case set aside, so the three
    years of the others answer; 除拘留外并处多少罚款 sets nothing aside (it asks what comes besides)."""
    from lawdocs.answering.attribution import excepted_words

    rule = ("仅受到通报批评或者较低数额罚款的行政处罚信息自公示之日起届满三个月的，停止公示。"
            "其他行政处罚信息自公示之日起届满三年的，停止公示。")
    asked = "行政处罚信息，除仅受通报批评或较低数额罚款的以外，自公示之日起满多长时间停止公示？"
    words = ["行政处罚", "信息", "通报批评", "较低", "数额", "罚款", "公示", "停止"]
    assert top_figure(rule, asked, words) == "自公示之日起届满三年"
    assert top_figure(rule, "仅受通报批评的行政处罚信息，自公示之日起满多长时间停止公示？", words) == "自公示之日起届满三个月"
    # the case set aside shares more of the question's words (市场监管部门): only the penalty turns it down
    ruled = ("市场监管部门对仅受到通报批评的行政处罚信息自公示之日起届满三个月的，停止公示。"
             "其他行政处罚信息自公示之日起届满三年的，停止公示。")
    apart = "市场监管部门公示的行政处罚信息，除仅受通报批评的以外，自公示之日起满多长时间停止公示？"
    assert top_figure(ruled, apart, ["市场监管部门", "通报批评", "行政处罚", "信息", "公示", "停止"]).endswith("三年")
    assert excepted_words("协助运送他人偷越国境的，除拘留外并处多少罚款？") == ""
    assert excepted_words("设立合伙律师事务所，除一般条件外还应当具备哪些条件？") == ""


def test_qualifiers_a_bound_asked_with_多少_以上_and_an_amount_stated_two_ways() -> None:
    """最高不超过15万元 and 连续3年 keep their qualifiers; 多少人以上 asks for a lower bound (十人以上, not the 二至五人
    beside it); 五千万元以下或者上一年度营业额百分之五以下 is one amount stated two ways, not its first half."""
    loan = "符合条件的人员自主创业的，可申请创业担保贷款，额度最高不超过15万元。"
    assert top_figure(loan, "自主创业最多能申请多少额度的创业担保贷款？", ["自主创业", "创业担保贷款"]) == "最高不超过15万元"
    meeting = "省政府连续3年在新春第一个工作日召开全省高质量发展大会。"
    assert top_figure(meeting, "连续几年在新春第一个工作日召开高质量发展大会？", ["新春", "高质量发展"]) == "连续3年"
    many = "“人数众多”，一般指十人以上。代表人为二至五人。"
    assert top_figure(many, "“人数众多”一般是指多少人以上？", ["人数众多", "代表人"]) == "十人以上"
    fine = "情节严重的，由省级以上部门责令改正，并处五千万元以下或者上一年度营业额百分之五以下罚款。"
    assert top_figure(fine, "情节严重的，最高可以罚多少？", ["情节严重", "罚款"]) == "五千万元以下或者上一年度营业额百分之五以下"


def test_two_quantities_asked_are_answered_together_and_a_list_of_conditions_is_of_every_penalty_before_it() -> None:
    """拘留和罚款幅度各是多少 asks for both: the detention with the fine after it; 最长多久？…能延长到多久？ the limit with
    its extension. 有下列行为之一的，处五日以下拘留；情节较重的，处…：(一)…: the listed acts are of both penalties, so
    the plain case answers a question that does not name the graver one, written with the graver case after it.
    每十年至少组织开展一次 is a frequency."""
    penalty = "为偷越国（边）境人员提供条件的，处五日以上十日以下拘留，并处五百元以上二千元以下罚款。"
    words = ["偷越", "提供", "条件", "拘留", "罚款"]
    both = "给偷越国境的人提供条件的，拘留和罚款幅度各是多少？"
    assert top_figure(penalty, both, words) == "五日以上十日以下拘留，并处五百元以上二千元以下罚款"
    assert top_figure(penalty, "给偷越国境的人提供条件的，罚款幅度是多少？", words) == "五百元以上二千元以下"
    stay = "拘留审查的期限不得超过三十日，案情复杂的，经批准可以延长至六十日。"
    asked = "拘留审查的期限最长多久？案情复杂的能延长到多久？"
    assert top_figure(stay, asked, ["拘留审查", "期限", "案情复杂"]) == "不得超过三十日，案情复杂的，经批准可以延长至六十日"
    listed = "有下列行为之一的，处五日以下拘留；情节较重的，处五日以上十日以下拘留：（一）侵入计算机信息系统，造成危害的；（二）制作、传播计算机病毒的。"
    plain = top_figure(listed, "侵入计算机信息系统、造成危害的，要拘留几天？", ["侵入", "计算机信息系统", "危害", "拘留"])
    assert plain == "五日以下拘留；情节较重的，处五日以上十日以下"  # the plain case first, written with its graver one
    census = "有关部门每十年至少组织开展一次全国土壤污染状况普查。"
    assert top_figure(census, "全国土壤污染状况普查多长时间至少要组织开展一次？", ["土壤污染", "普查"]) == "每十年至少组织开展一次"


def test_a_period_asked_for_an_act_is_the_one_stated_for_that_act() -> None:
    """多长时间内作出裁定: the 四十八小时内 the court has to rule, not the 三十日内 the applicant has to sue in, although
    that sentence shares more of the question's words; 多长时间内支付赔偿金 likewise takes the period for paying."""
    court = ("申请人在人民法院采取保全措施后三十日内不依法提起诉讼的，人民法院应当解除保全。"
             "人民法院接受申请后，必须在四十八小时内作出裁定。")
    asked = "申请保全的，人民法院接受申请后最迟要在多长时间内作出裁定？"
    words = ["申请", "保全", "人民法院", "接受", "裁定"]
    assert top_figure(court, asked, words) == "四十八小时内"
    assert top_figure(court, "人民法院采取保全措施后，申请人要在多长时间内提起诉讼？", words + ["诉讼"]) == "三十日内"


def test_a_few_years_ahead_is_not_a_time_asked_and_多大震级_asks_for_a_grade() -> None:
    """今后几年…可能发生多大震级的强震: 今后几年 is a few years, not how many, so the question asks for a grade (级
    answers only a question asking for one), not a time."""
    asked = "今后几年我国大陆可能发生多大震级的强震？"
    assert analyse(asked).measure_word is None
    assert analyse("要拘留几天？").measure_word == "天"
    trend = "会议认为，今后几年，我国大陆可能发生7级左右强震，并且很可能发生7.5级以上的强震。"
    assert top_figure(trend, asked, ["我国", "大陆", "强震"]) in ("7级左右", "7.5级以上")
    assert top_figure("振动事件震级均小于1.8级，记录567次。", "一共记录到多少次振动？", ["振动"]) == "567次"


def test_the_review_cases_a_period_after_an_act_amounts_of_two_kinds_and_cases_that_share_words() -> None:
    """受理申请后几日内 asks for a time (后 before 几 is not 今后); 从业人员在三十人以下或者注册资本在五百万元以下 states
    two amounts of two kinds, not one; a range whose lower end is no figure keeps its upper end; 从2000元至2200元 is a
    change, not a range; a word of the question outside the case it sets aside still counts; a graver case joins each
    figure to the one of its kind; a list of conditions is of its own lead only."""
    from lawdocs.answering.figures import figures_in

    fee = "行政机关受理申请后，应当收取工本费500元，并在二十日内作出决定。"
    assert top_figure(fee, "行政机关受理申请后几日内作出决定？", ["行政机关", "受理", "作出决定"]) == "二十日内"
    small = "从业人员在三十人以下或者注册资本在五百万元以下的，可以简化程序。"
    assert top_figure(small, "注册资本在多少万元以下的可以简化程序？", ["注册资本", "简化程序"]) == "五百万元以下"
    assert top_figure("应当在三年至五年内完成改造。", "应当在多少年内完成改造？", ["完成", "改造"]) == "五年内"
    wage = "月最低工资标准从2000元至2200元。"
    assert top_figure(wage, "月最低工资标准提高到多少元？", ["最低工资标准"]) == "2200元"
    pay = "罚款应当自收到决定书之日起十五日内缴纳。滞纳金应当在三十日内缴纳。"
    asked = "除小额罚款的以外，罚款应当在多少日内缴纳？"
    assert top_figure(pay, asked, ["小额", "罚款", "缴纳"]).endswith("十五日内")
    both = "处五日以下拘留，并处五百元以下罚款；情节较重的，处十日以下拘留，并处一千元以下罚款。"
    days = top_figure(both, "要拘留几天？", ["拘留"])
    assert days.startswith("五日以下") and days.endswith("十日以下")
    fine = top_figure(both, "要罚款多少钱？", ["罚款"])
    assert fine.startswith("五百元以下") and fine.endswith("一千元以下")
    lead = "申请人应当在三十日内提交材料。有下列情形之一的，处五日以下拘留：（一）伪造证件的；（二）冒用证件的。"
    q = analyse("伪造证件的，拘留几天？")
    found = figures_in(lead, q.terms, {t.text: 1.0 for t in q.terms}, q.measure_word, q.years, q.text)
    assert all("伪造" not in f.context for f in found if "三十日" in f.value)
    assert analyse("今后几年新增多少个停车位？").measure_word == "个"


def test_stated_figures_reads_a_case_with_the_sentence_it_is_of(tmp_path: Path) -> None:
    """`compose.stated_figures` keeps a figure whose own sentence lacks the question's words when the sentence it is a
    case of states them (…农业农村主管部门…处一万元以上十万元以下的罚款；使用者为个人的，可以处二百元以上…)."""
    from lawdocs.answering import compose
    from lawdocs.answering.question import Question

    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([make_law("中华人民共和国生态环境法典", [
        "第一条 未将农药包装废弃物交由专门的机构进行无害化处理的，由农业农村主管部门责令改正，处一万元以上十万元以下"
        "的罚款；农业投入品使用者为个人的，可以处二百元以上二千元以下的罚款。"])])
    asked = "个人没把农药包装废弃物交去无害化处理，农业农村部门最多能罚多少？"
    q = analyse(asked)
    q = Question(**{**q.__dict__, "terms": [Term("农药"), Term("包装"), Term("废弃物"), Term("无害化"), Term("农业农村")]})
    values = [f.value for f in compose.stated_figures(ix, q, [(0, 1.0, [])])]
    assert values[0] == "二百元以上二千元以下" and "一万元以上十万元以下" in values
