"""Units of measure and dates as the texts write them: what a figure is counted, weighed or dated in.

`figures` reads quantities with these: any unit may follow 万 / 亿 / 千 (13万公顷, 5506.3万标准箱), a rate its
divisor (800万吨/年), and a unit belongs to a dimension (money, area, length, weight) that a question asking for
another does not take. Dates are a deadline (2019年6月底前, 每年3月31日前) or a span (2019年1月1日至2023年12月31日)."""

from __future__ import annotations

import re

# units of measure; 万 / 亿 / 千 may precede any (13万公顷, 5506.3万标准箱, 3千米), and a rate's divisor may follow
# (800万吨/年, 42万元/人)
_BASE_UNITS = (
    "%|％|‰|美元|欧元|港元|元人民币|元|分钱|人次|平方公里|平方米|立方米|公里|毫米|厘米|米|小时|个百分点|百分点"
    "|千瓦时|千瓦|公顷|标准箱|批次|微克/立方米|个工作日|工作日|周岁|岁|个月|个小时|日|年|公斤|千克"
    "|件|项|个|名|人|户|次|家|所|条|批|类|套|处|座|篇|份|场|期|宗|起|天|吨|亩|倍|册|部|支|门|栋|间|辆|台|张|位|级"
    "|只|株"
)
UNITS = rf"(?:万亿|亿|万|千)?(?:{_BASE_UNITS})|万|亿"
NUM = r"\d+(?:[.,]\d+)*|[一二两三四五六七八九十百千万零〇]+|半(?=年|个月)"  # 半年: a period too
# measure words that begin other words (部门, 位置, 级别): a count only before anything else (多少部法律, 几位字符)
COUNTED = r"部(?![门委署分])|位(?![置于])|级(?!别)"
SHARE_UNITS = frozenset({"%", "％", "‰", "倍", "个百分点", "百分点"})
ASKED_ONLY = frozenset({"位", "级"})  # units that answer only a question asking for them (几位字符, 几级以上)
CHANGE = r"(?:提高|提升|增加|增长|上升|扩大|下降|降低|减少|缩小|缩减|压减|压缩)"  # a value becoming another (提高到)
TIME_UNITS = frozenset({"个工作日", "工作日", "日", "天", "个月", "年", "小时", "个小时"})
# a date asked: only dates answer (什么时候前)
DEADLINE_Q = re.compile(r"(?:什么时候|什么时间|何时|哪一?年)(?:之|以)?前(?!往|去|来|后)")
# the latest time asked (最迟在什么时候): a deadline answers, or, where a sentence states none, a period (十五日内)
LATEST_Q = re.compile(r"(?:最迟|最晚)(?:要|应|应当|须|必须|需|需要|得)?在?(?:什么时候|什么时间|何时|哪一?天|哪一?年)")
# a span of dates asked (从哪天到哪天, 从哪个月持续到哪个月, 起止时间): `figures` answers with one (2019年1月1日至2023年12月31日)
_WHEN = r"(?:哪一?天|哪个月|哪一?年|什么时候|什么时间|何时)"
DATE_SPAN_Q = re.compile(rf"从{_WHEN}(?:开始)?[^，,？?]{{0,4}}(?:到|至){_WHEN}|起止(?:时间|日期|年份|年月)")
# the end of a period asked (执行到什么时候, 使用期限截止到什么时候): the date it runs to or a deadline answers, or,
# where a sentence states neither, a period
UNTIL_Q = re.compile(rf"(?:(?:执行|实施|有效|持续|延续|使用|适用)(?:期限)?(?:到|至)|截止|截至)(?:到|至)?{_WHEN}(?:为止|止)?")
# a level asked (稳定在什么水平, 控制在什么范围): a figure answers (200万吨左右)
LEVEL_Q = re.compile(r"(?:保持|稳定|控制|维持)在?(?:什么|何种|怎样的?)(?:水平|范围)")
# a requirement on a measured quantity (执业年限有什么要求, 年龄上有什么限制, 满意度提出了什么要求): a figure answers
MEASURED_Q = re.compile(
    r"(?:年限|年龄|岁数|时长|期限|时限|比例|比率|满意度|金额|数额|额度|面积|人数|浓度|时间)(?:上|方面)?"
    r"(?:有|提出了?|提了|作了|设定了?)?(?:什么|哪些|何种)(?:要求|限制|标准)|(?:最低|最高)(?:要求|标准|限额)是(?:什么|多少)"
    r"|(?:什么|多长的?)(?:时限|期限)(?:以)?内"
)
LIMIT_Q = re.compile(r"(?:有没有|有无|是否有)(?:时间限制|时限|期限|时效)")  # the limit answers: periods only
# a deadline asked for (`DEADLINE_Q`: 什么时候前, 何时前): a date stated as one (2019年6月底前, 每年3月31日前)
_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_MONTH = rf"{_DAY}月(?:{_DAY}日|底|末|中旬|上旬|下旬)?"
DEADLINE = re.compile(
    rf"(?:(?:每年|(?:19|20)\d\d年|[今明本当]年)(?:{_MONTH}|年?(?:底|末))|{_MONTH}|年(?:底|末)|(?:19|20)\d\d年)"
    r"(?:前|以前|之前)(?!后|期|[一二两三四五六七八九十\d])"  # 2010年前 (not 2010年前后, 前期, 前三季度)
)
# a span of dates asked (`DATE_SPAN_Q`: 从哪天到哪天): a span stated (2019年1月1日至2023年12月31日, 1997年4月―1998年2月)
_DATE = rf"(?:(?:19|20)\d\d年(?:{_MONTH})?|{_MONTH})"
DATE_SPAN = re.compile(rf"{_DATE}\s*(?:至|到|—|―|－|-|~|～)\s*{_DATE}止?|(?:19|20)\d\d\s*(?:—|―|－|-|~|～|至)\s*(?:19|20)\d\d年")
# the date a period runs to (自口岸启用之日起至2047年6月30日止), or a deadline: what an end asked for is
UNTIL = re.compile(rf"{DEADLINE.pattern}|(?:至|到){_DATE}(?:为止|止)?")
# Quantities of a dimension (money, length, area, weight): a figure in another dimension does not answer.
_DIMENSIONS = (
    ("元", "money"),
    ("人民币", "money"),
    ("分钱", "money"),
    ("岁", "age"),
    ("平方米", "area"),
    ("平方公里", "area"),
    ("公顷", "area"),
    ("亩", "area"),
    ("公里", "length"),
    ("毫米", "length"),
    ("厘米", "length"),
    ("千米", "length"),
    ("吨", "weight"),
    ("公斤", "weight"),
    ("千克", "weight"),
    ("立方米", "volume"),
    ("米", "length"),  # after 平方米 / 立方米
)


def dimension(unit: str) -> str | None:
    return next((dim for suffix, dim in _DIMENSIONS if unit.endswith(suffix)), None)


def same_unit(unit: str, asked: str) -> bool:
    """Whether a figure's unit is the one asked for: 1万个 answers 多少个, 三十日 answers 多少天."""
    days = ("日", "天")
    unit = unit.removesuffix("人民币")  # 800万元人民币 answers 多少元
    return unit.endswith(asked) or (asked in days and unit in days)


# what a multiple is of, after the verb that fines (并处违法所得1倍以上5倍以下的罚款, 处货值金额五倍以上十倍以下罚款)
MULTIPLE_OF = re.compile(r"(?:^|(?<=[，,；;并以者的位人]))处以?(?![理置罚分])([\u4e00-\u9fff]{2,8}?的?)$")  # not 处置费用的2倍
# when a period starts, right before it (自公布之日起30日后, 应当在收到起诉状副本之日起十五日内)
SINCE = re.compile(r"(?:自|从|(?<=[在于，,]))[^，,。；;：:自从在于]{1,20}?之日起$")
SINCE_REACH = 24  # characters before a period that its start may take
PERIOD_AFTER = re.compile(r"后(?![果续者勤期来面方备])")  # 30日后施行: after the period; not 15日后果


# What a figure question asks for, read by `figures`: a value a change reached (提高到多少), a time, how often,
# money, a share, a length or a time (多长), a bound, two quantities at once.
BECAME_Q = re.compile(rf"{CHANGE}(?:到|至)")
FEW_NOT = r"(?<!今后)(?<!未来)(?<![近这那好哪])"  # 今后几年, 近几年, 这几天: a few, not how many (收到申请后几日内 is)
TIME_Q = re.compile(rf"多长时间|多久|{FEW_NOT}几(?:日|天|年|个月|小时)|年限|时长|(?:什么|多长的?)(?:时限|期限)|{LIMIT_Q.pattern}")
# how often (多长时间开几次, 一年开几次): a count of times in a period answers, stated with its period
FREQUENCY_Q = re.compile(
    r"(?:多长时间|多久|每隔多久|每(?:年|月|周|季度)|一年|一个月)[^，,？?]{0,6}(?:几|多少)次"
    r"|(?:多长时间|多久)[^，,？?]{0,10}一次"  # 多长时间召开一次: the period of one time (每半年召开一次)
)
# a price or a sum asked (中选价格各是多少, 罚款金额是多少): only money answers
MONEY_Q = re.compile(
    r"(?:价格|价钱|金额|费用|收费|工资|薪酬|罚款|罚金|补贴|补助|津贴|奖金|多少钱)[^，,。；;？?、]{0,4}多少|多少钱"
    r"|多少(?:费用|金额|资金|罚款|罚金|补贴|补助|工资)"  # 要交多少费用: money, not the 三十日内 to apply in
)
SHARE_Q = re.compile(r"比例|比重|占比|比率|百分比|百分之(?:几|多少)|的多少倍")  # a share is asked: a percentage, a fraction or a multiple
SPAN_Q = re.compile(r"多长(?!时间)")  # a time (试用期最长多长) or a length (贯通了多长的岸线): either answers
UPPER_Q = re.compile(r"最长|最多|上限|最高|不超过|最晚|最迟|(?:多少|几)[^，,？?]{0,3}(?:以下|以内)")
LOWER_Q = re.compile(r"最短|最少|至少|下限|最低|最快|不少于|不低于|不得低于|不得少于|(?:多少|几)[^，,？?]{0,3}以上")
# two quantities asked (拘留和罚款幅度各是多少, 多少户、多少人, 最长多久？…能延长到多久？): the figure and the one after it
TWO_Q = re.compile(r"[和与及][^，,。？?、]{1,8}(?:各|分别)(?:是|为)?多少|(?:多少|几)[^，,。？?]{1,8}(?:、|和|及)(?:多少|几)")
ONE_Q = re.compile(rf"多少|多久|多长时间|{FEW_NOT}几(?:[个天日年人次项件])")
TOTALS = ("共计", "总计", "合计", "累计", "一共", "总共")  # it asks for the total, not a year's part
# what a count asked for counts (几个省（区、市）): the figure is written with it (10个省（区、市）)
COUNTED_Q = re.compile(r"(?:几|多少)个([^，,。？?；;！!]{1,12})")
# the act a period asked is for (多长时间内作出裁定): a period stated for that act (四十八小时内作出裁定) gains
TIMED_ACT = re.compile(r"(?:多长时间|多久|(?:几|多少)个?(?:工作日|日|天|小时|月))(?:以|之)?内([^，,。？?；;]{2,30})")
