"""lawdocs: search and answer Chinese rule-of-law and policy documents, clause by clause.

The pipeline, one owner per stage (each package's docstring lists its own modules):
- `load` (+ `loaders`): files to text; `parse` (+ `parsing`): text to a clause tree; `ingest`: paths to
  documents and failures.
- `embed` (+ `embedding`): text to vectors; `index`: the Index, its row table and storage engines.
- `search`: ranking; `filters`: which rows may answer; `bank`: the question bank; `versions`: law versions in
  force; `references`: cross-references between clauses.
- `answer` (+ `answering`): grouped, cited answers; `evaluate`: metrics and gold matching; `train`: training.
- `cli`, `server`, `web`, `integrations`: the faces; `scale`: work on a Ray cluster.
- `models`, `errors`, `citation`, `text`, `files`: records, errors, citations, text folding, file helpers;
  `__main__`: `python -m lawdocs`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import LawdocsError
from .models import Clause, Document, DocumentInfo, Hit

try:
    __version__ = version("lawdocs")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = ["Clause", "Document", "DocumentInfo", "Hit", "LawdocsError", "__version__"]
