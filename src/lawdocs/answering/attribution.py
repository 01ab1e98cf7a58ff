"""Whose figure is whose, when a sentence states several: the party of a penalty clause a question names (对单位处…，
对个人处…), the entity of figures stated 分别 in its order (A、B分别增长9.7%、15.3%), the case a sentence after a
semicolon is of (…处一万元以上十万元以下的罚款；使用者为个人的，可以处…: the individual's fine, for what the sentence
before it says), the case a question sets aside (除仅受通报批评的以外: not the figure stated for it) and the graver
case of a penalty (情节较重的: only a question naming it takes its figure; the plain one is written with it); and
two quantities asked together (拘留和罚款幅度各是多少), written as one figure.

`figures` scores its candidates (`FigureMatch`) with these."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .evidence import normalise_text
from .question import Term
from .units import CHANGE, TIME_UNITS, dimension
from .wording import tagger

# the parties a penalty clause sets amounts for (对单位处一万元以上十万元以下的罚款，对个人处五百元以上…): a question
# naming one (对个人罚多少钱) takes the amount whose own phrase names it (个人信息, 企业所得税 name no party)
PARTY = re.compile(
    r"单位(?!时间)|(?<![一二两三四五六七八九十几多每某我你他她\d])个人(?!信息|所得|隐私|账户|住宅|名义|民)"
    r"|(?<!非)法人(?!员)|自然人|个体工商户|企业(?!所得)"
)  # not 执法人员, 非法人组织, 三个人, 一个人民调解委员会
PARTY_WEIGHT = 0.3
_BACK = re.compile(r"前[两三四]?款|前项|前述|上述")  # a sentence referring to the text before it
_CASE = re.compile(r"\s*[^，,。；;：:]{1,30}的[，,]")  # after a semicolon, a case of what the sentence before sets


_RESPECTIVELY = re.compile(r"分别(?:为|是|达到?|增长|下降|提高到?|降低到?|占)?")
_TO_NEXT = re.compile(rf"{CHANGE}?(?:到|至)")  # 从209元、280元提高到217元、290元
RESPECTIVE_WEIGHT = 0.5


def respectively(sentence: str, matches: Sequence[re.Match[str]], terms: Sequence[Term]) -> dict[int, float]:
    """Score changes for the figures of ``A、B…分别增长9.7%、15.3%``: the i-th figure is the i-th entity's, so the
    one whose entity the question names gains and the others lose. The last entity carries the words shared by
    all (软件和信息服务业增加值), so only its head, as long as the others, is compared; a word in more than one
    head (制造业 of 先进制造业、高技术制造业) tells none apart."""
    said = _RESPECTIVELY.search(sentence)
    if not said:
        return {}
    listed = [m for m in matches if m.start("num") >= said.end()]
    runs = [listed[:1]] if listed else []
    for m in listed[1:]:  # 9.7%、15.3%: figures joined by a pause; 从209元、280元提高到217元、290元: two runs
        between = sentence[runs[-1][-1].end() : m.start()]
        if between in ("、", "和", "，", ","):
            runs[-1].append(m)
        elif _TO_NEXT.fullmatch(between) and len(runs) == 1:
            runs.append([m])
        else:
            break
    entities = re.split(r"[，,；;：:]", sentence[: said.start()])[-1].split("、")
    if len(runs[0] if runs else ()) < 2 or len(entities) != len(runs[0]):
        return {}
    width = max(len(e) for e in entities[:-1]) + 2
    heads = [normalise_text(head) for head in (*entities[:-1], entities[-1][:width])]
    named = [any(t.text in head and sum(t.text in h for h in heads) == 1 for t in terms) for head in heads]
    if sum(named) != 1:
        return {}
    return {
        m.start(): RESPECTIVE_WEIGHT if hit else -RESPECTIVE_WEIGHT
        for run in runs if len(run) == len(named) for m, hit in zip(run, named, strict=True)
    }


def asked_party(question: str) -> str | None:
    """The one party (单位, 个人 …) a question names, if it names exactly one."""
    named = set(PARTY.findall(question))
    return named.pop() if len(named) == 1 else None


def in_context(sentence: str, before: str, read: str, semicolon: bool) -> str:
    """What a sentence is read with, normalised: all the text up to it and itself (`read`) when it refers back
    (单位有前款行为的), the sentence before it (`before`, itself read so) and itself when it follows a semicolon and
    states a party's case of that one (…；使用者为个人的，), else itself. A parallel case (…；属于有条件共享类的，)
    keeps its own words: read with the one before, it would outweigh a sentence of another article that answers."""
    if _BACK.search(sentence):
        return read
    own = normalise_text(sentence)
    case = _CASE.match(sentence) if semicolon else None  # a party's case (使用者为个人的), not a parallel one
    return before + own if case and PARTY.search(case.group(0)) else own


# a case a question sets aside (除仅受通报批评或较低数额罚款的以外，…满多长时间): a figure stated for it does not
# answer; 除拘留外并处多少罚款 and 除…外还 add to what is asked rather than set aside
_EXCEPT = re.compile(r"除(?:了)?([^，,。；;？?]{2,40}?的)(?:以外|之外|外)[，,](?!\s*(?:还|并|也|另))")
EXCEPTED_PENALTY = 0.5


def excepted_words(question: str) -> str:
    """The words of the case a question sets aside (除…的以外), normalised; empty when it sets none aside."""
    found = _EXCEPT.search(question)
    return normalise_text(found.group(1)) if found else ""


# A statute's graver case (处…罚款；情节严重的，处…): its figure answers only a question that names it (a penalty of
# 0.5, set in the eighteenth pass), and a question that does not name it gets the plain case written with it.
AGGRAVATED = re.compile(r"情节(?:特别|较|更为|十分)?(?:严重|恶劣|较重)|(?:造成|后果)(?:特别)?严重(?:后果)?|数额(?:特别)?巨大")
AGGRAVATED_PENALTY = 0.5
_GRAVER_CASE = re.compile(rf"\s*(?:{AGGRAVATED.pattern})的[，,]")  # after a semicolon: the graver case of the one before
# two quantities asked (拘留和罚款幅度各是多少): a figure is written with the one after it
_JOINED = re.compile(r"[^\d。；;！？!?]{0,40}")
TWO_WEIGHT = 0.2


@dataclass
class FigureMatch:
    """A figure `figures` found in a clause."""

    value: str  # as written, e.g. "共5件", "97.39%"; a bound before a verb joins it (至少保存三年 → 至少三年)
    number: float | None
    unit: str
    sentence: str
    start: int  # span of the figure in the clause text (a rate carried from a starting value is outside it)
    end: int
    score: float
    context: str  # what its sentence is read with (`in_context`, and a lead's list of conditions)


def _same_kind(a: FigureMatch, b: FigureMatch) -> bool:
    return (a.unit in TIME_UNITS) == (b.unit in TIME_UNITS) and dimension(a.unit) == dimension(b.unit)


def joined(text: str, figures: Sequence[FigureMatch], question: str) -> None:
    """Two quantities asked: each figure of a sentence (in order) is written with the one after it when little
    stands between them (五日以上十日以下拘留，并处五百元以上二千元以下罚款; 不得超过三十日，案情复杂的，…可以延长至
    六十日), and with the word after that one when the question names it (罚款)."""
    for f, g in zip(figures, figures[1:], strict=False):
        if g.start < f.end or not _JOINED.fullmatch(text[f.end : g.start]):
            continue
        word = next(iter(tagger().cut(text[g.end : g.end + 6])), None)  # the word after it, if the question has it
        end = g.end + (len(word.word) if word and len(word.word) > 1 and word.word in question else 0)
        f.value, f.end, f.score = f.value + text[f.end : end], end, f.score + TWO_WEIGHT


def with_graver_case(text: str, before: Sequence[FigureMatch], figures: Sequence[FigureMatch], sentence: str) -> None:
    """The figures of a sentence after a semicolon that sets a graver case (…；情节较重的，处五日以上十日以下拘留):
    each figure of the sentence before (`before`) is written on to the first of these of its kind (a time to a time,
    an amount to an amount: 处五日以下拘留；情节较重的，处五日以上十日以下)."""
    if not _GRAVER_CASE.match(sentence):
        return
    for f in before:
        if g := next((g for g in figures if _same_kind(f, g) and g.start > f.end), None):
            f.value, f.end = f.value + text[f.end : g.end], g.end
