"""Versions of one law: dates and status from the text and corpus metadata, search as of a day, show's diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdocs.cli import app
from lawdocs.errors import QueryError
from lawdocs.index import Index
from lawdocs.parse import parse_file
from lawdocs.parsing import versions as md
from lawdocs.versions import STATUS_CN, allowed_doc_ids, statuses

DATA = Path(__file__).parent / "data" / "versions"
OLD = DATA / "全国年节及纪念日放假办法(2013-12-11).md"
NEW = DATA / "全国年节及纪念日放假办法(2024-11-10).md"
QUESTION = "春节放假几天"


@pytest.fixture
def holidays(tmp_path: Path) -> Index:
    ix = Index.create(tmp_path / "ix", model="hash-256")
    report = ix.add(DATA)
    assert not report.failed
    return ix


def test_versions_read_from_the_text() -> None:
    old, new = parse_file(OLD)[0], parse_file(NEW)[0]
    assert old.law_id == new.law_id == "全国年节及纪念日放假办法"
    # the 2013 file's header stops at the 2007 revision; its file name names the version
    assert (old.version, old.version_label) == ("2013-12-11", "2013-12-11")
    assert (new.version, new.version_label) == ("2024-11-10", "2024-11-10 修订")
    # "本办法自公布之日起施行": in force from the revision's date
    assert old.effective_date == "2013-12-11"
    assert new.effective_date == "2024-11-10"


def test_effective_date_from_a_real_article(corpora: Path) -> None:
    """行政处罚法 2021: revised 2021-01-22, "本法自2021年7月15日起施行" (and the corpus metadata agrees)."""
    doc = parse_file(corpora / "laws/行政法/行政处罚法(2021-01-22).md")[0]
    assert doc.version == "2021-01-22"
    assert doc.version_label == "2021-01-22 修订"
    assert doc.effective_date == "2021-07-15"
    text = (corpora / "laws/行政法/行政处罚法(2021-01-22).md").read_text(encoding="utf-8")
    assert md.own_effective_date(text) == "2021-07-15"


def test_an_amended_text_keeps_its_old_article_but_takes_effect_when_amended(
    tmp_path: Path, corpora: Path
) -> None:
    """立法法 2015 修正 still reads "本法自2000年7月1日起施行"; the version took effect on 2015-03-15."""
    src = corpora / "laws/宪法相关法/立法法(2023-03-13).md"
    target = tmp_path / "立法法(2023-03-13).md"  # away from the corpus metadata: the text alone
    shutil.copy(src, target)
    doc = parse_file(target)[0]
    assert "本法自2000年7月1日起施行" in doc.body
    assert doc.version_label == "2023-03-13 修正"
    assert doc.effective_date == "2023-03-13"


def test_corpus_metadata_gives_effective_date_and_expiry(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "行政法规").mkdir(parents=True)
    shutil.copy(OLD, folder / "行政法规" / OLD.name)
    manifest = {"files": [{"path": f"行政法规/{OLD.name}", "publish": "2013-12-11", "valid_from": "2014-01-01",
                           "expired": True}]}  # fmt: skip
    (folder / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    doc = parse_file(folder / "行政法规" / OLD.name)[0]
    assert doc.effective_date == "2014-01-01"
    assert doc.repealed is True
    ix = Index.create(tmp_path / "ix", model="hash-256")
    ix.add(folder)
    (stored,) = ix.documents.values()
    assert stored.status == "repealed"  # the only version, expired: 已废止
    assert ix.search(QUESTION, k=3) == []  # not in force today
    assert ix.search(QUESTION, k=3, filters={"as_of": "2019-06-01"})  # but it was then


def test_status_within_a_group(holidays: Index) -> None:
    by_version = {d.version: d for d in holidays.documents.values()}
    assert by_version["2024-11-10"].status == "in_force"
    assert by_version["2013-12-11"].status == "amended"
    assert STATUS_CN[by_version["2013-12-11"].status] == "已修改"
    on_2019 = statuses(holidays.documents.values(), "2019-06-01")
    assert on_2019[by_version["2013-12-11"].id] == "in_force"
    assert on_2019[by_version["2024-11-10"].id] == "not_yet_in_force"
    assert allowed_doc_ids(holidays.documents, "2000-01-01") == set()


def test_search_as_of_two_dates_returns_the_two_texts(holidays: Index) -> None:
    then = holidays.search(QUESTION, k=1, mode="lexical", filters={"as_of": "2019-06-01"})[0]
    now = holidays.search(QUESTION, k=1, mode="lexical", filters={"as_of": "2025-06-01"})[0]
    assert then.article == now.article == "第二条"
    assert "春节，放假3天" in then.text and then.doc.version == "2013-12-11"
    assert "春节，放假4天" in now.text and now.doc.version == "2024-11-10"
    default = holidays.search(QUESTION, k=5)
    assert {h.doc.version for h in default} == {"2024-11-10"}  # today: the version in force only
    every = holidays.search(QUESTION, k=40, filters={"all_versions": True})
    assert {h.doc.version_label for h in every} == {"2013-12-11", "2024-11-10 修订"}


def test_versions_survive_save_and_open(holidays: Index) -> None:
    holidays.save()
    again = Index.open(holidays.folder)
    assert {d.version_label for d in again.documents.values()} == {"2013-12-11", "2024-11-10 修订"}
    hit = again.search(QUESTION, k=1, mode="lexical", filters={"as_of": "2019-06-01"})[0]
    assert "放假3天" in hit.text


def test_removing_the_new_version_puts_the_old_one_back_in_force(holidays: Index) -> None:
    holidays.remove(str(NEW.resolve()))
    (doc,) = holidays.documents.values()
    assert doc.status == "in_force"
    assert "放假3天" in holidays.search(QUESTION, k=1, mode="lexical")[0].text


def test_bad_as_of_is_a_clear_error(holidays: Index) -> None:
    with pytest.raises(QueryError, match="ISO date"):
        holidays.search(QUESTION, filters={"as_of": "June 2019"})
    with pytest.raises(QueryError, match="exclude each other"):
        holidays.search(QUESTION, filters={"as_of": "2019-06-01", "all_versions": True})


def test_reports_are_not_restricted(tmp_path: Path, corpora: Path) -> None:
    ix = Index.create(tmp_path / "ix", model="hash-256")
    ix.add(corpora / "reports/seed")
    ix.add(DATA)
    report_ids = {d.id for d in ix.documents.values() if d.law_id is None}
    assert report_ids
    assert report_ids <= allowed_doc_ids(ix.documents, "1990-01-01")


def test_cli_as_of_and_show_lists_the_other_version(holidays: Index) -> None:
    holidays.save()
    runner = CliRunner()
    res = runner.invoke(app, ["search", QUESTION, "--index", str(holidays.folder), "--as-of", "2019-06-01", "--mode", "lexical",
                              "-k", "1", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)["hits"]
    assert "放假3天" in hits[0]["text"]
    assert hits[0]["doc"]["version_label"] == "2013-12-11"
    res = runner.invoke(app, ["search", QUESTION, "--index", str(holidays.folder), "--all-versions", "-k", "40",
                              "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    labels = {(h["doc"]["version_label"], h["doc"]["status"]) for h in json.loads(res.output)["hits"]}
    assert labels == {("2013-12-11", "amended"), ("2024-11-10 修订", "in_force")}
    res = runner.invoke(app, ["search", QUESTION, "--index", str(holidays.folder), "--as-of", "bad"])
    assert res.exit_code != 0 and "ISO date" in res.output
    clause_id = hits[0]["clause_id"]
    res = runner.invoke(app, ["show", clause_id, "--index", str(holidays.folder)])
    assert res.exit_code == 0, res.output
    assert "2024-11-10 修订 · 现行有效: changed" in res.output  # the other version is listed
    assert "-(二)春节，放假3天(农历正月初一、初二、初三)；" in res.output
    assert "+（二）春节，放假4天（农历除夕、正月初一至初三）；" in res.output
    assert "第一条" in res.output
    res = runner.invoke(app, ["show", clause_id, "--index", str(holidays.folder), "--json"])
    (other,) = json.loads(res.output)["versions"]
    assert other["change"] == "changed" and other["status_cn"] == "现行有效"


def test_a_dated_header_line_is_the_effective_date(tmp_path: Path, corpora: Path) -> None:
    """行政诉讼法解释: adopted 2017-11-13, published 2018-02-06 (file name), header "2018年2月8日 施行"."""
    src = corpora / "laws/司法解释/最高人民法院关于适用《行政诉讼法》的解释(2018-02-06).md"
    alone = tmp_path / src.name
    shutil.copy(src, alone)  # the text alone, no corpus metadata above it
    for path in (alone, src):  # and in the corpus, where MANIFEST.json says the same
        doc = parse_file(path)[0]
        assert (doc.version, doc.effective_date) == ("2018-02-06", "2018-02-08")
        assert doc.law_id == "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释"


def test_books_of_one_code_take_effect_together() -> None:
    """A code published book by book (民法典): a book whose header omits its 施行 line is not an older version."""
    from lawdocs.models import DocumentInfo

    def book(doc_id: str, effective: str) -> DocumentInfo:
        return DocumentInfo(
            id=doc_id,
            title="中华人民共和国民法典",
            doc_type="law",
            law_id="中华人民共和国民法典",
            version="2020-05-28",
            date="2020-05-28",
            effective_date=effective,
        )

    docs = {"a": book("a", "2021-01-01"), "b": book("b", "2020-05-28"), "c": book("c", "2021-01-01")}
    assert allowed_doc_ids(docs, "2022-01-01") == {"a", "b", "c"}
    assert allowed_doc_ids(docs, "2020-12-01") == set()  # none in force before the code is
    assert docs["b"].effective_date == "2020-05-28"  # the stored record is not changed
