"""Cross-references resolved against an index: what a clause refers to, and what refers to it.

`outgoing(index, clause_id)` parses the clause (`lawdocs.parsing.references`) and links each number it names
to a clause of the index; `incoming(index, clause_id)` reads an inverted map built once per index state
(generation and row counts) over every clause. A reference that names nothing in the index keeps its text and
says why (`resolved=False`); it is never linked to a nearby clause instead.

Which document a reference names:
- 本法 / 本条例 / a bare 第X条: the source document, together with the documents of the same title and date
  (a code indexed as one file per 编, such as 民法典, is one law);
- 前款 / 本条第二款: the source article, recording the 款;
- 《X》 or a bare name before 第X条 (行政诉讼法第二十五条): the documents whose title, or title without
  "中华人民共和国", is X (for a bare name, the longest tail of the words before 第 that is such a title).
  When several versions are indexed, the one with the source's status if any has it, else the newest.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import Clause, Hit, ReferenceLink
from .parsing.references import (
    Reference,
    Target,
    article_key,
    find_references,
    paragraph_starts,
    paragraph_text,
)

if TYPE_CHECKING:
    from .index import Index

PREFIX = "中华人民共和国"
MAX_TARGET_TEXT = 1200  # characters of referenced text carried by an expanded link
_SKIPPED_KINDS = ("signature", "attachment")


def title_key(title: str) -> str:
    """A title as references name it: no spaces, 〈〉 as 《》, without the 中华人民共和国 prefix."""
    t = re.sub(r"\s+", "", title).replace("〈", "《").replace("〉", "》")
    return t[len(PREFIX) :] if t.startswith(PREFIX) and len(t) > len(PREFIX) else t


@dataclass
class _Work:
    """The documents of one title and date (one version of one law), with their articles in order."""

    title: str
    date: str
    status: str
    doc_ids: list[str]
    articles: dict[tuple[int, int], int]  # (number, 之N) → row of the article (its first part)
    order: list[tuple[int, int]]  # article keys in document order


class Resolver:
    """Links references to clauses of one index state. Get one with `resolver(index)`."""

    def __init__(self, index: Index) -> None:
        self.index = index
        alive = index.alive
        by_version: dict[tuple[str, str], _Work] = {}
        self.work_of: dict[str, _Work] = {}
        for doc_id, doc in index.documents.items():
            key = (title_key(doc.title), doc.date or "")
            work = by_version.get(key)
            if work is None:
                work = by_version[key] = _Work(doc.title, doc.date or "", doc.status, [], {}, [])
            work.doc_ids.append(doc_id)
            self.work_of[doc_id] = work
        for work in by_version.values():
            for doc_id in work.doc_ids:
                for row in index.doc_rows.get(doc_id, []):
                    if row >= len(alive) or not alive[row]:
                        continue
                    number = article_key(index.clauses[row].article)
                    if number is not None and number not in work.articles:
                        work.articles[number] = row
                        work.order.append(number)
        self.by_title: dict[str, list[_Work]] = {}
        for (title, _), work in by_version.items():
            self.by_title.setdefault(title, []).append(work)
        self._incoming: dict[str, list[ReferenceLink]] | None = None

    # -- one clause -----------------------------------------------------------------------------
    def outgoing(self, clause: Clause) -> list[ReferenceLink]:
        """The references of `clause`, each target its own link, in the order they are written."""
        if clause.kind in _SKIPPED_KINDS:
            return []
        links: list[ReferenceLink] = []
        for ref in find_references(clause.text, paragraph_offset=self._paragraph_offset(clause)):
            links.extend(self._links(clause, ref))
        return links

    def _paragraph_offset(self, clause: Clause) -> int:
        """How many 款 of the article come before this clause, when it is a later part of a split article."""
        if not clause.part or clause.part == 1:
            return 0
        count = 0
        for row in self.index.doc_rows.get(clause.doc_id, []):
            other = self.index.clauses[row]
            if other.article == clause.article and other.part and other.part < clause.part:
                count += len(paragraph_starts(other.text))
        return count

    def _work_for(self, clause: Clause, ref: Reference) -> tuple[_Work | None, str | None]:
        """The version a reference names, or None and why not."""
        source = self.work_of.get(clause.doc_id)
        if ref.scope != "other":
            return source, None
        names = [ref.name or ""] if ref.bracketed else list(ref.candidates)
        written = f"《{ref.name}》" if ref.bracketed else ref.name
        for name in names:
            works = self.by_title.get(title_key(name))
            if not works:
                continue
            if source is not None and source in works:
                # A text names itself 本法; its own title in 《》 is another version of it (…同时废止).
                works = [w for w in works if w is not source]
                if not works:
                    return None, f"{written} names another version of this document, not in the index"
            return self._version(works, source), None
        return None, f"not in the index: {written}"

    @staticmethod
    def _version(works: list[_Work], source: _Work | None) -> _Work:
        if len(works) == 1:
            return works[0]
        pool = works
        if source is not None and source.status != "unknown":
            same = [w for w in works if w.status == source.status]
            pool = same or works
        return max(pool, key=lambda w: w.date)

    def _links(self, clause: Clause, ref: Reference) -> list[ReferenceLink]:
        base: dict[str, Any] = {
            "text": ref.text,
            "source_clause_id": clause.id,
            "source_label": clause.label,
            "span": ref.span,
            "scope": ref.scope,
        }
        work, why = self._work_for(clause, ref)
        if work is not None and ref.scope == "other" and not ref.bracketed:
            # a bare name: the words of the reference start at the title that matched (行政诉讼法第二十五条)
            tail = next((c for c in ref.candidates if title_key(c) in self.by_title), None)
            name = ref.name or ""
            if tail is not None and len(tail) < len(name) and name.endswith(tail):
                start = ref.span[0] + len(name) - len(tail)
                base["text"], base["span"] = clause.text[start : ref.span[1]], (start, ref.span[1])
        if work is None:
            return [ReferenceLink(**base, resolved=False, reason=why or "the source document is not indexed")]
        if not ref.targets:  # a whole document
            return [
                ReferenceLink(**base, resolved=True, target_doc_id=work.doc_ids[0], target_title=work.title)
            ]
        source = self.work_of.get(clause.doc_id)
        note = None
        if (
            ref.scope == "other"
            and source is not None
            and work.date
            and source.date
            and work.date > source.date
        ):
            note = (
                f"the index holds only a later version of the law cited ({work.date}) than the citing text "
                f"({source.date}); the article it names may be numbered differently there"
            )
        return [self._link(clause, ref, work, t, base, note) for t in ref.targets]

    def _link(
        self, clause: Clause, ref: Reference, work: _Work, t: Target, base: dict[str, Any], note: str | None
    ) -> ReferenceLink:
        def unresolved(reason: str) -> ReferenceLink:
            return ReferenceLink(
                **base,
                resolved=False,
                target_doc_id=work.doc_ids[0],
                target_title=work.title,
                target_article=t.article_label,
                paragraph=t.paragraph,
                item=t.item,
                reason=reason,
            )

        if ref.scope in ("article", "previous_article", "next_article"):
            key = article_key(clause.article)
            if key is None or key not in work.articles:
                return unresolved("the reference stands outside an article")
            if ref.scope != "article":
                at = work.order.index(key) + (-1 if ref.scope == "previous_article" else 1)
                if not 0 <= at < len(work.order):
                    return unresolved(
                        "there is no article " + ("before" if at < 0 else "after") + " this one"
                    )
                key = work.order[at]
        else:
            key = (t.article or 0, t.sub or 0)
            if key not in work.articles:
                return unresolved(f"{work.title} has no {t.article_label}")
        row = work.articles[key]
        target = self.index.clauses[row]
        if t.paragraph is not None or t.item is not None:
            whole = self._article_text(target)
            if (t.paragraph is not None and t.paragraph < 1) or paragraph_text(
                whole, t.paragraph, t.item
            ) is None:
                what = "a paragraph before this one" if t.paragraph is not None and t.paragraph < 1 else ""
                what = what or (f"第{t.paragraph}款" if t.paragraph else "") + (
                    f"第{t.item}项" if t.item else ""
                )
                return unresolved(f"{target.article or 'the article'} has no {what}")
        if note is not None:  # the version cited is not indexed: the clause is a candidate, not a link
            return unresolved(note).model_copy(update={"target_clause_id": target.id})
        return ReferenceLink(
            **base,
            resolved=True,
            target_clause_id=target.id,
            target_doc_id=target.doc_id,
            target_title=work.title,
            target_article=target.article,
            paragraph=t.paragraph,
            item=t.item,
        )

    def _article_text(self, first: Clause) -> str:
        """The whole text of an article, its parts joined when it was split."""
        if first.part is None:
            return first.text
        rows = self.index.doc_rows.get(first.doc_id, [])
        parts = [self.index.clauses[r] for r in rows if self.index.clauses[r].article == first.article]
        return "\n".join(p.text for p in sorted(parts, key=lambda c: c.part or 0))

    def target_text(self, link: ReferenceLink) -> str | None:
        """The text a resolved link names: the 款 or 项 when it names one, else the whole article."""
        if link.target_clause_id is None:
            return None
        whole = self._article_text(self.index.get_clause(link.target_clause_id))
        text = paragraph_text(whole, link.paragraph, link.item) if link.paragraph or link.item else None
        text = text or whole
        return text if len(text) <= MAX_TARGET_TEXT else text[:MAX_TARGET_TEXT] + "…"

    # -- the whole index ------------------------------------------------------------------------
    def all_links(self) -> Iterable[ReferenceLink]:
        alive = self.index.alive
        for row, clause in enumerate(self.index.clauses):
            if row < len(alive) and alive[row]:
                yield from self.outgoing(clause)

    def incoming(self, clause: Clause) -> list[ReferenceLink]:
        """The resolved links that name `clause`'s article, from every clause of the index."""
        if self._incoming is None:
            inverted: dict[str, list[ReferenceLink]] = {}
            for link in self.all_links():
                if link.resolved and link.target_clause_id is not None:
                    inverted.setdefault(link.target_clause_id, []).append(link)
            self._incoming = inverted
        first = self._first_part(clause)
        return list(self._incoming.get(first.id, []))

    def _first_part(self, clause: Clause) -> Clause:
        work = self.work_of.get(clause.doc_id)
        key = article_key(clause.article)
        if work is None or key is None or key not in work.articles:
            return clause
        first = self.index.clauses[work.articles[key]]
        return first if first.doc_id == clause.doc_id else clause


_CACHE: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int, int, int], Resolver]] = (
    weakref.WeakKeyDictionary()
)


def _state(index: Index) -> tuple[int, int, int, int]:
    generation = index.manifest.generation if index.manifest is not None else -1
    return (generation, len(index.clauses), len(index.documents), len(index))


def resolver(index: Index) -> Resolver:
    """The resolver of `index` in its current state (built once per generation and row count)."""
    state = _state(index)
    cached = _CACHE.get(index)
    if cached is not None and cached[0] == state:
        return cached[1]
    made = Resolver(index)
    _CACHE[index] = (state, made)
    return made


def outgoing(index: Index, clause_id: str, *, expand: bool = False) -> list[ReferenceLink]:
    """What the clause `clause_id` refers to (QueryError if the index has no such clause)."""
    res = resolver(index)
    links = res.outgoing(index.get_clause(clause_id))
    return [_expanded(res, link) for link in links] if expand else links


def incoming(index: Index, clause_id: str, *, expand: bool = False) -> list[ReferenceLink]:
    """The references, anywhere in the index, that name the clause `clause_id`'s article."""
    res = resolver(index)
    links = res.incoming(index.get_clause(clause_id))
    if expand:  # the referring text rather than the target's, which is this clause
        return [
            link.model_copy(update={"target_text": index.get_clause(link.source_clause_id).text})
            for link in links
        ]
    return links


def _expanded(res: Resolver, link: ReferenceLink) -> ReferenceLink:
    return link.model_copy(update={"target_text": res.target_text(link)}) if link.resolved else link


def expand_hits(index: Index, hits: Sequence[Hit]) -> None:
    """Give each hit its outgoing references, each resolved one carrying the text it names."""
    for hit in hits:
        hit.references = outgoing(index, hit.clause_id, expand=True)


def expand_answer(index: Index, answer: Any) -> None:
    """Give each clause an answer cites its outgoing references with their text."""
    for cited in answer.cited:
        cited.references = outgoing(index, cited.clause_id, expand=True)
