"""Index the founding report, search it, and ask it a question.

    python examples/quickstart.py [INDEX_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from lawdocs.index import Index

REPORT = Path(__file__).resolve().parents[1] / "corpora" / "reports" / "seed"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "index"
    ix = Index.create(folder)
    report = ix.add(REPORT)
    ix.save()
    print(f"{len(report.added)} document(s), {report.clauses} clauses in {folder}")

    for hit in ix.search("哪些措施涉及行政执法", k=5):
        print(f"{hit.rank}. {hit.citation}\n   {hit.text[:80]}…")

    answer = ix.ask("2020年审核发布了多少件规范性文件？")
    if answer.figure is not None:
        print(answer.figure.model_dump_json())


if __name__ == "__main__":
    main()
