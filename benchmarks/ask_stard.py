"""`ask` on STARD's real lay legal questions over the bundled collection: how often it answers, and from what.

STARD's questions (``../shared/bench/stard/train.jsonl``, the 247 held back by the seeded split of `stard.py`;
the default model was fine-tuned on the other 988) are labelled with the statute articles that answer them. The
bundled collection holds only some of those statutes (民法典, 行政许可法, 政府信息公开条例 … but not 劳动合同法,
刑法 or 商标法), so the questions fall in two groups:

- gold in the collection: at least one gold article is in the bundled index (matched by statute title without
  中华人民共和国 and article number). An answer is right when it cites one.
- gold elsewhere: no gold article is in the collection. The right behaviour is not to answer; an answer here is
  a confident wrong answer about a statute the collection does not hold.

Reported: answered questions, answers citing a gold article, answers citing none (split by group), precision of
cited articles (share of cited clauses that are gold, averaged over answered questions with gold in the
collection) and recall (answers citing a gold article / questions with gold in the collection).

    python -m benchmarks.ask_stard --index /work/bundled-ix [--limit N] [--name ask_stard]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from statistics import mean

from benchmarks.common import STARD, md_table, split, write_results
from lawdocs.answer import ask
from lawdocs.evaluate import Query, load_queries
from lawdocs.index import Index

_ARTICLE = re.compile(r"(.+?)(第[一二三四五六七八九十百零〇]+条)$")


def held_back(ix: Index) -> list[tuple[int, Query, set[int]]]:
    """STARD's held-back questions (position in train.jsonl, question), each with the rows of its gold articles that
    `ix` holds (matched by statute title without 中华人民共和国 and article number)."""
    rows = {
        (ix.documents[c.doc_id].title.replace("中华人民共和国", ""), c.article): r
        for r, c in enumerate(ix.clauses)
        if c.article
    }
    queries = load_queries(STARD / "train.jsonl")
    _, held = split(queries, seed=13)
    out = []
    for i in held:
        gold = set()
        for label in queries[i].gold:
            m = _ARTICLE.match(label)
            if m and (key := (m.group(1).replace("中华人民共和国", ""), m.group(2))) in rows:
                gold.add(rows[key])
        out.append((i, queries[i], gold))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="first N held-back questions only")
    parser.add_argument("--name", default="ask_stard")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    ix = Index.open(args.index)
    held = held_back(ix)
    if args.limit:
        held = held[: args.limit]
    results = []
    for _, q, gold in held:
        answer = ask(ix, q.query)
        cited = [ix.row_of[c.clause_id] for c in answer.cited]
        results.append(
            {
                "query": q.query,
                "gold_here": bool(gold),
                "answered": answer.answered,
                "right": answer.answered and bool(gold & set(cited)),
                "precision": len(gold & set(cited)) / len(cited) if answer.answered and cited and gold else None,
            }
        )
    here = [r for r in results if r["gold_here"]]
    elsewhere = [r for r in results if not r["gold_here"]]
    answered = [r for r in results if r["answered"]]
    summary = {
        "questions": len(results),
        "gold_in_collection": len(here),
        "gold_elsewhere": len(elsewhere),
        "answered": len(answered),
        "answered_citing_gold": sum(r["right"] for r in results),
        "answered_no_gold_though_held": sum(r["answered"] and not r["right"] for r in here),
        "answered_gold_elsewhere": sum(r["answered"] for r in elsewhere),
        "recall": round(sum(r["right"] for r in here) / len(here), 3) if here else None,
        "precision": round(mean(p), 3) if (p := [r["precision"] for r in here if r["precision"] is not None]) else None,
    }
    table = md_table(list(summary), [list(summary.values())])
    markdown = (
        "# ask on STARD's held-back lay questions over the bundled collection\n\n"
        f"Index {args.index} ({len(ix.documents)} documents, {len(ix)} clauses). An answer to a question whose gold "
        "articles are all outside the collection is a confident wrong answer.\n\n" + table
    )
    print(markdown)
    if not args.no_write:
        write_results(args.name, {"summary": summary, "results": results}, markdown)


if __name__ == "__main__":
    main()
