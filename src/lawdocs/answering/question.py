"""What a question asks: its kind (`kinds`) and its content terms.

Content terms are the question's words (jieba, precise mode, with the legal dictionary) minus stop words and
the words that only frame a question (哪些, 措施, 涉及, 多少, 件, 下一步 …). Consecutive single characters
are joined (粤/康/码 → 粤康码); one alone is left to `phrases.glue_characters`. Each term keeps its head and
longer inner dictionary words as *parts* (行政执法 → 执法), which count as weaker evidence when the whole term is
absent (see `_parts`). Years (2020年) are kept apart: they match a clause's text or its document's year. A name the question quotes (“双随机、一公开”, “无废城市”) is one term as written, its
parts the head of the name or, failing one, the content words inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..text import STOP_WORDS as _STOP
from ..text import fold
from ..text import jieba_tokenizer as _jieba
from .comparison import ADDRESSEES, COMPARED_WORDS, STATED, read_comparison
from .kinds import A_NOT_A, ARTICLE_Q, AnswerKind, MetaField, detect_kind
from .units import COUNTED, FEW_NOT
from .wording import DOC_NUMBER, alternatives, with_short_names, without_period_time, without_short_places

# Words that frame a question rather than name its subject.
FRAME_WORDS = frozenset(
    """
    哪些 哪个 哪家 哪里 哪儿 哪 什么 怎么 怎样 如何 多少 几 是否 是不是 有没有 有何 何 何时 什么时候 时候 时间 日期
    措施 举措 做法 部署 方法 手段 途径 工作 情况 进展 工作进展 进度 内容 主要 具体 有关 关于 相关 方面 涉及 提到 提及 包括
    包含 提出 提出了 给出 采取 采用 开展了 做了 做好 有 哪天 哪年 哪一年 一年 地区 地方 省份 省市 城市 哪些地方 各地
    数量 数目 总数 比例 比率 占比 共 共计 合计 一共 总共 件 项 个 次 名 家 所 条 类 批 套 处 座 人 年 天 月 日 万 亿 元
    问题 不足 短板 薄弱 困难 存在 下一步 下步 一步 下 计划 打算 今后 未来 明年 今年 去年 本年度 将 将要 安排 思路
    谁 机关 部门 单位 发布 印发 制定 出台 颁布 签发 发文 公布 文号 字号 发文字号 落款 署名 这份 该 本 此 这个 这 这些 那些 报告 文件
    规定 呢 啊 吗 了 的 请 告诉 介绍 说明 列举 列出 简述 概括 总结 分别 怎么办 怎么样 该 应该 应当 可以 能 能不能 会 会不会
    指出 承认 坦言 谈到 讲到 说到 强调 认为 当时 当年 那时 那份 已经 曾经 比如 例如 诸如 譬如 逐条 逐项 逐一 无论是 不论是 不管是 说说 讲讲 谈谈 各自 之后 各省 各省份 各市 各区 两地 三地 四地 多地 两省 三省 两市 三市 两省市 三省市
    或者 或是 以及 并且 而且 按照 根据 依照 对于 预期 预计 列明 载明 写明 多久 多长 多长时间 多大 多高 多远 多宽 多厚 多深 几岁 才能 能否 可否 要不要 归谁 自己 意思 最长 最短 最多 最少 最迟 最晚 一般 至少 起码 最起码 下来 起来 至多 上限 下限 不少 截至 截止 期间 全省 全市 全区 全县 库里 库中 库内 本库 给 本身 一样 除了 还有
    """.split()
)
_FRAMING = FRAME_WORDS | _STOP
# Characters that frame when the segmenter leaves them alone (报告里说, 回顾…工作时说): where and when a document
# says something, not what it says. Inside words they are content (家里, 称为), so they are not framing words.
_RUN_FRAMING = frozenset("说 讲 称 时 里 中".split())
_SAYING = re.compile(r"[时里中上内]?[说讲称]")  # the segmenter's 时说 of 回顾…工作时说: framing as a word too
# Framing nouns the segmenter glues to the word before them (管理方面, 执行情况).
_FRAME_ENDS = ("方面", "情况", "进展", "问题")
# Kinds of place that frame a question (哪些城市) but end a name after a content word (智慧城市, 花园城市).
_NAMED_PLACES = frozenset({"城市", "地区"})
# Verbs of government prose that say *how* rather than *what* (如何推进…, 加强…建设): kept, but weighted
# down (GENERIC_WEIGHT) so they never carry a clause on their own.
GENERIC_WORDS = frozenset(
    """
    推进 加强 开展 做好 落实 推动 实施 提升 提高 完善 健全 深化 强化 建立 促进 优化 规范 加快 加大 坚持 全面 进一步
    积极 扎实 切实 不断 持续 继续 建设 工作 推行 贯彻 组织 依法 有效 创新 改革 行动
    """.split()
)
GENERIC_WEIGHT = 0.3

# Words that stay content in the kind where they are not just framing.
_KEEP_FOR: dict[str, frozenset[str]] = {
    "measures": frozenset(
        {"报告", "文件", "发布", "制定", "印发", "规定", "单位", "部门", "机关", "问题", "计划"}
    ),
    "figure": frozenset(
        {"报告", "文件", "发布", "制定", "印发", "规定", "单位", "部门", "机关", "问题", "计划"}
    ),
    "law": frozenset({"报告", "文件", "单位", "部门", "机关", "问题", "计划", "发布", "制定"}),
    "other": frozenset(
        {"报告", "文件", "发布", "制定", "印发", "规定", "单位", "部门", "机关", "问题", "计划"}
    ),
    "problems": frozenset({"报告", "文件", "发布", "制定", "规定", "单位", "部门", "机关", "计划"}),
    "plans": frozenset({"报告", "文件", "发布", "制定", "规定", "单位", "部门", "机关", "问题"}),
    "metadata": frozenset(),
}
# Words that frame in one kind only: a report admits its problems after its review (在肯定成绩的同时，我们也清醒认识到，
# …面临不少困难和挑战), and a problems question echoing those words asks for the problems, not about the words.
_FRAME_FOR: dict[str, frozenset[str]] = {
    "problems": frozenset("回顾 成绩 成效 总结 肯定 同时 清醒 认识 认识到 清醒认识 看到 面临 挑战 矛盾 突出".split()),
}
_CITES = re.compile(r"(?:法|法典|条例|办法|规则|细则|决定|解释)规定")  # a statute's name, then what it says
_YEAR = re.compile(r"((?:19|20)\d{2})(?:年度?|\b|$)")
_QUOTED = re.compile(r"[“\"「『‘]\s*([^“”\"「」『』‘’]*[\u4e00-\u9fff][^“”\"「」『』‘’]*?)\s*[”\"」』’]")
# Units a figure question may ask in (多少公里, 多少亿元): the unit of the answer, not content.
_MEASURES = "亿美元|万美元|美元|欧元|港元|万亿元|亿元|万元|千元|元|万人次|人次|万人|万户|万亩|万吨|万平方米|平方公里|平方米|公顷|公里|千米|吨|亩|辆|台"
_WHETHER = re.compile(r"有无|有没有|是不是")
# 这三项制度, 上述两类: a pointer back to what the question listed, not a word a clause would state
_POINTER = re.compile(
    r"(?:这|那|上述|前述|以上)[一两二三四五六七八九十几]+[个项类种条部份件点块]"
    r"|(?:这|那)(?:个|一)(?:领域|行业|方面|产业|地方)"  # 当时这个领域存在哪些问题: the subject named before
    # 原有的某部法律: a placeholder for what a text names, not a word it states (not 某部门, 某项目, 某条例)
    r"|某(?:一|些)?(?:[个类种份件家]|项(?!目)|条(?![例款])|部(?![门委]))"
)
# 大督查结束后: when, after what the question names; 在什么期限内, 保持在什么水平: the dimension asked, which the
# clause states as a figure (两个月内, 200万吨左右), not as the word 期限 or 水平; none is what a text states
_WHEN_FRAME = re.compile(r"结束(?:之|以)?后|(?<=在)(?:什么|多长|多久的?)(?:期限|时限)(?:以)?内|在?(?:什么|何种|怎样的?)(?:水平|范围)")
# 准备采取 / 拟如何: intending, as 打算 (a frame word) is; not the 准备 of 做好防汛准备
_INTENDS = re.compile(r"(?:准备|拟)(?=采取|怎样|怎么|如何|做|开展|推出|出台|实施|在|从|通过|对|为|哪些)|(?<=哪些|什么|有何|何种)要求(?=[？?，,。；]|$)|(?<=的)目标(?=[？?，,。；]|$)")
_COUNT = re.compile(rf"(?:(?:达到|提高到|提升到|增加到|增长到|降低到|下降到|降到|减少到)了?)?(多少|几)(?:{_MEASURES}|块钱|钱|[个件项条次名家所人批类套处座]|{COUNTED})?")
_PUNCT = re.compile(r"^[\W_]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Term:
    """A content term of the question and the dictionary words inside it."""

    text: str
    parts: tuple[str, ...] = ()
    glued: bool = False  # made of single characters the dictionary does not join (才 + 向 of 才向社会开放)
    alts: tuple[str, ...] = ()  # the full name an abbreviation stands for (人大常委会 → 人民代表大会常务委员会)

    def found_in(self, text: str) -> bool:
        """Whether `text` (normalised) states the term or the full name it abbreviates."""
        return self.text in text or any(a in text for a in self.alts)

    def named_in(self, text: str) -> bool:
        """Whether `text` states the term or its full name, not an alternative the question offers beside it."""
        return self.text in text or any(a in text for a in alternatives(self.text))

    @property
    def weight(self) -> float:
        """Multiplier of the term's idf: generic verbs count less."""
        return GENERIC_WEIGHT if self.text in GENERIC_WORDS else 1.0


@dataclass
class Question:
    text: str
    kind: AnswerKind
    terms: list[Term] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    article: str | None = None  # "第十九条" when the question names an article
    meta_fields: list[MetaField] = field(default_factory=list)
    measure_word: str | None = None  # 件 in 多少件: the unit a figure question expects
    pairs: list[tuple[str, str]] = field(default_factory=list)  # neighbouring terms, see `join_phrases`
    comparative: bool = False  # asks across documents (哪些省份…, 各地…, 比较…)
    compared: Literal["regions", "laws"] | None = None  # what the documents compared are, when the question says
    compared_types: frozenset[str] = frozenset()  # the document types it names (哪些地方性法规…), if any
    compared_head: str = ""  # the opening that names them (folded), which is not what the question is about
    compared_naming: str = ""  # a naming of them later in it (…在哪些法规和报告里), not its scope either
    dated_report: bool = False  # its years only date the report it names (广东省2026年政府工作报告回顾…)

    @property
    def section_years(self) -> list[int]:
        """The years a clause's sections must be about: none when the years only date the report named."""
        return [] if self.dated_report else self.years


def _parts(word: str) -> tuple[str, ...]:
    """The dictionary words inside `word` that can stand for it: its head (the word it ends with: 执法 of
    行政执法, 调解 of 人民调解, 法典 of 民法典) and any inner word of four or more characters (行政执法 of
    行政执法三项制度). Modifiers (行政, 人民, 民法) are not parts: 全民法治 is not about the 民法典."""
    if len(word) < 3 or not _CJK.search(word):
        return ()
    freq = _jieba().FREQ
    found: list[str] = []
    for size in range(len(word) - 1, 1, -1):
        for start in range(len(word) - size + 1):
            sub = word[start : start + size]
            head = start + size == len(word)
            if not (head or size >= 4) or sub in found or sub in FRAME_WORDS or sub in _STOP:
                continue
            if freq.get(sub) or (
                head and size == 2 and not any(freq.get(word[i : i + 2]) for i in range(len(word) - 1))
            ):
                found.append(sub)
    return tuple(found)


def content_terms(
    question: str, kind: AnswerKind = "other", across: bool = False, topics: bool = False
) -> tuple[list[Term], list[int], list[tuple[str, str]]]:
    """The question's content terms (with parts), the years it names, and its neighbouring term pairs.
    `across`: each item of a list may be answered alone (a comparison's documents, a measures question's topics);
    `topics`: an item of several words is a topic of its own (`phrases.topic_branches`), not another word for the
    word before the pause (深化依法行政、推进正风肃纪)."""
    q = DOC_NUMBER.sub(" ", folded := fold(question))  # 国发〔2018〕39号 names a document (scope); 2018 is not asked about
    q = without_period_time(without_short_places(q))  # 京沪粤三地, 京沪粤2026年: the scope, not content
    years = [int(y) for y in _YEAR.findall(q)]
    q = _YEAR.sub(" ", q)
    quoted = [m.group(1) for m in _QUOTED.finditer(q)]  # a quoted name is one term, as written
    q = _QUOTED.sub(" ", q)
    q = ARTICLE_Q.sub(" ", q)
    q = _COUNT.sub(" ", q)  # 多少件, and the verb reaching it (达到了多少, 提高到多少岁): what is asked, not content
    q = _WHETHER.sub(" ", q)  # 有无例外: the segmenter would glue 无 to the word it asks about
    q = A_NOT_A.sub(r" \1", q)  # 处理决定停不停止执行: the verb asked about is 停止, not 决定停
    q = ADDRESSEES.sub(" ", _POINTER.sub(" ", q))  # 对各地区各部门提了哪些要求: whom, not what
    q = _INTENDS.sub(" ", q)
    q = _WHEN_FRAME.sub(" ", q)
    keep = _KEEP_FOR.get(kind, frozenset())
    drop = _FRAME_FOR.get(kind, frozenset())
    words: list[str | None] = []  # None marks a dropped word (a break between runs of single characters)
    tokens: list[str] = []
    for word in _jieba().cut(q, HMM=False):
        word = word.strip()
        tokens.append(word)
        if word.endswith(_FRAME_ENDS) and len(word) >= 4 and word[:-2] not in FRAME_WORDS:
            word = word[:-2]  # 管理方面: what is asked about is 管理
        if not word or _PUNCT.match(word):
            words.append(None)
        elif word in drop or (
            not _is_content(word, keep) and not (word in _NAMED_PLACES and words and words[-1] is not None)
        ):
            words.append(None)
        else:
            words.append(word)
    merged: list[str] = []
    glued: set[str] = set()
    pairs: list[tuple[str, str]] = []  # neighbouring content words (低空 + 经济), candidates for a phrase
    run = ""
    previous: str | None = None
    for word in [*words, None]:
        if word is not None and len(word) == 1 and _CJK.match(word):
            run += word
            continue
        if run:
            # 最 + 多 of 最多能申请, 时 + 说 of 回顾…工作时说: framing, however the segmenter cut it
            framing = run in _FRAMING or all(ch in _FRAMING or ch in _RUN_FRAMING for ch in run)
            if len(run) == 1 and not framing:  # 代 + 履行: a character the segmenter left beside a word
                pairs += [(a, b) for a, b in ((previous, run), (run, word)) if a and b and len(a + b) > 2]
            merged += [] if framing else [run]
            glued |= {run} if len(run) > 1 and not framing else set()
            previous = run if len(run) > 1 and not framing else None
            run = ""
        if word is not None:
            if previous is not None and word != previous:
                pairs.append((previous, word))
            merged.append(word)
        previous = word
    merged = list(dict.fromkeys(merged))
    if any(len(w) > 1 for w in merged):
        merged = [w for w in merged if len(w) > 1]
    # A或B (加重处罚或处分), and in a comparison or a measures question A、B (离职、离任; 政务公开、政民互动方面):
    # either answers, so B is another word for A
    joints = ("或", "或者", "、") if across else ("或", "或者")
    either: dict[str, list[str]] = {}
    heads: dict[str, str] = {}  # a word → the first of its chain (A、B、C: B and C → A)

    def ends(at: int) -> bool:  # B ends its item: 离职、离任后, not 深化依法行政、推进正风肃纪
        lone = at + 1 >= len(words) or len(words[at + 1] or "??") > 1  # a lone character (后), not 正/风/肃/纪
        return at >= len(words) or words[at] is None or (len(words[at] or "") == 1 and lone)

    for i, (a, joint, b) in enumerate(zip(words, tokens[1:], words[2:], strict=False)):  # not 博物馆 of
        if joint in joints and a and b and len(a) > 1 and len(b) > 1 and a in merged and b in merged and b not in words[: i + 1] and (ends(i + 3) or not topics):  # 博物馆建设或博物馆事业
            head = heads.get(a, a)
            either.setdefault(head, []).append(b)
            heads[b] = head
    merged = [w for w in merged if w not in heads]
    names = [Term(n, _quoted_parts(n, kind)) for n in dict.fromkeys(quoted) if n not in merged]
    terms = [
        Term(w, _parts(w), glued=w in glued, alts=alternatives(w) + tuple(either.get(w, ())))
        for w in merged
    ]
    return with_short_names(folded, names + terms), years, pairs


def _is_content(word: str, keep: frozenset[str]) -> bool:
    """Not a stop word, and not a framing word unless the question's kind keeps it; a word made of two framing
    or stop words (哪些方面, 及其) frames too."""
    if word in _STOP or (word in FRAME_WORDS and word not in keep) or _SAYING.fullmatch(word):
        return False
    return word in keep or not any(
        word[:i] in _FRAMING and word[i:] in _FRAMING for i in range(1, len(word))
    )


def _quoted_parts(name: str, kind: AnswerKind) -> tuple[str, ...]:
    """Its parts as for any word (数字政府 → 政府), else the content words inside it (随机, 公开 of 双随机、一公开):
    weaker evidence when the name is absent."""
    if _CJK.fullmatch(name[-1]) and (heads := _parts(name)):
        return heads
    keep = _KEEP_FOR.get(kind, frozenset())
    words = [w.strip() for w in _jieba().cut(name, HMM=False)]
    parts = [w for w in words if len(w) > 1 and _is_content(w, keep)]
    return tuple(dict.fromkeys(p for p in parts if p != name))


def analyse(question: str, metadata: bool = True) -> Question:
    """What `question` asks; with `metadata` False, its kind as if it did not ask for a document's record."""
    kind, fields = detect_kind(question, metadata)
    compared = read_comparison(fold(question))
    # what it asks about: without the documents it compares, nor …作了规定
    asked = STATED.sub(" ", fold(question)[len(compared.head) :]).replace(compared.naming or "\0", " ")
    measures = kind == "measures"
    terms, years, pairs = content_terms(
        asked, kind, across=compared.comparative or measures, topics=measures and not compared.comparative
    )
    article = m.group(0) if (m := ARTICLE_Q.search(fold(question))) else None
    asked_in = rf"(个工作日|工作日|个月|小时|{_MEASURES}|周岁|岁|[个件项条次名家所人批类套处座天日年]|{COUNTED})"
    unit = re.search(rf"(?:多少|{FEW_NOT}几){asked_in}", fold(question))  # not 今后几年
    if len(_CITES.findall(fold(question))) == fold(question).count("规定"):  # 政府投资条例规定…: a verb
        terms = [t for t in terms if t.text != "规定"] or terms
    if compared.comparative:  # the entities compared are not content (哪些法规规定了… is not about 法规)
        terms = [t for t in terms if t.text not in COMPARED_WORDS] or terms
    return Question(
        comparative=compared.comparative,
        compared=compared.across,
        compared_types=compared.types,
        compared_head=compared.head,
        compared_naming=compared.naming,
        text=question,
        kind=kind,
        terms=terms,
        years=years,
        article=article,
        meta_fields=fields,
        measure_word=unit.group(1) if unit else ("元" if re.search(r"(?:多少|几)块?钱", fold(question)) else None),
        pairs=pairs,
    )
