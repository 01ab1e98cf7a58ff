"""A LangChain retriever over a lawdocs index.

    from lawdocs.index import Index
    from lawdocs.integrations.langchain import LawdocsRetriever

    retriever = LawdocsRetriever(index=Index.open("indexes/default"), k=5, filters={"region": "广东"})
    docs = retriever.invoke("哪些措施涉及行政执法？")

Each LangChain `Document` holds one clause: ``page_content`` is the clause text, ``metadata`` its clause id,
label, citation (title › section › article), path, article, score, and its document's id, title, type,
region, issuers, date and source.

langchain-core is imported when this module is imported (it is the `lawdocs[langchain]` extra); `import
lawdocs` never imports it. LlamaIndex users can wrap this retriever with LlamaIndex's LangChain adapter
(``llama_index.core.retrievers`` / ``LangChainRetriever``-style wrappers) rather than a second integration.
"""

from __future__ import annotations

from typing import Any

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "lawdocs.integrations.langchain needs langchain-core: pip install 'lawdocs[langchain]'"
    ) from exc

from pydantic import ConfigDict, Field

from ..models import Hit, SearchMode

__all__ = ["LawdocsRetriever", "hit_to_document"]


def hit_to_document(hit: Hit) -> Document:
    """One search hit as a LangChain Document (clause text + citation metadata)."""
    return Document(
        page_content=hit.text,
        metadata={
            "clause_id": hit.clause_id,
            "label": hit.label,
            "citation": hit.citation,
            "path": list(hit.path),
            "article": hit.article,
            "score": hit.score,
            "doc_id": hit.doc.id,
            "title": hit.doc.title,
            "doc_type": hit.doc.doc_type,
            "region": hit.doc.region,
            "issuers": list(hit.doc.issuers),
            "date": hit.doc.date,
            "source": hit.doc.source,
        },
    )


class LawdocsRetriever(BaseRetriever):
    """Retrieve clauses from a lawdocs `Index` (hybrid, dense or lexical search, with filters)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # lawdocs.index.Index (Any keeps pydantic from inspecting it)
    k: int = Field(default=4, ge=1, le=1000)
    mode: SearchMode = "hybrid"
    filters: dict[str, Any] | list[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun | None = None
    ) -> list[Document]:
        hits = self.index.search(query, k=self.k, mode=self.mode, filters=self.filters)
        return [hit_to_document(h) for h in hits]
