"""Figures: numbers with units (共5件, 12项, 98.5%, 3000万元) near the question's key nouns.

Every number with a unit in a clause is a candidate. Chinese numerals (六千多名) count only when a total
word (共, 累计, 达, 为) or a bound (不得超过, 不得早于, 满, 不满) precedes them or 多/余/以上/以下 follows, or when they
are a period of time that ends a phrase (三十日内, 警告，六个月；), so 三项制度, 三年行动计划 and 第三次会议 are not
figures but 不得超过二十年 and 不得早于二十二周岁 are. A candidate is
scored by the weighted share of the question's terms found in its sentence (up to the next 。；), plus
bonuses for the unit the question asks for (多少件 → 件) and for a total word (共5件 beats the 2件 and 3件 of
its breakdown), minus a little for distance from the nearest question term, plus ``PHRASE_WEIGHT`` times the share
of the terms in the figure's own phrase (back to the last comma): in 收入增长2%，全社会研发经费支出相当于生产总值的比例达到
4.6%左右 the 研发经费 figure is the 4.6%左右 after it, not the 2% just before its name.

The unit asked for matches a unit with a multiplier (多少个 → 1万个) and 天 matches 日 (多少天 → 不得超过三十日);
a question asking for a time (多少天, 几年, 多长时间, 多久) takes only figures of time, 多长 alone a time or a length
(试用期最长多长, 贯通了多长的岸线), and one asking for a deadline (什么时候前, 何时前, 哪一年之前) only dates stated as
one (2019年6月底前, 每年3月31日前, 2020年底前, 2010年前); a span of dates (从哪天到哪天) a span stated (2019年1月1日至
2023年12月31日), the end of a period (执行到什么时候) the date it runs to or a deadline, and the latest time (最迟在什么
时候) a deadline, or a period where a sentence states no date (`units`). How often (多长时间开几次, 多长时间召开一次)
is answered by a count of times with its period (一般每月召开三次, 每十年至少组织开展一次), not by the period alone.
A total asked (一共, 合计) is not a part after its breakdown (26个指标…，其中15个…、9个…).

A share in words is a figure (不得超过主合同标的额的百分之二十, ``_PERCENT``). A value a sentence says changed
(人均预期寿命从2020年的82.4岁提升至83.9岁) answers with what it became: the starting value scores ``FROM_PENALTY``
less, unless the question names the year it is of (2020年人均预期寿命是多少岁).

A penalty clause sets amounts for several parties (对单位处一万元以上十万元以下的罚款，对个人处五百元以上五千元以下的
罚款): a question naming one party (对个人罚多少钱) takes the amount whose own phrase names it. A count asked with
what it counts (几个省（区、市）) is written with it (10个省（区、市）). A deadline is scored by its own phrase too
(每年2月底前各省份完成…，3月底前国家卫生健康委完成…分析: 分析 is due 3月底前), and one listed after 每年… is yearly.
The length of a named period (有效期, 试用期, 时效) comes only from a sentence naming it (`wording.measured_period`).

A figure is the whole quantity as written: a range (4.5%—5%, 3至5个工作日, 三十年至七十年), an amount stated two
ways (五千万元以下或者上一年度营业额百分之五以下), a share or multiple with what it is of (不低于采购金额的30%), its
qualifier before (不超过, 最高不超过, 一般不少于, 控制在, 连续, 届满; also across the verb it limits: 至少保存三年 →
至少三年) and after (左右, 以上, 以内, 以下, 多; 内 after a time: 30日内). When the question asks for a bound (最长,
最多, 上限, 多少…以下 or 最短, 最少, 至少, 下限, 多少…以上), a figure whose qualifier states that bound scores higher:
最长 → 最长不超过15个工作日, not the 一般不少于5个工作日 before it. A period asked for an act (多长时间内作出裁定) is
the one stated for that act. `attribution` decides whose figure is whose where a sentence states several, writes
a penalty with the graver case after it (处五日以下拘留；情节较重的，处五日以上十日以下) and two quantities asked
together (拘留和罚款各是多少); a lead's list of conditions (有下列行为之一的…：（一）…) is of every penalty before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..parsing.numerals import to_int
from . import units
from .attribution import (
    AGGRAVATED,
    AGGRAVATED_PENALTY,
    EXCEPTED_PENALTY,
    PARTY,
    PARTY_WEIGHT,
    FigureMatch,
    asked_party,
    excepted_words,
    in_context,
    joined,
    respectively,
    with_graver_case,
)
from .evidence import find_spans, normalise_text
from .question import Term
from .units import (
    ASKED_ONLY,
    CHANGE,
    DATE_SPAN,
    DATE_SPAN_Q,
    DEADLINE,
    DEADLINE_Q,
    LATEST_Q,
    NUM,
    SHARE_UNITS,
    TIME_UNITS,
    UNITS,
    UNTIL,
    UNTIL_Q,
    dimension,
    same_unit,
)
from .wording import shared_start, tagger

_BEFORE = r"最高不超过|最高不得超过|连续|最迟不超过|最迟不得超过|原则上不超过|原则上不得超过|原则上不低于|不得早于|不得晚于|不早于|不晚于|最长不超过|最长不得超过|最多不超过|最短不少于|最少不少于|一般不少于|一般不超过|不超过|不得超过|不少于|不得少于|不低于|不得低于|不高于|不得高于|控制在|最长|最多|至少|最少|超过|不满|未满|未逾|满|届满|最快(?=[\d一二两三四五六七八九十半])|最高(?=[\d一二两三四五六七八九十])|最低(?=[\d一二两三四五六七八九十])|大约|约|超(?=\d)|各(?=\d)"
# spaces between a number's parts are bounded (at most two): unbounded runs backtrack for minutes on a clause of
# whitespace (a table extracted from a PDF)
_FIGURE = re.compile(
    rf"(?P<bound>{_BEFORE})?(?P<total>共计|总计|合计|累计|共|达到|达|为)?\s{{0,2}}"
    rf"(?:次月|次年|次日|当月)?(?P<num>{NUM})\s{{0,2}}(?:(?P<unit1>%|％)?\s{{0,2}}(?P<dash>[—–\-~～至到])\s{{0,2}}(?P<num2>{NUM}))?"
    rf"\s{{0,2}}(?P<more>多|余)?\s{{0,2}}(?P<unit>{UNITS})(?P<per>/(?:年|月|日|天|人|户|亩|吨|辆|台|件|次))?"
    r"(?:\s{0,2}[×xX＊*]\s{0,2}\d+(?:\.\d+)?\s{0,2}(?:毫米|厘米|米))*"  # a size: 480毫米×140毫米
    rf"(?P<after>左右|及以上|及以下|以上|以下|以内|之内|上下)?"
)
# a share written in words (不得超过主合同标的额的百分之二十, 百分之五十以上, 不超过五分之一): the same groups as
# _FIGURE, 百分之 or 五分之 its unit
_OF = r"(?:百|千|[一二三四五六七八九十]{1,2})分之"
_PERCENT = re.compile(
    rf"(?P<bound>{_BEFORE})?(?P<total>共计|总计|合计|累计|共|达到|达|为)?(?P<unit>{_OF})(?P<num>{NUM}(?:点{NUM})?)"
    rf"(?:(?P<unit1>)(?P<dash>[—–\-~～至到]){_OF}(?P<num2>{NUM}(?:点{NUM})?))?(?P<more>)"
    rf"(?P<after>左右|及以上|及以下|以上|以下|以内|之内|上下)?"
)
# a starting value (人均预期寿命从…82.4岁提升至83.9岁): what the figure became is the one after 至 / 到
_FROM = re.compile(r"从[^，,。；;从]{0,20}$")
_BECAME = re.compile(rf"^(?:、[^、，,。；;]{{1,12}}?)*?{CHANGE}?(?:到|至)")  # (从209元、280元)提高到: after the list
FROM_PENALTY = 0.3
# a bound before the verb it limits (应当至少保存三年, 最多延长三十日): the figure's qualifier all the same
_BOUND_VERB = re.compile(
    rf"({_BEFORE})(?:保存|保留|公示|公开|提前|延长|缩短|达到|降低|提高|增加|减少|完成|培训|服务)$"
)
# a bound before what the figure is a share or multiple of (不低于采购金额的30%, 不低于当地低保标准的1.6倍)
_BOUND_OF = re.compile(rf"({_BEFORE})[\u4e00-\u9fff]{{2,10}}的$")
_BOUND_RATE = re.compile(rf"(?:{_BEFORE}|超)$")
_RATE_WORDS = r"(?:每(?:人|户|年|月|日|天|次|件|个|名|学年|季度|千人|万人|百人)){1,3}"
_RATE = re.compile(rf"{_RATE_WORDS}$")  # right before a figure
# a rate the starting value carries (从每人每月209元、280元提高到217元、290元): the values it became share it
_CARRIED_RATE = re.compile(rf"从({_RATE_WORDS})[^，,。；;从]*(?:到|至)(?:[^，,。；;、]{{1,12}}、)*$")
# the period a count of times is stated in (一般每月召开三次, 每年至少开展一次): right before the count
_FREQUENCY = re.compile(  # 每十年至少组织开展一次: a period of several years too
    r"(?:一般|原则上|通常)?每(?:[两三四五六七八九十\d]{1,2}个?)?(?:年|月|周|季度|半年|学期|日|天)(?:至少|不少于)?[\u4e00-\u9fff]{0,6}$"
)
_UPPER = ("最长", "最多", "最迟", "最高", "不超过", "不得超过", "以内", "以下", "之内", "控制在", "不高于")
_LOWER = ("最短", "最少", "最低", "最快", "至少", "不少于", "不低于", "低于", "以上", "不得早于", "不早于", "超")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_TOTAL = ("共计", "总计", "合计", "累计", "共")
_PHRASE = re.compile(r"[，,、：:]")
_LISTED = re.compile(r"[：:]\s*(?=[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")  # the items a lead lists
_OR = re.compile(r"或者?[\u4e00-\u9fff]{0,12}")  # between two bounds of one amount (…以下或者营业额百分之五以下)
_TO = re.compile(r"\s{0,2}[至到—–~～]\s{0,2}")  # between the ends of a range with its unit twice (6个月至12个月)
PHRASE_WEIGHT = 0.5
ACT_WEIGHT = 0.3
TOTAL_ASKED = 0.3
# after a period of time in numerals (三十日内, 六个月；): a quantity; before a noun (三年行动计划): a name
_PERIOD_END = frozenset("内后前，,。；;、）)") | {""}


def _verb_at(text: str, at: int) -> bool:
    """Whether a verb of two characters starts at `at`: a period before the act it times is a quantity
    (一般两个月安排一次), before a noun a name (三年行动计划)."""
    return tagger().word_tag_tab.get(text[at : at + 2]) == "v"


def _number(raw: str) -> float | None:
    raw = raw.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        value = to_int(raw)
        return float(value) if value is not None else None


def figures_in(
    text: str,
    terms: Sequence[Term],
    idf: dict[str, float],
    measure_word: str | None,
    years: Sequence[int] = (),
    question: str = "",
) -> list[FigureMatch]:
    """Every figure of `text`, best first."""
    aside = excepted_words(question)  # 除仅受通报批评的以外: a figure of that case does not answer
    outside = normalise_text(question).replace(aside, "") if aside else ""
    excepted = [t for t in terms if t.text in aside and t.text not in outside]
    terms = [t for t in terms if t.text not in aside]
    total_weight = sum(idf[t.text] for t in terms) or 1.0
    both = bool(units.TWO_Q.search(question))  # 拘留和罚款各是多少: two quantities, of any kind
    two = both or len(units.ONE_Q.findall(question)) > 1  # 最长多久？…能延长到多久？: two of the kind asked
    time_asked = not both and (measure_word in TIME_UNITS or bool(units.TIME_Q.search(question)))
    frequency_asked = bool(units.FREQUENCY_Q.search(question))
    share_asked = not both and bool(units.SHARE_Q.search(question))
    money_asked = not both and bool(units.MONEY_Q.search(question)) and not share_asked
    money_asked = money_asked and dimension(measure_word or "元") == "money"
    span = not time_asked and bool(units.SPAN_Q.search(question))
    found: list[FigureMatch] = []
    latest = bool(LATEST_Q.search(question))
    deadline = latest or bool(DEADLINE_Q.search(question))
    date_span = not deadline and bool(DATE_SPAN_Q.search(question))  # 从哪个月持续到哪个月: both ends
    until = not deadline and not date_span and bool(UNTIL_Q.search(question))
    soft = latest or until  # where a sentence states no date, a period answers (最迟在什么时候申报: 十五日内)
    time_asked = time_asked or soft
    dates = DEADLINE if deadline else UNTIL if until else DATE_SPAN if date_span else None  # what a date asked is
    party = asked_party(question)
    graver_asked = bool(AGGRAVATED.search(question))

    def phrase_credit(own: str) -> float:
        """``PHRASE_WEIGHT`` × the weighted share of the question's terms that a figure's own phrase states."""
        return PHRASE_WEIGHT * sum(idf[t.text] for t in terms if t.text in own) / total_weight

    counted = units.COUNTED_Q.search(question)
    timed = units.TIMED_ACT.search(question)
    acting = [t for t in terms if timed and t.text in normalise_text(timed[1])]
    acting_weight = sum(idf[t.text] for t in acting) or 1.0
    context, read, semicolon, prior = "", "", False, list[FigureMatch]()
    listed = _LISTED.search(text)  # 有下列行为之一的，处…；情节较重的，处…：(一)…: the list is of each penalty of its lead
    lead_at = max(text.rfind("。", 0, listed.start()), text.rfind("\n", 0, listed.start())) + 1 if listed else 0
    items = normalise_text(text[listed.start() :]) if listed else ""
    for sent in _SENTENCE.finditer(text):
        sentence = sent.group(0)
        read += normalise_text(sentence)
        context = in_context(sentence, context, read, semicolon)  # 单位有前款行为的: of the text before it
        if listed and lead_at <= sent.start() < listed.start():
            context += items
        after_semicolon, semicolon = semicolon, sentence.rstrip().endswith(("；", ";"))
        weight = sum(idf[t.text] for t in terms if t.text in context)
        weight += sum(
            0.5 * idf[t.text] for t in terms if t.text not in context and any(p in context for p in t.parts)
        )
        share = weight / total_weight
        spans = find_spans(sentence, [t.text for t in terms] + [p for t in terms for p in t.parts])
        year_bonus = 0.1 if any(str(y) in sentence for y in years) else 0.0
        dated = list(dates.finditer(sentence)) if dates else []
        if dates and (dated or not soft):  # only dates answer, the year before 底 included (2019年底前)
            yearly = False
            for d in dated:
                distance = min((abs(d.start() - s) for s, _, _ in spans), default=len(sentence))
                # its own phrase (每年2月底前各省份完成…，3月底前国家卫生健康委完成…分析工作): what is due then
                own = normalise_text(_PHRASE.split(sentence[: d.start()])[-1] + _PHRASE.split(sentence[d.end() :])[0])
                score = share + year_bonus - 0.002 * distance + phrase_credit(own)
                value = d.group(0)
                if yearly and "年" not in value and sentence[: d.start()].rstrip()[-1:] in ("，", ","):
                    value = "每年" + value  # 每年2月底前…，3月底前…: each a yearly deadline
                yearly = yearly or value.startswith("每年")
                found.append(
                    FigureMatch(value, None, "date", sentence.strip(), sent.start() + d.start(),
                                sent.start() + d.end(), score, context)
                )
            prior = []
            continue
        here = len(found)
        matches = sorted([*_FIGURE.finditer(sentence), *_PERCENT.finditer(sentence)], key=lambda m: m.start())
        whose = respectively(sentence, matches, terms)
        ranges = {  # 1万元以上5万元以下, 三十年至七十年: the lower bound's start → the upper bound that closes it
            m.start(): n for m, n in zip(matches, matches[1:], strict=False)
            if (m.end() == n.start() and m.group("after") == "以上" and n.group("after") == "以下") or (
                _TO.fullmatch(sentence[m.end() : n.start()]) and m.group("unit") == n.group("unit") and not m["after"]
                and not _FROM.search(sentence[: m.start()]))  # 从2000元至2200元 is a change, not a range
        }
        either = {  # 五千万元以下或者上一年度营业额百分之五以下: one bound, one amount, two measures
            m.start(): n for i, m in enumerate(matches) if m["after"] in ("以下", "以上") for n in matches[i + 1 : i + 4]
            if n.start() >= m.end() and n["after"] == m["after"] and _OR.fullmatch(sentence[m.end() : n.start()])
            and (dimension(m["unit"]) == dimension(n["unit"]) or n["unit"].endswith("分之") or n["unit"] in SHARE_UNITS)
        }
        completes = {n.start(): m for m, n in (*ranges.items(), *either.items())}  # a part → the figure it ends
        kept: set[int] = set()
        for m in matches:
            if completes.get(m.start()) in kept:
                continue  # the upper bound of 1万元以上5万元以下 (or 或者…以下), when the figure it ends was kept
            num = m.group("num")
            chinese = not num[0].isdigit() and not m.group("unit").endswith("分之")  # 百分之二十 is a quantity
            if sentence[max(0, m.start("num") - 1) : m.start("num")] == "第":
                continue
            period = m.group("unit") in TIME_UNITS and (
                sentence[m.end() : m.end() + 1] in _PERIOD_END or _verb_at(sentence, m.end())
            )
            often = _FREQUENCY.search(sentence[: m.start()]) if m.group("unit") == "次" else None
            bound = m.group("bound") or ""
            verb_bound = None if bound else _BOUND_VERB.search(sentence[: m.start()])
            bound_of = None if bound or verb_bound else _BOUND_OF.search(sentence[: m.start()])
            apart = verb_bound or bound_of  # a bound not right before the number
            if chinese and not (
                m.group("total") or m.group("more") or bound or apart or m.group("after") or period
                or m.group("num2") or often
            ):  # a range (二至四人) and a bound apart (不得超过违法所得的三倍) are quantities too
                continue  # statutes write bounds in numerals: 不得超过二十年, 五日以上, 三十日内, 警告，六个月；
            if m.group("unit") in ("万", "亿") and not m.group("total") and chinese:
                continue  # 万 alone after a numeral in words is mostly part of a word (万众, 十万火急); 15万 is not
            if m.group("unit") in ASKED_ONLY and not re.search(f"(?:几|多少|多大[^，,？?]?){m.group('unit')}", question):
                continue  # 一位及以上 (赡养人), 1.8级 (振动): counts of seats and grades answer only 几位 / 几级
            if m.group("unit") == "年" and re.fullmatch(r"(?:19|20)\d\d", num):
                continue  # 2026年 is a date
            before = sentence[max(0, m.start("num") - 1) : m.start("num")]
            if m.group("unit") == "日" and before in ("月", "") and m.start() == m.start("num"):  # not 次月十五日
                if not (m.group("bound") or m.group("after") or m.group("total")):
                    continue  # 2月4日 is a date
            if time_asked and m.group("unit") not in TIME_UNITS and not (often and frequency_asked):
                continue  # 多少天 asks for a time: 五百元 is not one
            if measure_word not in (None, "个", *TIME_UNITS) and m.group("unit") in TIME_UNITS and not time_asked:
                continue  # 多少次 asks for a count: 15日 is not one
            a_share = m.group("unit") in SHARE_UNITS or m.group("unit").endswith("分之")
            if share_asked and not a_share:
                continue  # 多大比例 asks for a share: 满18周岁 is not one
            if money_asked and not (a_share or dimension(m.group("unit")) == "money"):
                continue  # 中选价格是多少 asks for money (or a share of it): 2—3年内 is not a price
            if span and m.group("unit") not in TIME_UNITS and dimension(m.group("unit")) != "length":
                continue  # 多长 asks for a time or a length
            if measure_word and dimension(measure_word) not in (None, dimension(m.group("unit"))):
                continue  # 多少公里 asks for a length: 3万个 is not one
            pos = m.start("num")
            distance = min((abs(pos - s) for s, _, _ in spans), default=len(sentence))
            score = share + year_bonus - 0.002 * distance + whose.get(m.start(), 0.0)
            # its own phrase: the figure states the quantity of what precedes it up to the last comma; a time
            # limit (之日起十个工作日内向…申请复查) also of what follows it: the period is for doing that
            *earlier, lead = _PHRASE.split(sentence[: m.start()])
            # 违法所得不足十万元的，处十万元以上…; 其中对领导成员辞去公职的申请，应当…九十日内: of that case
            if earlier and (earlier[-1].endswith("的") or earlier[-1].lstrip().startswith("其中")):
                lead = earlier[-1] + lead
            within = m.group("unit") in TIME_UNITS and (
                m.group("after") in ("以内", "之内") or sentence[m.end() : m.end() + 1] == "内"
            )
            # (之日起15日内，按照…支付: the act after the comma that closes the period)
            act = normalise_text(_PHRASE.split(sentence[m.end() :].lstrip("内，,"))[0]) if within else ""
            own = normalise_text(lead) + act
            score += phrase_credit(own)
            if acting:  # 多长时间内作出裁定: the period for that act (四十八小时内作出裁定), not another's
                score += ACT_WEIGHT * sum(idf[t.text] for t in acting if t.text in act) / acting_weight
            if party:
                named = set(PARTY.findall(lead))
                score += PARTY_WEIGHT if party in named else -PARTY_WEIGHT if named else 0.0
            if measure_word and same_unit(m.group("unit"), measure_word):
                score += 0.5
            if often and frequency_asked:  # 多长时间召开一次: the count with its period, not a period alone
                score += 0.5
            if m.group("total") in _TOTAL:
                score += 0.2
            if any(w in question and w in lead for w in units.TOTALS):  # 累计建成…多少亩: …万亩、累计达到120.5万亩
                score += TOTAL_ASKED
            elif any(w in question for w in units.TOTALS) and (part := sentence[: m.start()].rfind("其中")) >= 0:
                # 一共有多少个: 26个指标…，其中15个…: a part after 其中 is not the total, unless a word asked names
                # that part alone (…3万套，其中公租房1.2万套 for 公租房一共多少套)
                whole, own_part = normalise_text(sentence[:part]), normalise_text(sentence[part : m.start()])
                if not any(t.text in own_part and t.text not in whole for t in terms):
                    score -= TOTAL_ASKED
            start_value = _FROM.search(sentence[: m.start()])
            if (
                start_value
                and _BECAME.match(sentence[m.end() :])
                and not any(str(y) in start_value.group(0) for y in years)  # 从2020年的… when 2020 is asked: it is
            ):
                score -= 2 * FROM_PENALTY if units.BECAME_Q.search(question) else FROM_PENALTY  # 提高到多少: what it became
            if excepted and sum(t.text in context for t in excepted) * 2 >= len(excepted):
                score -= EXCEPTED_PENALTY  # the case the question sets aside
            if not graver_asked and AGGRAVATED.search(sentence[: m.start()]):
                score -= AGGRAVATED_PENALTY  # …罚款；情节特别严重的，并处…: the graver case, which the question does not ask
            if apart:
                bound = apart.group(1)
            qualifier = bound + (m.group("after") or "")
            if qualifier and units.UPPER_Q.search(question):
                score += 0.3 if any(w in qualifier for w in _UPPER) else -0.3
            elif qualifier and units.LOWER_Q.search(question):
                score += 0.3 if any(w in qualifier for w in _LOWER) else -0.3
            start = sent.start() + m.start()
            value = m.group(0).strip()
            if m.group("total") in ("达到", "达", "为") and not m.group("bound"):
                value = value[len(m.group("total")) :].strip()
                start = sent.start() + m.start("num")
            end = sent.start() + m.end()
            closes = text[end : end + 1] in ("内", "前") or units.PERIOD_AFTER.match(text, end)  # 30日内, 三十日前, 30日后
            if not m.group("after") and m.group("unit") in TIME_UNITS and closes:
                value, end = value + text[end], end + 1
            reach = max(0, m.start() - units.SINCE_REACH)
            if m.group("unit") in TIME_UNITS and (since := units.SINCE.search(sentence, reach, m.start())):
                value, start = since.group(0) + value, sent.start() + since.start()  # 自公布之日起30日后: from when
            if upper := ranges.get(m.start()):
                value, end = value + sentence[m.end() : upper.end()], sent.start() + upper.end()  # the range whole
            if other := either.get((upper or m).start()):
                value, end = value + sentence[(upper or m).end() : other.end()], sent.start() + other.end()
            elif counted and not upper and m.group("unit") == "个" and not m.group("after"):
                noun = shared_start(counted.group(1), text[end:])
                value, end = value + noun, end + len(noun)  # 10个省（区、市）: the count with what it counts
            rate = _RATE.search(text[: start])
            if rate and not m.group("bound"):  # 每月400元, 每人每月217元: a rate, not an amount
                value, start = rate.group(0) + value, rate.start()
                if bound_rate := _BOUND_RATE.search(text[:start]):  # 超每千人6.6批次: the rate's bound
                    value, start = bound_rate.group(0) + value, bound_rate.start()
            elif carried := _CARRIED_RATE.search(sentence[: m.start()]):  # 从每人每月209元提高到217元: its rate
                value = carried.group(1) + value
            if often and not rate:  # 一般每月召开三次: a count of times is a frequency with its period
                value, start = often.group(0) + value, sent.start() + often.start()
            elif verb_bound:  # 至少保存三年 → 至少三年: the quantity with its qualifier, the verb in the sentence
                value = bound + value
            elif bound_of:  # 不低于采购金额的30%: as written, what it is a share of included
                value, start = sentence[bound_of.start() : m.start()] + value, sent.start() + bound_of.start()
            elif m.group("unit") == "倍" and (base := units.MULTIPLE_OF.search(sentence[: m.start()])):
                value, start = base.group(1) + value, sent.start() + base.start(1)  # 违法所得1倍…: of what
            kept.add(m.start())
            found.append(
                FigureMatch(
                    value=value,
                    number=_number(num),
                    unit=m.group("unit"),
                    sentence=sentence.strip(),
                    start=start,
                    end=end,
                    score=score,
                    context=context,
                )
            )
        mine = sorted(found[here:], key=lambda f: f.start)
        if two:
            joined(text, mine, question)  # …拘留，并处五百元以上二千元以下罚款: the two quantities asked
        if after_semicolon and not graver_asked:
            with_graver_case(text, prior, mine, sentence)  # 处五日以下拘留；情节较重的，处五日以上十日以下拘留
        prior = mine
    return sorted(found, key=lambda f: -f.score)

