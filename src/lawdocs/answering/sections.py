"""Sections and headings: the section a question names by its heading, the measure whose lead phrase covers it,
and whether a clause's own heading says what the clause is about (`heading_about`, used by the evidence)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..parsing.reports import DECIMAL_NUMBER
from . import evidence as ev
from .comparison import LAW_TYPES
from .question import Question
from .wording import chinese_numeral

if TYPE_CHECKING:
    from ..index import Index


_NUMBERING = re.compile(
    rf"^(第[一二三四五六七八九十百零〇\d]+[编章节]|{DECIMAL_NUMBER}|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])"
)
_PAUSES = re.compile(r"[、，,；;：:]")
HEADING_SHARE = 0.5  # a heading covers a question when the question's terms make up this much of it
LEAD_CHARS = 40  # a measure's lead phrase is a heading of its own (推进健康上海建设。) up to this long
# 哪些措施涉及行政执法: every measure that touches a topic, not the one measure named after it
_GATHERING = re.compile(r"涉及|有关|相关")
NAMED_DOCUMENTS = 2  # a section name shared by more documents than this does not pick one out
ASKED_NOUNS = ev.ASKED_NOUNS  # the kind of text a question asks for: the section it names need not repeat it


def heading_about(q: Question, heading: str, seen: dict[str, str]) -> str:
    """A clause's own heading, normalised, when it is about the question (its terms make up ``HEADING_SHARE`` of
    it or of one of its phrases), else "": "(三)规范执法程序,推进行政执法严格规范公正文明" is not about 行政执法."""
    if heading not in seen:
        name = _NUMBERING.sub("", ev.normalise_text(heading))
        seen[heading] = name if any(_share(q, p) >= HEADING_SHARE for p in _phrases(name)) else ""
    return seen[heading]


def narrow_heading(doc_type: str, heading: str) -> bool:
    """Whether a clause's own heading is narrow enough to tell what it is about: any in a report or notice; in a
    statute a 节 (第四节 听证程序), not a 编 or 章 (第四章 数据安全保护义务 covers every duty of a data handler)."""
    return doc_type not in LAW_TYPES or bool(re.match(r"第[一二三四五六七八九十百零〇\d]+节", heading))


def _phrases(name: str) -> tuple[str, ...]:
    """A heading or lead, and each of its phrases between commas (…机制,全面推进政务公开)."""
    return (name, *re.split(r"[，,；;]", name))


def named_section(index: Index, q: Question, mask: np.ndarray, covering: bool = False) -> list[int]:
    """Rows of the sections a question names by their heading, in a document it names by its title.

    国家组织药品集中采购和使用试点采取了哪些具体措施 asks for the section "三、具体措施" of the 试点方案: a
    heading (without its number; or one of its phrases between commas, of four characters or more; or without
    the generic verb it opens with, `_bare`) that the question states as written, in a document whose title and that heading hold every content term of the
    question but the generic verbs and the kind of text asked for (``ASKED_NOUNS``). Not in statutes, whose
    answers cite their articles (`compose.limit_statutes`). At most ``NAMED_DOCUMENTS`` documents; rows in
    document order, with the measure whose lead phrase is the heading (6、推进…改革工作。 heads 一是…四是). In the one
    document the question names, a heading it asks for as written (确立了哪些基本原则, 工作进度是怎么安排的) names its
    section whatever else the question says (`_asked_for`).

    With `covering`, a heading need not be stated as written: it names the section when it holds every content
    term of the question that the title does not, and at least one, and those terms make up at least
    ``HEADING_SHARE`` of it (对下岗失业人员有哪些帮扶措施 and "四、及时开展下岗失业人员帮扶"; not 行政执法 and
    "(四)规范执法程序,推进行政执法严格规范公正文明", a heading of several topics). That is weaker evidence, so
    `covered_sections` uses it only to complete an answer that already cites a clause of the section."""
    from .question import GENERIC_WORDS

    asked = _PAUSES.sub("", ev.normalise_text(q.text))
    terms = [t.text for t in q.terms if t.text not in GENERIC_WORDS and t.text not in ASKED_NOUNS]
    if not terms:
        return []
    named_by: dict[str, str] = {}  # heading → what of it names the section ("" for nothing); headings recur

    def naming(heading: str) -> str:
        if heading not in named_by:
            name = _NUMBERING.sub("", ev.normalise_text(heading)).rstrip("。.；;：:")
            if covering:  # the question's terms make up most of the heading: it is about them
                named_by[heading] = name if _share(q, name) >= HEADING_SHARE else ""
            else:
                phrases = [p for p in re.split(r"[，,；;]", name) if len(p) >= 4 and p in asked]
                whole = _PAUSES.sub("", name)  # 促进产教融合 校企“双元”育人 as 促进产教融合、校企“双元”育人
                bare = _bare(whole)  # 推动农机装备产业高质量发展 names "二、加快推动农机装备产业高质量发展"
                stated = whole if whole in asked else bare if len(bare) >= 6 and bare in asked else ""
                named_by[heading] = stated if len(stated) >= 2 else max(phrases, key=len, default="")
        return named_by[heading]

    found: dict[str, set[str]] = {}
    rows = np.flatnonzero(mask)
    # in the one document the question names, a heading it asks for as written names its section whatever else the
    # question says (…为担保机构的运作确立了哪些基本原则: the section 基本原则; `_asked_for`)
    alone = not covering and len({index.clauses[int(r)].doc_id for r in rows}) == 1
    for row in rows:
        clause = index.clauses[int(row)]
        if index.documents[clause.doc_id].doc_type in LAW_TYPES:
            continue
        title = ev.normalise_text(index.documents[clause.doc_id].title)
        for heading in clause.path:
            named = naming(heading)
            if named and heading not in found.get(clause.doc_id, set()):
                asked_for = alone and len(named) >= 4 and _asked_for(named, asked)
                if asked_for or (
                    all(t in title or t in named for t in terms) and (not covering or any(t not in title for t in terms))
                ):
                    found.setdefault(clause.doc_id, set()).add(heading)
    if not found or len(found) > NAMED_DOCUMENTS:
        return []
    leads = {_heading_key(h) for hs in found.values() for h in hs}
    return [
        int(r)
        for r in np.flatnonzero(mask)
        if any(h in found.get(index.clauses[int(r)].doc_id, ()) for h in index.clauses[int(r)].path)
        or (index.clauses[int(r)].doc_id in found and _lead(index.clauses[int(r)].text) in leads)
    ]


_ASKING_BEFORE = ("哪些", "哪几个", "哪几", "什么", "何种", "几条", "几项")  # 几条 ends 哪几条 too
_ASKING_AFTER = re.compile(r"^(?:是|有|都有|包括|分别)?(?:怎么|怎样|如何|哪些|什么|几)")


def _asked_for(name: str, asked: str) -> bool:
    """Whether `asked` asks for the heading `name` itself: a question word right before it (哪些基本原则) or right
    after it (工作进度是怎么安排的), not a heading's words in what the question tells (住房租金扣除所称的…)."""
    at = asked.find(name)
    return at >= 0 and (asked[:at].endswith(_ASKING_BEFORE) or bool(_ASKING_AFTER.match(asked[at + len(name) :])))


def _bare(name: str) -> str:
    """A heading without the generic verbs it opens with (加快推动… → 推动…: 推动 says what is done, 加快 how)."""
    from .question import GENERIC_WORDS

    opener = next((w for w in GENERIC_WORDS if name.startswith(w) and len(name) > len(w) + 4), "")
    return name[len(opener) :]


def _share(q: Question, name: str) -> float:
    """How much of a heading (or a measure's lead phrase) the question's terms make up."""
    words = _PAUSES.sub("", name)
    spans = ev.find_spans(words, [t.text for t in q.terms])
    return sum(end - start for start, end, _ in spans) / max(1, len(words))


def covered_leads(
    index: Index, q: Question, kept: Sequence[tuple[int, float, list[str]]]
) -> list[tuple[int, float, list[str]]]:
    """In each document that is not a statute, the kept clauses in the section of a measure whose lead phrase
    (or own heading) covers the question as a covering heading does (`named_section`), in place of the others kept there:
    打造更高水平的健康广东。 answers 广东省今年打造更高水平健康广东的主要措施有哪些, with what else its section says;
    the consumption measure elsewhere that also says 打造 and 高水平 does not. A lead of several phrases covers it
    when one of them does; a lead under 存在问题 covers only a question about problems. A question gathering what
    touches a topic (哪些措施涉及…) is not about one measure. An unnumbered paragraph of a work report whose lead
    covers the question answers alone: its siblings under the same heading are other measures (推进智慧城市建设。
    beside 优化城市空间发展格局。, which mentions 智慧城市 in passing); numbered items (一是…三是) are parts of one
    measure and stay together (tenth pass: precision up on four of the fourteen question files, no answer lost). A
    document where no lead covers the question keeps what it cites; statutes are cited by article
    (`compose.limit_statutes`)."""
    from .question import GENERIC_WORDS

    terms = [t.text for t in q.terms if t.text not in GENERIC_WORDS and t.text not in ASKED_NOUNS]
    if _GATHERING.search(q.text):
        return list(kept)
    sections: dict[str, list[list[str]]] = {}  # document → the sections of its covering measures
    for row, _, _ in kept:
        clause = index.clauses[row]
        doc = index.documents[clause.doc_id]
        if not terms or doc.doc_type in LAW_TYPES or (clause.role == "problems" and q.kind != "problems"):
            continue
        title = ev.normalise_text(doc.title)
        lead = _lead(clause.text)
        own = bool(clause.path) and _heading_key(clause.path[-1]) == lead  # the measure heads a subsection
        heading = _NUMBERING.sub("", ev.normalise_text(clause.path[-1])) if clause.path else ""  # (六)社会矛盾纠纷…
        # a measure that heads a subsection answers with it; an unnumbered paragraph whose lead covers the question,
        # by itself (its siblings under the same heading are other measures: 推进智慧城市建设。 beside
        # 优化城市空间发展格局。); a numbered one (一是, 1、) with its siblings, parts of one measure
        alone = [*clause.path, f"#{row}"] if not clause.article else clause.path
        for name, section in ((_NUMBERING.sub("", lead), clause.path[:-1] if own else alone), (heading, clause.path)):
            if name and len(name) <= LEAD_CHARS and any(
                all(t in title or t in part for t in terms)
                and any(t not in title for t in terms)
                and _share(q, part) >= HEADING_SHARE
                for part in _phrases(name)
            ):
                sections.setdefault(clause.doc_id, []).append(section)
                break

    def inside(row: int) -> bool:  # in such a section, or the measure that heads it (1、… over 一是…四是)
        clause = index.clauses[row]
        held = sections.get(clause.doc_id)
        return held is None or any(
            clause.path[: len(p)] == p
            or p == [*clause.path, f"#{row}"]
            or (p and clause.path == p[:-1] and _lead(clause.text) == _heading_key(p[-1]))
            for p in held
        )

    return [x for x in kept if inside(x[0])]


def covered_sections(
    index: Index, q: Question, kept: Sequence[tuple[int, float, list[str]]], mask: np.ndarray
) -> list[tuple[int, float, list[str]]]:
    """The sections whose heading covers the question (`named_section` with `covering`), whole, in place of what
    `kept` cites in their documents, when `kept` already cites a clause of them: the section's other measures
    answer as well (each scored as the best kept clause of the section), and the clauses elsewhere in that
    document that share the question's words are about something else (对下岗失业人员有哪些帮扶措施: not
    "（十四）切实抓好政策服务"). What `kept` cites in other documents stays."""
    rows = named_section(index, q, mask, covering=True)
    section = set(rows)
    scores = [s for r, s, _ in kept if r in section]
    if not scores:
        return list(kept)
    cited = {r: (s, w) for r, s, w in kept}
    docs = {index.clauses[r].doc_id for r in rows}
    elsewhere = [x for x in kept if index.clauses[x[0]].doc_id not in docs]
    return [*((r, *cited.get(r, (max(scores), []))) for r in rows), *elsewhere]



def _heading_key(heading: str) -> str:
    return ev.normalise_text(heading).rstrip("。，,：:；;")


def _lead(text: str) -> str:
    """A measure's lead phrase as its subsection's heading states it: up to the first full stop, without it."""
    return _heading_key(re.split(r"[。；;]", text, maxsplit=1)[0])


def elaborations(
    index: Index, q: Question, kept: Sequence[tuple[int, float, list[str]]], mask: np.ndarray
) -> list[tuple[int, float, list[str]]]:
    """`kept` with the rest of the subsection of a report measure that heads one (6、推进乡镇街道综合行政执法改革
    工作。 over 一是…四是…) when that measure is what the answer is about: every clause `kept` cites in its document
    is the measure or in its subsection. The subsection says how the measure was carried out; an answer that
    gathers measures from all over a report (哪些措施涉及行政执法) is not about any one of them. A paragraph that
    announces what the question asks for brings its list, whatever else is cited beside it (`_announced`)."""
    out = list(kept)
    seen = {r for r, _, _ in kept}
    by_doc: dict[str, set[int]] = {}  # what `kept` cites in each document
    for r in seen:
        by_doc.setdefault(index.clauses[r].doc_id, set()).add(r)
    for row, score, _ in kept:
        clause = index.clauses[row]
        lead, depth = _lead(clause.text), len(clause.path)
        if index.documents[clause.doc_id].doc_type in LAW_TYPES:
            continue
        below = [
            other
            for other in index.doc_rows.get(clause.doc_id, [])
            if len(index.clauses[other].path) > depth
            and index.clauses[other].path[:depth] == clause.path
            and _heading_key(index.clauses[other].path[depth]) == lead
        ] if len(lead) >= 4 else []
        below = below if below and by_doc[clause.doc_id] <= {row, *below} else _announced(index, q, row)
        if below:
            fresh = [r for r in below if r not in seen and mask[r]]
            seen.update(fresh)
            out += [(r, score, []) for r in fresh]
    return out


_ANNOUNCES = re.compile(r"[：:]\s*$")
_SENTENCES = re.compile(r"(?<=[。！？；])")


def _announced(index: Index, q: Question, row: int) -> list[int]:
    """The items a paragraph announces with a closing colon (…要重点把握好5个方面： over 一是…五是…) when its last
    sentence states one of the question's terms (把握好, 发展目标; not 主要做了以下工作： for a question on 安全生产):
    the clauses after it in its section from 一是 on, numbered in sequence. When 一是 is followed by a paragraph of
    its own, so is every item, and the list ends after the last item's paragraph; a paragraph that announces
    another list (…明确了今后五年的发展目标：) ends it too. The answer is the list; the paragraph introduces it."""
    clause = index.clauses[row]
    announcing = _SENTENCES.split(clause.text.rstrip())[-1]
    if not _ANNOUNCES.search(clause.text) or not any(t.found_in(ev.normalise_text(announcing)) for t in q.terms):
        return []
    rows = index.doc_rows.get(clause.doc_id, [])
    items: list[int] = []
    count, paragraphs = 0, None  # items so far; whether each has a paragraph of its own (what follows 一是 says)
    for other in rows[rows.index(row) + 1 :]:
        item = index.clauses[other]
        if item.path != clause.path:
            break
        if item.article == f"{chinese_numeral(count + 1)}是":
            count += 1
            paragraphs = False if count == 2 and paragraphs is None else paragraphs
        else:
            after_item = bool(items) and index.clauses[items[-1]].article is not None
            paragraphs = count == 1 if paragraphs is None else paragraphs
            if not (after_item and paragraphs) or _ANNOUNCES.search(item.text):
                break
        items.append(other)
    return items if count >= 2 else []
