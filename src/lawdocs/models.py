"""Records that cross a boundary: documents, clauses, hits, answers, the index manifest."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from .citation import cite

DocType = Literal[
    "law",
    "administrative_regulation",
    "judicial_interpretation",
    "departmental_rule",
    "local_regulation",
    "rule_of_law_report",
    "government_work_report",
    "notice",
    "other",
]

# What a clause is inside its document: an article of a law, a measure of a report,
# a plain paragraph (documents without articles), the preamble before the first heading,
# or the signature / attachment blocks.
ClauseKind = Literal["article", "measure", "paragraph", "preamble", "signature", "attachment", "record"]

# What a section of a report is about, when its heading says so.
SectionRole = Literal["body", "problems", "plans", "achievements"]

SearchMode = Literal["hybrid", "dense", "lexical"]
IndexType = Literal["auto", "flat", "hnsw", "ivf"]  # the FAISS structure (auto: exact up to 100k clauses)

# In force (现行有效), amended by a newer version (已修改), repealed (已废止), not yet in force (尚未生效).
Status = Literal["in_force", "repealed", "amended", "not_yet_in_force", "unknown"]


class Heading(BaseModel):
    """A heading of the document tree (编/章/节 for laws, 一、/（一）/1、 for reports)."""

    model_config = ConfigDict(frozen=True)

    text: str  # as written, e.g. "第一章 总则" or "一、2020年度主要工作成效"
    level: int  # 1 = top level
    marker: str  # the numbering family: 编, 分编, 章, 节, 一、, （一）, 1、, （1）, ①, #
    span: tuple[int, int]  # character span in Document.body
    page: int | None = None
    role: SectionRole = "body"


class Clause(BaseModel):
    """The smallest unit a person cites: an article with its 款/项, or one measure of a report."""

    id: str  # stable: f"{doc_id}:{ordinal:05d}" (ordinal in document order, parts included)
    doc_id: str
    kind: ClauseKind
    text: str  # the document's own wording, unchanged
    path: list[str] = Field(default_factory=list)  # ancestor heading texts, outermost first
    article: str | None = None  # "第五十四条", "第十条之一"; for report measures e.g. "1、" / "一是"
    label: str | None = None  # document title + article, e.g. "中华人民共和国民法典第五十四条"
    page: int | None = None  # 1-based page where the clause starts, when known
    span: tuple[int, int]  # character span in Document.body
    part: int | None = None  # 1, 2, ... when an over-long clause was split
    role: SectionRole = "body"


class Document(BaseModel):
    """A parsed document: metadata, its body text, headings and clauses."""

    id: str  # stable: derived from the content hash
    title: str
    doc_type: DocType = "other"
    issuers: list[str] = Field(default_factory=list)
    region: str | None = None  # "潮州市湘桥区", "上海市", None for national
    date: str | None = None  # ISO date of publication / signature
    effective_date: str | None = None
    year: int | None = None  # the year a report covers, else the year of `date`
    number: str | None = None  # 国办发〔2018〕118号
    status: Status = "unknown"
    # versions (see lawdocs.versions): the law this is a version of, and which version
    law_id: str | None = None  # normalised title shared by every version, e.g. "中华人民共和国立法法"
    version: str | None = None  # ISO date of this version's adoption / latest revision
    version_label: str | None = None  # e.g. "2018-10-26 修正"
    repealed: bool = False  # the text or corpus metadata says it is repealed / expired
    repealed_on: str | None = None
    source: str  # path (and "#row=N" for one row of a multi-document file)
    content_hash: str  # sha256 of the body text
    body: str = ""
    headings: list[Heading] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    def summary(self) -> DocumentInfo:
        return DocumentInfo.of(self)


class DocumentInfo(BaseModel):
    """Document metadata without its text, as stored beside each hit."""

    id: str
    title: str
    doc_type: DocType = "other"
    issuers: list[str] = Field(default_factory=list)
    region: str | None = None
    date: str | None = None
    year: int | None = None
    number: str | None = None
    status: Status = "unknown"
    source: str = ""
    effective_date: str | None = None
    law_id: str | None = None
    version: str | None = None
    version_label: str | None = None
    repealed: bool = False
    repealed_on: str | None = None

    @classmethod
    def of(cls, record: BaseModel) -> DocumentInfo:
        """The metadata fields of any document record (a parsed Document, a stored one)."""
        return cls.model_validate(record.model_dump(include=set(cls.model_fields)))


ReferenceScope = Literal["document", "article", "previous_article", "next_article", "other"]


class ReferenceLink(BaseModel):
    """A cross-reference of one clause (本法第三十条, 前款, 《行政处罚法》第三十三条) and the clause it names.

    Unresolved references (a law not in the index, an article past the end) keep their text, with
    `resolved=False`, no target clause and a `reason`. A reference to a whole document (依照《行政处罚法》的规定)
    has a target document but no target clause.
    """

    text: str  # as written, e.g. "本法第三十条第二款"
    source_clause_id: str
    source_label: str | None = None
    span: tuple[int, int]  # in the source clause's text
    scope: ReferenceScope  # this document, this article, the article before/after, another document
    resolved: bool
    target_clause_id: str | None = None  # when unresolved: only a candidate (same number, later version)
    target_doc_id: str | None = None
    target_title: str | None = None
    target_article: str | None = None  # "第三十条"
    paragraph: int | None = None  # 款 of the target article (1-based), when the reference names one
    item: int | None = None  # 项, when named
    reason: str | None = None  # why it is unresolved
    target_text: str | None = None  # the referenced text, when expanded


class Hit(BaseModel):
    """One search result: a clause, its score and its document."""

    rank: int
    score: float
    clause_id: str
    label: str | None
    text: str
    path: list[str]
    article: str | None
    page: int | None = None
    doc: DocumentInfo
    scores: dict[str, float] = Field(default_factory=dict)  # per-retriever scores: dense, lexical, rerank
    references: list[ReferenceLink] = Field(default_factory=list)  # filled by expand_references=True

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citation(self) -> str:
        """document › section › article, or › the measure's marker and lead phrase (1、全面推行…)."""
        return cite(self.doc.title, self.path, self.article, self.text)


class Manifest(BaseModel):
    """What a saved index folder holds; checked on load."""

    format_version: int
    lawdocs_version: str
    model_name: str
    model_fingerprint: str
    dimension: int
    query_prompt: str = ""
    passage_prompt: str = ""
    index_type: str  # FAISS factory string, e.g. "Flat" or "HNSW32"
    lexical: str  # lexical scheme, e.g. "bm25-jieba"
    documents: int
    clauses: int
    created: str
    updated: str
    generation: int = 0  # bumped by every save; names the data files of that save
    # how its passages were embedded: "alone" (each text on its own, as the ONNX embedder does), or "" (in batches:
    # saved before the ONNX embedder ran texts alone, or by an embedder that does not say); "" stays until a rebuild
    embedding: str = ""
