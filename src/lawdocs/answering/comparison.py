"""What a question across documents compares: whether it is one (哪些省份…, 各地…, 比较…), which documents it
compares (regions, or statutes and which types of them), and the opening that names them (哪些法规和国务院文件…),
which is not what the question asks about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..text import jieba_tokenizer as _jieba
from .wording import REGION_RUNS, SHORT_PROVINCES, short_places

if TYPE_CHECKING:
    from .question import Question

# a run of short names that names one region (辽宁, the province; 京津冀, 粤港澳: a region the texts name as one)
ONE_REGION = sorted(
    {n for n in SHORT_PROVINCES.values() if all(c in SHORT_PROVINCES for c in n)} | set(REGION_RUNS), key=len, reverse=True
)
# Questions across documents: which provinces / regions / cities / departments / laws…, 各地, 比较; 分别 after several
# places (京沪粤三地…分别, 北京、上海分别). 分别 alone is not one: …的社会保险和…的医疗保障分别怎么安排 asks two things
# of one document.
_COMPARATIVE_Q = re.compile(
    r"哪些(省份|省区|省市|省|地区|地方|城市|市|区县|县区|部门|单位|法规|法律|文件|条例|规章|规定|报告|政府|机关"
    r"|行政法规|司法解释|部门规章)"
    r"|哪几(个)?(省|地|市|部门|部|法)|各(地|省|市|区|部门|地区|省份|城市)(?!级)|比较|对比|相比|异同"  # not 各省级人民政府
    rf"|[{''.join(SHORT_PROVINCES)}]{{2,6}}[两三四五六七八九十几]?地.{{0,30}}哪些"  # 京沪粤三地的报告里，哪些提到…
    rf"|(?!(?:{'|'.join(ONE_REGION)})(?:19|20))[{''.join(SHORT_PROVINCES)}]{{2,6}}(?:19|20)\d\d年.{{0,30}}哪些(?:提到|提出|涉及|部署|明确|写)"  # 京沪粤2026年…
)
# Words that name what is compared, not content (哪些法规规定了… is not about 法规).
COMPARED_WORDS = frozenset(
    "法律法规 法规规章 司法解释 行政法规 地方性法规 部门规章 省份 省区 省 地区 地方 城市 市 区县 部门 单位 法规 法律 "
    "文件 条例 规章 规定 报告 政府 机关 各地 比较 对比 相比 异同 分别".split()
)
# What a comparison is across: regions (哪些省份, 各地) or laws and regulations (哪些法规).
_COMPARED_REGIONS = re.compile(
    r"哪些(省份|省区|省市|省|地区|地方(?!性)|城市|市|区县|县区)|哪几(个)?(省|地|市)|各(地|省|市|区|地区|省份|城市)(?!级)"
)
_COMPARED_LAWS = re.compile(r"哪些(地方性法规|行政法规|司法解释|部门规章|法规|法律|条例|规章)|哪几(个|部)?(法|条例)")
# The documents a comparison is across, as the question opens (哪些法规和国务院文件…, 哪些地方的政府工作报告或
# 法规…). Longer names first.
_KINDS = (
    "法律法规|法规规章|司法解释|行政法规|地方性法规|部门规章|政府工作报告|国务院文件|规范性文件|法律|法规|文件|条例"
    "|规章|规定|报告|省份|省区|省市|省|地区|地方|城市|区县|县区|部门|单位|政府|机关"
)
_NAMING = rf"(?:哪些|哪几个?|哪几部)(?:(?:{_KINDS})的?(?:和|或者|或|以及|及|与|、)?)+"
_HEAD = re.compile(rf"^(?:请问)?{_NAMING}")
# …在哪些法规和报告里有所体现: the kinds, later in the question, with the character before them, when what follows
# marks documents (里, 中) or what they do (规定, 要求…); not 上市公司有哪些报告义务 (报告 of 报告义务)
_NAMED_LATER = re.compile(
    rf"[在有，,]{_NAMING}(?=里|中|当中|之中|内|[都均也]?(?:提到|提及|规定|要求|提出|涉及|明确|禁止|作了|作出|对|把|将)"
    r"|[，,？?。—]|$)"
)
LAW_TYPES = frozenset(
    {"law", "administrative_regulation", "judicial_interpretation", "departmental_rule", "local_regulation"}
)
# The document types each name in that opening stands for (a name not here, 文件 or 省份, restricts no type).
_KIND_TYPES: dict[str, frozenset[str]] = {
    "地方性法规": frozenset({"local_regulation"}),
    "行政法规": frozenset({"administrative_regulation"}),
    "司法解释": frozenset({"judicial_interpretation"}),
    "部门规章": frozenset({"departmental_rule"}),
    "规章": frozenset({"departmental_rule", "local_regulation"}),
    "政府工作报告": frozenset({"government_work_report"}),
    "报告": frozenset({"government_work_report", "rule_of_law_report"}),
    "国务院文件": frozenset({"notice"}),
    "法律": frozenset({"law"}),  # the National People's Congress's statutes, not 法规 (条例, 规章) nor 司法解释
    **{name: LAW_TYPES for name in ("法律法规", "法规规章", "法规", "条例")},
}
# …作了规定 / 作出部署: the verb that says a document states it (and keeps 制 of 告知承诺制 from 制作).
# …里有所体现 / 中出现过 / 被提到: that a document mentions it, at the end of what is asked.
_ACTS = r"(?:规定|部署|安排|回顾|要求)"
STATED = re.compile(
    rf"(?:作了|作出了?|做了|做出了?)(?:明确|具体|详细)?{_ACTS}(?:(?:、|或者?)(?:作了|作出了?)?{_ACTS})*"
    r"|(?:有所|得到|得以|都有)?(?:体现|出现过?)(?=[？?。，,—]|$)|(?:出现|提到|提及)(?:在|于)(?=哪些|哪几)"
)


# The verb right after that opening says the documents state something (哪些文件要求…, 哪些省份提出…): not content.
_STATING = re.compile(r"^(?:都|均|也)?(?:明确|专门)?(?:规定了?|要求|提出了?|提到了?|提及|列明了?|载明了?|强调了?|部署了?)")


@dataclass(frozen=True)
class Comparison:
    comparative: bool = False
    across: Literal["regions", "laws"] | None = None  # what the documents compared are, when the question says
    types: frozenset[str] = frozenset()  # the document types its opening names (哪些地方性法规…), if any
    head: str = ""  # that opening, when it ends between two words, with the verb that follows it
    naming: str = ""  # the kinds named later in the question, without an opening (…在哪些法规和报告里)


_PROVINCE_NAMES = re.compile("|".join(sorted(set(SHORT_PROVINCES.values()), key=len, reverse=True)))


def _several_places(text: str) -> bool:
    """Whether `text` names two provinces or more (京沪粤, 北京、上海; not 上海南浦大桥's 海南)."""
    return len(short_places(text)) > 1 or len(set(_PROVINCE_NAMES.findall(text))) > 1


# 分别 after the statutes that answer (…委托给别的机关去做？相关法律法规分别怎么规定？): each statute answers its part
_LAWS_RESPECTIVELY = re.compile(
    r"(?:相关|有关|这些|这几部|各|[两三四五六七八九几]部|不同)的?(法律法规|法规规章|行政法规|法律|法规|条例)(?:中|里|上)?分别"
)


# A set of letters, then 哪些 (国务院办公厅答复地方的复函、办理函中，哪些提到…): a comparison across those letters, whose
# words say which documents, not what they state. Only a set (…和…, …、…) of letters (函, 复函, 办理函) with no year
# or place in it, which would be a scope: 信访工作条例中，哪些… or 行政处罚事先告知的通知中，哪些… name one document
# or none, and the head is cut from the scope. Sixteenth pass: 2 of the 3 questions of this shape found none of
# their documents, then 2 of 3 and 3 of 3 (the third, naming 2004年, is left as it was).
_SET_HEAD = re.compile(r"^(?P<set>[^，。；？,;?!！：:]{2,40}?(?:复函|办理函|函))(?:中|里|当中)[，,]?(?=哪些|哪几)")
_SET_OF = re.compile(r"和|、|及|或")


def read_comparison(text: str) -> Comparison:
    """What the question `text` (folded) compares (see the module docstring)."""
    respectively = _LAWS_RESPECTIVELY.search(text)
    if not (compares(text) or ("分别" in text and _several_places(text)) or respectively):
        letters = _SET_HEAD.match(text)
        if letters and _SET_OF.search(letters.group("set")) and not re.search(r"\d{4}年|[省市区县]", letters.group("set")):
            return Comparison(comparative=True, types=frozenset({"notice"}), head=letters.group(0))
        return Comparison()
    across: Literal["regions", "laws"] | None = None
    if _COMPARED_REGIONS.search(ADDRESSEES.sub("，", text)):
        across = "regions"
    elif _COMPARED_LAWS.search(text) or respectively:
        across = "laws"
    head = _opening(text)
    named, end = (head, len(head)) if head else _later(text)  # a later naming says the kinds too
    names = re.findall(_KINDS, named) or ([respectively.group(1)] if respectively and across == "laws" else [])
    types = frozenset(t for name in names for t in _KIND_TYPES.get(name, ()))
    if "文件" in names:  # 哪些法规和文件: any document, not only the statutes it also names
        types, across = frozenset(), None if across == "laws" else across
    if named and (verb := _STATING.match(text[end:])):
        named += verb.group(0)  # 哪些文件要求…: the verb says they state it
    return Comparison(comparative=True, across=across, types=types, head=named if head else "", naming="" if head else named)


_OF_PLACES = frozenset({"government_work_report", "rule_of_law_report", "local_regulation"})


def places_are_matter(q: Question) -> bool:
    """Whether a place `q` names is what the documents compared speak of, not where they are from: a question that
    opens by naming documents (哪些文件涉及西藏自治区…, 哪些法律提到台湾…), not places (哪些省份…) nor documents a
    place issues (哪些政府工作报告中，北京市…; 哪些地方性法规对北京市的…: the place is whose they are)."""
    return q.comparative and bool(q.compared_head) and q.compared != "regions" and not q.compared_types & _OF_PLACES


_VERBS = frozenset({"比较", "对比", "相比", "异同"})


# 各地各部门, 各地区、各有关部门: whom a national document addresses, not places or departments compared
ADDRESSEES = re.compile(r"各地区?[、，,]?各(?:有关)?部门")


def compares(text: str) -> bool:
    """Whether `text` asks across documents by its wording (`_COMPARATIVE_Q`); 比较 / 对比 / 相比 only as a word
    (…工作报告对比亚迪…: 对 + 比亚迪, no comparison), and not in whom a document addresses (对各地各部门提出了
    什么要求)."""
    text = ADDRESSEES.sub("，", text)
    words: set[str] | None = None
    for found in _COMPARATIVE_Q.finditer(text):
        if found.group(0) not in _VERBS:
            return True
        words = words if words is not None else set(_jieba().cut(text, HMM=False))
        if found.group(0) in words:
            return True
    return False


def _ends(text: str) -> set[int]:
    """Where the segmenter's words of `text` end."""
    ends, at = set(), 0
    for word in _jieba().cut(text, HMM=False):
        at += len(word)
        ends.add(at)
    return ends


def _opening(text: str) -> str:
    """The opening that names the documents compared (哪些法规和国务院文件), when it ends between two words
    (哪些城市更新项目 is about 城市更新, not a comparison of 城市), else ""."""
    head = _HEAD.match(text)
    return head.group(0) if head and head.end() in _ends(text) else ""


def _later(text: str) -> tuple[str, int]:
    """The first naming later in the question (`_NAMED_LATER`) that ends between two words, with the character
    before it (有哪些法律法规和政府工作报告), and where it ends; ("", 0) if none."""
    ends: set[int] | None = None
    for found in _NAMED_LATER.finditer(text):
        ends = ends if ends is not None else _ends(text)
        if found.end() in ends:
            return found.group(0), found.end()
    return "", 0
