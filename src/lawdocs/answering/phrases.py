"""Words of a question that belong together in the texts: neighbouring terms the texts use as one phrase
(低空 + 经济 → 低空经济, `join_phrases`) and a character the segmenter left beside a word (代 + 履行 → 代履行,
`glue_characters`), the topics a question lists (…主体地位、加大…投入, `topic_branches`), each of which a
clause may answer alone, and the words a comparison states only in an aside (`aside_branches`). The first two
read the collection (a term's document frequency), so they run once an index is at hand, after
`question.analyse`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..text import jieba_tokenizer as _jieba
from .question import _CJK, _FRAMING, GENERIC_WORDS, Term, _parts
from .wording import _FUNCTION_TAGS, alternatives, tagger

PHRASE_SHARE = 0.5


def _runs(pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Chains of three or more neighbouring words (a, b), (b, c) → [a, b, c], longest first."""
    runs: list[list[str]] = []
    for a, b in pairs:
        if runs and runs[-1][-1] == a:
            runs[-1].append(b)
        else:
            runs.append([a, b])
    out: list[list[str]] = []
    for run in runs:  # every sub-run of three or more that avoids generic words, longest first
        for size in range(len(run), 2, -1):
            out += [run[i : i + size] for i in range(len(run) - size + 1)]
    return sorted(out, key=len, reverse=True)


def _joined(text: str, made_of: tuple[str, ...]) -> Term:
    """The term for words joined into `text`: its own parts, else the words it was made of; and the full name of an
    abbreviation inside it (自贸试验区 → 自由贸易试验区)."""
    return Term(text, _parts(text) or made_of, alts=alternatives(text))


def join_phrases(
    terms: list[Term], pairs: list[tuple[str, str]], df: Callable[[str], int], runs: bool = True, text: str = ""
) -> list[Term]:
    """Join neighbouring terms into the phrase they make when the texts use it as one (低空 + 经济 → 低空经济).

    A pair is joined when the phrase occurs and covers at least ``PHRASE_SHARE`` of the clauses holding
    the rarer word: then the words mostly occur as that phrase, and a clause with both words apart (民营经济
    … 低空飞行) is not about it. Three or more neighbours are joined whenever the texts use the phrase at all
    (国际 + 消费 + 中心 → 国际消费中心): a longer phrase is a name. Not for figure questions and comparisons
    (`runs=False`), whose figure or rows are found by the separate words (calibration: joining them lost two figures
    and a comparison row). Generic words are never joined.
    """
    out = list(terms)
    for run in (
        _runs(pairs) if runs else []
    ):  # three or more neighbours the texts use as one phrase (国际 消费 中心)
        texts = [t.text for t in out]
        phrase = "".join(run)
        if any(w in GENERIC_WORDS or w not in texts for w in run) or df(phrase) == 0:
            continue
        at = texts.index(run[0])
        out = [t for t in out if t.text not in run]
        out.insert(min(at, len(out)), _joined(phrase, (run[-1],)))
    for a, b in pairs:
        if a in GENERIC_WORDS or b in GENERIC_WORDS:
            continue
        texts = [t.text for t in out]
        if a not in texts or b not in texts:
            continue
        phrase = a + b
        together = df(phrase)
        repeated = pairs.count((a, b)) > 1  # 军民融合（军民融合发展或军民融合创新）: the asker's unit, however rare
        if together == 0 or (together < PHRASE_SHARE * min(df(a), df(b)) and not repeated):
            continue
        at = texts.index(a)
        out = [t for t in out if t.text not in (a, b) or _apart(t.text, phrase, text)]
        out.insert(min(at, len(out)), _joined(phrase, (b,)))
    return out


def _apart(word: str, phrase: str, text: str) -> bool:
    """Whether `text` (a comparison's question) also writes `word` outside `phrase` (哪些文件提到了快递（快递业…）:
    快递 is asked about alone too), so that it stays a term of its own beside the phrase."""
    return bool(text) and text.count(word) > text.count(phrase)


def phrased(
    terms: list[Term], pairs: list[tuple[str, str]], df: Callable[[str], int], runs: bool = True, text: str = ""
) -> list[Term]:
    """`terms` with the characters beside a word glued to it, then the neighbours the texts use as one phrase
    joined (`glue_characters`, then `join_phrases`): what `ask` and `search --per-document` look for."""
    return join_phrases(glue_characters(terms, pairs, df, text), pairs, df, runs, text)


# characters that bind to a word without making a term of it: localisers, a modal and a verb's complement the
# tagger calls nouns or verbs (范围内, 行为时, 机构应, 顺延到), besides the function characters it tags as such
# (向社会, 应当自, 公布后)
_BINDING = frozenset("内时应到")
# light verbs that take the word after them (作决定), never the one before (对家政服务作了哪些安排: not 服务作)
_LIGHT_VERBS = frozenset("作做")


def glue_characters(
    terms: list[Term], pairs: list[tuple[str, str]], df: Callable[[str], int], text: str = ""
) -> list[Term]:
    """`terms` with a content character the segmenter left alone joined to the word beside it, when the texts
    use the compound: 代 + 履行 is 代履行, 政府 + 性 + 融资 is 政府性融资, not 履行 or 融资. The compound takes
    the word's place, with the word as its part. Function characters (向社会), localisers (范围内) and
    abbreviations (劳动合同 + 法) are not joined, nor a character that makes a dictionary word with the next
    character of the word (打 + 造成: the segmenter cut 打造成 one character off, and 打造 is meant)."""
    tags = tagger().word_tag_tab

    def loose(ch: str) -> bool:
        return len(ch) == 1 and ch not in _BINDING and tags.get(ch, "x")[:1] not in _FUNCTION_TAGS | {"j"}

    found: list[tuple[str, str, str]] = []  # (word before, character, word after), in the question's order
    for i, (a, b) in enumerate(pairs):
        if loose(b) and b in _LIGHT_VERBS:  # 作 after 服务: only the word after it (作决定), if any
            if i + 1 < len(pairs) and pairs[i + 1][0] == b:
                found.append(("", b, pairs[i + 1][1]))
        elif loose(b):
            found.append((a, b, pairs[i + 1][1] if i + 1 < len(pairs) and pairs[i + 1][0] == b else ""))
        elif loose(a) and not (i and pairs[i - 1][1] == a):
            found.append(("", a, b))
    freq = _jieba().FREQ  # 打 + 造成 of 打造成: the dictionary's 打造 says the cut fell one character off
    out = list(terms)
    for left, ch, right in found:
        texts = [t.text for t in out]
        left, right = (left if left in texts else ""), (right if right in texts else "")
        sides = [
            (w, c)
            for w, c, edge in ((left, left + ch, left[-1:] + ch), (right, ch + right, ch + right[:1]))
            if w and not freq.get(edge) and df(c)
        ]
        if not sides:
            continue
        word, compound = max(sides, key=lambda side: df(side[1]))
        words = [word]
        if len(sides) == 2 and df(left + ch + right) >= PHRASE_SHARE * df(compound):  # 政府性融资
            words, compound = [left, right], left + ch + right
        at = min(i for i, t in enumerate(out) if t.text in words)
        out = [t for t in out if t.text not in words or _apart(t.text, compound, text)]
        out.insert(at, _joined(compound, tuple(words)))
    return out


_CLAUSE_BREAK = re.compile(r"[，,；;：:？?。！!]")
_LISTED = re.compile(r"、|以及|和")


def listed_items(question: str) -> list[str]:
    """The topics a question lists in its one listing clause (广东2026年打算怎样 | 强化企业科技创新主体地位、加大全社会
    研发投入 | 有哪些具体任务), without the opening every topic shares and what is asked of each; [] for none or
    for lists in two clauses."""
    listing = [part for part in _CLAUSE_BREAK.split(question) if _LISTED.search(part)]
    if len(listing) != 1:
        return []
    items = _LISTED.split(listing[0])
    items[0] = _first_topic(items[0])
    items[-1] = _last_topic(items[-1])
    return items


def topic_branches(question: str, terms: list[Term]) -> list[list[Term]]:
    """The terms of each topic a question lists, joined by 、, 以及 or 和 (广东打算怎样强化企业科技创新主体地位、
    加大全社会研发投入; 在国资国企改革和支持民营企业发展方面): one branch per topic, with the terms the question
    states outside the list, so that a clause answering one topic answers (`candidates` scores a clause by its
    best branch). The words before the first topic (广东…打算怎样, …预案对) and after the last (…有哪些具体任务)
    belong to every branch. A topic needs two telling words, or one of four characters or more: one short word
    (管理), or one beside a generic verb (建设 + 加工), would hold half the clauses of a document. Words the
    question lists as alternatives of each other (`question.content_terms`, across) count only where written."""
    items = listed_items(question)
    if not items:
        return []

    def stated(text: str) -> list[Term]:
        return [t for t in terms if t.text in text]

    listed = [t for item in items for t in stated(item)]
    outside = [t for t in terms if t not in listed]
    branches = []
    for item in items:
        own = stated(item)
        telling = [t for t in own if t.weight == 1.0]  # 加工 alone, not 建设 + 加工
        if len(telling) >= 2 or (telling and len(telling[0].text) >= 4):
            branch = outside + own
            if len(branch) < len(terms):
                branches.append(branch)
    return branches if len(branches) >= 2 else []


def _mark(word: str) -> bool:
    """Whether the segmenter's `word` is a mark or a space, which bounds a topic; a number or a Latin word is a word."""
    return not _CJK.search(word) and not word.isalnum()


def _first_topic(text: str) -> str:
    """`text` after its last framing or function word (上海市政府2026年在 | 深化依法行政, 政务新媒体的 | 开设整合):
    where the first listed topic starts. A number or a Latin word is a word of the topic (…提出的 | 60万吨乙烯项目, 5G),
    a mark is not."""
    start, at = 0, 0
    for word in _jieba().cut(text, HMM=False):
        at += len(word)
        if (word.strip() in _FRAMING or _mark(word)) and at < len(text):
            start = at
    return text[start:]


_WITHIN = frozenset("与 及 或 的".split())  # …管理及人才中介机构, 原来的划拨土地: the topic goes on


def _last_topic(text: str) -> str:
    """`text` up to its first framing or function word after a content word (深化区域合作 | 有哪些具体任务), a
    conjunction or 的 aside: where the last listed topic ends."""
    at, seen = 0, False
    for word in _jieba().cut(text, HMM=False):
        framing = (word.strip() in _FRAMING and word.strip() not in _WITHIN) or _mark(word)
        if framing and seen:
            return text[:at]
        seen = seen or not framing
        at += len(word)
    return text


# an aside: words in parentheses, or after 比如 / 例如 / 无论是 up to the next pause, 等 or 的 (比如秸秆还田等方面
# 采取了哪些措施: what is asked after the examples is not in the aside)
_ASIDE = re.compile(r"[（(][^（）()]*[）)]|(?:比如|例如|诸如|譬如|无论是|不论是|不管是)[^，。；？！,;?!等的]*")


def aside_branches(question: str, branches: list[list[Term]], rare: frozenset[str] = frozenset()) -> list[list[Term]]:
    """Each term set of a comparison (the question's terms and its other branches) without the words the question
    states only in an aside, in parentheses or after 比如 / 例如 / 无论是 (秸秆的综合利用（秸秆还田、肥料化…）; 加处
    罚款（或者由代收机构加收罚款）; 防汛…，无论是防汛设施保护还是防汛避险部署): the asker's examples and glosses, which
    one document states and another does not.
    A set whose words are all in asides gives none, and so does one left with less than two telling words or one of
    three characters (罚款 alone, of 加处罚款（或者由代收机构加收罚款）, would hold every article that fines), unless
    that one word is among the `rare` ones (直播 of 哪些文件提到了直播（直播经济、直播电商…）: a few clauses state it). Over
    the twenty-four question files read by the sixteenth pass (179 comparisons, about 50 with an aside) the
    documents found went from 0.769 to 0.794 of those that answer and the precision of the cited clauses from
    0.873 to 0.863 (证据的种类（如书证、物证…）: a clause naming 证据 and 种类 passes without the examples), and no
    out-of-scope question was answered (measured before the review mends, which took back two documents found)."""
    spans = [m.span() for m in _ASIDE.finditer(question)]

    def aside(word: str) -> bool:
        at = [m.start() for m in re.finditer(re.escape(word), question)]
        return bool(at) and all(any(a <= i < b for a, b in spans) for i in at)

    def outside(term: Term) -> Term:  # 直播 without 政务, the word after it in the aside 庭审直播、政务微直播
        alts = tuple(a for a in term.alts if not aside(a))
        return term if alts == term.alts else replace(term, alts=alts)

    out: list[list[Term]] = []
    for branch in branches if spans else []:
        core = [outside(t) for t in branch if not aside(t.text)]
        telling = [t for t in core if t.weight == 1.0]
        enough = len(telling) >= 2 or any(len(t.text) >= 3 or t.text in rare for t in telling)
        if enough and len(core) < len(branch) and core not in out:
            out.append(core)
    return out
