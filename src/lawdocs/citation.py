"""Citation strings: document › section › article, or › a report measure's marker and lead phrase.

One definition serves search hits (`Hit.citation`), answers, the HTTP service and the LangChain retriever.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .parsing.reports import DECIMAL_NUMBER

_SPACES = re.compile(r"\s+")  # any run of whitespace: U+2002 EN SPACE, U+3000, tabs, line breaks


def tidy(part: str) -> str:
    """A citation part on one line with single spaces (sources pad headings: 第十章\u2002\u2002建筑物…)."""
    return _SPACES.sub(" ", part).strip()


def cite(title: str, path: Sequence[str], article: str | None, text: str) -> str:
    """The citation string of a clause (or a search Hit: ``cite(h.doc.title, h.path, h.article, h.text)``).

    Whitespace inside each part is normalised to single spaces; the stored text and path keep the source's.
    """
    parts = [tidy(p) for p in (title, *path) if tidy(p)]
    if article and (not path or not path[-1].startswith(article)):
        if article.startswith("第") or not text.lstrip().startswith(article):
            parts.append(tidy(article))  # a law's article, or a clause that does not open with its marker
        else:
            sep = " " if article[-1].isdigit() else ""  # 4.2.3 省级…, not 4.2.3省级…
            parts.append(tidy(f"{article}{sep}{lead_phrase(text, limit=30)}"))
    return " › ".join(parts)


_LEAD_MARK = re.compile(
    rf"^\s*(?:[一二三四五六七八九十]{{1,3}}是|{DECIMAL_NUMBER}|[（(]?[一二三四五六七八九十\d]{{1,3}}[）)、.．]|[①-⑳])\s*"
)


def lead_phrase(text: str, limit: int = 60) -> str:
    """The first clause of a text up to 。 or ；, without its numbering, at most `limit` characters."""
    body = _LEAD_MARK.sub("", text.strip())
    m = re.search(r"[。；;！？!?\n]", body)
    lead = body[: m.start()] if m else body
    if len(lead) > limit:
        cut = max(lead.rfind("，", 0, limit), lead.rfind(",", 0, limit))
        lead = lead[: cut if cut > 10 else limit]
    return lead.strip()
