"""The records of an answer: cited clauses grouped by document and section, figures, the Answer itself.

One definition serves the library, the CLI's ``--json`` and the HTTP schema (``POST /ask``).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from ..models import DocumentInfo, ReferenceLink, SectionRole
from .kinds import AnswerKind, MetaField

__all__ = [
    "Answer",
    "CitedClause",
    "ComparisonRow",
    "DocumentGroup",
    "Figure",
    "Generator",
    "Highlight",
    "Lead",
    "RegionGroup",
    "SectionGroup",
]


class Highlight(BaseModel):
    """A matched question term inside a cited clause's text (character offsets, end exclusive)."""

    start: int
    end: int
    term: str


class CitedClause(BaseModel):
    """One clause that answers the question, with what is needed to cite it."""

    clause_id: str
    doc_id: str
    text: str
    label: str | None = None
    path: list[str] = Field(default_factory=list)
    article: str | None = None
    page: int | None = None
    role: SectionRole = "body"
    citation: str  # title › section › article or measure
    score: float  # evidence in [0, 1]: weighted coverage of the question's terms
    highlights: list[Highlight] = Field(default_factory=list)
    references: list[ReferenceLink] = Field(default_factory=list)  # filled by expand_references=True


class Lead(BaseModel):
    """A clause search ranks near the top for a question that no clause answers with confidence: a place to look,
    not an answer (a lay question whose article the model ranks fourth, below the cut-off)."""

    clause_id: str
    doc_id: str
    title: str
    text: str
    article: str | None = None
    citation: str  # title › section › article or measure
    similarity: float | None = None  # the model's similarity to the question (dense retrieval), when it ranked it


class SectionGroup(BaseModel):
    path: list[str] = Field(default_factory=list)
    title: str = ""  # the path joined by " › "
    clauses: list[CitedClause] = Field(default_factory=list)


class DocumentGroup(BaseModel):
    doc: DocumentInfo
    score: float  # the best evidence among its clauses
    sections: list[SectionGroup] = Field(default_factory=list)


class RegionGroup(BaseModel):
    region: str | None
    documents: list[str] = Field(default_factory=list)  # document ids, as in `groups`
    clauses: int = 0


class Figure(BaseModel):
    value: str  # as written: "共5件", "97.39%"
    number: float | None = None
    unit: str
    sentence: str
    clause_id: str
    citation: str


class ComparisonRow(BaseModel):
    """One row of the table that answers a question across documents: a document, its best clause, its figure."""

    doc_id: str
    title: str
    region: str | None = None
    year: int | None = None
    clause_id: str
    citation: str
    text: str
    figure: str | None = None  # the figure the clause states for this document, with its qualifier


class Answer(BaseModel):
    question: str
    kind: AnswerKind
    answered: bool
    reason: str | None = None  # why not answered (or what is missing)
    summary: str = ""
    terms: list[str] = Field(default_factory=list)  # the content terms matched against the clauses
    groups: list[DocumentGroup] = Field(default_factory=list)
    regions: list[RegionGroup] = Field(default_factory=list)
    figure: Figure | None = None
    figures: list[Figure] = Field(default_factory=list)  # other candidate figures, best first
    asked: list[MetaField] = Field(default_factory=list)  # metadata questions: which fields
    prose: str | None = None  # from the application's generator, if one was given
    comparison: list[ComparisonRow] | None = None  # questions across documents: one row per document
    scope: list[str] = Field(default_factory=list)  # what the question named (regions, years, laws, reports)
    closest: list[str] = Field(
        default_factory=list
    )  # not held: the nearest documents (or regions) the index holds
    more_clauses: int = 0  # cited clauses left out of `groups` by the limit
    more_documents: int = 0  # documents they are in
    more: str | None = None  # "N more clauses in M documents: …" and how to see them
    leads: list[Lead] = Field(default_factory=list)  # not answered: where search would look first, unconfirmed

    @property
    def cited(self) -> list[CitedClause]:
        return [c for g in self.groups for s in g.sections for c in s.clauses]


Generator = Callable[[str, list[CitedClause]], str]
