"""lawdocs: search and answer Chinese rule-of-law and policy documents, clause by clause."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import LawdocsError
from .models import Clause, Document, DocumentInfo, Hit

try:
    __version__ = version("lawdocs")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = ["Clause", "Document", "DocumentInfo", "Hit", "LawdocsError", "__version__"]
