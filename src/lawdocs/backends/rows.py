"""The scalar fields of a row, built from the clause and document records the row table keeps."""

from __future__ import annotations

from ..models import Clause, DocumentInfo
from .protocol import RowFields


def row_fields(key: int, doc: DocumentInfo, clause: Clause) -> RowFields:
    """What an expression-filtering engine stores beside a row (unknowns as "" and -1, as the protocol says)."""
    return RowFields(
        key=int(key),
        doc_id=doc.id,
        doc_type=doc.doc_type,
        region=doc.region or "",
        issuers="|".join(doc.issuers),
        year=doc.year if doc.year is not None else -1,
        date=doc.date or "",
        status="" if doc.status == "unknown" else doc.status,
        path=" › ".join(clause.path),
    )
