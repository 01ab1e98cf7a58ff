"""Answers over a document's list of entries (a notice's praised practices, a reply's numbered answers), a place
a comparison asks documents to speak of, and a law named only as what a held regulation implements."""

from __future__ import annotations

from pathlib import Path

from lawdocs.answer import ask
from lawdocs.answering.anchors import anchored, described_answer, entry_terms, listed_within
from lawdocs.answering.comparison import places_are_matter
from lawdocs.answering.phrases import topic_branches
from lawdocs.answering.question import analyse
from lawdocs.embed import HashEmbedder
from lawdocs.filters import parse_filters
from lawdocs.index import Index
from lawdocs.text import fold
from test_answer_collection import make_doc, make_law

PRAISED = "国务院办公厅关于对第五次大督查发现的典型经验做法给予表扬的通报"
ENTRIES = [
    "1.天津市滨海新区深化“放管服”改革，推行“一枚印章管审批”。",
    "2.北京市海淀区扎实推进“双创”示范基地建设，打造“双创”升级版。",
    "3.河北省唐山市推进钢铁行业去产能。",
    "4.山西省长治市城区积极搭建“双创”平台，推进创新驱动发展。",
    "5.辽宁省沈阳市推进国资国企改革。",
    "6.上海市杨浦区着眼建设“世界级创谷”，打造“双创”升级版。",
    "7.浙江省杭州市推进“最多跑一次”改革。",
    "8.安徽省合肥市培育新兴产业集群。",
    "9.福建省厦门市优化营商环境。",
    "10.江西省赣州市推进脱贫攻坚。",
    "11.山东省青岛市发展海洋经济。",
    "12.四川省成都市实施“创业天府”行动计划，打造“双创”升级版。",
]


def _praised(tmp_path: Path) -> tuple[Index, list[int]]:
    """A national notice whose attachment lists praised practices, one entry a clause, beside a provincial report."""
    doc = make_doc(PRAISED, ENTRIES, region=None, doc_type="notice", year=2018)
    for clause in doc.clauses:
        clause.path = ["附件 第五次大督查发现的典型经验做法"]
    report = make_doc(
        "2026年北京市政府工作报告", ["深入推进“双创”，建设国际科技创新中心。"], region="北京市", doc_type="government_work_report"
    )
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([doc, report])
    return ix, list(ix.doc_rows[doc.id])


def test_places_asked_for_inside_one_notice_are_its_entries_not_documents_of_places(tmp_path: Path) -> None:
    """…典型经验里，哪些地方…: the places are entries of the one notice the question describes, so the answer cites
    each entry that answers (not the one best clause of each document, as a comparison across regions would)."""
    ix, rows = _praised(tmp_path)
    question = "第五次大督查表扬的典型经验里，哪些地方在打造“双创”升级版上有做法？"
    q = analyse(question)
    assert q.comparative and q.compared == "regions"
    assert listed_within(ix, q, parse_filters(None)) == ix.clauses[rows[0]].doc_id
    answer = ask(ix, question, limit=None)
    cited = {c.text for c in answer.cited}
    assert {ENTRIES[1], ENTRIES[5], ENTRIES[11]} <= cited, (answer.reason, cited)
    assert not answer.comparison
    # a comparison of the provinces' own documents stays one: nothing says "inside" a document
    assert listed_within(ix, analyse("哪些地方提出要打造“双创”升级版？"), parse_filters(None)) is None


def test_the_entries_of_the_cited_section_that_state_the_anchor_are_cited_too(tmp_path: Path) -> None:
    """The question's rarest word that the cited entry states (升级版) marks the other entries of its section that
    answer in words of their own; not when most of the section states it, nor among a statute's articles."""
    ix, rows = _praised(tmp_path)
    q = analyse("第五次大督查表扬的典型经验中，有哪些是打造“双创”升级版的？")
    mask = ix.rows_matching(parse_filters(None))
    found = [r for r, _, _ in anchored(ix, q, [(rows[1], 0.8, [])], mask)]
    assert found == [rows[1], rows[5], rows[11]], found
    # two of three entries of a section state it: the section is about it, the rule leaves the answer alone
    small = Index.create(tmp_path / "small", embedder=HashEmbedder())
    doc = make_doc(PRAISED, [ENTRIES[1], ENTRIES[5], ENTRIES[2]], region=None, doc_type="notice", year=2018)
    small.add_documents([doc])
    first = small.doc_rows[doc.id][0]
    assert [r for r, _, _ in anchored(small, q, [(first, 0.8, [])], small.rows_matching(parse_filters(None)))] == [first]
    law = Index.create(tmp_path / "law", embedder=HashEmbedder())
    law.add_documents([make_law("示范法", ENTRIES[:9])])  # 升级版 in two of nine articles
    one = law.doc_rows[next(iter(law.documents))][1]
    assert [r for r, _, _ in anchored(law, q, [(one, 0.8, [])], law.rows_matching(parse_filters(None)))] == [one]


def test_a_place_a_comparison_asks_documents_to_speak_of_is_not_its_scope(tmp_path: Path) -> None:
    """哪些文件涉及西藏自治区: no document is of 西藏, the notices that speak of it answer; 哪些省份… still
    compares the provinces' documents."""
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_doc("国务院办公厅关于内地办学有关问题的通知", ["西藏自治区人民政府负责提供学生的学习和生活费用。"],
                 region=None, doc_type="notice", year=1996),
        make_doc(PRAISED, ["113.西藏自治区曲水县创新脱贫思路。"], region=None, doc_type="notice", year=2018),
        make_doc("2026年北京市政府工作报告", ["推进京津冀协同发展。"], region="北京市", doc_type="government_work_report"),
    ])
    question = "哪些文件涉及西藏自治区？"
    assert places_are_matter(analyse(question))
    assert not places_are_matter(analyse("哪些省份提到了对口支援西藏？"))
    answer = ask(ix, question)
    assert answer.answered, answer.reason
    assert len(answer.comparison or []) == 2


def test_a_law_named_as_what_a_held_regulation_implements_does_not_put_the_question_out_of_scope(
    tmp_path: Path,
) -> None:
    """个人所得税法所称…，个人所得税法实施条例是如何确定的: the collection holds the regulation, not the law it
    implements; the question is about the regulation. Asked of the law alone, it is out of scope."""
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    doc = make_law("中华人民共和国个人所得税法实施条例", [
        "根据《中华人民共和国个人所得税法》，制定本条例。",
        "个人所得税法所称劳务报酬所得的每次，按照下列方法确定：属于一次性收入的，以取得该项收入为一次。",
    ])
    doc.doc_type = "administrative_regulation"
    ix.add_documents([doc])
    answer = ask(ix, "个人所得税法所称劳务报酬的“每次”，个人所得税法实施条例是如何确定的？")
    assert answer.answered and answer.cited[0].citation.endswith("第二条"), answer.reason
    alone = ask(ix, "个人所得税法对劳务报酬是怎么规定的？")
    assert not alone.answered and "个人所得税法" in (alone.reason or "")


def test_a_number_opens_the_first_topic_a_question_lists() -> None:
    """…对四川提出的60万吨乙烯项目和亭子口水利枢纽工程分别是怎么答复的: 60 is a word of the first topic, so each
    project is a branch a clause may answer by."""
    from lawdocs.answering.phrases import _first_topic

    assert _first_topic("国办的办理函对四川提出的60万吨乙烯项目") == "60万吨乙烯项目"
    q = analyse("国办的办理函对四川提出的60万吨乙烯项目和亭子口水利枢纽工程分别是怎么答复的？")
    branches = topic_branches(fold(q.text), q.terms)
    assert len(branches) == 2 and any("乙烯" in t.text for t in branches[0]), [[t.text for t in b] for b in branches]


def test_the_model_vouches_for_an_article_of_a_statute_the_question_names_only_when_nearer(tmp_path: Path) -> None:
    """The statute's name in the question brings all its articles nearer: its first hit is cited on the model's
    word from ``NAMED_LAY_DENSE``, where an unnamed statute's is from ``LAY_DENSE``."""
    from lawdocs.answering.compose import LAY_DENSE, NAMED_LAY_DENSE, lay_rescue

    assert LAY_DENSE < NAMED_LAY_DENSE
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([make_law("示范许可法", ["依照示范许可法，各类许可证件的有效期统一为三年。", "本法自公布之日起施行。"])])
    row = ix.doc_rows[next(iter(ix.documents))][0]
    between = (LAY_DENSE + NAMED_LAY_DENSE) / 2
    named = analyse("示范许可法规定各类许可证件的有效期统一为几年？")
    assert lay_rescue(ix, named, [(row, 0.3, [])], between) == []
    assert lay_rescue(ix, named, [(row, 0.3, [])], NAMED_LAY_DENSE) != []
    unnamed = analyse("各类许可证件的有效期统一为几年？")
    assert lay_rescue(ix, unnamed, [(row, 0.3, [])], between) != []


def test_respectively_after_places_no_document_is_of_asks_of_one_national_notice(tmp_path: Path) -> None:
    """山西、安徽…分别: no document is of either province (the notice's title names them), so the question asks of
    the accidents in that notice, clause by clause, not of two provinces' documents. 北京、上海…分别, with a
    report of each, stays a comparison."""
    title = "国务院办公厅关于山西、安徽省四起特大煤矿瓦斯爆炸事故调查处理情况的通报"
    texts = [
        "山西杏儿沟煤矿事故的直接责任人被移交司法机关依法追究刑事责任，事故责任人员受到党纪政纪处分。",
        "安徽芦岭煤矿事故的两名直接责任人已经在事故中死亡，不再追究，其他事故责任人员受到处分。",
        "各地区要深刻吸取事故教训，加强煤矿安全生产监管。",
    ]
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    notice = make_doc(title, texts, region=None, doc_type="notice", year=2004)
    ix.add_documents([
        notice,
        make_doc("2026年北京市政府工作报告", ["加强安全生产监管。"], region="北京市", doc_type="government_work_report"),
        make_doc("2026年上海市政府工作报告", ["加强安全生产监管。"], region="上海市", doc_type="government_work_report"),
    ])
    question = "山西、安徽四起特大煤矿瓦斯爆炸事故查处后，国办通报对各起事故的责任人员分别是怎么处理的？"
    assert analyse(question).comparative
    assert listed_within(ix, analyse(question), parse_filters(None)) == notice.id
    assert listed_within(ix, analyse("北京、上海的政府工作报告分别怎样加强安全生产监管？"), parse_filters(None)) is None


def test_the_collection_a_question_asks_within_is_not_content() -> None:
    """库里 / 库中 (in the collection) say where to look, like 报告里: no clause states them."""
    for question in ("库里哪些法律法规是从2022年开始施行的？", "库中哪些文件提到了中欧班列？"):
        assert not {"库里", "库中"} & {t.text for t in analyse(question).terms}, question


def test_what_stays_a_comparison_of_places_and_what_stays_out_of_scope(tmp_path: Path) -> None:
    """Review mends: 分别 with no place named, a topic (not a list of entries) before 中，哪些省份, and documents a
    place issues keep their comparison and their scope; a law merely contained in a held law's name (保险法 in
    社会保险法) is still one the collection lacks."""
    from lawdocs.answering.scope import scope_of

    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([
        make_doc("国务院办公厅关于推进低空经济高质量发展的指导意见", ["各地要有序建设通用机场，发展低空经济。"],
                 region=None, doc_type="notice"),
        make_doc("2026年广东省政府工作报告", ["建设通用机场，发展低空经济。"], region="广东省", doc_type="government_work_report"),
        make_doc("2026年四川省政府工作报告", ["建设通用机场，发展低空经济。"], region="四川省", doc_type="government_work_report"),
        make_law("中华人民共和国社会保险法", ["用人单位应当按时足额缴纳社会保险费。"]),
        make_doc("国务院办公厅关于铁路项目资金问题的复函", ["现答复如下：同意安排铁路项目资金。"], region=None, doc_type="notice"),
        make_doc("国务院办公厅关于水利项目问题的办理函", ["水利项目另行研究。"], region=None, doc_type="notice"),
    ])
    none = parse_filters(None)
    assert listed_within(ix, analyse("推进低空经济高质量发展中，哪些省份在建设通用机场？"), none) is None
    assert listed_within(ix, analyse("复函、办理函中，哪些分别答复了铁路项目资金？"), none) is None
    assert not places_are_matter(analyse("哪些政府工作报告中，广东省提出了低空经济？"))
    assert not places_are_matter(analyse("哪些地方性法规对广东省的物业费作了规定？"))
    question = "保险法和社会保险法对保险费的缴纳分别是怎么规定的？"
    assert scope_of(ix, question, []).missing == "the collection has no 《保险法》"


def test_a_statute_s_graver_case_answers_only_a_question_that_names_it() -> None:
    """处五万元以上二十万元以下的罚款；情节特别严重的，并处二十万元以上一百万元以下的罚款：(一)…: the conditions follow
    the graver case, so they share the question's words; its figure answers only when the question asks for it, and
    a question that does not gets the plain case written with the graver one."""
    from lawdocs.answering.figures import figures_in

    text = ("第九十六条 有关单位有下列情形之一的，责令停产停业，并处五万元以上二十万元以下的罚款；情节特别严重的，"
            "并处二十万元以上一百万元以下的罚款：（一）未按照规定采取预防措施，导致发生较大以上突发事件的；")
    for question, value in (
        ("有关单位未按规定采取预防措施、导致发生较大以上突发事件的，罚款幅度是多少？", "五万元以上二十万元以下"),
        ("有关单位未按规定采取预防措施、导致发生较大以上突发事件，情节特别严重的，罚款幅度是多少？", "二十万元以上一百万元以下"),
    ):
        q = analyse(question)
        idf = {t.text: 1.0 for t in q.terms} | {p: 1.0 for t in q.terms for p in t.parts}
        found = figures_in(text, q.terms, idf, q.measure_word, q.years, question)[0].value
        assert found.startswith(value), question
        # the plain case is written with its graver one (twenty-fourth pass), the graver one alone
        assert found.endswith("二十万元以上一百万元以下"), question


def test_the_words_that_describe_the_listing_notice_do_not_ask_of_its_entries(tmp_path: Path) -> None:
    """第五次大督查表扬的12项典型经验中，哪些地方…: the notice the question describes is its scope, and the words
    its title or opening states (表扬, 12, 典型经验) describe it; each entry that states the rest answers."""
    doc = make_doc(PRAISED, ["对北京市等12项地方典型经验做法予以通报表扬。", *ENTRIES], region=None, doc_type="notice",
                   year=2018)
    doc.clauses[0].path = []
    for clause in doc.clauses[1:]:
        clause.path = ["附件 第五次大督查发现的典型经验做法"]
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([doc])
    question = "第五次大督查表扬的12项典型经验中，哪些地方在打造“双创”升级版方面有做法？"
    q = analyse(question)
    asked = {t.text for t in entry_terms(ix, q, doc.id)}
    assert {"双创", "升级版"} <= asked and not asked & {"12", "表扬", "典型", "经验"}, asked
    answer = ask(ix, question, limit=None)
    assert {ENTRIES[1], ENTRIES[5], ENTRIES[11]} <= {c.text for c in answer.cited}, answer.reason
    assert not {"12", "表扬"} & set(answer.terms), answer.terms  # what the cut-off weighed: the entries' words


def test_a_reply_described_by_the_proposal_it_answers_is_answered_on_the_words_asked_of_it(tmp_path: Path) -> None:
    """国办在答复设立总理热线电话的提案时，介绍了…哪些渠道: the reply's title and its letter's opening (up to 收悉)
    describe it; what is asked of it (民意, 渠道…) picks its clauses, which state none of the describing words."""
    texts = [
        "国办函〔2006〕82号",
        "王超斌委员：",
        "您提出的《关于设立总理热线电话的提案》收悉。经研究，答复如下：",
        "信访是了解民意的一个重要渠道，人民群众的来信由国家信访局及时报送。",
        "国务院重大决策出台前要召开座谈会，听取群众意见。",
        "感谢您对政府工作的关心和支持。",
    ]
    reply = make_doc("国务院办公厅对全国政协十届四次会议第4626号提案的答复", texts, region=None, doc_type="notice",
                     year=2006)
    for clause in reply.clauses:
        clause.path = []
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([reply])
    q = analyse("国办在答复设立总理热线电话的提案时，介绍了国务院了解民意、听取群众意见的哪些渠道？")
    asked = {t.text for t in entry_terms(ix, q, reply.id)}
    assert "民意" in asked and not asked & {"设立总理热线电话", "提案", "答复"}, asked
    rows = list(ix.doc_rows[reply.id])
    found = [r for r, _, _ in described_answer(ix, q, rows[2], ix.rows_matching(parse_filters(None)))]
    assert rows[3] in found and rows[2] not in found, found
    assert {t.text for t in q.terms} == asked  # the words the answer was chosen on
