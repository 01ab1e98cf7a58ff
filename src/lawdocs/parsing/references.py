"""Cross-references inside an article: 本法第三十条, 前款, 第二十条第二款, 《行政处罚法》第三十三条 …

Pure functions over text. `find_references(text)` returns every reference of one article's text as a
`Reference`: what it names (this document, this article, the previous/next article, or another document by
its name as written) and the article / 款 / 项 numbers it points to. Nothing here knows an index; resolving a
reference to clauses is `lawdocs.references`.

The grammar follows Chinese legislative drafting (《立法技术规范（试行）》): a bare 第X条 names an article of
the same document, a bare 第X款 or 第X项 a paragraph or item of the same article; 前款/前两款 count back
from the paragraph the reference stands in; 、和及或者 join further numbers to the same document, 至 makes a
range; 该法 repeats the last document named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .numerals import to_int

Scope = Literal["document", "article", "previous_article", "next_article", "other"]

_NUM = r"[零〇○一二两三四五六七八九十百千\d０-９]+"
_SELF_KINDS = "法典|法|条例|规定|解释|办法|细则|决定|规则|准则|章程|通则|意见|通知"
# A name in 《》 is a document reference only when it names a legal or policy text, not a form (《营业执照》).
_DOC_SUFFIX = re.compile(rf"(?:{_SELF_KINDS}|条约|公约|协定|纲要|批复|答复|规范|标准)(?:（[^（）]*）)?$")
# A document named without 《》 right before 第X条: a run of CJK characters ending in a law-like word.
_BARE_NAME = re.compile(r"([\u4e00-\u9fff]{1,30}?(?:法典|法|条例|规定|解释|办法|细则))$")
# Words ending like a law's name that are not one (依法第…, 本办法 is handled as 本+办法).
_NOT_NAMES = {
    "依法",
    "合法",
    "违法",
    "非法",
    "守法",
    "执法",
    "方法",
    "办法",
    "做法",
    "说法",
    "司法",
    "立法",
    "规定",
    "解释",
}
_LEADING = re.compile(
    r"^(?:.*?(?:依照|依据|根据|按照|适用|违反|执行|符合|属于|提交|审理|审查|办理|认定为|是指|并可|可以|应当))+"
)

_TOKEN = re.compile(
    r"(?=[《本该前上下第])"  # every token starts with one of these: fail fast elsewhere
    rf"(?:(?P<doc>《(?P<name>[^《》\n]{{1,80}})》)"
    rf"|(?P<self>本(?:{_SELF_KINDS}))(?=第|规定|的规定|所称|所列|所述|之规定|[，。；、]|$)"
    rf"|(?P<that>该(?:{_SELF_KINDS}))(?=第)"
    rf"|(?P<rel>前(?P<back>[一二两三四五六])?款|本款|上款|前(?P<iback>[一二两三四五六])?项"
    r"|(?:前条|下条)(?=规定|所|的|第)|本条)"
    rf"|(?P<art>第(?P<anum>{_NUM})条(?:之(?P<sub>{_NUM}))?)"
    rf"|(?P<para>第(?P<pnum>{_NUM})款)"
    rf"|(?P<item>第[（(]?(?P<inum>{_NUM})[）)]?项))"
)
_JOIN = re.compile(r"^(?:、|，|,|和|及|以及|或者|或|与|至|到|、或者|、以及)$")
_RANGE = ("至", "到")
# Words between a reference and a bare 第X款/第X项 that continue it: "…规定的财产或者第五项".
_CONTINUES = re.compile(r"^[^，,。；;：:\n]{0,15}(?:或者|以及|和|及|或|与|、)$")
MAX_RANGE = 60  # a longer 第X条至第Y条 is taken as a typo, not expanded


@dataclass(frozen=True)
class Target:
    """One clause a reference names: an article (number, 之N), optionally a 款 and a 项 in it."""

    article: int | None = (
        None  # None: the article the reference stands in (前款, 第二款), or a whole document
    )
    sub: int | None = None  # 第十条之一 → article 10, sub 1
    paragraph: int | None = None  # 款, 1-based
    item: int | None = None  # 项, 1-based

    @property
    def article_label(self) -> str | None:
        if self.article is None:
            return None
        return f"第{_cn(self.article)}条" + (f"之{_cn(self.sub)}" if self.sub else "")


@dataclass(frozen=True)
class Reference:
    """A reference as written in one article's text, with the clauses it names."""

    text: str  # the words, e.g. "本法第三十条第二款、第三款"
    span: tuple[int, int]  # in the article text
    scope: Scope
    name: str | None = (
        None  # scope "other": the document as written ("中华人民共和国行政处罚法", "行政诉讼法")
    )
    bracketed: bool = False  # the name was written in 《》
    candidates: tuple[str, ...] = ()  # bare names: the name and its shorter tails, longest first
    targets: tuple[Target, ...] = field(default_factory=tuple)  # empty: the whole document (scope "other")
    paragraph: int | None = None  # the 款 of the source article the reference stands in (1-based)


def _cn(n: int) -> str:
    """An article number written the way laws write it: 1 → 一, 10 → 十, 21 → 二十一, 1260 → 一千二百六十."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    out = ""
    units = [(1000, "千"), (100, "百"), (10, "十")]
    rest = n
    zero = False
    for value, unit in units:
        d, rest = divmod(rest, value)
        if d:
            if zero:
                out += "零"
                zero = False
            out += ("" if (value == 10 and d == 1 and not out) else digits[d]) + unit
        elif out:
            zero = True
    if rest:
        out += ("零" if zero else "") + digits[rest]
    return out


def article_key(label: str | None) -> tuple[int, int] | None:
    """(number, sub) of an article label such as "第十条之一" or "第3条"; None if it is not one."""
    if not label:
        return None
    m = re.fullmatch(rf"第({_NUM})条(?:之({_NUM}))?", label.strip())
    if not m:
        return None
    number = to_int(m.group(1))
    sub = to_int(m.group(2)) if m.group(2) else 0
    if number is None or sub is None:
        return None
    return number, sub


def _is_item_line(line: str) -> bool:
    return bool(re.match(rf"^\s*[（(]{_NUM}[）)]", line))


def paragraph_starts(text: str) -> list[int]:
    """Where each 款 of an article's text starts: its lines, not counting 项 lines (（一）…)."""
    starts = []
    pos = 0
    for line in text.split("\n"):
        if line.strip() and not _is_item_line(line):
            starts.append(pos)
        pos += len(line) + 1
    return starts or [0]


def paragraph_at(text: str, pos: int, offset: int = 0) -> int:
    """The 1-based 款 of `text` holding position `pos` (`offset` 款 precede `text`, for split articles)."""
    starts = paragraph_starts(text)
    return offset + sum(1 for s in starts if s <= pos)


def paragraph_text(text: str, paragraph: int | None, item: int | None = None) -> str | None:
    """The text of 款 `paragraph` (with its 项 lines) of an article, or of 项 `item` in it; None if absent.

    With `paragraph` None, `item` counts the 项 of the first 款 that has any (第十五条第六项).
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if paragraph is None:
        if item is None:
            return text
        groups: list[list[str]] = []
        for line in lines:
            if not _is_item_line(line):
                groups.append([])
            elif groups:
                groups[-1].append(line)
        items = next((g for g in groups if g), [])
        return items[item - 1] if 0 < item <= len(items) else None
    count = 0
    chosen: list[str] = []
    for line in lines:
        if not _is_item_line(line):
            count += 1
        if count == paragraph:
            chosen.append(line)
        elif count > paragraph:
            break
    if not chosen:
        return None
    if item is None:
        return "\n".join(chosen)
    items = [ln for ln in chosen if _is_item_line(ln)]
    return items[item - 1] if 0 < item <= len(items) else None


def _own_label_end(text: str) -> int:
    """Skip the article's own number at the start of its text ("第二十八条 行政机关…")."""
    m = re.match(rf"\s*第{_NUM}条(?:之{_NUM})?[\s\u3000]", text)
    return m.end() if m else 0


def _bare_name(run: str) -> tuple[str, tuple[str, ...]]:
    """A name written without 《》: the run without leading verbs, and every tail of the run, longest first.

    The resolver takes the longest tail that is a known title ("人民法院应当根据行政诉讼法" → 行政诉讼法).
    """
    name = _LEADING.sub("", run) or run
    tails = tuple(run[i:] for i in range(len(run) - 1))
    return name, tails


def find_references(text: str, *, paragraph_offset: int = 0) -> list[Reference]:
    """Every cross-reference in one article's `text`, in order.

    `paragraph_offset` is the number of 款 before `text` when it is the second or later part of a split article.
    """
    start = _own_label_end(text)
    tokens = list(_TOKEN.finditer(text, start))
    refs: list[Reference] = []
    last_name: tuple[str, bool, tuple[str, ...]] | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = next(k for k in ("doc", "self", "that", "rel", "art", "para", "item") if tok.group(k))
        here = paragraph_at(text, tok.start(), paragraph_offset)
        scope: Scope = "document"
        name: str | None = None
        bracketed = False
        candidates: tuple[str, ...] = ()
        targets: list[Target] = []
        inherit: Target | None = None  # a bare 款/项 continuing the previous reference
        j = i + 1  # the next token not yet consumed
        if kind == "doc":
            name = tok.group("name").strip()
            if not _DOC_SUFFIX.search(name):
                i += 1
                continue
            scope, bracketed = "other", True
            last_name = (name, True, ())
        elif kind == "that":
            if last_name is None:
                i += 1
                continue
            scope = "other"
            name, bracketed, candidates = last_name
        elif kind == "self":
            scope = "document"
        elif kind == "rel":
            word = tok.group("rel")
            if word.endswith("款"):
                if word in ("本款",):
                    targets = [Target(paragraph=here)]
                else:
                    back = to_int(tok.group("back")) if tok.group("back") else 1
                    back = back or 1
                    targets = [Target(paragraph=p) for p in range(here - back, here) if p >= 1]
                    if not targets:
                        targets = [Target(paragraph=0)]  # names a paragraph that does not exist
                scope = "article"
            elif word.endswith("项"):
                i += 1
                continue  # 前项 counts items, which the reference's own place does not give reliably
            elif word == "前条":
                scope, targets = "previous_article", [Target()]
            elif word == "下条":
                scope, targets = "next_article", [Target()]
            else:  # 本条
                scope = "article"
        elif kind == "art":
            run_end = tok.start()
            run = re.search(r"[\u4e00-\u9fff]{2,40}$", text[max(start, run_end - 40) : run_end])
            bare = _BARE_NAME.search(run.group(0)) if run else None
            if (
                bare
                and bare.group(1) not in _NOT_NAMES
                and not re.search(rf"(?:本|该)(?:{_SELF_KINDS})$", bare.group(1))
            ):
                scope = "other"
                name, candidates = _bare_name(bare.group(1))
                last_name = (name, False, candidates)
            j = i  # the article token itself is the first number
        else:  # a bare 第X款 / 第X项: this article, or the one just named (第一项至第三项规定的财产或者第五项)
            scope = "article"
            j = i
            last = refs[-1] if refs else None
            if last is not None and last.targets and _CONTINUES.match(text[last.span[1] : tok.start()]):
                scope, name, bracketed, candidates = last.scope, last.name, last.bracketed, last.candidates
                inherit = last.targets[-1]
        ref_start = tok.start()
        if kind == "art" and scope == "other" and name is not None:
            ref_start = tok.start() - len(name)
        ref_end = tok.end()
        # numbers that follow directly (本法第十条第二款) or joined by 、和及或者至
        prev_end = tok.end() if j > i else tok.start()
        range_next = False
        while j < len(tokens):
            nxt = tokens[j]
            gap = text[prev_end : nxt.start()]
            if j > i and gap and not _JOIN.match(gap):
                break
            nk = next(k for k in ("doc", "self", "that", "rel", "art", "para", "item") if nxt.group(k))
            if nk not in ("art", "para", "item"):
                break
            range_next = gap in _RANGE
            if nk == "art":
                number = to_int(nxt.group("anum"))
                sub = to_int(nxt.group("sub")) if nxt.group("sub") else None
                if number is None:
                    break
                if range_next and targets and targets[-1].article is not None and gap:
                    first = targets[-1].article
                    if first < number <= first + MAX_RANGE:
                        targets += [Target(article=n) for n in range(first + 1, number)]
                if scope == "article":
                    break  # 前款、第十条: the article starts a reference of its own
                targets.append(Target(article=number, sub=sub or None))
            elif nk == "para":
                number = to_int(nxt.group("pnum"))
                if number is None:
                    break
                base = targets[-1] if targets else (inherit or Target())
                if not gap and targets and targets[-1].paragraph is None:
                    targets[-1] = Target(base.article, base.sub, number)
                else:
                    if (
                        range_next
                        and base.paragraph is not None
                        and base.paragraph < number <= base.paragraph + 9
                    ):
                        targets += [
                            Target(base.article, base.sub, p) for p in range(base.paragraph + 1, number)
                        ]
                    targets.append(Target(base.article, base.sub, number))
            else:  # item
                number = to_int(nxt.group("inum"))
                if number is None:
                    break
                base = targets[-1] if targets else (inherit or Target())
                if not gap and targets and targets[-1].item is None:
                    targets[-1] = Target(base.article, base.sub, base.paragraph, number)
                else:
                    if range_next and base.item is not None and base.item < number <= base.item + 30:
                        targets += [
                            Target(base.article, base.sub, base.paragraph, n)
                            for n in range(base.item + 1, number)
                        ]
                    targets.append(Target(base.article, base.sub, base.paragraph, number))
            ref_end = nxt.end()
            prev_end = nxt.end()
            j += 1
        if kind in ("self", "that") and not targets:
            i = max(j, i + 1)
            continue  # 依照本法规定: the whole of this document, not a clause
        if kind == "rel" and tok.group("rel") == "本条" and not targets:
            i = max(j, i + 1)
            continue  # 本条规定: the article itself
        refs.append(
            Reference(
                text=text[ref_start:ref_end],
                span=(ref_start, ref_end),
                scope=scope,
                name=name,
                bracketed=bracketed,
                candidates=candidates,
                targets=tuple(targets),
                paragraph=here,
            )
        )
        i = max(j, i + 1)
    return refs
