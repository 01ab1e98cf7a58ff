"""Which text of a law a question asks about: a year before the law's name dates it (1989年行政诉讼法 is the text in
force in 1989, 2014年修正以前的行政诉讼法 a text older than 2014, 2017年修正的行政诉讼法 the 2017 revision). The
collection's versions of the law (`Document.version`, the date of its adoption or latest revision; `lawdocs.versions`)
answer when one of them is that text; otherwise the question is about a text the collection does not hold, and the
answer says so and names the versions it holds, as it does for a region or a year it lacks (`scope`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .evidence import normalise_text
from .scope import Scope, title_key

if TYPE_CHECKING:
    from ..index import Index
    from ..models import DocumentInfo

# the year right before a law's name, with what happened then and which side of it is asked about
_DATED = re.compile(
    r"((?:19|20)\d\d)年(?:\d{1,2}月(?:\d{1,2}日)?)?(修正|修订|修改|通过|颁布|公布|制定)?(以前|之前|以后|之后)?的?$"
)


def _holds(years: list[int], year: int, event: str | None, side: str | None) -> bool:
    if side in ("以前", "之前"):
        return any(y < year for y in years)
    if side in ("以后", "之后"):
        return any(y >= year for y in years)
    if event:  # 2017年修正的…: that revision
        return year in years
    return any(y <= year for y in years)  # 1989年…: the text in force then


def version_scope(index: Index, question: str, scope: Scope) -> None:
    """Set `scope.missing` (and `closest`) when the question dates a law the collection holds only in other versions.
    The laws are those `scope` found named (`Scope.laws`, every held version of each)."""
    if scope.missing or not scope.laws:
        return
    text = normalise_text(question).replace("中华人民共和国", "")
    by_name: dict[str, list[DocumentInfo]] = {}
    for doc_id in scope.laws:
        doc = index.documents[doc_id]
        if doc.version:
            by_name.setdefault(title_key(doc.title), []).append(doc)
    for name, held in sorted(by_name.items(), key=lambda item: text.find(item[0])):  # in the question's order
        dated = _DATED.search(text[: max(0, text.find(name))])
        years = [int(d.version[:4]) for d in held if d.version and d.version[:4].isdigit()]
        if dated is None or not years:
            continue
        if not _holds(years, int(dated.group(1)), dated.group(2), dated.group(3)):
            versions = sorted({f"{d.title}（{d.version_label or d.version}）" for d in held})
            asked = dated.group(0).rstrip("的")
            scope.missing = f"the collection has no {asked} text of {name}"  # ask() adds "; it holds" closest
            scope.closest = versions
            return
