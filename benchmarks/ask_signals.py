"""What `ask` sees where it refuses or errs: the signals the twentieth pass looked for and did not find.

`ask` runs over the question files read (every part of ``PARTS`` but the unread ones given by ``--unread``) with
four of its steps wrapped, so that each records what it saw; nothing it answers changes. Four tables:

1. *The lay step* (`answer._lay`, the fallback when no clause clears the cut-off): questions whose first hybrid hit
   is a statute article, by who they are (a lay question whose first hit is a gold article, a lay question whose
   first hit is another, an out-of-scope question) and, for those the step refuses, by the band of the hit's dense
   similarity (0.05 wide), whether the dense ranking puts it first and whether the lexical ranking does.
2. *The named-document rescue* (`compose.named_rescue`): the questions it leaves unanswered, by whether the first
   hit is a gold clause or the question is out of scope; how many of each have no term the whole document never
   states; how many have the dense and the lexical rankings agree on the first hit with a dense margin of
   ``MARGIN`` or more.
3. *Terms a named document never states*: answers confined to one document although a question term (not of its
   title) occurs in none of its clauses, by out of scope / wrong / right, with the range of the cited evidence.
4. *Comparisons*: the documents that fail the per-document test, by whether they answer (a gold document) and by
   how far their best clause's dense similarity lies above that of the weakest passing document.

    python -m benchmarks.ask_signals --index DIR [--unread holdout32,holdout33,holdout35]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

import lawdocs.answer as answer_module
from benchmarks.ask_collection import PARTS, QUESTIONS, gold_of, judge, norm, states_gold
from benchmarks.common import md_table, write_results
from lawdocs.answering import compose
from lawdocs.answering import evidence as ev
from lawdocs.answering.comparison import LAW_TYPES
from lawdocs.index import Index

MARGIN = 0.03
BAND = 0.05
ABOVE = 0.09  # a failing document this far above the weakest passing one (in dense similarity) or more


class Recorder:
    """Wraps four steps of `lawdocs.answer` for one question at a time; `seen` holds what they saw."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}
        self._lay, self._rescue = answer_module._lay, compose.named_rescue
        self._passing, self._answer = answer_module.per_document_passing, answer_module._answer

    def install(self) -> None:
        answer_module._lay = self.lay
        compose.named_rescue = self.rescue
        answer_module.per_document_passing = self.passing
        answer_module._answer = self.answer

    def answer(self, index: Index, q: Any, flt: Any, *args: Any, **kw: Any) -> Any:
        self.seen.update(docs=list(flt.doc_id or ()), terms=[t.text for t in q.terms], text=q.text)
        return self._answer(index, q, flt, *args, **kw)

    def lay(self, index: Index, q: Any, searched: Any, mask: Any, flt: Any, sure: bool = False) -> Any:
        out = self._lay(index, q, searched, mask, flt, sure)
        if not sure and "lay" not in self.seen:
            first = [h for h in searched.top(10) if mask[index.row_of[h.clause_id]]][:1]
            dense = index.search(q.text, k=2, mode="dense", filters=flt)
            lexical = index.search(q.text, k=1, mode="lexical", filters=flt)
            self.seen["lay"] = dict(
                first=index.row_of[first[0].clause_id] if first else None,
                similarity=first[0].scores.get("dense") if first else None,
                dense=[(index.row_of[h.clause_id], h.scores.get("dense") or 0.0) for h in dense],
                lexical=[index.row_of[h.clause_id] for h in lexical],
                cited=bool(out),
            )
        return out

    def rescue(self, hits: Any) -> Any:
        out = self._rescue(hits)
        self.seen.setdefault("rescue", dict(row=hits[0][0] if hits else None, cited=bool(out)))
        return out

    def passing(self, index: Index, scored: Any, agreed: Any = ()) -> Any:
        out = self._passing(index, scored, agreed)
        self.seen["passing"] = (list(scored), {r for r, _, _ in out})
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--unread", default="holdout32,holdout33,holdout35", help="parts left out, comma-separated")
    args = parser.parse_args()
    ix = Index.open(args.index)
    corpus = ev.corpus_of(ix)
    unread = set(args.unread.split(","))
    recorder = Recorder()
    recorder.install()
    lay, lay_bands, rescue, absent, compared = Counter(), Counter(), Counter(), Counter(), Counter()
    evidence: dict[str, list[float]] = {}
    for part in ["calibration", "test", *[p for p in PARTS if p not in unread]]:
        source = QUESTIONS.parent / PARTS[part] if part in PARTS else QUESTIONS
        lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
        for q in (q for q in lines if q["split"] == part):
            recorder.seen = {}
            answered = answer_module.ask(ix, q["query"])
            result = judge(ix, q, answered)
            gold = gold_of(q)

            def is_gold(row: int, gold: list[tuple[str, list[str]]] = gold) -> bool:
                clause = ix.clauses[row]
                return states_gold(gold, ix.documents[clause.doc_id].title, clause.text)

            seen, out_of_scope = recorder.seen, q["kind"] == "out_of_scope"
            step = seen.get("lay")
            if step and step["first"] is not None and (q["kind"] == "lay" or out_of_scope):
                row = step["first"]
                if ix.documents[ix.clauses[row].doc_id].doc_type in LAW_TYPES and ix.clauses[row].article:
                    who = "out of scope" if out_of_scope else "lay, gold first" if is_gold(row) else "lay, another first"
                    lay[who] += 1
                    if not step["cited"] and step["similarity"] is not None:
                        band = round(int(step["similarity"] / BAND) * BAND, 2)
                        dense_first = bool(step["dense"]) and step["dense"][0][0] == row
                        lay_bands[(band, dense_first, row in step["lexical"][:1], who)] += 1
            named = seen.get("rescue")
            if named and named["row"] is not None and not named["cited"] and not answered.answered:
                who = "out of scope" if out_of_scope else "gold first" if is_gold(named["row"]) else "another first"
                rescue[(who, "questions")] += 1
                doc = ix.clauses[named["row"]].doc_id
                text = "".join(corpus.texts[r] for r in ix.doc_rows[doc])
                title = ev.normalise_text(ix.documents[doc].title)
                if all(t in text or t in title for t in seen["terms"]):
                    rescue[(who, "no term the document never states")] += 1
                dense = step["dense"] if step else []
                margin = dense[0][1] - dense[1][1] if len(dense) > 1 else 1.0
                if dense and dense[0][0] == named["row"] and named["row"] in (step or {}).get("lexical", [])[:1]:
                    if margin >= MARGIN:
                        rescue[(who, f"dense and lexical first, margin ≥ {MARGIN}")] += 1
            if len(seen.get("docs", [])) == 1 and answered.answered:
                doc = seen["docs"][0]
                text = "".join(corpus.texts[r] for r in ix.doc_rows[doc])
                title = ev.normalise_text(ix.documents[doc].title)
                if any(t not in text and t not in title for t in seen["terms"]):
                    who = "out of scope" if out_of_scope else "right" if result.get("precision") else "wrong"
                    absent[who] += 1
                    cited = [c.score for g in answered.groups for s in g.sections for c in s.clauses]
                    evidence.setdefault(who, []).append(max(cited, default=0.0))
            if "passing" in seen and gold:
                scored, passed = seen["passing"]
                rows = [r for r, _, _ in scored]
                similarity = dict(zip(rows, (ix.vectors_of(rows) @ ix.encode_query(q["query"])).tolist(), strict=True))
                best: dict[str, float] = {}
                for row in rows:
                    doc = ix.clauses[row].doc_id
                    best[doc] = max(best.get(doc, -1.0), similarity[row])
                passing = {ix.clauses[r].doc_id for r in passed}
                weakest = min((best[d] for d in passing), default=max(best.values(), default=0.0))
                titles = {t for t, _ in gold}
                for doc, value in best.items():
                    if doc not in passing and value - weakest >= ABOVE:
                        compared["answers" if norm(ix.documents[doc].title) in titles else "does not"] += 1
    markdown = [
        "# What ask sees where it refuses or errs (the question files read)",
        "## 1. The lay step: questions whose first hit is a statute article",
        md_table(["who", "questions"], sorted(lay.items())),
        "Refused by the step, by similarity band, dense first, lexical first:",
        md_table(["band", "dense first", "lexical first", "who", "questions"],
                 [[*k, v] for k, v in sorted(lay_bands.items())]),
        "## 2. The named-document rescue: questions it leaves unanswered",
        md_table(["who", "count of", "questions"], [[*k, v] for k, v in sorted(rescue.items())]),
        "## 3. Answers in one named document citing despite a term it never states",
        md_table(["who", "answers", "cited evidence from", "to"],
                 [[w, n, min(evidence[w]), max(evidence[w])] for w, n in sorted(absent.items())]),
        f"## 4. Comparisons: failing documents {ABOVE} or more above the weakest passing one in dense similarity",
        md_table(["document", "count"], sorted(compared.items())),
    ]
    data = {"lay": lay, "lay_bands": [[*k, v] for k, v in lay_bands.items()],
            "rescue": [[*k, v] for k, v in rescue.items()], "absent": absent, "evidence": evidence,
            "compared": compared}
    write_results("ask_signals", data, "\n\n".join(markdown))
    print("\n\n".join(markdown))


if __name__ == "__main__":
    main()
