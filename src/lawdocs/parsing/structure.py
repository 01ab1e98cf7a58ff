"""The line walker: a body becomes heading and clause blocks (spans into the body, paths, roles).

One pass over the lines. Headings (Markdown `#` lines, 编/分编/章/节 lines, report markers read as headings)
live on a stack; every clause takes the stack's texts as its path. The stack orders ranked headings
(Markdown depth, 编 < 分编 < 章 < 节) by rank, and report marker families by first use: a family already on
the stack closes everything down to its previous entry, a new family nests under the top.

Clause blocks:
- "article": from an article start (see `laws.article_start`) to the next article or heading, with all its
  款/项/目 and any Markdown table; blank lines do not end it.
- "measure": a numbered measure ("1、…。…") or one 一是/二是… piece (see `reports`).
- "paragraph" / "preamble": other text; one clause per paragraph (a Markdown paragraph or table is a run
  of non-blank lines; in other formats every line is a paragraph). "preamble" before the first heading
  or article, and the LawRefBook date lines before `<!-- INFO END -->`.
- "signature" / "attachment": the signature block (issuer lines + date line + a "（此件公开发布）" note) and,
  in documents without articles, the 附件 lines and every plain paragraph after a 附件 line or after the
  signature (headings and numbered measures inside an attachment keep their own kinds).
Report markers are read only until the first article: inside articles （一） is a 项, not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import laws, reports

_TITLE_NORM_RE = re.compile(r"[\s《》〈〉<>\"“”]+")


@dataclass
class Block:
    kind: str  # "heading" or a ClauseKind
    start: int
    end: int
    path: list[str] = field(default_factory=list)
    level: int = 0
    marker: str = ""
    article: str | None = None
    role: str = "body"
    text: str = ""  # heading text


@dataclass
class _Entry:
    family: str
    rank: int | None  # None for report marker families (ordered by first use)
    text: str
    role: str
    measure: bool = False


@dataclass
class Walk:
    blocks: list[Block]
    title: str | None  # the title line's text, when one was found
    issuers: list[str]
    date: str | None


def _norm(s: str) -> str:
    return _TITLE_NORM_RE.sub("", s)


class _Walker:
    def __init__(self, body: str, *, markdown: bool, title: str | None, info_end: int | None) -> None:
        self.body = body
        self.markdown = markdown
        self.meta_title = title
        self.info_end = info_end
        self.blocks: list[Block] = []
        self.stack: list[_Entry] = []
        self.open: Block | None = None
        self.title: str | None = None
        self.seen_heading = False
        self.seen_article = False
        self.last_article: int | None = None
        self.next_ordinal = 1
        self.in_attachment = False
        self.naming_attachment = False  # the line after a bare 附件 line may name the attachment
        self.title_block: Block | None = None
        self.after_signature = False

    # -- stack -------------------------------------------------------------------------------------------
    def _path(self) -> list[str]:
        return [e.text for e in self.stack]

    def _role(self) -> str:
        for e in reversed(self.stack):
            if e.role != "body":
                return e.role
        return "body"

    def _push(self, entry: _Entry) -> None:
        if entry.rank is not None:
            while self.stack and (self.stack[-1].rank is None or (self.stack[-1].rank or 0) >= entry.rank):
                self.stack.pop()
        elif any(e.family == entry.family and e.rank is None for e in self.stack):
            while self.stack:
                if self.stack.pop().family == entry.family:
                    break
        if entry.role == "body":
            entry.role = self._role()
        self.stack.append(entry)
        self.next_ordinal = 1

    # -- blocks --------------------------------------------------------------------------------------------
    def _close(self) -> None:
        if self.open is not None:
            self.blocks.append(self.open)
            self.open = None

    def _heading(self, start: int, end: int, text: str, family: str, rank: int | None) -> None:
        self._close()
        role = reports.role_of(text) or "body"
        self._push(_Entry(family, rank, text, role))
        self.blocks.append(
            Block(
                "heading",
                start,
                end,
                level=len(self.stack),
                marker=family,
                role=self.stack[-1].role,
                text=text,
            )
        )
        self.seen_heading = True

    def _clause(
        self, kind: str, start: int, end: int, article: str | None = None, role: str | None = None
    ) -> None:
        self._close()
        self.open = Block(kind, start, end, path=self._path(), article=article, role=role or self._role())

    def _plain_kind(self) -> str:
        if self.in_attachment:
            return "attachment"
        return "paragraph" if (self.seen_heading or self.seen_article) else "preamble"

    def _split_ordinals(self, start: int, end: int, lead_kind: str, lead_article: str | None) -> None:
        """Emit [lead clause] + one measure clause per 一是/二是… piece of body[start:end]."""
        text = self.body[start:end]
        cuts, self.next_ordinal = reports.ordinal_cuts(text, self.next_ordinal)
        admits = not self.seen_article and self._role() != "plans" and reports.admits_problems(text)
        role = "problems" if admits else None  # 我们也清醒认识到… in a report's review states its problems
        if not cuts:
            self._clause(lead_kind, start, end, lead_article, role)
            return
        first = cuts[0][0]
        if text[:first].strip():
            self._clause(lead_kind, start, start + len(text[:first].rstrip()), lead_article, role)
        for k, (off, label) in enumerate(cuts):
            stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
            piece_end = start + len(text[:stop].rstrip())
            self._clause("measure", start + off, piece_end, label, role)

    # -- main loop ------------------------------------------------------------------------------------------
    def run(self, sig: reports.Signature | None, att: int | None) -> list[Block]:
        body = self.body
        pos = 0
        idx = -1  # index among non-blank lines
        prev_blank = True
        sig_block: Block | None = None
        for raw_line in body.split("\n"):
            line_start = pos
            pos += len(raw_line) + 1
            s = raw_line.strip()
            if not s:
                prev_blank = True
                if self.open is not None and self.open.kind not in ("article", "preamble"):
                    self._close()
                continue
            idx += 1
            lead = len(raw_line) - len(raw_line.lstrip())
            cs = line_start + lead
            ce = cs + len(s)
            continues = self.markdown and not prev_blank
            prev_blank = False

            # a title set over several lines (gov.cn pages): "国务院办公厅关于全面推行" + "行政执法公示制度…"
            if self.title_block is not None and self.meta_title:
                joined = _norm(self.title_block.text + s)
                if (
                    self.blocks
                    and self.blocks[-1] is self.title_block
                    and _norm(self.meta_title).startswith(joined)
                ):
                    self.title_block.end = ce
                    self.title_block.text += s
                    self.title = self.title_block.text
                    continue
                self.title_block = None
            # the title line
            if self.title is None and not self.seen_heading and not self.seen_article:
                at_top = not self.blocks and self.open is None
                if (at_top and self._is_title(raw_line, s)) or (
                    self.meta_title and not self.markdown and _norm(s) == _norm(self.meta_title)
                ):
                    self._close()
                    text = s.lstrip("#").strip() if self.markdown else s
                    self.title = text
                    self.title_block = Block("heading", cs, ce, level=0, marker="title", text=text)
                    self.blocks.append(self.title_block)
                    continue
            # LawRefBook date lines before <!-- INFO END --> (民法典 puts its "# 合同编" line among them)
            if self.info_end is not None and cs < self.info_end and not raw_line.startswith("#"):
                if self.open is not None and self.open.kind == "preamble" and not self.open.path:
                    self.open.end = ce
                else:
                    self._close()
                    self.open = Block("preamble", cs, ce)
                continue
            if self.markdown:
                md = laws.markdown_heading(s) if raw_line.startswith("#") else None
                if md is not None:
                    self._heading(cs, ce, md.text, md.family, md.hashes)
                    continue
            st = laws.struct_heading(raw_line)
            if st is not None:
                self._heading(cs, ce, s, st.family, 10 + st.rank)
                continue
            art = laws.article_start(raw_line, markdown=self.markdown, previous=self.last_article)
            if art is not None:
                self._clause("article", cs, ce, art.article)
                self.seen_article = True
                if art.number is not None and art.sub is None:
                    self.last_article = art.number
                continue
            if self.open is not None and self.open.kind == "article":
                self.open.end = ce
                continue
            if sig is not None and sig.first <= idx <= sig.last:
                if sig_block is None:
                    self._close()
                    self.stack = []
                    self.in_attachment = False
                    sig_block = Block("signature", cs, ce, role="body")
                    self.blocks.append(sig_block)
                sig_block.end = ce
                continue
            if sig is not None and idx > sig.last and not self.after_signature:
                # what follows a signature is attached to the document (gov.cn: the 方案 a 通知 issues)
                self.after_signature = True
                self._close()
                self.stack = []
                self.in_attachment = True
            if att is not None and (idx == att or (idx > att and reports.is_attachment_line(s))):
                # a 附件 line: an attachment clause that roots what follows (until the signature)
                self._close()
                self.stack = [_Entry("附件", 0, s, "body")]
                self.in_attachment = True
                self.open = Block("attachment", cs, ce, path=[], role="body")
                self.naming_attachment = reports.is_bare_attachment_line(s)
                continue
            if self.naming_attachment:
                self.naming_attachment = False
                if self.open is not None and self.stack and reports.is_attachment_name(s):
                    self.stack[-1].text = f"{self.stack[-1].text.rstrip(':：')} {s}"  # 附件1 2026年省十件民生实事
                    self.open.end = ce
                    continue
            if continues and self.open is not None:
                self.open.end = ce
                continue
            if not self.seen_article:
                mk = reports.marker_of(s) if "\t" not in s else None  # a table's row, cells apart, is no heading
                if mk is not None:
                    rest = s[mk.end :]
                    if reports.is_heading_text(rest):
                        self._heading(cs, ce, s, mk.family, None)
                    else:
                        title = reports.measure_title(mk.text, rest)
                        self._close()
                        self._push(
                            _Entry(mk.family, None, title, reports.role_of(title) or "body", measure=True)
                        )
                        self.seen_heading = True
                        # the measure itself: its own path excludes its title; its 一是… pieces include it
                        path_outer = self._path()[:-1]
                        n_before = len(self.blocks)
                        self._split_ordinals(cs + mk.end, ce, "measure", mk.text)
                        first = self.blocks[n_before] if len(self.blocks) > n_before else self.open
                        if first is not None and first.kind == "measure" and first.article == mk.text:
                            first.start = cs
                            first.path = path_outer
                        else:  # the measure opens directly with 一是: keep the marker with it
                            target = first if first is not None else self.open
                            if target is not None:
                                target.start = cs
                    continue
                if not self.markdown and reports.is_unnumbered_heading(s):
                    self._heading(cs, ce, s, "§", None)
                    continue
            self._split_ordinals(cs, ce, self._plain_kind(), None)
        self._close()
        return self.blocks

    def _is_title(self, raw_line: str, s: str) -> bool:
        if self.markdown:
            return raw_line.startswith("# ") or raw_line.startswith("#\t")
        if self.meta_title:
            a, b = _norm(s), _norm(self.meta_title)
            return bool(a) and (
                a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a and len(a) <= len(b) + 30)
            )
        return (
            len(s) <= 60
            and not any(ch in s for ch in "。；，,")
            and reports.marker_of(s) is None
            and laws.article_start(raw_line, markdown=False, previous=None) is None
        )


def walk(body: str, *, markdown: bool, title: str | None = None, info_end: int | None = None) -> Walk:
    """Cut `body` into heading and clause blocks (see the module docstring)."""
    nonblank = [ln for ln in body.split("\n") if ln.strip()]
    has_articles = any(
        laws.article_start(ln, markdown=markdown, previous=None) is not None
        for ln in nonblank
        if "条" in ln[:16]
    )
    sig = None if has_articles else reports.find_signature(nonblank)
    att = None if has_articles else reports.attachment_start(nonblank, sig)
    w = _Walker(body, markdown=markdown, title=title, info_end=info_end)
    blocks = w.run(sig, att)
    return Walk(blocks, w.title, sig.issuers if sig else [], sig.date if sig else None)
