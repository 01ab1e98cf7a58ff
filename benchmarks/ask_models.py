"""`ask` on the founding report with the base and the legal model: does the calibrated cut-off hold?

For each of the 10 seed_dev questions: answered, every gold key among the cited clauses, how many clauses
are cited and their share of the report's characters; then ten questions of the kinds the cut-off was
calibrated on (measures, problems, plans, a figure) and four the report cannot answer.

    python -m benchmarks.ask_models
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

from benchmarks.common import REPORTS, REPORTS_BENCH, md_table, write_results
from lawdocs.answer import ask
from lawdocs.embed import load_embedder
from lawdocs.evaluate import load_queries
from lawdocs.index import Index

REPORT = REPORTS / "seed" / "潮州市湘桥区2020年度法治政府建设年度报告.txt"
OTHERS = [
    "哪些措施涉及行政执法？",
    "如何加强行政复议工作？",
    "12345平台工单如何处理？",
    "存在哪些问题？",
    "下一步有什么打算？",
    "2020年审核发布了多少件规范性文件？",
    "南极企鹅的繁殖季节是什么时候？",
    "火星探测器什么时候发射？",
    "量子计算机的原理",
    "足球联赛冠军是谁",
]


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def main() -> None:
    queries = load_queries(REPORTS_BENCH / "seed_dev.jsonl")
    total = len(REPORT.read_text(encoding="utf-8"))
    rows = []
    for model in ("base", "legal"):
        ix = Index.create(Path(tempfile.mkdtemp()) / "ix", embedder=load_embedder(model))
        ix.add(REPORT)
        for question, keys in [(q.query, q.gold_keys) for q in queries] + [(o, None) for o in OTHERS]:
            answer = ask(ix, question)
            texts = [norm(c.text) for c in answer.cited]
            gold = "–" if keys is None else str(all(any(norm(k) in t for t in texts) for k in keys))
            share = sum(len(c.text) for c in answer.cited) / total
            rows.append([model, question, str(answer.answered), gold, str(len(texts)), f"{share:.2f}"])
            print(rows[-1])
    table = md_table(["model", "question", "answered", "gold cited", "clauses", "share of report"], rows)
    write_results("ask_models", {"rows": rows}, f"# ask on the founding report, base and legal model\n\n{table}")


if __name__ == "__main__":
    main()
