"""Words of a question that its segmentation gets wrong: abbreviations of state bodies, which statutes spell out
(国办, 人大常委会), numbers written one way in the question and the other in the texts (三十日 / 30日), the stray
two-character pieces the segmenter leaves over (才向 of …才向社会开放), the time within a planning period
(“十四五”收官时) and a full name followed by its quoted short name (…安全能力建设（“两重”）)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

from ..text import jieba_tokenizer as _jieba

if TYPE_CHECKING:
    from .question import Term

# Abbreviations of state bodies that questions use and statutes spell out (the texts use both).
ABBREVIATIONS = {
    "国办": "国务院办公厅",
    "特区": "特别行政区",
    "人大": "人民代表大会",
    "常委会": "常务委员会",
    "政协": "政治协商会议",
    "发改委": "发展和改革委员会",
    "纪委": "纪律检查委员会",
    "国资委": "国有资产监督管理委员会",
    "卫健委": "卫生健康委员会",
    "人社": "人力资源和社会保障",
    "住建": "住房和城乡建设",
    "自贸": "自由贸易",
}


# Words a question uses for what the texts state otherwise: a growth rate is stated as 增长X%.
SAME_AS = {"增长速度": "增长", "增长率": "增长", "增速": "增长", "增幅": "增长"}

# one-character province names, read only in a run that names places (京沪粤三地, 苏浙两省, 京津等地):
# 粤港澳大湾区 and 京津冀协同发展 are the name of a thing, not places asked about
SHORT_PROVINCES = dict(
    pair.split(":")
    for pair in """京:北京 津:天津 沪:上海 渝:重庆 冀:河北 晋:山西 辽:辽宁 吉:吉林 黑:黑龙江 苏:江苏 浙:浙江 皖:安徽
    闽:福建 赣:江西 鲁:山东 豫:河南 鄂:湖北 湘:湖南 粤:广东 琼:海南 川:四川 蜀:四川 黔:贵州 滇:云南 陕:陕西
    甘:甘肃 陇:甘肃 青:青海 蒙:内蒙古 桂:广西 藏:西藏 宁:宁夏 新:新疆 港:香港 澳:澳门""".split()
)
SHORT_PLACES = re.compile(
    rf"([{''.join(SHORT_PROVINCES)}]{{2,6}})(?:[两二三四五六七八九十几]?(?:省市|地|省|市)|等地|(?=(?:19|20)\d\d年))"
)  # 京沪粤2026年政府工作报告: a run before a year names places too
_FULL_NAMES = frozenset(SHORT_PROVINCES.values())  # 辽宁 of 辽宁省 is a province's name, not 辽 + 宁


def short_places(text: str) -> list[str]:
    """The provinces a run of one-character names stands for (京沪粤三地 → 北京, 上海, 广东), in order."""
    found = [SHORT_PROVINCES[c] for m in SHORT_PLACES.finditer(text) if m.group(1) not in _FULL_NAMES for c in m.group(1)]
    return list(dict.fromkeys(found))


def without_short_places(text: str) -> str:
    """`text` with such runs (and the 三地 after them) blanked: they name the scope, not content."""
    return SHORT_PLACES.sub(lambda m: m.group(0) if m.group(1) in _FULL_NAMES else " ", text)


# The time within a five-year planning period (“十四五”收官时, 十四五期间, 十三五以来): the period dates what is asked
# (`evidence.PERIOD`), the rest frames it.
_PERIOD_TIME = re.compile(r"(十[一二三四五六七八九]五[”\"」』’]?)(?:收官之年|收官|开局之年|开局|时期|期间|以来|末)")


def without_period_time(text: str) -> str:
    """`text` with the words that place a time within a planning period blanked, the period kept."""
    return _PERIOD_TIME.sub(lambda m: m.group(1) + " ", text)

# A full name and its short name in quotes after it (国家重大战略实施和重点领域安全能力建设（“两重”）): the texts use
# either, so a clause stating the short name states every word of the full name.
_SHORT_NAME = re.compile(r"([\u4e00-\u9fff]{4,40})[（(]\s*[“\"]([^”\"（）()]{1,12})[”\"]\s*[）)]")


def with_short_names(question: str, terms: list[Term]) -> list[Term]:
    """`terms`, those inside a full name that a quoted short name follows in `question` found by the short name too."""
    names = [(m.group(1), m.group(2)) for m in _SHORT_NAME.finditer(question)]
    return [
        replace(t, alts=t.alts + tuple(short for full, short in names if t.text in full and short != t.text))
        for t in terms
    ]


# Two things asked, either of which answers (对举报人的信息保密，或者把泄露举报人信息作为追责情形).
_EITHER = re.compile(r"[，,；;]\s*(?:或者|或是|或)")


def either_branches(question: str, terms: list[Term]) -> list[list[Term]]:
    """The terms of each side of a question that asks two things joined by a pause and 或者, when each side holds
    at least two of them or one long term (`_specific`): a clause answering one side answers (`candidates` scores
    it by the better side)."""
    sides = _EITHER.split(question, maxsplit=1)
    if len(sides) != 2:
        return []
    branches = [[t for t in terms if t.text in side or any(a in side for a in t.alts)] for side in sides]
    if not all(len(b) >= 2 or _specific(b) for b in branches):
        return []
    return [b for b in branches if len(b) < len(terms)]  # a side holding every term is the question itself


EITHER_TERM = 3  # a side naming one term of at least this many characters asks about it (对法律顾问作了规定)


def _specific(side: list[Term]) -> bool:
    """Whether one side of 或者 names a matter of its own: a single term, long enough to be a name, not a verb."""
    return len(side) == 1 and len(side[0].text) >= EITHER_TERM and side[0].weight == 1.0


# A document number (国办发〔2019〕6号文件, 国务院令第708号): it names the document (`scope`), it is not content.
NUMBER_CORE = r"[〔\[(（]\d{4}[〕\])）]\d+号"  # 〔2019〕6号 after the issuer's code (国办发)
DOC_NUMBER = re.compile(rf"[\u4e00-\u9fff]{{1,4}}{NUMBER_CORE}(?:文件|文)?|国务院令第\d+号")


def alternatives(word: str) -> tuple[str, ...]:
    """The full name of `word` when it holds an abbreviation (人大常委会 → 人民代表大会常务委员会), or the word the
    texts use for it (增速 → 增长), else ()."""
    full = word
    for short, long in ABBREVIATIONS.items():
        if short in full and long not in full:
            full = full.replace(short, long)
    if full == word and word in SAME_AS:
        full = SAME_AS[word]
    return ((full,) if full != word else ()) + _other_numerals(word) + _region_runs(word)


# runs of one-character province names the texts write for several provinces at once (输出津冀技术合同成交额)
REGION_RUNS = "京津冀 京津 津冀 京冀 沪苏浙皖 苏浙皖 沪苏浙 粤港澳 川渝 湘鄂赣 晋冀鲁豫".split()


def _region_runs(word: str) -> tuple[str, ...]:
    """For a province's name (河北, 河北省), the runs that include it (京津冀, 津冀): a text saying 津冀 says 河北."""
    name = word[:-1] if word.endswith(("省", "市")) and word[:-1] in _FULL_NAMES else word
    short = [c for c, full in SHORT_PROVINCES.items() if full == name]
    return tuple(run for run in REGION_RUNS if any(c in run for c in short))


_COUNTED = re.compile(r"(?<![第\d零〇一二两三四五六七八九十百])(\d{1,3}|[一二两三四五六七八九十百][零〇一二两三四五六七八九十百]{0,4})(?=[日天年月个人元次项件条名家所%])")
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 30 → 三十, 15 → 十五, 105 → 一百零五 (below 1000)."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    head = _DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        head += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        head += "零"
    return head + (_DIGITS[ones] if ones else "")


def _other_numerals(word: str) -> tuple[str, ...]:
    """The word with its counted number in the other notation: statutes write 三十日, rules and reports 30日."""
    from ..parsing.numerals import to_int

    m = _COUNTED.search(word)
    if m is None:
        return ()
    number = m.group(1)
    value = int(number) if number.isdigit() else to_int(number)
    if not value or value >= 1000:
        return ()
    other = chinese_numeral(value) if number.isdigit() else str(value)
    return (word[: m.start(1)] + other + word[m.end(1) :],)


_FUNCTION_TAGS = frozenset("d p c u r f y e o".split())  # adverbs, prepositions, conjunctions, particles …


@cache
def tagger():  # type: ignore[no-untyped-def]
    """jieba's part-of-speech tokenizer over lawdocs' dictionary (one per process)."""
    import jieba.posseg as pseg

    return pseg.POSTokenizer(_jieba())


def drop_stray(terms: list[Term], df: Callable[[str], int]) -> list[Term]:
    """`terms` without the two-character pieces the segmenter left over that no clause contains and that hold a
    function character (才向 of 档案…才向社会开放: adverb 才 + preposition 向, not a word): they would weigh as the
    rarest term and sink every clause. A piece of two content characters (醉驾) is a word the dictionary lacks and
    the collection never uses, and stays: a question about it finds nothing. Kept when fewer than two other terms
    remain."""
    tags = tagger().word_tag_tab
    stray = [
        t
        for t in terms
        if t.glued
        and len(t.text) == 2
        and df(t.text) == 0
        and any(tags.get(ch, "x") in _FUNCTION_TAGS for ch in t.text)
    ]
    if not stray or len(terms) - len(stray) < 2:
        return terms
    return [t for t in terms if t not in stray]


def shared_start(asked: str, after: str) -> str:
    """The noun `after` starts with that `asked` starts with too, whole words only (省（区、市）, 国家级示范区;
    not 指标由… of 指标由财务年报表获取), or "": what a count asked for (几个省（区、市）) counts in the text."""
    n = 0
    while n < min(len(asked), len(after)) and asked[n] == after[n]:
        n += 1
    ends = set(accumulate(len(w) for w in _jieba().lcut(asked[: n + 4], HMM=False)))
    shared, at, depth = "", 0, 0
    for word, flag in tagger().cut(after[: n + 4]):
        depth += word.count("（") + word.count("(") - word.count("）") - word.count(")")
        if at + len(word) > n or not (flag[:1] in "nb" or (flag == "x" and (depth or word in "）)"))):
            break
        at += len(word)
        if not depth and at in ends:
            shared = after[:at]
    return shared if re.match(r"[\u4e00-\u9fff]", shared) else ""


# a named period asked the length of (公证书有效期是多久, 试用期最长多长, 请求赔偿的时效是多长时间): a figure answers
# only from a sentence that names it, not another period of the same text (十五个工作日内出具公证书)
_HOW_LONG = re.compile(r"(?:是|为|有|一般|最长|最短|最多|最少|大约)?(?:多久|多长|多少|几)")
_PERIOD_NAME = re.compile(r"(?:[^期限日]期|时效|年限)$")


def measured_period(question: str, terms: Sequence[Term]) -> str | None:
    """The named period (ending in 期, not the generic 期限 / 日期; 时效, 年限) whose length `question` asks."""
    for t in terms:
        if _PERIOD_NAME.search(t.text) and any(
            _HOW_LONG.match(question, m.end()) for m in re.finditer(re.escape(t.text), question)
        ):
            return t.text
    return None
