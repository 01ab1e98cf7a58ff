"""Adapters that let other frameworks use a lawdocs index.

- `langchain`: `LawdocsRetriever`, a LangChain `BaseRetriever` over `Index.search` (install `lawdocs[langchain]`).
  LlamaIndex users can wrap it with LlamaIndex's LangChain retriever adapter.
"""
