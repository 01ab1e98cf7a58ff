"""Comparative questions: which rows the per-document test keeps, as the search agreement's depth and evidence vary.

Every comparative question of ``corpora/questions`` (all parts, read ones included: this chooses a setting, it
does not measure generalisation) is asked with ``coverage.AGREED_DEPTH`` / ``AGREED_COVERAGE`` set to each pair
of the grid, and each row of the comparison table is counted right when its document is one of the gold
documents. "none" switches the agreement off (evidence above 1).

    python -m benchmarks.comparative_rows --index /work/bundled-ix [--name comparative_rows]
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path

from benchmarks.common import md_table, write_results
from lawdocs import answer as answer_module
from lawdocs.answering import coverage
from lawdocs.index import Index

QUESTIONS = Path(__file__).resolve().parent.parent / "corpora" / "questions"
GRID = [(1, 1.01), (5, 0.4), (5, 0.5), (10, 0.4), (10, 0.5), (20, 0.4), (20, 0.5)]


def norm(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).replace("中华人民共和国", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--name", default="comparative_rows")
    args = parser.parse_args()
    ix = Index.open(args.index)
    questions = [
        q
        for path in sorted(QUESTIONS.glob("ask_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and (q := json.loads(line))["kind"] == "comparative"
    ]
    rows = []
    for depth, evidence in GRID:
        answer_module.AGREED_DEPTH = depth  # type: ignore[attr-defined]
        coverage.AGREED_COVERAGE = evidence
        right = wrong = wanted = 0
        for q in questions:
            want = {norm(g["title"]) for g in q["gold"]}
            got = {norm(r.title) for r in answer_module.ask(ix, q["query"]).comparison or []}
            right, wrong, wanted = right + len(got & want), wrong + len(got - want), wanted + len(want)
        rows.append(
            [depth if evidence <= 1 else "none", evidence if evidence <= 1 else "–", right, wrong,
             round(right / wanted, 3), round(right / max(1, right + wrong), 3)]
        )
        print(rows[-1], flush=True)
    headers = ["agreement depth", "evidence", "right rows", "wrong rows", "coverage", "row precision"]
    markdown = (
        f"# Comparison rows by search agreement ({len(questions)} comparative questions, "
        f"{sum(len(q['gold']) for q in questions)} answering documents)\n\n" + md_table(headers, rows)
    )
    write_results(args.name, {"questions": len(questions), "rows": rows}, markdown)
    print(markdown)


if __name__ == "__main__":
    main()
