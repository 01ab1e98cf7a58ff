"""Cross-references: parsing real sentences of the bundled laws (corpora/laws), resolving them in a small real index,
`lawdocs show` and the HTTP endpoint in both directions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lawdocs.index import Index
from lawdocs.parsing.references import Reference, find_references, paragraph_text
from lawdocs.references import Resolver, incoming, outgoing, resolver, title_key

HERE = Path(__file__).resolve()
LAW_FILES = {
    "行政诉讼法": "诉讼与非诉讼程序法/行政诉讼法(2017-06-27).md",
    "解释": "司法解释/最高人民法院关于适用《行政诉讼法》的解释(2018-02-06).md",
    "行政处罚法": "行政法/行政处罚法(2021-01-22).md",
    "行政复议法": "诉讼与非诉讼程序法/行政复议法(2023-09-01).md",
    "复议条例": "行政法规/行政复议法实施条例(2007-05-29).md",
    "总则": "民法典/总则.md",
    "合同编": "民法典/合同编.md",
    "立法法": "宪法相关法/立法法(2023-03-13).md",
    "宪法": "宪法/宪法.md",
}


@pytest.fixture(scope="module")
def laws(corpora: Path) -> Path:
    """The bundled laws (corpora/laws: the same LawRefBook files as shared/corpora/laws)."""
    return corpora / "laws"


def sentence(laws: Path, name: str, words: str) -> str:
    """A sentence quoted from a bundled law, checked to be there word for word."""
    text = (laws / LAW_FILES[name]).read_text(encoding="utf-8")
    assert words in text, f"{words!r} is not in {LAW_FILES[name]}"
    return words


def targets(ref: Reference) -> list[tuple[int | None, int | None, int | None]]:
    return [(t.article, t.paragraph, t.item) for t in ref.targets]


# -- parsing ---------------------------------------------------------------------------------------
def test_this_law_article_and_list(laws: Path) -> None:
    text = sentence(
        laws, "行政处罚法", "行政机关及其执法人员依照本法第五十一条、第五十七条的规定作出罚款决定后"
    )
    (ref,) = find_references(text)
    assert ref.text == "本法第五十一条、第五十七条"
    assert ref.scope == "document"
    assert targets(ref) == [(51, None, None), (57, None, None)]


def test_own_article_number_is_not_a_reference(laws: Path) -> None:
    text = sentence(
        laws, "行政处罚法", "第二十八条 行政机关实施行政处罚时，应当责令当事人改正或者限期改正违法行为。"
    )
    assert find_references(text) == []


def test_previous_paragraph_counts_back_from_its_own_paragraph(laws: Path) -> None:
    text = sentence(
        laws,
        "行政诉讼法",
        "第四十八条 公民、法人或者其他组织因不可抗力或者其他不属于其自身的原因耽误起诉期限的，"
        "被耽误的时间不计算在起诉期限内。\n\n公民、法人或者其他组织因前款规定以外的其他特殊情况耽误起诉期限的",
    )
    (ref,) = find_references(text)
    assert ref.text == "前款" and ref.scope == "article" and ref.paragraph == 2
    assert targets(ref) == [(None, 1, None)]


def test_previous_two_paragraphs(laws: Path) -> None:
    text = sentence(
        laws,
        "行政诉讼法",
        "第五十五条 当事人认为审判人员与本案有利害关系或者有其他关系可能影响公正审判，有权申请审判人员回避。"
        "\n\n审判人员认为自己与本案有利害关系或者有其他关系，应当申请回避。\n\n前两款规定，适用于书记员",
    )
    (ref,) = find_references(text)
    assert ref.text == "前两款" and targets(ref) == [(None, 1, None), (None, 2, None)]


def test_article_with_paragraph_and_item_in_brackets(laws: Path) -> None:
    text = sentence(laws, "解释", "第三十二条 依照行政诉讼法第三十一条第二款第二项规定")
    (ref,) = find_references(text)
    assert ref.scope == "other" and ref.name == "行政诉讼法" and not ref.bracketed
    assert targets(ref) == [(31, 2, 2)]
    text = sentence(
        laws, "复议条例", "依照本条例第四十一条第一款第(一)项、第(二)项、第(三)项规定中止行政复议"
    )
    (ref,) = find_references(text)
    assert targets(ref) == [(41, 1, 1), (41, 1, 2), (41, 1, 3)]


def test_range_of_articles_and_items(laws: Path) -> None:
    text = sentence(laws, "行政处罚法", "当事人应当依照本法第六十七条至第六十九条的规定履行。")
    (ref,) = find_references(text)
    assert [t.article for t in ref.targets] == [67, 68, 69]
    text = sentence(laws, "合同编", "适用本法第五百一十条、第五百一十一条第四项的规定")
    (ref,) = find_references(text)
    assert targets(ref) == [(510, None, None), (511, None, 4)]


def test_another_law_in_brackets_with_and_without_article(laws: Path) -> None:
    text = sentence(laws, "行政处罚法", "（四）依照《中华人民共和国行政强制法》的规定申请人民法院强制执行。")
    (ref,) = find_references(text)
    assert ref.name == "中华人民共和国行政强制法" and ref.bracketed and ref.targets == ()
    text = sentence(laws, "立法法", "（二）宪法第八十九条规定的国务院行政管理职权的事项。")
    (ref,) = find_references(text)
    assert ref.scope == "other" and "宪法" in ref.candidates and targets(ref) == [(89, None, None)]


def test_previous_article_and_words_that_only_look_like_references(laws: Path) -> None:
    text = sentence(laws, "合同编", "第五百一十一条 当事人就有关合同内容约定不明确，依据前条规定仍不能确定的")
    (ref,) = find_references(text)
    assert ref.scope == "previous_article"
    text = sentence(laws, "行政处罚法", "第二十一条 受委托组织必须符合以下条件：")  # 以下条件 is no 下条
    assert find_references(text) == []


def test_paragraph_text_reads_a_paragraph_and_an_item() -> None:
    text = "第五条 甲。\n\n有下列情形之一的：\n\n（一）乙；\n\n（二）丙。\n\n丁。"
    assert paragraph_text(text, 2) == "有下列情形之一的：\n（一）乙；\n（二）丙。"
    assert paragraph_text(text, 2, 2) == "（二）丙。"
    assert paragraph_text(text, None, 1) == "（一）乙；"
    assert paragraph_text(text, 4) is None


# -- resolution on a small real index --------------------------------------------------------------
@pytest.fixture(scope="module")
def index(laws: Path, tmp_path_factory: pytest.TempPathFactory) -> Index:
    folder = tmp_path_factory.mktemp("laws")
    for name, rel in LAW_FILES.items():
        shutil.copy(laws / rel, folder / f"{name}.md")
    ix = Index.create(tmp_path_factory.mktemp("ix") / "index", model="hash-256")
    report = ix.add(folder)
    assert not report.failed
    ix.save()
    return ix


def clause_of(ix: Index, title_part: str, article: str) -> str:
    for clause in ix.clauses:
        if clause.article == article and title_part in ix.documents[clause.doc_id].title:
            return clause.id
    raise AssertionError(f"no {title_part} {article}")


def test_cross_document_reference_by_short_name(index: Index) -> None:
    source = clause_of(index, "的解释", "第三十二条")
    (link,) = outgoing(index, source)
    assert link.resolved and link.text == "行政诉讼法第三十一条第二款第二项"
    assert link.target_title == "中华人民共和国行政诉讼法" and link.target_article == "第三十一条"
    assert (link.paragraph, link.item) == (2, 2)
    assert link.target_clause_id == clause_of(index, "行政诉讼法", "第三十一条")
    expanded = outgoing(index, source, expand=True)[0]
    assert expanded.target_text is not None and expanded.target_text.startswith("（二）当事人的近亲属")


def test_same_document_and_same_article(index: Index) -> None:
    source = clause_of(index, "行政诉讼法", "第九十二条")
    links = outgoing(index, source)
    assert any(x.target_clause_id == clause_of(index, "行政诉讼法", "第九十一条") for x in links)
    source = clause_of(index, "行政诉讼法", "第四十八条")
    (link,) = outgoing(index, source)
    assert link.scope == "article" and link.target_clause_id == source and link.paragraph == 1


def test_code_split_into_files_is_one_law(index: Index) -> None:
    source = clause_of(index, "民法典", "第四百六十六条")  # 合同编 → 总则
    (link, *_) = outgoing(index, source)
    assert link.text == "本法第一百四十二条第一款" and link.resolved
    assert link.target_clause_id == clause_of(index, "民法典", "第一百四十二条")


def test_constitution_named_without_brackets(index: Index) -> None:
    source = clause_of(index, "立法法", "第七十二条")
    link = next(x for x in outgoing(index, source) if "宪法" in x.text)
    assert link.target_title == "中华人民共和国宪法" and link.target_article == "第八十九条"


def test_unindexed_law_and_missing_article_stay_unresolved(index: Index) -> None:
    source = clause_of(index, "行政处罚法", "第六十一条")
    (link,) = outgoing(index, source)
    assert not link.resolved and link.target_clause_id is None
    assert link.text == "《中华人民共和国民事诉讼法》" and "not in the index" in (link.reason or "")
    clause = index.get_clause(clause_of(index, "行政诉讼法", "第九十二条"))
    past_end = clause.model_copy(update={"text": clause.text.replace("本法第九十一条", "本法第九百九十一条")})
    links = Resolver(index).outgoing(past_end)
    gone = next(x for x in links if "九百九十一" in x.text)
    assert not gone.resolved and gone.target_clause_id is None and "第九百九十一条" in (gone.reason or "")


def test_older_text_citing_a_later_version_is_not_linked(index: Index) -> None:
    source = clause_of(index, "行政复议法实施条例", "第四十六条")  # 2007 text, 2023 law
    (link,) = outgoing(index, source)
    assert link.text == "行政复议法第二十三条" and not link.resolved
    assert "later version" in (link.reason or "")
    assert link.target_clause_id is not None  # a candidate only: it lists no incoming link from here
    assert source not in {x.source_clause_id for x in incoming(index, link.target_clause_id)}


def test_incoming_links(index: Index) -> None:
    target = clause_of(index, "行政诉讼法", "第十三条")
    sources = {x.source_clause_id for x in incoming(index, target)}
    assert clause_of(index, "的解释", "第二条") in sources
    assert all(x.resolved and x.target_clause_id == target for x in incoming(index, target))


def test_resolver_is_cached_per_index_state(index: Index, laws: Path) -> None:
    assert resolver(index) is resolver(index)
    other = Index.create(index.folder.parent / "other", model="hash-256")
    other.add(laws / LAW_FILES["行政诉讼法"])
    first = resolver(other)
    other.add(laws / LAW_FILES["解释"])
    assert resolver(other) is not first
    assert title_key("中华人民共和国行政诉讼法") == "行政诉讼法"


def test_search_hits_carry_references(index: Index) -> None:
    hits = index.search("人数众多 代表人", k=5, mode="lexical", expand_references=True)
    with_refs = [h for h in hits if h.references]
    assert with_refs, "a hit about 人数众多 cites 行政诉讼法第二十八条"
    link = with_refs[0].references[0]
    assert link.resolved and link.target_text
    assert not index.search("人数众多 代表人", k=5, mode="lexical")[0].references


# -- faces: CLI and HTTP ---------------------------------------------------------------------------
def test_show_lists_both_directions(index: Index) -> None:
    from typer.testing import CliRunner

    from lawdocs.cli import app

    runner = CliRunner()
    target = clause_of(index, "行政诉讼法", "第二十八条")
    result = runner.invoke(app, ["show", target, "--index", str(index.folder), "--json"])
    assert result.exit_code == 0, result.output
    refs = json.loads(result.output)["references"]
    assert clause_of(index, "的解释", "第二十九条") in {x["source_clause_id"] for x in refs["incoming"]}
    source = clause_of(index, "的解释", "第二十九条")
    result = runner.invoke(app, ["show", source, "--index", str(index.folder)])
    assert result.exit_code == 0, result.output
    assert "refers to (" in result.output
    assert "行政诉讼法第二十八条 → 中华人民共和国行政诉讼法 第二十八条" in result.output
    assert "referred to by" in result.output


def test_http_references_endpoint(index: Index) -> None:
    from fastapi.testclient import TestClient

    from lawdocs.server import create_app

    client = TestClient(create_app(index))
    source = clause_of(index, "的解释", "第二十九条")
    body = client.get(f"/clauses/{source}/references", params={"expand": "true"}).json()
    assert body["clause_id"] == source
    link = next(x for x in body["outgoing"] if x["text"] == "行政诉讼法第二十八条")
    assert link["target_clause_id"] == clause_of(index, "行政诉讼法", "第二十八条") and link["target_text"]
    target = link["target_clause_id"]
    back = client.get(f"/clauses/{target}/references").json()
    assert source in {x["source_clause_id"] for x in back["incoming"]}
    assert client.get("/clauses/0000000000000000:99999/references").status_code == 404
    assert client.get("/clauses/not-an-id/references").status_code == 422


def test_answers_carry_references(index: Index) -> None:
    answer = index.ask("共同诉讼的人数众多是指多少人", expand_references=True)
    # the statute's article states no figure; the interpretation that refers to it does
    assert answer.figure is not None and answer.figure.value == "十人以上"
    assert "的解释" in answer.figure.citation
    for cited in answer.cited:
        assert [x.text for x in cited.references] == [x.text for x in outgoing(index, cited.clause_id)]
    assert any(x.target_text for c in answer.cited for x in c.references)
    plain = index.ask("共同诉讼的人数众多是指多少人")
    assert all(not c.references for c in plain.cited)


def test_version_choice_prefers_the_same_status_then_the_newest() -> None:
    from lawdocs.references import _Work

    def work(date: str, status: str) -> _Work:
        return _Work("中华人民共和国行政复议法", date, status, [date], {}, [])

    old, new, repealed = (
        work("2017-09-01", "amended"),
        work("2023-09-01", "in_force"),
        work("1999-04-29", "repealed"),
    )
    assert Resolver._version([old, new, repealed], None) is new
    assert Resolver._version([old, new, repealed], work("2020-01-01", "repealed")) is repealed
    assert Resolver._version([old, new], work("2020-01-01", "unknown")) is new
