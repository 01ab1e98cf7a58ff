"""A question in several parts about one document, each part answered by a clause of its own.

An analyst asks of one document several things at once: 经营性文化事业单位转制为企业后，企业名称怎么确定？原来的
事业编制和事业单位法人怎么处理？ The document answers each part in a different clause, and the cut-off, which weighs
every word of the whole question, finds no clause stating most of them. Here each part (a sentence of the question,
up to its ？ or ；) is asked on its own inside that document, with the rule the cut-off's rescue of one named document
uses (`compose.named_rescue`): the part's first hit in the document's hybrid ranking, cited when its evidence for
the part's own words is at least ``compose.NAMED_COVERAGE``. A part the clauses already cited answer (their
evidence for it clears ``evidence.MIN_COVERAGE``) adds nothing.

Figure questions (one quantity) and comparisons (one clause per document) are left as they are, and so is an answer
citing an article of a statute, which answers several parts in its paragraphs (twentieth pass, over the thirty-one
question files read: adding a second article lowered the precision of five law answers and raised no recall; left out,
the rule answered three refused questions rightly and one wrongly, and changed no other answer). A statute the
question names, with nothing kept, is asked each part like any other document, and the statute limit
(`compose.limit_statutes`) then keeps the one article of it that states the question best. Only a document the
question (or a filter) names is read this way, ``NAMED_COVERAGE`` being the bar for a named document (`answer`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..text import fold
from . import evidence as ev
from .candidates import score_rows
from .comparison import LAW_TYPES
from .compose import named_rescue
from .question import Question, analyse
from .wording import drop_stray
from .years import year_fits

if TYPE_CHECKING:
    from ..filters import Filters
    from ..index import Index

Scored = tuple[int, float, list[str]]

_PART_END = re.compile(r"[？?；;]")
PART_CHARS = 6  # a shorter part (是否？, 为什么？) is not asked on its own
PART_DEPTH = 5  # the hits of a part's search read for its first one about the year asked
MAX_PARTS = 6  # the parts asked on their own, each one search: a question may be 500 characters long


def question_parts(text: str) -> list[str]:
    """The sentences of a question that asks several things (up to each ？ or ；), [] for a question of one part."""
    parts = [p.strip(" ，,。") for p in _PART_END.split(fold(text))]
    parts = list(dict.fromkeys(p for p in parts if len(p) >= PART_CHARS))[:MAX_PARTS]
    return parts if len(parts) >= 2 else []


def part_question(index: Index, part: str, q: Question) -> Question:
    """The question one part asks: its terms as `ask` takes a question's (stray pieces dropped; the question's
    scope is already its one document), about the years the whole asks."""
    pq = analyse(part)
    pq.terms = drop_stray(pq.terms, ev.corpus_of(index).df)
    pq.years = list(q.years)
    return pq


def parts_answered(
    index: Index, q: Question, kept: Sequence[Scored], mask: np.ndarray, flt: Filters, named: Sequence[str] = ()
) -> list[Scored]:
    """`kept`, with a clause for each part of `q` that none of them answers, when they are of one document (or,
    with nothing kept, in `named`, the documents of the one document or law the question names: 民法典 is eight
    books). See the module docstring."""
    if q.kind == "figure" or q.comparative:
        return list(kept)
    docs = {index.clauses[r].doc_id for r, _, _ in kept}
    # an article answers several parts in its paragraphs: a statute's cited article is not added to
    statute = any(index.documents[d].doc_type in LAW_TYPES for d in docs)
    parts = question_parts(q.text) if (len(docs) == 1 and not statute) or (not docs and named) else []
    if not parts:
        return list(kept)
    inside = flt.model_copy(update={"doc_id": sorted(docs or set(named))})
    out, cited = list(kept), {r for r, _, _ in kept}
    for part in parts:
        pq = part_question(index, part, q)
        if not pq.terms:
            continue
        if cited and max(s for _, s, _ in score_rows(index, pq, sorted(cited))) >= ev.MIN_COVERAGE:
            continue  # a clause already cited answers this part
        hits = [index.row_of[h.clause_id] for h in index.search(part, k=PART_DEPTH, filters=inside)]
        hits = [r for r in hits if mask[r] and year_fits(index, r, q.section_years)]
        for row, score, words in named_rescue(score_rows(index, pq, hits[:1])):
            if row not in cited:
                cited.add(row)
                out.append((row, score, words))
    return out
