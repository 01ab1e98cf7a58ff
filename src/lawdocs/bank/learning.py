"""Learning questions: reading labelled questions, embedding them once, adding them to an index's bank."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from ..errors import EvalError
from ..evaluate import iter_query_rows
from .store import MAX_GOLD, MAX_QUERY, BankEntry, embed_queries, entry_id, resolver

if TYPE_CHECKING:
    from ..index import Index


def _gold_of(value: Any, path: str | Path, line: int | None) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise EvalError('"gold" must be a non-empty list of labels or clause ids', path=path, line=line)
    if len(value) > MAX_GOLD:
        raise EvalError(f"at most {MAX_GOLD} gold items per question, got {len(value)}", path=path, line=line)
    return [v.strip() for v in dict.fromkeys(value)]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class LearnReport(BaseModel):
    """What one `Index.learn` did."""

    added: list[str] = Field(default_factory=list)  # qids
    unchanged: list[str] = Field(default_factory=list)  # qids already in the bank
    missing: list[str] = Field(default_factory=list)  # gold items that name no clause of the index
    questions: int = 0  # banked questions after the call


def read_questions(source: str | Path | Sequence[Any]) -> list[tuple[str, list[str], int | None]]:
    """(query, gold, line) of every question of a JSONL file or a list of dicts / Query objects.

    A malformed line or item is an EvalError naming the file (or "questions") and the line (or position).
    """
    out: list[tuple[str, list[str], int | None]] = []
    if isinstance(source, str | Path):
        path = Path(source)
        for number, line in iter_query_rows(path):
            if len(line["query"]) > MAX_QUERY:
                raise EvalError(f"the query is longer than {MAX_QUERY} characters", path=path, line=number)
            out.append((line["query"].strip(), _gold_of(line.get("gold"), path, number), number))
        if not out:
            raise EvalError("the question file holds no questions", path=path)
        return out
    for position, item in enumerate(source, 1):
        row: Any = item if isinstance(item, Mapping) else getattr(item, "model_dump", lambda: None)()
        if not isinstance(row, Mapping):
            raise EvalError(
                'each question must be an object with "query" and "gold"', path="questions", line=position
            )
        query = row.get("query")
        if not isinstance(query, str) or not query.strip():
            raise EvalError('missing or empty "query" string', path="questions", line=position)
        if len(query) > MAX_QUERY:
            raise EvalError(
                f"the query is longer than {MAX_QUERY} characters", path="questions", line=position
            )
        out.append((query.strip(), _gold_of(row.get("gold"), "questions", position), position))
    return out


def learn(index: Index, questions: str | Path | Sequence[Any], *, allow_missing: bool = False) -> LearnReport:
    """Add labelled questions to `index`'s bank (the caller saves the index).

    Gold items that name no clause of the index are an EvalError listing them (nothing is stored), unless
    `allow_missing`: then they are stored, reported in `LearnReport.missing`, and vote once a matching
    clause is added. The same query and gold again is a no-op.
    """
    items = read_questions(questions)
    where = str(questions) if isinstance(questions, str | Path) else "questions"
    res = resolver(index)
    missing = list(dict.fromkeys(g for _, gold, _ in items for g in gold if not res.rows(g)))
    if missing and not allow_missing:
        lines = sorted(
            {line for _, gold, line in items if line is not None and any(not res.rows(g) for g in gold)}
        )
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise EvalError(
            f"{len(missing)} gold label(s) name no clause of the index {index.folder} (lines "
            f"{', '.join(map(str, lines[:10]))}{' …' if len(lines) > 10 else ''}): {shown}; nothing was "
            "learned (add the documents first, or pass allow_missing / --allow-missing to keep them)",
            path=where,
        )
    bank = index.bank
    entries = [BankEntry(qid=entry_id(q, gold), query=q, gold=gold, added=_now()) for q, gold, _ in items]
    report = LearnReport(missing=missing)
    fresh: dict[str, BankEntry] = {}
    for entry in entries:
        if entry.qid in bank or entry.qid in fresh:
            report.unchanged.append(entry.qid)
        else:
            fresh[entry.qid] = entry
    if fresh:
        todo = list(fresh.values())
        vectors = embed_queries(index.embedder, [e.query for e in todo])
        bank.fingerprint = index.embedder.fingerprint
        report.added = bank.add(todo, vectors)
    report.questions = len(bank)
    return report


# -- the packaged legal bank ------------------------------------------------------------------------
