"""Whose figure is whose, when a sentence states several: the party of a penalty clause a question names (对单位处…，
对个人处…), the entity of figures stated 分别 in its order (A、B分别增长9.7%、15.3%), and the case a sentence after a
semicolon is of (…处一万元以上十万元以下的罚款；使用者为个人的，可以处…: the individual's fine, for what the sentence
before it says), and the case a question sets aside (除仅受通报批评的以外: not the figure stated for it).

`figures` scores its candidates with these."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .evidence import normalise_text
from .question import Term
from .units import CHANGE
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


def in_context(text: str, start: int, end: int, before: str, semicolon: bool) -> str:
    """What the sentence ``text[start:end]`` is read with: the text before it when it refers back (单位有前款行为的),
    the sentence before it (`before`, itself read so) when it follows a semicolon and states a case of it (…的，),
    else itself; normalised."""
    sentence = text[start:end]
    if _BACK.search(sentence):
        return normalise_text(text[:end])
    return before + normalise_text(sentence) if semicolon and _CASE.match(sentence) else normalise_text(sentence)


# a case a question sets aside (除仅受通报批评或较低数额罚款的以外，…满多长时间): a figure stated for it does not
# answer; 除拘留外并处多少罚款 and 除…外还 add to what is asked rather than set aside
_EXCEPT = re.compile(r"除(?:了)?([^，,。；;？?]{2,40}?的)(?:以外|之外|外)[，,](?!\s*(?:还|并|也|另))")
EXCEPTED_PENALTY = 0.5


def excepted_words(question: str) -> str:
    """The words of the case a question sets aside (除…的以外), normalised; empty when it sets none aside."""
    found = _EXCEPT.search(question)
    return normalise_text(found.group(1)) if found else ""


# A statute's graver case (处…罚款；情节严重的，处…): its figure answers only a question that names it. The
# conditions listed after the graver case (…罚款：(一)…) share the question's words, hence a penalty as large as
# 0.5: eighteenth pass, over the thirty parts read, one figure went right (0.3 changed none) and none went wrong.
AGGRAVATED = re.compile(r"情节(?:特别|较|更为|十分)?(?:严重|恶劣|较重)|(?:造成|后果)(?:特别)?严重(?:后果)?|数额(?:特别)?巨大")
AGGRAVATED_PENALTY = 0.5
GRAVER_CASE = re.compile(rf"\s*(?:{AGGRAVATED.pattern})的[，,]")  # after a semicolon: the graver case of the one before
# two quantities asked (拘留和罚款幅度各是多少): a figure is written with the one after it
_JOINED = re.compile(r"[^\d。；;！？!?]{0,40}")
TWO_WEIGHT = 0.2


def joined_ends(text: str, spans: Sequence[tuple[int, int]], question: str) -> list[int | None]:
    """For each figure of a sentence (its span, in order), where it ends when written with the one after it: the
    end of that one when little stands between them (五日以上十日以下拘留，并处五百元以上二千元以下罚款; 不得超过三十日，
    案情复杂的，…可以延长至六十日) and the word after it when the question names that word (罚款); None for the last."""
    ends: list[int | None] = []
    for (_, end), (start, close) in zip(spans, spans[1:], strict=False):
        if start < end or not _JOINED.fullmatch(text[end:start]):
            ends.append(None)
            continue
        word = next(iter(tagger().cut(text[close : close + 6])), None)  # the word after it, if the question has it
        ends.append(close + (len(word.word) if word and len(word.word) > 1 and word.word in question else 0))
    return ends
