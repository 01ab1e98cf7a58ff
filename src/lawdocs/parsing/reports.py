"""Report structure: numbered markers, headings versus measures, 一是/二是 measures, roles, signature, 附件.

Rules (chosen on the founding report, the 31 provincial 政府工作报告 and the State Council notices):

- Marker families, each a level of its own, nested in the order a document first uses them:
  `一、`, `（一）`/`(一)` (full-width or ASCII parentheses), `1、`/`1.`/`1．`, `（1）`/`(1)`, `①`, and the
  decimal numbering of plans (`1　总则`, `1.1　编制目的`, `4.2.3　省级…`; a bare `1　` only before a heading).
- A marked line is a *heading* when the text after the marker is short (<= 60 characters) and holds no
  sentence end (。！？；) at all: "(一)坚持深化改革,全面提升政府依法履职效能", "二、存在问题".
- Otherwise it is a numbered *measure*: "1、提升效率,完善行政审批运行管理机制。积极推进…", also a one-sentence
  line such as "3、坚持共建共治共享理念,创新社会治理模式。" or a decision's "一、同意设立。". Its first sentence
  is its title; the measure is one clause (article = the marker as written, e.g. "1、") and it opens a scope:
  following paragraphs, and any 一是/二是… inside it, carry "1、提升效率,完善行政审批运行管理机制" in their path.
- Inline measures 一是…二是…三是… (at the start of a paragraph or after punctuation, numbered in sequence,
  possibly across paragraphs) are cut into one clause each (kind "measure", article "一是"…); the lead text
  before 一是 stays with its paragraph or measure clause.
- An unnumbered short line (<= 24 characters, no punctuation) that names a section role is a heading too
  (scraped reports that lost their 一、: "“十四五”时期工作回顾", "2026年重点工作").
- Section roles from heading text: 存在问题/不足/短板 → "problems"; 下一步/工作打算/工作安排/计划/目标任务 →
  "plans"; 成效/成绩/回顾/主要工作/进展 → "achievements"; a heading without its own role inherits its parent's.
  A paragraph outside a plans section that opens with the admission of problems (我们也清醒认识到…, 但也要看到…) is
  "problems", with the 一是/二是 pieces it splits into: a provincial work report states its problems so.
- The signature block: a date line ("2021年 2 月4 日", also 二〇二一年二月四日) near the end, with the issuer
  lines right above it (short lines without punctuation ending in 委/政府/办公厅/部/局/…).
- Attachments: from a line "附件"/"附件1："/"附件:" in the second half of a document without articles, every
  paragraph up to the signature (or the end) is an "attachment" clause. A bare 附件 line followed by a short line
  without a sentence end (附件1 / 2026年省十件民生实事) takes that line as the attachment's name: the attachment's
  clauses are cited under "附件1 2026年省十件民生实事", and a question naming the attachment finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import to_int

# a plan's decimal chapter number (1.1, 4.2.3), where a heading or a lead phrase is stripped of its numbering
DECIMAL_NUMBER = r"\d{1,2}(?:\.\d{1,2}){1,2}(?![\d.])"
# what follows a number that is a quantity, not a chapter's number (3.5 亿元, 12 月份, 5 个县, 2.0 版)
_UNIT_CHARS = "亿万元月日年个件项次名户家倍版届%％"
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("1.1.1", re.compile(rf"(\d{{1,2}})\.(\d{{1,2}})\.(\d{{1,2}})(?=[ \u3000]+(?![{_UNIT_CHARS}])[\u4e00-\u9fff（(“])")),
    ("1.1", re.compile(rf"(\d{{1,2}})\.(\d{{1,2}})(?=[ \u3000]+(?![{_UNIT_CHARS}])[\u4e00-\u9fff（(“])")),
    ("一、", re.compile(r"([一二三四五六七八九十]{1,3})、")),
    ("（一）", re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]")),
    ("（1）", re.compile(r"[（(](\d{1,2})[）)]")),
    ("1、", re.compile(r"(\d{1,3})(?:[、．]|\.(?!\d))")),
    ("①", re.compile(r"([①-⑳])")),
]
_SENTENCE_END = re.compile(r"[。！？；!?;]")
# the chapters of a plan numbered 1 / 1.1 / 1.1.1 (国家粮食应急预案: "1　总则", "4.2.3　省级…"): the number, a space
_CHAPTER_NUMBER = re.compile(rf"(\d{{1,2}})\u3000+(?![{_UNIT_CHARS}])(?=[\u4e00-\u9fff])")
_ORDINAL_RE = re.compile(r"(?:(?<=^)|(?<=[。；;！!？?：:，,\s]))([一二三四五六七八九十]{1,3})是")

_PROBLEMS_RE = re.compile(
    r"存在的?(?:主要)?(?:问题|不足|困难)|问题和不足|不足之处|短板|困难和问题|面临的问题"
)
# a heading that remedies a weak spot (加快补齐全程机械化生产短板, 补短板) is a measure, not a statement of problems
_REMEDY_RE = re.compile(r"补短板|(?:补齐|补足|补上|补强|弥补)[^，。；！？,;!?存问]{0,16}短板")  # not 补贴…存在短板
_PLANS_RE = re.compile(
    r"下一步|工作打算|工作安排|工作计划|工作思路|目标任务|重点任务|主要任务|工作部署|总体要求|重点工作|今后"
)
_REVIEW_RE = re.compile(r"回顾|成效|成绩|取得的成果|完成情况")
# a paragraph opening with the report's admission of its problems (在肯定成绩的同时，我们也清醒认识到…; 但也要看到…):
# a provincial work report states its problems so, inside the review, with no 存在问题 section of its own
_ADMISSION_RE = re.compile(r"清醒地?(?:认识到?|看到)|(?:但|同时)也?要?看到")
_ADDRESS = re.compile(r"^\s*各位代表[！!，,：:]")  # 各位代表！我们也清醒地认识到…: the address is not the sentence
_ADMISSION_SPAN = 40  # characters of its first sentence: the admission opens the paragraph, not a phrase in passing
_ACHIEVEMENTS_RE = re.compile(r"主要工作|工作情况|进展情况")

_DATE_LINE_RE = re.compile(
    r"(\d{4}|[一二三四五六七八九〇零○]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_ISSUER_SUFFIX_RE = re.compile(
    r"(?:委|委员会|政府|办公厅|办公室|国务院|部|厅|局|院|会|中心|小组|署|行|党组|总局|法院|检察院)$"
)
_NO_PUNCT_RE = re.compile(r"[，。；：,;:、！？!?“”\"（）()《》]")
_ATTACHMENT_RE = re.compile(r"附\s*件\s*[\d一二三四五六七八九十０-９]*\s*[:：]?")


@dataclass(frozen=True)
class Marker:
    family: str  # canonical family: 一、 （一） 1、 （1） ①
    text: str  # as written: "(一)", "1、"
    end: int  # offset after the marker in the stripped line


def marker_of(line: str) -> Marker | None:
    """The numbering marker opening a stripped line, if any ("一是" is not a marker)."""
    for family, rx in _MARKERS:
        m = rx.match(line)
        if m is not None:
            return Marker(family, m.group(0), m.end())
    m = _CHAPTER_NUMBER.match(line)  # "1　总则" over 1.1 / 1.1.1: a heading only, never a measure
    if m is not None and is_heading_text(line[m.end() :]):
        return Marker("1", m.group(0), m.end())
    return None


def is_heading_text(rest: str) -> bool:
    """True when the text after a marker reads as a heading (short, no sentence end inside)."""
    rest = rest.strip()
    if not rest or len(rest) > 60:
        return False
    return _SENTENCE_END.search(rest) is None


_HEADING_PUNCT_RE = re.compile(r"[，。；：！？,.;:!?、（）()《》]")


def is_unnumbered_heading(line: str) -> bool:
    """A short unnumbered line naming a report section ("“十四五”时期工作回顾", "2026年重点工作")."""
    s = line.strip()
    return 4 <= len(s) <= 24 and not _HEADING_PUNCT_RE.search(s) and role_of(s) is not None


def measure_title(marker: str, rest: str) -> str:
    """The marker ("1、") + the first sentence of the measure, without its final punctuation."""
    m = _SENTENCE_END.search(rest)
    title = rest[: m.start()] if m else rest
    return (marker + (" " if marker[-1:].isdigit() else "") + title.strip())[:80]  # 4.2.3 省级…


def role_of(text: str) -> str | None:
    """The section role a heading names, or None."""
    if _PROBLEMS_RE.search(_REMEDY_RE.sub("", text)):
        return "problems"
    if _REVIEW_RE.search(text):
        return "achievements"
    if _PLANS_RE.search(text):
        return "plans"
    if _ACHIEVEMENTS_RE.search(text):
        return "achievements"
    return None


def admits_problems(text: str) -> bool:
    """Whether a paragraph opens with the admission of problems (see ``_ADMISSION_RE``)."""
    opening = _SENTENCE_END.split(_ADDRESS.sub("", text), maxsplit=1)[0][:_ADMISSION_SPAN]
    return _ADMISSION_RE.search(opening) is not None


def ordinal_cuts(text: str, expected: int) -> tuple[list[tuple[int, str]], int]:
    """Offsets of 一是/二是… in `text` that continue the sequence at `expected` (1 = 一是).

    Returns ([(offset, "二是"), ...], next expected number). A sequence restarts at 一是.
    """
    cuts: list[tuple[int, str]] = []
    for m in _ORDINAL_RE.finditer(text):
        n = to_int(m.group(1))
        if n is None:
            continue
        if n == expected or n == 1:
            cuts.append((m.start(), m.group(0)))
            expected = n + 1
    return cuts, expected


def date_of_line(line: str) -> str | None:
    """ISO date of a line that is only a date ("2021年 2 月4 日"), else None."""
    s = line.strip()
    m = _DATE_LINE_RE.fullmatch(s)
    if m is None:
        return None
    y, mo, d = (to_int(g) for g in m.groups())
    if y is None or mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def is_issuer_line(line: str) -> bool:
    s = line.strip()
    return 2 <= len(s) <= 40 and not _NO_PUNCT_RE.search(s) and bool(_ISSUER_SUFFIX_RE.search(s))


@dataclass(frozen=True)
class Signature:
    first: int  # index of the first signature line (in the non-blank line list)
    last: int  # index of the last one (inclusive), a trailing "（此件公开发布）" note included
    issuers: list[str]
    date: str


_NOTE_RE = re.compile(r"[（(][^（）()]{1,20}[)）]")


def _signature_at(lines: list[str], i: int, date: str) -> Signature:
    first = i
    while first - 1 >= 0 and i - first < 4 and is_issuer_line(lines[first - 1]):
        first -= 1
    last = i
    while last + 1 < len(lines) and last - i < 2 and _NOTE_RE.fullmatch(lines[last + 1].strip()):
        last += 1
    issuers = ["".join(lines[j].split()) for j in range(first, i)]
    return Signature(first, last, issuers, date)


def find_signature(lines: list[str]) -> Signature | None:
    """The signature block: a date line among the last five non-blank `lines` (issuer lines above it are
    taken along), else the last date line anywhere with at least one issuer line right above it (a notice
    whose attachment follows its signature)."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        date = date_of_line(lines[i])
        if date is not None:
            return _signature_at(lines, i, date)
    for i in range(len(lines) - 1, 0, -1):
        date = date_of_line(lines[i])
        if date is not None and is_issuer_line(lines[i - 1]):
            return _signature_at(lines, i, date)
    return None


def is_attachment_line(line: str) -> bool:
    """ "附件", "附件：", "附件1", "附件：国务院第五次大督查发现的典型经验做法（共130项）"."""
    s = line.strip()
    return len(s) <= 80 and _ATTACHMENT_RE.match(s) is not None and not s.startswith("附件所")


ATTACHMENT_NAME_CHARS = 40


def is_bare_attachment_line(line: str) -> bool:
    """ "附件", "附件1", "附件：" with nothing after: the attachment's name, if any, is on the next line."""
    return _ATTACHMENT_RE.fullmatch(line.strip()) is not None


def is_attachment_name(line: str) -> bool:
    """A line that names the attachment above it: short, no sentence end, no numbering marker, not a date."""
    s = line.strip()
    return (
        0 < len(s) <= ATTACHMENT_NAME_CHARS
        and _SENTENCE_END.search(s) is None
        and marker_of(s) is None
        and date_of_line(s) is None
    )


def attachment_start(lines: list[str], sig: Signature | None) -> int | None:
    """Index of the first 附件 line in the second half of the lines, or just before / after the signature."""
    lo = len(lines) // 2
    if sig is not None:
        lo = min(lo, max(0, sig.first - 6))
    for i in range(lo, len(lines)):
        if is_attachment_line(lines[i]):
            return i
    return None
