"""Statute structure: 编/分编/章/节 headings, article starts, Markdown heading lines.

The article-start rule (strict, tested against every LawRefBook file and the PDFs):

- An article starts at the beginning of a line (leading spaces allowed outside Markdown) with
  `第<number>条`, optionally `之<一…十>`, where <number> is Chinese (一…千, 零/〇/两), Arabic or full-width.
- It is an article when the number is followed by whitespace (ASCII or the full-width space U+3000) or the
  end of the line: LawRefBook writes `第一条 为了…`, PDFs `第一条　为了…`.
- Outside Markdown (PDF / plain text, where the space is sometimes lost) `第十条为了…` also starts an
  article, but only when the character after 条 cannot continue a reference (not 规/的/中/第/款/项/、/，/和/
  或/至/… ) and the number continues the sequence (the previous article's number + 1, or 1 for the first).
- Everything else is a cross-reference inside the running text: "第十条规定的…", "第三十一条的决定》…".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import to_int

NUM = r"[一二三四五六七八九十百千零〇两\d０-９]+"
SUFFIX = r"之[一二三四五六七八九十]+"

# The line-start check used by the tests (and by Markdown parsing): whitespace must follow.
STRICT_ARTICLE_RE = re.compile(rf"^第{NUM}条(?:{SUFFIX})?[\s\u3000]", re.M)

_ARTICLE_HEAD_RE = re.compile(rf"[ \t\u3000\xa0]*(第({NUM})条({SUFFIX})?)")
# Characters after 第X条 that mean the text refers to an article rather than starts one.
_REFERENCE_NEXT = frozenset("规的中第款项、，,和与及或至到所以。；;:：)）》」”\"'之等前后")

_STRUCT_RE = re.compile(
    rf"[ \t\u3000\xa0]*第({NUM})(分编|编|章|节)(?=$|[\s\u3000]|[^\s\u3000规的中第、，,。；])"
)
_STRUCT_RANK = {"编": 1, "分编": 2, "章": 3, "节": 4}
_SECTION_WORDS = frozenset({"序言", "总则", "附则"})
_MD_HEADING_RE = re.compile(r"(#{1,6})[ \t\u3000]+(.*?)[ \t#]*$")
_MD_FAMILY_RE = re.compile(rf"第{NUM}(分编|编|章|节)")
_REPORT_FAMILY_RE = re.compile(r"[一二三四五六七八九十]+、")


@dataclass(frozen=True)
class ArticleStart:
    """An article start found at the beginning of a line."""

    article: str  # as written: "第十条", "第十条之一", "第１０条"
    number: int | None
    sub: int | None  # the 之X suffix, if any
    text_start: int  # offset (in the line) where the article number starts


def article_start(line: str, *, markdown: bool, previous: int | None) -> ArticleStart | None:
    """Return the article starting this line, or None (see the module docstring for the rule).

    `previous` is the number of the last article seen (None before the first one); it is used only for
    the lenient, no-space form allowed outside Markdown.
    """
    if markdown:
        m = _ARTICLE_HEAD_RE.match(line)
        if m is None or m.start(1) != 0:
            return None
    else:
        m = _ARTICLE_HEAD_RE.match(line)
        if m is None:
            return None
    end = m.end()
    nxt = line[end] if end < len(line) else ""
    number = to_int(m.group(2))
    sub = to_int(m.group(3)[1:]) if m.group(3) else None
    found = ArticleStart(m.group(1), number, sub, m.start(1))
    if nxt == "" or nxt.isspace():
        return found
    if markdown or nxt in _REFERENCE_NEXT:
        return None
    # Lenient form (PDF / text): text glued to the number, accepted only when it continues the numbering.
    if number is None:
        return None
    expected = 1 if previous is None else previous + 1
    if (sub is None and number == expected) or (sub is not None and number == previous):
        return found
    return None


@dataclass(frozen=True)
class StructHeading:
    """A 编/分编/章/节 heading line of a statute."""

    family: str  # 编, 分编, 章, 节
    rank: int


def struct_heading(line: str) -> StructHeading | None:
    """A plain-text line like "第一章  总    则" or "第二分编 合同"; short, without a sentence end."""
    m = _STRUCT_RE.match(line)
    if m is None:
        if "".join(line.split()) in _SECTION_WORDS:  # "序言", "总　则" standing alone
            return StructHeading("章", _STRUCT_RANK["章"])
        return None
    s = line.strip()
    if len(s) > 40 or any(ch in s for ch in "。；;，,："):
        return None
    family = m.group(2)
    return StructHeading(family, _STRUCT_RANK[family])


@dataclass(frozen=True)
class MarkdownHeading:
    hashes: int
    text: str
    family: str  # 编/分编/章/节/一、/#


def markdown_heading(line: str) -> MarkdownHeading | None:
    """A Markdown ATX heading line ("## 第一章 总则")."""
    if not line.startswith("#"):
        return None
    m = _MD_HEADING_RE.match(line)
    if m is None:
        return None
    text = m.group(2).strip()
    fam = _MD_FAMILY_RE.match(text)
    if fam:
        family = fam.group(1)
    elif _REPORT_FAMILY_RE.match(text):
        family = "一、"
    elif text.endswith("编"):
        family = "编"
    else:
        family = "#"
    return MarkdownHeading(len(m.group(1)), text, family)
