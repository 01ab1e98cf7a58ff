"""What the lay step of `ask` sees, and how the int8 model ranks the labour example: two figures the README quotes.

1. Over every question file in ``corpora/questions``: the lay questions that `ask` leaves unanswered while the first
   hybrid hit is a statute article holding one of the question's content words (the step `compose.lay_rescue`
   decides), split by whether that article is a gold one, with the range of the hit's dense similarity. If the
   two ranges overlap, no threshold on the model's similarity tells the right first hits from the wrong ones.
2. 公司不跟我签劳动合同怎么办: the dense similarity of 劳动合同法实施条例 第六条 and 第十八条 in the index (int8 ONNX,
   as embedded on the machine that built it, with the query embedded here) and with the fp32 torch model.

    python -m benchmarks.lay_step --index /tmp/answers-ix
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import md_table, write_results
from lawdocs.answer import ask
from lawdocs.answering import evidence as ev
from lawdocs.answering.comparison import LAW_TYPES
from lawdocs.answering.question import GENERIC_WORDS, analyse
from lawdocs.answering.wording import drop_stray
from lawdocs.embed import load_embedder
from lawdocs.index import Index

QUESTIONS = Path(__file__).resolve().parent.parent / "corpora" / "questions"
LABOUR = "公司不跟我签劳动合同怎么办"


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("中华人民共和国", "")


def lay_step(ix: Index) -> dict[str, Any]:
    corpus = ev.corpus_of(ix)
    right: list[float] = []
    wrong: list[float] = []
    for path in sorted(QUESTIONS.glob("ask_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            if q["kind"] != "lay" or ask(ix, q["query"]).answered:
                continue
            hit = ix.search(q["query"], k=1)[0]
            row = ix.row_of[hit.clause_id]
            clause = ix.clauses[row]
            if ix.documents[clause.doc_id].doc_type not in LAW_TYPES or not clause.article:
                continue
            question = analyse(q["query"])
            terms = drop_stray(question.terms, corpus.df)
            text = corpus.texts[row]
            if not any(t.text not in GENERIC_WORDS and len(t.text) > 1 and t.text in text for t in terms):
                continue
            gold = any(
                norm(ix.documents[clause.doc_id].title) == norm(g["title"])
                and any(norm(k) in norm(clause.text) for k in g["keys"])
                for g in q["gold"]
            )
            (right if gold else wrong).append(round(float(hit.scores.get("dense") or 0.0), 3))
    return {
        "right": len(right),
        "wrong": len(wrong),
        "right_dense": [min(right), max(right)] if right else None,
        "wrong_dense": [min(wrong), max(wrong)] if wrong else None,
    }


def labour(ix: Index) -> dict[str, Any]:
    rows = {
        ix.clauses[r].article: r
        for r in range(len(ix.clauses))
        if "劳动合同法实施条例" in ix.documents[ix.clauses[r].doc_id].title
        and ix.clauses[r].article in ("第六条", "第十八条")
    }
    out: dict[str, Any] = {"first": ix.search(LABOUR, k=1)[0].article}
    query = ix.encode_query(LABOUR)
    out["index_int8"] = {a: round(float(ix.vectors_of([r])[0] @ query), 3) for a, r in rows.items()}
    torch = load_embedder(backend="torch")
    passages = torch.encode_passages([ix.clauses[r].text for r in rows.values()])
    qvec = torch.encode_queries([LABOUR])[0]
    out["fp32_torch"] = {a: round(float(v), 3) for a, v in zip(rows, np.asarray(passages) @ qvec, strict=True)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    ix = Index.open(args.index)
    step, example = lay_step(ix), labour(ix)
    print(json.dumps({"lay_step": step, "labour": example}, ensure_ascii=False, indent=1))
    write_results(
        "lay_step",
        {"lay_step": step, "labour": example},
        "\n\n".join(
            [
                "# The lay step and the labour example",
                "Unanswered lay questions whose first hybrid hit is a statute article holding a question word:",
                md_table(list(step), [list(step.values())]),
                f"{LABOUR}: first hit {example['first']}; dense similarity (int8 index, query here) "
                f"{example['index_int8']}; fp32 torch {example['fp32_torch']}.",
            ]
        ),
    )


if __name__ == "__main__":
    main()
