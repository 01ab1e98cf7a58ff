"""The LangChain retriever over a lawdocs index (HashEmbedder, the founding report)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("langchain_core")

from langchain_core.documents import Document  # noqa: E402
from langchain_core.retrievers import BaseRetriever  # noqa: E402

from lawdocs.embed import HashEmbedder  # noqa: E402
from lawdocs.index import Index  # noqa: E402
from lawdocs.integrations.langchain import LawdocsRetriever  # noqa: E402

REPORT = Path(__file__).resolve().parents[1] / "corpora/reports/seed/潮州市湘桥区2020年度法治政府建设年度报告.txt"
KEYS = {
    "clause_id",
    "label",
    "citation",
    "path",
    "article",
    "score",
    "doc_id",
    "title",
    "doc_type",
    "region",
    "issuers",
    "date",
    "source",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    ix = Index.create(tmp_path_factory.mktemp("lc") / "ix", embedder=HashEmbedder())
    assert not ix.add(REPORT).failed
    return ix


def test_retriever_returns_clauses_with_citation_metadata(index: Index) -> None:
    retriever = LawdocsRetriever(index=index, k=3)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("行政执法三项制度")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert "三项制度" in top.page_content
    assert set(top.metadata) == KEYS
    assert top.metadata["region"] == "潮州市湘桥区" and top.metadata["doc_type"] == "rule_of_law_report"
    assert top.metadata["citation"].startswith(top.metadata["title"] + " › ")
    assert top.metadata["clause_id"].startswith(top.metadata["doc_id"] + ":")
    assert index.get_clause(top.metadata["clause_id"]).text == top.page_content


def test_retriever_passes_mode_k_and_filters(index: Index) -> None:
    lexical = LawdocsRetriever(index=index, k=2, mode="lexical").invoke("规范性文件")
    assert len(lexical) == 2 and all("规范性文件" in d.page_content for d in lexical)
    assert LawdocsRetriever(index=index, k=5, filters={"region": "上海"}).invoke("执法") == []
    assert len(LawdocsRetriever(index=index, k=5, filters=["region=潮州"]).invoke("执法")) == 5


def test_retriever_batch_and_validation(index: Index) -> None:
    retriever = LawdocsRetriever(index=index, k=1)
    results = retriever.batch(["人民调解", "数字政府"])
    assert [len(r) for r in results] == [1, 1]
    with pytest.raises(ValueError):
        LawdocsRetriever(index=index, k=0)


def test_missing_langchain_names_the_extra_and_lawdocs_never_imports_it() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['langchain_core'] = None\n"
        "import lawdocs, lawdocs.answer\n"
        "assert 'fastapi' not in sys.modules\n"
        "try:\n"
        "    import lawdocs.integrations.langchain\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "lawdocs[langchain]" in out.stdout
