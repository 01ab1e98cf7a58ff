"""The years a question asks about and the year a clause is about.

A clause is about the year a question asks for when its section headings name that year, or (when
its headings name no year) its text or its document's year does. 北京市2025年… is answered from the 2026
report's "一、2025年工作回顾", not from its "三、2026年重点工作"; 湘桥区2019年… finds no clause of the 2020 report.
A report's plans for the next year (三、下一步工作打算 of the 2020 report) are about that year (2021年工作打算).
Among figures, a clause whose headings or text name the year asked about gains ``YEAR_NAMED`` over one that
only inherits its document's year: 广东省2026年…增长目标 is the 4.5%—5% of "三、2026年工作安排", not the 年均
5%左右 of the "十五五" targets (a heading with no year). In a comparison, a year that dates the reports
(哪些省市的2026年政府工作报告提到了…, ``REPORT_YEAR``) chooses the reports, and any of their sections answers;
so it does in any question whose only years date the report it names (广东省2026年政府工作报告回顾“十四五”成就时
说…: its 2025 review answers, `dates_report_only`), while figures still prefer the clause naming the year (in
`compose`); 今年 / 去年 beside a dated report name its sections' year (回顾去年 → 2025, `year_shift`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..index import Index

_YEAR = re.compile(r"(?:19|20)\d\d")
# a year that dates the reports a question asks about (2026年政府工作报告, 2020年度法治政府建设报告)
REPORT_YEAR = re.compile(r"(?:19|20)\d\d年度?的?[\u4e00-\u9fff]{0,10}报告")


def dates_report_only(question: str) -> bool:
    """Whether every year `question` names dates the report it names (广东省2026年政府工作报告回顾…)."""
    rest = REPORT_YEAR.sub(" ", question)  # 今年 / 去年 in the rest name a year of its sections (今年的…增长目标)
    return bool(REPORT_YEAR.search(question)) and not _YEAR.search(rest) and not _RELATIVE_YEAR.search(rest)


_RELATIVE_YEAR = re.compile(r"今年|明年|去年|本年|当年|上年")
_SHIFT = {"今年": 0, "本年": 0, "当年": 0, "明年": 1, "去年": -1, "上年": -1}


def year_shift(question: str) -> int | None:
    """How far from the year of the report it names (2026年政府工作报告) the year a question asks about lies,
    when it says so in words (回顾去年: -1; 今年的…目标: 0), else None."""
    rest = REPORT_YEAR.sub(" ", question)
    if not REPORT_YEAR.search(question) or _YEAR.search(rest) or not (m := _RELATIVE_YEAR.search(rest)):
        return None
    return _SHIFT[m.group(0)]


def year_fits(index: Index, row: int, years: Sequence[int]) -> bool:
    """Whether the clause in `row` is about one of `years` (see the module docstring)."""
    if not years:
        return True
    clause = index.clauses[row]
    heading_years = {int(y) for p in clause.path for y in _YEAR.findall(p)}
    if heading_years:
        return any(y in heading_years for y in years)
    doc = index.documents[clause.doc_id]
    # a report's 下一步工作打算 is about the year after the one it reports on (湘桥区…2021年工作打算)
    ahead = 1 if clause.role == "plans" and isinstance(doc.year, int) else 0
    # a document whose title names the year (关于2019年部分节假日安排的通知, issued in 2018) is about it throughout
    return any(doc.year in (y, y - ahead) or f"{y}年" in clause.text or f"{y}年" in doc.title for y in years)


def names_year(index: Index, row: int, years: Sequence[int]) -> bool:
    """Whether the clause in `row` names one of `years` in its headings or its text (not only its document)."""
    clause = index.clauses[row]
    return any(str(y) in p for y in years for p in clause.path) or any(f"{y}年" in clause.text for y in years)
