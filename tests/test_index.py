"""Index: add, search, filters, persistence, incremental updates, crash safety (fake embedder)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from lawdocs.embed import HashEmbedder
from lawdocs.errors import (
    IndexCorruptError,
    IndexFormatError,
    IndexNotFoundError,
    ModelMismatchError,
    QueryError,
)
from lawdocs.index import Index
from lawdocs.models import Clause, Document


def make_doc(
    title: str,
    texts: list[str],
    *,
    source: str,
    doc_type: str = "law",
    region: str | None = None,
    year: int | None = None,
    issuers: list[str] | None = None,
    path: list[str] | None = None,
) -> Document:
    body = "\n".join(texts)
    digest = hashlib.sha256(body.encode()).hexdigest()
    doc_id = digest[:16]
    clauses = []
    pos = 0
    for i, text in enumerate(texts):
        clauses.append(
            Clause(
                id=f"{doc_id}:{i:05d}",
                doc_id=doc_id,
                kind="article",
                text=text,
                path=path or ["第一章 总则"],
                article=f"第{i + 1}条",
                label=f"{title}第{i + 1}条",
                span=(pos, pos + len(text)),
            )
        )
        pos += len(text) + 1
    return Document(
        id=doc_id,
        title=title,
        doc_type=doc_type,
        region=region,
        year=year,
        issuers=issuers or [],
        source=source,
        content_hash=digest,
        body=body,
        clauses=clauses,
    )  # type: ignore[arg-type]


LABOUR = make_doc(
    "劳动合同法",
    [
        "用人单位应当与劳动者订立书面劳动合同。",
        "劳动者试用期工资不得低于本单位相同岗位最低档工资。",
        "用人单位解除劳动合同应当向劳动者支付经济补偿。",
    ],
    source="a/labour.md",
    region=None,
    year=2012,
    issuers=["全国人民代表大会常务委员会"],
)
REPORT = make_doc(
    "潮州市湘桥区2020年度法治政府建设年度报告",
    [
        "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。",
        "深化综合行政执法体制改革，推进镇街综合行政执法。",
        "推进数字政府改革，加强政务服务标准化建设。",
    ],
    source="b/report.txt",
    doc_type="rule_of_law_report",
    region="潮州市湘桥区",
    year=2020,
    issuers=["潮州市湘桥区人民政府"],
    path=["一、2020年度主要工作成效"],
)
TRAFFIC = make_doc(
    "道路交通安全法",
    ["机动车发生交通事故造成人身伤亡、财产损失的，由保险公司赔偿。"],
    source="c/traffic.md",
    year=2021,
    region="上海市",
    doc_type="local_regulation",
)


@pytest.fixture()
def index(tmp_path: Path) -> Index:
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([LABOUR, REPORT, TRAFFIC])
    return ix


def test_search_modes_find_the_matching_clause(index: Index) -> None:
    for mode in ("hybrid", "dense", "lexical"):
        hits = index.search("行政执法公示制度", k=3, mode=mode)  # type: ignore[arg-type]
        assert hits[0].doc.title.startswith("潮州市"), mode
        assert "执法" in hits[0].text
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert index.search("试用期工资", k=1, mode="lexical")[0].label == "劳动合同法第2条"


def test_filters_apply_inside_the_search(index: Index) -> None:
    hits = index.search("劳动合同", k=5, filters={"doc_type": "rule_of_law_report"})
    assert len(hits) == 3  # k results still come back although the best match is filtered out
    assert {h.doc.doc_type for h in hits} == {"rule_of_law_report"}
    assert {h.doc.region for h in index.search("赔偿", k=5, filters=["region=上海"])} == {"上海市"}
    assert {h.doc.year for h in index.search("赔偿", k=5, filters=["year=2012..2020"])} <= {2012, 2020}
    assert index.search("赔偿", k=5, filters=["issuer=全国人民代表大会"])[0].doc.title == "劳动合同法"
    assert index.search("执法", k=5, filters=["path=一、2020"])[0].doc.region == "潮州市湘桥区"
    assert index.search("执法", k=5, filters=["path=第九章"]) == []
    with pytest.raises(QueryError):
        index.search("执法", filters=["colour=red"])
    with pytest.raises(QueryError):
        index.search("执法", filters=["year"])


def test_bad_queries_are_named(index: Index) -> None:
    with pytest.raises(QueryError):
        index.search("   ")
    with pytest.raises(QueryError):
        index.search("执法", k=0)


def test_round_trip_keeps_results(index: Index, tmp_path: Path) -> None:
    before = [h.clause_id for h in index.search("劳动者经济补偿", k=5)]
    manifest = index.save()
    assert manifest.clauses == 7 and manifest.documents == 3 and manifest.model_name == "hash-256"
    again = Index.open(tmp_path / "ix")
    assert [h.clause_id for h in again.search("劳动者经济补偿", k=5)] == before
    clauses = (tmp_path / "ix" / "gen-000001" / "clauses.jsonl").read_text(encoding="utf-8")
    assert "劳动者" in clauses  # stored readable, not escaped
    assert not list((tmp_path / "ix").rglob("*.pkl"))


def test_open_errors(index: Index, tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        Index.open(tmp_path / "nothing")
    index.save()
    with pytest.raises(ModelMismatchError):
        Index.open(tmp_path / "ix", model="intfloat/multilingual-e5-small")
    with pytest.raises(ModelMismatchError):
        Index.open(tmp_path / "ix", embedder=HashEmbedder(128))
    manifest = tmp_path / "ix" / "manifest.json"
    raw = json.loads(manifest.read_text())
    raw["format_version"] = 99
    manifest.write_text(json.dumps(raw))
    with pytest.raises(IndexFormatError):
        Index.open(tmp_path / "ix")


@pytest.mark.parametrize("name", ["vectors.npy", "clauses.jsonl", "lexical.npz", "documents.jsonl"])
def test_corrupted_file_is_named(index: Index, tmp_path: Path, name: str) -> None:
    index.save()
    target = tmp_path / "ix" / "gen-000001" / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match=name):
        Index.open(tmp_path / "ix")
    target.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(IndexCorruptError, match="truncated"):
        Index.open(tmp_path / "ix")


def test_incremental_add_change_remove(index: Index, tmp_path: Path) -> None:
    index.save()
    ix = Index.open(tmp_path / "ix")
    report = ix.add_documents([LABOUR])
    assert report.skipped == [LABOUR.id] and not report.added
    changed = make_doc(
        "劳动合同法",
        ["用人单位应当与劳动者订立书面劳动合同。", "劳动者每日工作时间不超过八小时。"],
        source="a/labour.md",
    )
    report = ix.add_documents([changed])
    assert report.replaced == [changed.id]
    assert LABOUR.id not in ix.documents
    assert "试用期" not in "".join(h.text for h in ix.search("试用期工资", k=10, mode="lexical"))
    assert "八小时" in ix.search("工作时间八小时", k=1)[0].text
    ix.save()
    ix = Index.open(tmp_path / "ix")
    assert len(ix) == 6 and ix.manifest is not None and ix.manifest.clauses == 6
    assert ix.remove(TRAFFIC.id) == [TRAFFIC.id]
    assert ix.remove("no-such-doc") == []
    assert all(h.doc.id != TRAFFIC.id for h in ix.search("机动车交通事故", k=10))
    ix.save()
    ix = Index.open(tmp_path / "ix")
    assert set(ix.documents) == {changed.id, REPORT.id}
    assert all(h.doc.id != TRAFFIC.id for h in ix.search("机动车交通事故", k=10, mode="lexical"))


def test_the_same_text_parsed_into_other_clauses_replaces_the_held_ones(tmp_path: Path) -> None:
    """An index built by an older parser: reading the same files again takes the new structure, keeps every
    source and re-embeds only the clauses whose passage changed."""
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    twin = LABOUR.model_copy(update={"source": "elsewhere/labour.md"})
    ix.add_documents([LABOUR, twin])
    ix.save()
    reparsed = LABOUR.model_copy(
        update={"clauses": [LABOUR.clauses[0].model_copy(update={"path": ["第二章 劳动合同的订立"]}), *LABOUR.clauses[1:]]}
    )
    ix = Index.open(tmp_path / "ix")
    embedded: list[str] = []
    encode = ix.embedder.encode_passages
    ix.embedder.encode_passages = lambda texts, **kw: (embedded.extend(texts), encode(texts, **kw))[1]  # type: ignore[method-assign]
    assert ix.add_documents([LABOUR]).skipped == [LABOUR.id]  # parsed the same way: nothing to do
    report = ix.add_documents([reparsed])
    assert report.replaced == [LABOUR.id] and not report.skipped and not report.added
    assert len(embedded) == 1 and "第二章" in embedded[0]  # the clause whose heading moved, not the others
    assert ix.table.document_clauses(LABOUR.id)[0].path == ["第二章 劳动合同的订立"]
    assert ix.documents[LABOUR.id].sources == ["a/labour.md", "elsewhere/labour.md"] and len(ix) == 3
    ix.save()
    ix = Index.open(tmp_path / "ix")
    assert ix.table.document_clauses(LABOUR.id)[0].path == ["第二章 劳动合同的订立"]
    assert ix.add_documents([reparsed]).skipped == [LABOUR.id]
    # read again from the other file it was read from (the corpus moved, or was indexed from a copy first)
    moved = reparsed.model_copy(update={"source": "elsewhere/labour.md", "clauses": LABOUR.clauses})
    assert ix.add_documents([moved]).replaced == [LABOUR.id]
    assert ix.table.document_clauses(LABOUR.id)[0].path == LABOUR.clauses[0].path
    stranger = reparsed.model_copy(update={"source": "third/labour.md"})  # a file it was never read from
    assert ix.add_documents([stranger]).duplicates == [LABOUR.id]
    assert ix.table.document_clauses(LABOUR.id)[0].path == LABOUR.clauses[0].path


def test_identical_documents_under_two_paths_are_indexed_once(tmp_path: Path) -> None:
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    twin = LABOUR.model_copy(update={"source": "elsewhere/labour.md"})
    ix.add_documents([LABOUR, twin])
    assert len(ix) == 3
    assert ix.documents[LABOUR.id].sources == ["a/labour.md", "elsewhere/labour.md"]
    ix.remove("a/labour.md")
    assert len(ix) == 0  # removing by any source removes the document


def test_neighbours_and_lookups(index: Index) -> None:
    middle = REPORT.clauses[1].id
    assert [c.id for c in index.neighbours(middle)] == [c.id for c in REPORT.clauses]
    assert index.get_document(REPORT.id).title == REPORT.title
    with pytest.raises(QueryError):
        index.get_clause("nope")


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_indexes_round_trip(tmp_path: Path, kind: str) -> None:
    ix = Index.create(tmp_path / kind, embedder=HashEmbedder(), index_type=kind)  # type: ignore[arg-type]
    ix.add_documents([LABOUR, REPORT, TRAFFIC])
    exact = Index.create(tmp_path / "flat", embedder=HashEmbedder())
    exact.add_documents([LABOUR, REPORT, TRAFFIC])
    assert (
        ix.search("行政执法", k=3, mode="dense")[0].clause_id
        == exact.search("行政执法", k=3, mode="dense")[0].clause_id
    )
    manifest = ix.save()
    assert manifest.index_type != "Flat"
    again = Index.open(tmp_path / kind)
    assert again.search("经济补偿", k=2, mode="dense", filters={"doc_type": "law"})[0].doc.doc_type == "law"


KILLER = textwrap.dedent(
    """
    import os, sys
    import numpy as np
    sys.path.insert(0, {tests!r})
    from test_index import LABOUR, REPORT, TRAFFIC, make_doc
    from lawdocs.embed import HashEmbedder
    from lawdocs.index import Index
    ix = Index.open({folder!r}, embedder=HashEmbedder())
    ix.add_documents([make_doc("新法", ["新的条文" + str(i) for i in range(2000)], source="new.md")])
    real_save = np.save
    def dying_save(path, *a, **k):
        real_save(path, *a, **k)
        os._exit(9)  # the process dies in the middle of writing the new generation
    np.save = dying_save
    ix.save()
    """
)


def test_kill_during_save_leaves_previous_index_loadable(index: Index, tmp_path: Path) -> None:
    index.save()
    script = KILLER.format(tests=str(Path(__file__).parent), folder=str(tmp_path / "ix"))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ)
    assert proc.returncode == 9, proc.stderr
    ix = Index.open(tmp_path / "ix")
    assert len(ix) == 7 and "新法" not in {d.title for d in ix.documents.values()}
    ix.add_documents([make_doc("另一法", ["另一条文"], source="other.md")])
    ix.save()  # a later save cleans the dead one's leftovers and succeeds
    assert len(Index.open(tmp_path / "ix")) == 8
    assert not [p for p in (tmp_path / "ix").iterdir() if p.name.startswith(".tmp-")]


def test_concurrent_writer_is_refused_not_lost(index: Index, tmp_path: Path) -> None:
    index.save()
    a = Index.open(tmp_path / "ix")
    b = Index.open(tmp_path / "ix")
    a.add_documents([make_doc("甲法", ["甲条"], source="x.md")])
    a.save()
    b.add_documents([make_doc("乙法", ["乙条"], source="y.md")])
    with pytest.raises(Exception, match="another process"):
        b.save()
    assert "甲法" in {d.title for d in Index.open(tmp_path / "ix").documents.values()}


def test_vectors_are_normalised(index: Index) -> None:
    norms = np.linalg.norm(index.vectors_of(range(len(index))), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


READER = textwrap.dedent(
    """
    import sys, time
    from lawdocs.embed import HashEmbedder
    from lawdocs.index import Index
    seen = set()
    deadline = time.time() + 20
    opened = 0
    while time.time() < deadline and opened < 200:
        ix = Index.open({folder!r}, embedder=HashEmbedder())
        hits = ix.search("条文", k=3)
        assert ix.manifest.clauses == len(ix), "half-written index"
        seen.add(ix.manifest.generation)
        opened += 1
        if ix.manifest.generation >= {last}:
            break
    print(len(seen), opened)
    """
)


def test_readers_never_see_a_half_written_index(index: Index, tmp_path: Path) -> None:
    index.save()
    saves = 6
    script = READER.format(folder=str(tmp_path / "ix"), last=saves + 1)
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    writer = Index.open(tmp_path / "ix")
    for i in range(saves):
        writer.add_documents([make_doc(f"法{i}", [f"条文{i}-{j}" for j in range(300)], source=f"w{i}.md")])
        writer.save()
    for proc in readers:
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr
        generations, opened = map(int, stdout.split())
        assert opened >= 1


def test_queries_asking_for_measures_prefer_report_measures(tmp_path: Path) -> None:
    law = make_doc(
        "某执法条例", ["行政执法机关应当依法履行行政执法职责，规范行政执法行为。"], source="law.md"
    )
    report = make_doc(
        "某区法治政府建设年度报告",
        ["推行执法公示，规范执法。"],
        source="r.txt",
        doc_type="rule_of_law_report",
    )
    report.clauses[0].kind = "measure"
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([law, report])
    assert ix.search("行政执法", k=2)[0].doc.title == "某执法条例"
    assert ix.search("哪些措施涉及行政执法", k=2)[0].doc.title == "某区法治政府建设年度报告"
    ix.fusion = ix.fusion_config().model_copy(update={"measure_weight": 0.0})
    assert ix.search("哪些措施涉及行政执法", k=2)[0].doc.title == "某执法条例"


def test_with_model_reembeds_without_reparsing(index: Index, tmp_path: Path) -> None:
    other = HashEmbedder(64)
    copy = index.with_model(tmp_path / "copy", other)
    assert copy.vectors_of(range(len(copy))).shape == (len(index), 64)
    copy.save()
    again = Index.open(tmp_path / "copy")
    assert again.manifest is not None and again.manifest.model_name == "hash-64"
    assert [h.clause_id for h in again.search("试用期工资", k=2, mode="lexical")] == [
        h.clause_id for h in index.search("试用期工资", k=2, mode="lexical")
    ]


def test_fusion_preset_follows_the_collection(tmp_path: Path) -> None:
    from lawdocs.search import FUSION_PRESETS, FusionConfig

    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([LABOUR, TRAFFIC])
    assert ix.fusion_config() == FUSION_PRESETS["laws"]
    report = REPORT.model_copy(deep=True)
    for clause in report.clauses:
        clause.kind = "measure"
    more = [make_doc(f"报告{i}", [f"措施{i}-{j}" for j in range(3)], source=f"r{i}.txt") for i in range(3)]
    for doc in more:
        for clause in doc.clauses:
            clause.kind = "measure"
    ix.add_documents([report, *more])
    assert ix.fusion_config() == FUSION_PRESETS["reports"]
    ix.save()
    assert Index.open(tmp_path / "ix").fusion is None  # still automatic after a round trip
    ix.fusion = FusionConfig(method="weighted")
    ix.save()
    assert Index.open(tmp_path / "ix").fusion_config().method == "weighted"


def test_citations_name_the_article_or_the_measure(index: Index) -> None:
    law_hit = index.search("试用期工资", k=1, mode="lexical")[0]
    assert law_hit.citation == "劳动合同法 › 第一章 总则 › 第2条"
    hit = law_hit.model_copy(update={"article": "1、", "text": "1、全面推行行政执法“三项制度”。启用平台。"})
    assert hit.citation.endswith("› 1、全面推行行政执法“三项制度”")
    hit = law_hit.model_copy(update={"article": "一是", "text": "一是" + "很长的措施" * 20})
    assert hit.citation.endswith("› 一是" + ("很长的措施" * 6))  # lead phrases stop at 30 characters


def test_model_aliases_open_the_index_they_built(index: Index, tmp_path: Path) -> None:
    from lawdocs.embed import canonical_model_name

    assert canonical_model_name("legal") == "lawdocs/legal-e5-small"
    assert canonical_model_name("base") == "lawdocs/multilingual-e5-small"
    assert canonical_model_name("hash-256") == "hash-256" and canonical_model_name(None) is None
    index.save()
    assert Index.open(tmp_path / "ix", model="hash-256").manifest is not None


def test_two_files_that_parse_one_text_differently_do_not_take_turns(tmp_path: Path) -> None:
    """The same text in two files that parse it differently (one gives pages): the first file's parse is kept, and
    re-indexing both again and again replaces nothing."""
    first, second = tmp_path / "labour.md", tmp_path / "labour.txt"
    first.write_text("x", encoding="utf-8")
    second.write_text("x", encoding="utf-8")
    one = LABOUR.model_copy(update={"source": str(first)})
    paged = [LABOUR.clauses[0].model_copy(update={"page": 1}), *LABOUR.clauses[1:]]
    other = LABOUR.model_copy(update={"source": str(second), "clauses": paged})
    ix = Index.create(tmp_path / "ix", embedder=HashEmbedder())
    ix.add_documents([one])
    ix.add_documents([other])
    for _ in range(2):
        assert not ix.add_documents([one]).replaced and not ix.add_documents([other]).replaced
    assert ix.table.document_clauses(LABOUR.id)[0].page is None
