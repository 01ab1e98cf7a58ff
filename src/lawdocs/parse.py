"""Text to a clause tree. (Contract skeleton; the implementation fills the bodies.)"""

from __future__ import annotations

from pathlib import Path

from .load import RawDocument
from .models import Document


def parse_raw(raw: RawDocument) -> Document:
    """Parse one RawDocument into a Document with headings and clauses."""
    raise NotImplementedError


def parse_file(path: str | Path) -> list[Document]:
    """Load and parse every document in one file."""
    raise NotImplementedError
