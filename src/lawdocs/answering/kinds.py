"""The kind of a question, by general rules on its wording (`question.analyse` reads it first).

Kinds, tried in this order (the first rule that fires wins):

- ``metadata``: who issued a document, when, or its number: 谁/哪个机关/哪个部门 … 发布/印发/制定,
  发布/印发 … 什么时候/何时/日期, 文号/发文字号, 发文机关/落款.
- ``figure``: 多少, 几个/几位/几级…, 多宽, 数量, 比例/占比, 金额, 总数; a deadline (最迟在什么时候), a span of dates (从哪天到
  哪天), a level (稳定在什么水平) or a limit (有没有时间限制); not when another part of the question, or its last
  clause, asks something else (…要交多少钱，这个价格是谁定的).
- ``problems``: 问题/不足/短板/薄弱/困难/挑战 asked for (存在…问题, 哪些问题, 不足, 面临…挑战); the words a report
  admits its problems with (成绩, 清醒认识, 面临) frame such a question.
- ``plans``: 下一步, 计划, 打算, 今后, 未来, 明年, 工作安排/思路.
- ``law``: an article reference (第十九条), or what a rule says (怎么规定, 有何规定, 规定了什么, 法律如何…).
- ``measures``: 哪些, 什么措施/举措/做法, 如何, 怎样, 怎么, 采取.
- ``other``: anything else.
"""

from __future__ import annotations

import re
from typing import Literal

from ..text import fold
from .units import DATE_SPAN_Q, DEADLINE_Q, LATEST_Q, LEVEL_Q, LIMIT_Q, MEASURED_Q, UNTIL_Q

AnswerKind = Literal["measures", "figure", "problems", "plans", "metadata", "law", "other"]
MetaField = Literal["issuers", "date", "number"]

_ISSUER_Q = re.compile(
    r"(谁|(哪个|哪些|哪家|什么|何)(机关|部门|单位|机构|政府|人))的?.{0,10}(发布|印发|制定|出台|颁布|签发|发文|公布|作出|撰写|起草|出具)"
    r"|(发布|印发|制定|出台|颁布|签发|发文|公布)(机关|单位|部门|主体|者)(?!.{0,2}(不|未|应|违反|没有))"  # not 制定机关不报送…
    r"|发文机关|落款|署名"
)
_DATE_Q = re.compile(  # 公布后多长时间内报送 asks for a time limit (a figure), not the date of the document
    r"(发布|印发|制定|出台|颁布|签发|发文|公布|施行|生效|成文|通过).{0,6}((?<![长少])时间|日期|什么时候|何时|哪天|哪一天|哪年|哪一年)"
    r"|(什么时候|何时|哪天|哪一天|哪年|哪一年).{0,8}(发布|印发|制定|出台|颁布|签发|发文|公布|施行|生效|成文|通过)"
    r"|成文日期|发布日期|落款日期|(什么时候|何时|哪天|哪一天|哪年|哪次).{0,8}会议上(所)?作"  # a report delivered
)
_NUMBER_Q = re.compile(r"文号|发文字号|字号|文件编号")
# 依照档案法，…由谁公布: what a statute says of its matter, never who issued or when it was issued
_UNDER_LAW = re.compile(r"^(?:依照|依据|根据|按照)(?:《[^》]{2,40}》|[^，,？?有这该本上]{1,30}(?:法|法典|条例))(?:的规定)?[，,]")
# the enacting body a text directs (要求有关制定机关…开展清理, 由发文机关负责解释): an actor, not who issued it
_DIRECTED = re.compile(r"(要求|责令|督促|由|向|对|让)[^，,。？?]{0,6}(制定|发布|发文|印发)(机关|单位|部门)")
# how much / how many / how long (哪几类 / 哪几个方面 ask which ones, not how many; 那几天 / 好几年 point or count)
_HOW_MUCH = re.compile(r"多少|(?<![哪那这好])几(?:[个件项条次名家所人批类套处座万亿日天年岁倍]|位(?![置于])|级(?!别))|多长时间|多久|多长"
    r"|多大(?:年龄|岁数|年纪|规模|面积|比例|比重|容量|尺寸)|(?:尺寸|面积|规模)(?:是|有)?多大|多高|多远|多宽|多厚|多深"
    rf"|{LEVEL_Q.pattern}|{MEASURED_Q.pattern}|{DEADLINE_Q.pattern}|{LATEST_Q.pattern}|{DATE_SPAN_Q.pattern}|{UNTIL_Q.pattern}"
    rf"|{LIMIT_Q.pattern}")
_FIGURE_Q = re.compile(
    rf"{_HOW_MUCH.pattern}|数量|比例|比率|比重|占比|百分之|金额|总额|数额|(?<![大小])幅度|总数|共计|合计"  # or a noun
    r"|(?:期限|时限|年限|名额|限额|时效)[？?。\s]*$"  # that ends a query of key words (专利代理师首次执业 备案期限)
)
_COUNTING = re.compile(r"起算|计算|算起")  # 如何起算: how a period is counted, a figure's question too
_ASKS_WHO_WHERE = re.compile(r"谁|哪儿|哪里|什么地方|哪个(?:部门|机关|单位)")  # asks who or where, never a quantity
_OTHER_ASKING = re.compile(r"什么时候|何时|哪天|哪一天|如何|怎么|怎样|哪些|什么|是否|能否|吗[？?]?$|吗[？?，,]")
_PROBLEMS_Q = re.compile(
    r"不足|短板|薄弱|存在.{0,8}(问题|困难)|面临.{0,8}(问题|困难|挑战)|(哪些|什么|主要)(的)?(困难和)?挑战|(哪些|什么|主要|突出)(的)?(问题|困难)|问题(有哪些|是什么)"
)
_PLANS_Q = re.compile(
    r"下一步|下步|计划|打算|今后|未来|明年|下一年|下阶段|下一阶段|工作安排|工作思路|将如何|将要"
)
ARTICLE_Q = re.compile(r"第([零〇一二两三四五六七八九十百千\d]+)条(之[一二三四五六七八九十]+)?")
_LAW_Q = re.compile(
    r"(怎么|怎样|如何|有何|有什么|有哪些|作了|作出|做了|是否)(的)?规定|规定(了)?(什么|哪些|些什么)|(法律|法规|条例)(上)?(是)?(怎么|如何|有何)"
)
_MEASURES_Q = re.compile(
    r"哪些|什么(措施|举措|做法|办法|工作|行动)|如何|怎样|怎么|采取|措施|举措|做法|做了什么|干了什么|开展了什么"
)
A_NOT_A = re.compile(r"(.)[不没]\1")  # 够不够, 会不会, 有没有: a yes-or-no question


def _asks_figure(q: str) -> bool:
    """Whether `q` asks for a quantity: a figure word, unless it only tells the circumstances before a yes-or-no
    question (欠了几个月物业费，…这样做合法吗: a few months, not how many), or it is a noun (数量, 金额) in a
    question that asks something else (什么时候公开…合同数量和金额), or when its last clause asks who or where
    (要交多少钱，这个价格是谁定的: three lay questions of the files read were refused as figures the clauses lack)."""
    found = _FIGURE_Q.search(q)
    if not found:
        return False
    asks = [a for a in re.split(r"[？?]", q) if a.strip()]
    other = [a for a in asks if (_OTHER_ASKING.search(a) or _ASKS_WHO_WHERE.search(a)) and not _COUNTING.search(a)]
    if len(asks) > 1 and any(not _FIGURE_Q.search(a) for a in other):
        return False  # 分几个阶段进行？各阶段分别由谁做什么？: the count is one part of what the clauses answer
    if not _HOW_MUCH.search(q) and _OTHER_ASKING.search(q):
        return False  # 合同数量和金额 in a question asking 什么时候 / …吗 / 如何: nouns of its subject
    clauses = [c for c in re.split(r"[，,；;]", q) if c.strip()]
    if len(clauses) > 1 and _ASKS_WHO_WHERE.search(clauses[-1]) and not _FIGURE_Q.search(clauses[-1]):
        return False  # 要交多少钱，这个价格是谁定的？ / 关几天的人，送到哪儿去关: the last clause asks something else
    yes_no = q.rstrip("？?。. ").endswith(("吗", "么")) or bool(A_NOT_A.search(clauses[-1] if clauses else ""))
    return not (yes_no and len(clauses) > 1 and not _FIGURE_Q.search(clauses[-1]))


def detect_kind(question: str, metadata: bool = True) -> tuple[AnswerKind, list[MetaField]]:
    """The kind of `question` and, for a metadata question, the fields it asks; with `metadata` False, the kind its
    wording has when it is not about a document's record (公证书自何时起生效: what a statute says of 公证书)."""
    q = fold(question)
    fields: list[MetaField] = []
    if _ISSUER_Q.search(_DIRECTED.sub(" ", q)):
        fields.append("issuers")
    if _DATE_Q.search(q):
        fields.append("date")
    if _NUMBER_Q.search(q):
        fields.append("number")
    if fields and metadata and not _UNDER_LAW.search(q):
        return "metadata", fields
    if _asks_figure(q):
        return "figure", []
    if _PROBLEMS_Q.search(q):
        return "problems", []
    if _PLANS_Q.search(q):
        return "plans", []
    if ARTICLE_Q.search(q) or _LAW_Q.search(q):
        return "law", []
    if _MEASURES_Q.search(q):
        return "measures", []
    return "other", []
