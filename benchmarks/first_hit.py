"""Could a learned acceptor decide the first-hit step better than its rules? (twenty-third pass: no.)

When no clause clears the cut-off, `ask` may cite the search's first hit (`answer._lay`: the word rule, a sure
similarity, the retrievers' agreement, a runner-up lead; `compose.lay_rescue`). This benchmark wraps that step and
records, for every question that reaches it, ten signals of the first hybrid hit within scope (`signals`), whether
that hit is a gold clause (out-of-scope questions: never), and what the rules cited. A logistic regression over the
signals (`Acceptor`: standardised features, Newton steps on the L2-regularised log loss, the intercept not
penalised, numpy only) is then judged against the rules:

- on the read parts of ``corpora/questions`` (all but ``--exclude``), five-fold cross-validated over whole parts (a
  part's questions are judged by weights fit without them);
- on STARD's 247 held-back lay questions (real users' questions; gold: their labelled articles the bundled
  collection holds), by weights fit on all the read parts, never on STARD.

Only statute articles are accepted, as by the rules. "Word rule" is what `compose.lay_rescue` (the word test
alone, without the model's similarity) says of the first hit. Signals are cached in ``benchmarks/data/first_hit_signals.jsonl`` and ``first_hit_stard.jsonl`` (`collect`
rewrites them; `fit` reads them).

    python -m benchmarks.first_hit collect --index /work/bundled-ix [--exclude holdout37,holdout38]
    python -m benchmarks.first_hit fit [--name first_hit]
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.ask_collection import PARTS, QUESTIONS, gold_of, states_gold
from benchmarks.common import log, md_table, write_results
from lawdocs import answer as answering
from lawdocs.answering import compose
from lawdocs.answering import evidence as ev
from lawdocs.answering.candidates import score_rows
from lawdocs.answering.comparison import LAW_TYPES
from lawdocs.answering.question import GENERIC_WORDS
from lawdocs.answering.scope import title_key
from lawdocs.index import Index
from lawdocs.train.combiner import newton_logistic

DATA = Path(__file__).resolve().parent / "data"
SIGNALS = DATA / "first_hit_signals.jsonl"
STARD_SIGNALS = DATA / "first_hit_stard.jsonl"
FEATURES = (
    "similarity",  # the model's similarity between the question and the hit
    "dense_lead",  # the dense ranking's first similarity minus its second, within the filters
    "lexical_first",  # 1 when the lexical ranking puts the hit first too
    "held",  # share of the question's content words (not generic, two characters or more) the hit states
    "unknown",  # the question's words that no clause of the collection states
    "unknown_share",  # unknown / (content words + unknown)
    "statute",  # 1 for an article of a law, regulation, rule or judicial interpretation
    "named",  # 1 when the question names the hit's statute
    "length",  # characters of the question
    "figure",  # 1 when the question asks for a figure
)
THRESHOLDS = (0.4, 0.5, 0.6, 0.7)
FOLDS = 5


def signals(index: Index, q: Any, searched: Any, mask: np.ndarray, flt: Any) -> tuple[int, dict[str, float]] | None:
    """The first hybrid hit within `mask` among the first ten and its `FEATURES`, or None. The rules look at the
    first ``compose.LAY_DEPTH`` (two) only, so the hit may be one they never saw (1 of the 838 read questions)."""
    inside = [r for r in (index.row_of[h.clause_id] for h in searched.top(10)) if mask[r]]
    if not inside:
        return None
    row = inside[0]
    clause = index.clauses[row]
    doc = index.documents[clause.doc_id]
    dense = [h.scores.get("dense") or 0.0 for h in index.search(q.text, k=2, mode="dense", filters=flt)] + [0.0, 0.0]
    lexical = index.search(q.text, k=1, mode="lexical", filters=flt)
    corpus = ev.corpus_of(index)
    content = [t.text for t in q.terms if t.text not in GENERIC_WORDS and len(t.text) > 1]
    unknown = sum(corpus.df(t.text) == 0 for t in q.terms)
    key = title_key(doc.title)
    return row, {
        "similarity": float(index.vectors_of([row])[0] @ index.encode_query(q.text)),
        "dense_lead": dense[0] - dense[1],
        "lexical_first": float(bool(lexical) and index.row_of[lexical[0].clause_id] == row),
        "held": sum(t in corpus.texts[row] for t in content) / len(content) if content else 0.0,
        "unknown": float(unknown),
        "unknown_share": unknown / max(1, len(content) + unknown),
        "statute": float(doc.doc_type in LAW_TYPES and bool(clause.article)),
        "named": float(bool(key) and key in ev.normalise_text(q.text)),
        "length": float(len(q.text)),
        "figure": float(q.kind == "figure"),
    }


def _recording(ix: Index, questions: Sequence[tuple[str, str, str, Callable[[int], bool] | None]]) -> list[dict[str, Any]]:
    """(part, qid, query, is_gold or None) → one record for each question whose `ask` reaches the first-hit step:
    the first hit's row, signals and label, what the word rule alone says of it, and the row the rules cited there
    (None when they cited none)."""
    seen: list[dict[str, Any]] = []
    original = answering._lay

    def wrapped(index: Index, q: Any, searched: Any, mask: np.ndarray, flt: Any, sure: bool = False) -> Any:
        out = original(index, q, searched, mask, flt, sure)
        if not sure and not seen and (found := signals(index, q, searched, mask, flt)) is not None:
            words = bool(compose.lay_rescue(index, q, score_rows(index, q, [found[0]])))  # its word rule alone
            seen.append({"row": found[0], "signals": found[1], "rules": out[0][0] if out else None, "words": words})
        return out

    records = []
    answering._lay = wrapped  # type: ignore[assignment]
    try:
        for part, qid, query, is_gold in questions:
            seen.clear()
            answering.ask(ix, query)
            for s in seen:
                records.append({
                    "part": part, "qid": qid, "answerable": is_gold is not None, **s,
                    "label": bool(is_gold and is_gold(s["row"])),
                    "rules_right": bool(is_gold and s["rules"] is not None and is_gold(s["rules"])),
                })
    finally:
        answering._lay = original  # type: ignore[assignment]
    return records


def collect(ix: Index, exclude: set[str]) -> list[dict[str, Any]]:
    questions = []
    for part in ["calibration", "test", *[p for p in PARTS if p not in exclude]]:
        source = QUESTIONS.parent / PARTS[part] if part in PARTS else QUESTIONS
        for line in source.read_text(encoding="utf-8").splitlines():
            q = json.loads(line) if line.strip() else None
            if q is None or (part in ("calibration", "test") and q["split"] != part):
                continue
            gold = gold_of(q) if q["answerable"] else []

            def is_gold(row: int, gold: Any = gold) -> bool:
                return states_gold(gold, ix.documents[ix.clauses[row].doc_id].title, ix.clauses[row].text)

            questions.append((part, q["qid"], q["query"], is_gold if gold else None))
    log(f"{len(questions)} questions")
    return _recording(ix, questions)


def collect_stard(ix: Index) -> list[dict[str, Any]]:
    from benchmarks.ask_stard import held_back

    questions = [("stard", str(i), q.query, gold.__contains__ if gold else None) for i, q, gold in held_back(ix)]
    return _recording(ix, questions)


class Acceptor:
    """p = 1 / (1 + exp(-(b + w · (x - mean) / scale))), fit on (signals, label) pairs."""

    def __init__(self, records: Sequence[dict[str, Any]], l2: float = 1.0) -> None:
        x = np.array([[r["signals"][f] for f in FEATURES] for r in records])
        y = np.array([r["label"] for r in records], dtype=bool)
        self.mean, self.scale = x.mean(axis=0), x.std(axis=0)
        self.scale[self.scale < 1e-9] = 1.0
        z = np.hstack([np.ones((len(x), 1)), (x - self.mean) / self.scale])
        self.w = newton_logistic(z * np.where(y, 1.0, -1.0)[:, None], np.ones(len(y)), l2 / len(y), free=1)

    def probability(self, s: dict[str, float]) -> float:
        z = self.w[0] + float(((np.array([s[f] for f in FEATURES]) - self.mean) / self.scale) @ self.w[1:])
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def tally(records: Sequence[dict[str, Any]], accepted: Sequence[bool], right: Sequence[bool] | None = None) -> list[int]:
    """answered, right, wrong (answerable), out of scope: for accepting each record's first hit (or, with
    `right`, whatever the rules cited)."""
    accepted = [bool(a) for a in accepted]
    right = right if right is not None else [r["label"] for r in records]
    ok = sum(a and g for a, g in zip(accepted, right, strict=True))
    oos = sum(a and not r["answerable"] for r, a in zip(records, accepted, strict=True))
    return [sum(accepted), ok, sum(accepted) - ok - oos, oos]


def table(records: Sequence[dict[str, Any]], p: Sequence[float]) -> list[list[Any]]:
    statute = [bool(r["signals"]["statute"]) for r in records]
    words = [r["words"] for r in records]
    rules = [r["rules"] is not None for r in records]
    rows = [["the rules (what `ask` cited at the step)", *tally(records, rules, [r["rules_right"] for r in records])]]
    rows.append(["word rule alone", *tally(records, words)])
    for t in THRESHOLDS:
        accepted = [s and x >= t for s, x in zip(statute, p, strict=True)]
        rows.append([f"acceptor ≥ {t}", *tally(records, accepted)])
        rows.append([f"acceptor ≥ {t} or word rule", *tally(records, [a or w for a, w in zip(accepted, words, strict=True)])])
        rows.append([f"the rules, plus the acceptor ≥ {t} where they cite nothing",
                     *tally(records, [r or a for r, a in zip(rules, accepted, strict=True)],
                            [r["rules_right"] if r["rules"] is not None else r["label"] for r in records])])
    return rows


def fit(args: argparse.Namespace) -> None:
    records = [json.loads(line) for line in SIGNALS.read_text(encoding="utf-8").splitlines() if line.strip()]
    stard = [json.loads(line) for line in STARD_SIGNALS.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts = sorted({r["part"] for r in records})
    fold = np.array([parts.index(r["part"]) % FOLDS for r in records])
    p = np.zeros(len(records))
    for k in range(FOLDS):
        model = Acceptor([r for r, f in zip(records, fold, strict=True) if f != k], args.l2)
        p[fold == k] = [model.probability(r["signals"]) for r, f in zip(records, fold, strict=True) if f == k]
    model = Acceptor(records, args.l2)
    head = ["decision (statute articles only)", "answered", "right", "wrong", "out of scope"]
    cv, st = table(records, list(p)), table(stard, [model.probability(r["signals"]) for r in stard])
    weights = [[f, round(float(w), 3)] for f, w in zip(FEATURES, model.w[1:], strict=True)]
    print(md_table(head, cv), md_table(head, st), md_table(["feature", "weight"], weights), sep="\n\n")
    markdown = "\n\n".join([
        f"# A learned first-hit acceptor against the rules: {len(records)} questions of corpora/questions reach "
        f"the step ({sum(r['label'] for r in records)} first hits gold), {len(stard)} of STARD's held-back ones",
        "corpora/questions, five-fold cross-validated over whole parts. Right: the cited clause is gold; wrong: an "
        "answerable question answered with another; out of scope: a question with no gold clause (STARD: no gold "
        "article in the collection).",
        md_table(head, cv),
        "STARD's held-back lay questions, by weights fit on all the read parts:",
        md_table(head, st),
        "Weights over standardised features (all the read parts):",
        md_table(["feature", "weight"], weights),
    ])
    write_results(args.name, {"cross_validated": cv, "stard": st, "weights": weights}, markdown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--index", type=Path, required=True)
    c.add_argument("--exclude", default="holdout37,holdout38", help="comma-separated parts kept out (fresh ones)")
    f = sub.add_parser("fit")
    f.add_argument("--l2", type=float, default=1.0)
    f.add_argument("--name", default="first_hit")
    args = parser.parse_args()
    if args.command == "fit":
        fit(args)
        return
    ix = Index.open(args.index)
    DATA.mkdir(exist_ok=True)
    for path, records in ((SIGNALS, collect(ix, set(args.exclude.split(",")))), (STARD_SIGNALS, collect_stard(ix))):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        log(f"{len(records)} questions reach the first-hit step; wrote {path}")


if __name__ == "__main__":
    main()
