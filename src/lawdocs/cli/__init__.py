"""The `lawdocs` command: a thin shell over the library.

Every command calls the library, prints a human view by default or JSON with `--json`, and turns a
LawdocsError into a one-line message and a non-zero exit. Modules, one owner each:
- `common`: the typer app, the consoles, shared options, error mapping, JSON output and progress.
- `render`: human views (trees, reference and version lists, answers); `hits`: search hits as a table when the
  terminal is wide, as blocks when narrow; `progress`: bars on a terminal, periodic lines in a log; `help`: tidy
  --help (usage FILES..., no <bool>, help texts as written). No library logic.
- `documents`: parse, index, remove, show. `queries`: search, ask, eval. `training`: learn, finetune.
  `service`: serve.
"""

from __future__ import annotations

from . import documents, queries, service, training
from .common import app

__all__ = ["app", "documents", "main", "queries", "service", "training"]


def main() -> None:
    app()
