"""A question in several parts about one document, each part answered by a clause of its own, and the topics a
comparison lists on one side of 或者, each with that side's words only."""

from __future__ import annotations

from pathlib import Path

from lawdocs.answering import evidence as ev
from lawdocs.answering.candidates import score_rows
from lawdocs.answering.parts import parts_answered, question_parts
from lawdocs.answering.question import analyse
from lawdocs.embed import HashEmbedder
from lawdocs.filters import parse_filters
from lawdocs.index import Index
from test_answer_collection import make_doc, make_law

RULES = "国务院办公厅关于印发经营性文化事业单位转制为企业规定的通知"
SECTIONS = [
    "转制后的企业名称，按照企业名称登记管理的规定确定。",
    "转制后须核销事业编制，注销事业单位法人。",
    "转制企业要按照现代企业制度的要求，完善法人治理结构。",
    "转制企业的国有资产由同级财政部门监管。",
]
QUESTION = "经营性文化事业单位转制为企业后，企业名称怎么确定？原来的事业编制怎么核销？"


def _rules(tmp_path: Path, law: bool = False) -> tuple[Index, list[int]]:
    doc = make_law(RULES, SECTIONS) if law else make_doc(RULES, SECTIONS, region=None, doc_type="notice")
    ix = Index.create(tmp_path / ("law" if law else "notice"), embedder=HashEmbedder())
    ix.add_documents([doc])
    return ix, list(ix.doc_rows[doc.id])


def test_a_question_splits_into_its_sentences_and_a_short_tail_is_not_asked_on_its_own() -> None:
    assert question_parts(QUESTION) == ["经营性文化事业单位转制为企业后,企业名称怎么确定", "原来的事业编制怎么核销"]
    assert question_parts("转制后企业名称怎么确定？") == []
    assert question_parts("能不能直接送给领导个人？是否？") == []  # 是否 is not a question of its own


def test_each_part_of_a_question_gets_the_clause_that_answers_it(tmp_path: Path) -> None:
    """The cut-off kept the clause on the name; the part on 事业编制 gets its own clause, and nothing else is added.
    With nothing kept, the one document the question names is asked each part the same way."""
    ix, rows = _rules(tmp_path)
    q = analyse(QUESTION)
    flt = parse_filters(None)
    mask = ix.rows_matching(flt)
    found = [r for r, _, _ in parts_answered(ix, q, [(rows[0], 0.7, [])], mask, flt)]
    assert found == [rows[0], rows[1]], found
    found = [r for r, _, _ in parts_answered(ix, q, [], mask, flt, [ix.clauses[rows[0]].doc_id])]
    assert sorted(found) == rows[:2], found
    # a question of one part and a figure question are left alone
    one = analyse("经营性文化事业单位转制为企业后，企业名称怎么确定？")
    assert [r for r, _, _ in parts_answered(ix, one, [(rows[0], 0.7, [])], mask, flt)] == [rows[0]]
    figure = analyse("经营性文化事业单位转制后多少天内要核销事业编制？多少天内注销事业单位法人？")
    assert figure.kind == "figure"
    assert [r for r, _, _ in parts_answered(ix, figure, [(rows[0], 0.7, [])], mask, flt)] == [rows[0]]


def test_a_part_a_cited_clause_answers_adds_nothing_and_the_filters_bound_the_rest(tmp_path: Path) -> None:
    """Each part not yet answered gets its clause whichever part the cited clause answers; a clause outside the mask
    (the filters, the sections read) is never added; a part asked twice is asked once."""
    ix, rows = _rules(tmp_path)
    flt = parse_filters(None)
    mask = ix.rows_matching(flt)
    both = (rows[1], 0.7, [])  # the clause on 事业编制
    q = analyse("转制企业要完善哪些治理结构？原来的事业编制怎么核销？")
    assert [r for r, _, _ in parts_answered(ix, q, [both], mask, flt)] == [rows[1], rows[2]]
    cited = (rows[2], 0.7, [])
    assert [r for r, _, _ in parts_answered(ix, q, [cited], mask, flt)] == [rows[2], rows[1]]
    outside = mask.copy()
    outside[rows[1]] = False
    assert [r for r, _, _ in parts_answered(ix, q, [cited], outside, flt)] == [rows[2]]
    assert question_parts("企业名称怎么确定？企业名称怎么确定？事业编制怎么核销？") == ["企业名称怎么确定", "事业编制怎么核销"]


def test_a_statute_article_already_cited_is_not_added_to(tmp_path: Path) -> None:
    """An article answers several parts in its paragraphs: over the parts read, adding a second article of the
    statute lowered the precision of five law answers and raised no recall."""
    ix, rows = _rules(tmp_path, law=True)
    q = analyse(QUESTION)
    flt = parse_filters(None)
    mask = ix.rows_matching(flt)
    assert [r for r, _, _ in parts_answered(ix, q, [(rows[0], 0.7, [])], mask, flt)] == [rows[0]]


def test_the_topics_one_side_of_or_lists_each_answer_with_that_sides_words(tmp_path: Path) -> None:
    """…例如吸毒检测、吸毒人员的治安处罚…，或者因吸毒恶习判决离婚的情形: an article on 吸毒检测 answers its topic; the
    words of the other side (恶习, 离婚) are not asked of it."""
    law = make_law(
        "公安机关办理行政案件程序规定",
        [
            "对涉嫌吸毒的人员，应当进行吸毒检测，被检测人员应当配合。",
            "公安机关应当依法保护当事人的合法权益。",
            "对执法监督中发现的问题，应当及时纠正。",
            "上级公安机关发现下级公安机关执法问题的，应当责令改正。",
        ],
    )
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([law])
    q = analyse("哪些法规涉及吸毒问题，例如吸毒检测、吸毒人员的治安处罚、公务员吸毒的处分，或者因吸毒恶习判决离婚的情形？")
    assert q.comparative
    (_, score, _), (_, other, _), *_ = score_rows(ix, q, list(ix.doc_rows[law.id]))
    assert score >= ev.MIN_COVERAGE > other, (score, other)
