"""Scope from the question: the region, year, document type or law a question names, checked against the index.

A question that names something narrows the search to the documents that match it; when the collection holds
nothing that matches, the answer says so and names the closest documents it does hold, instead of answering
from another region's or another year's document (深圳市2026年政府工作报告 → not 上海市's).

- **Laws**: the longest names in the question among the statute titles of the index (minus 中华人民共和国; a
  judicial interpretation named whole, 最高人民法院关于适用行政诉讼法的解释, is that, not 行政诉讼法) and the
  short titles of PRC laws and regulations in ``data/law_names.txt``. A name the index holds restricts the
  search to that document; a known name it does not hold (劳动合同法, 刑法) is out of scope.
- **Document numbers**: a number in the question (国发〔2018〕39号, 国务院令第722号) selects the document that bears
  it; a number no document bears is out of scope.
- **Quoted titles**: a name in 《》 of four characters or more (or any, after 中华人民共和国) that no title holds
  (minus 中华人民共和国) and no document issuing others (印发/转发…) states is a document the collection does not
  have (one printed inside another's body is held; one that held documents only cite, 依照《…选举法》, is not):
  out of scope, the closest being the titles that share two of its words.
- **Local statutes**: a place name followed directly by a statute's name (北京市城市更新条例, 广东省优化营商环境条例:
  2–20 characters ending in 条例/办法/规定/实施细则, no function word or punctuation between) is a local
  regulation or rule; when no title holds it, the question is out of scope and the closest documents are those
  whose titles hold its name without the place (优化营商环境条例, 上海市优化营商环境条例), never an answer from them.
  A title that starts with the place and ends with the name holds it (北京市规范性文件备案审查条例 is
  北京市各级人民代表大会常务委员会规范性文件备案审查条例).
- **Regions**: place names (jieba's ``ns`` tag) that end in 省/市/区/县/州 or are a province-level short name
  (北京, 广东). A document matches when its region or its title contains the name (香港特区 as 香港特别行政区). A first-person question
  with no year and no kind of document (我在广州上班，房租能扣多少个税) names where the asker is: a place no
  document is of does not make it out of scope.
- **Notices named by title**: a State Council document whose name (its title without 国务院办公厅关于印发…的通知)
  the question states as written, eight characters of it or all, narrows the question to that document
  (`named_notices`; 国家组织药品集中采购和使用试点方案在…方面有哪些措施), and the name's words are then not
  content (`lawdocs.answer`). Not in a comparison: 哪些法规要求落实行政执法公示…制度 names its subject, not a scope.
  A notice named with a year its title does not bear (国务院办公厅关于2018年部分节假日安排的通知, when the
  collection holds 2019's) is out of scope, the held one named as the closest.
- **Document types**: 政府工作报告 and 法治政府建设 (年度) 报告 map to their `doc_type`; another named kind of
  report (施政报告) must occur in a title, or its word and 报告 in one title (地震趋势报告 of …地震趋势和防震减灾
  工作意见报告) or a clause (a report printed with a reply: …地质险情调研情况的报告 for 调研报告); its name starts
  a word of the question (中介公司出报告 names no report).
- **Laws and regions together**: a held law named with a region it does not belong to (在广东省，民法典规定…)
  keeps the law: a national law applies everywhere.
- **Years**: with a document type, the document's year (or its title) must be the year asked about
  (2025年政府工作报告 is not the 2026 report that reviews 2025); with a region alone, the year must be the
  document's year or occur in its text (北京市2025年… is answered from the 2026 report's review of 2025).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from .evidence import corpus_of, longest_run, normalise_text
from .notices import named_notices
from .wording import NUMBER_CORE, short_places, tagger
from .years import REPORT_YEAR

if TYPE_CHECKING:
    from ..index import Index

PROVINCES = frozenset(
    """
    北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州
    云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门
    """.split()
)
_PLACE_END = re.compile(r"(?:省|市|区|县|州|旗|自治区|特别行政区)$")
# …区 that names an area, not a district, even at the end of a longer name (三峡库区, 粤港澳大湾区, 工业园区); not
# 山区 or 城区, which end districts too (青山区, 东城区)
_AREAS = tuple("库区 辖区 片区 园区 景区 社区 湾区".split())
_NOT_PLACES = frozenset(
    "城市 地区 市区 城区 全市 本市 全省 本省 全区 本区 各省 各市 各区 山区 郊区 新区 特区 "
    "省市 市县 区县 州县 都市".split()
) | frozenset(_AREAS)
_LAW_END = re.compile(r"(?:法典|法|条例)$")
_STATUTE_END = re.compile(r"(?:法典|法|条例|解释|规定|办法)$")  # …关于适用《行政诉讼法》的解释 is named whole, not 行政诉讼法
_EXTENDS_NAME = re.compile(
    r"^(?:规(?!定)|[律院官治制人学庭医务典理]|实施|条例)"
)  # 法 of 法规 / 法律 / 法院 …
# a statute's own name after a place name: no function word, figure or punctuation inside (see the docstring)
_LOCAL_STATUTE = re.compile(
    r"((?:(?![的对于在有哪是和与及或如怎为要把被从向按将])[\u4e00-\u9fff]){2,20}?(?:实施细则|条例|办法|规定))"
)
_DOC_NUMBER = re.compile(rf"[\u4e00-\u9fff]{{1,8}}{NUMBER_CORE}|国务院令第\d+号")  # with up to 8 characters before
_QUOTED_TITLE = re.compile(r"《([^《》]{2,60})》")
_ISSUING = re.compile(r"印发|转发|发布|颁布")  # a title saying the document prints others in its body
_MAKER = re.compile(r"(?:人大常委会|人民代表大会常务委员会|人民政府)的?")
_ORGAN_OF = re.compile(r"(黑龙江|内蒙古|[\u4e00-\u9fff]{2})([省市]?)(?:人大|人民|政府|常委)")  # a province's organ
_ORGAN = re.compile(
    r"(?:政府|机关|部门|委员会|常委会|办公厅|人大|法院|检察院)(?:规定|办法)$"
)  # 广东省人民政府规定…: a verb
_GWR = re.compile(r"政府工作报告")
_ROLR = re.compile(r"法治政府建设.{0,6}报告|法治政府.{0,4}年度报告")
# a report named as the source (施政报告提出…, …建设报告中): followed by what it says or where, not by 和 or a verb
# of its own (评估报告和处理情况记录最少要保存几年 asks about a report, not from one)
_OTHER_REPORT = re.compile(r"([\u4e00-\u9fff]{2})报告(?=提出|提到|指出|显示|明确|部署|强调|中|里|对|有|称|说|[，,])")
_YEAR_IN = re.compile(r"(?:19|20)\d\d")
_ASKER = re.compile(r"我(?![国省市区县])|咱")  # a question in the first person: a place it names may be only where the asker is
_REPORT_FRAMES = frozenset("这份 该份 年度 工作 报告 此份 本份 一份".split())


@cache
def law_names() -> frozenset[str]:
    text = resources.files("lawdocs").joinpath("data/law_names.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def title_key(title: str) -> str:
    return normalise_text(title).replace("中华人民共和国", "")


def _word_starts(text: str) -> set[int]:
    """Where the segmenter's words begin in `text`."""
    starts, at = set(), 0
    for word in tagger().cut(text):
        starts.add(at)
        at += len(word.word)
    return starts


_EVENT = re.compile(r"(?:冬奥会|冬残奥会|奥运会|残奥会|亚运会|世博会|进博会|服贸会|广交会|园博会|冬奥|奥运)")


def places_in(question: str) -> list[str]:
    """Region names in the question (广东省, 深圳市, 湘桥区, 北京; 京沪粤三地 → 北京, 上海, 广东), in order."""
    found = short_places(question)
    at = 0
    for word, flag in tagger().cut(question):
        at += len(word)
        if _EVENT.match(question, at):
            continue  # 北京冬奥会: the event's name, not a place the question is about
        word = word.strip()
        if flag == "nt" and (m := _ORGAN_OF.match(word)) and m.group(1) in PROVINCES:  # 上海市人大常委会 is 上海市's
            word, flag = m.group(1) + m.group(2), "ns"
        if not flag.startswith("ns") or len(word) < 2 or word in _NOT_PLACES or word.endswith(_AREAS):
            continue
        if _PLACE_END.search(word) or word in PROVINCES:
            if word not in found:
                found.append(word)
    return found


def _about_law(question: str, title: str, law: str, run: int = 6) -> bool:
    """Whether `title` is of a document about `law` (…暂时调整实施药品管理法实施条例有关规定的决定) that the
    question also names by `run` characters of the title besides the law's name."""
    if law not in title or title == law:
        return False
    return longest_run(question.replace(law, "|"), title.replace(law, "#")) >= run


_IMPLEMENTS = re.compile(r"实施(?:条例|细则|办法)")  # what a regulation implementing a law adds to its name
_SUPREME_COURT = re.compile(r"最高(?:法院?|院)(?=关于)")  # 最高法关于适用行政诉讼法的解释: the court's short name


def laws_in(question: str, titles: list[str]) -> list[str]:
    """Law names in the question (longest first match, not overlapping), among `titles` and the known names."""
    text = _SUPREME_COURT.sub("最高人民法院", normalise_text(question).replace("中华人民共和国", ""))
    names = {t for t in (title_key(x) for x in titles) if _STATUTE_END.search(t)} | law_names()
    taken = [False] * len(text)
    out: list[tuple[int, str]] = []
    for name in sorted(names, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(taken[start:end]) and not _EXTENDS_NAME.match(text[end:]):
                taken[start:end] = [True] * len(name)
                out.append((start, name))
            start = text.find(name, start + 1)
    return [n for _, n in sorted(out)]


def local_statutes_in(question: str, places: list[str] | None = None) -> list[tuple[str, str]]:
    """Local statutes in the question as (place, statute's name after it): 北京市城市更新条例 → (北京市, 城市更新条例).
    `places` are the question's `places_in`, when the caller has them."""
    text = normalise_text(question)
    out: list[tuple[str, str]] = []
    for place in places_in(question) if places is None else places:
        start = text.find(place)
        while start >= 0:  # 上海市人大常委会的规范性文件备案审查条例: the organ that made it is not its name
            at = start + len(place)
            m = _LOCAL_STATUTE.match(text, maker.end() if (maker := _MAKER.match(text, at)) else at)
            if m and not _ORGAN.search(m.group(1)) and (place, m.group(1)) not in out:
                out.append((place, m.group(1)))
            start = text.find(place, start + 1)
    return out


@dataclass
class Scope:
    docs: set[str] | None = None  # the documents the question is about (None: no restriction)
    missing: str | None = None  # "the collection has no …" when nothing it names is held
    closest: list[str] = field(default_factory=list)  # titles of the nearest documents held
    named: list[str] = field(default_factory=list)  # what the question named, for the record
    laws: list[str] = field(default_factory=list)  # held law documents named
    notice: str | None = None  # the title of the one notice named by its title, which scopes the question
    absent: list[str] = field(default_factory=list)  # the places named that no document is of (with `missing`)


def docs_of_region(index: Index, place: str) -> set[str]:
    short = _PLACE_END.sub("", place) if len(place) > 2 else place
    keys = {place, short} if len(short) >= 2 else {place}
    names = {place, place.replace("特区", "特别行政区")}  # 香港特区 is 香港特别行政区 in titles
    out = set()
    for doc_id, doc in index.documents.items():
        region = doc.region or ""
        if any(k in region for k in keys) or any(n in doc.title for n in names):
            out.add(doc_id)
    return out


def _mentions_year(index: Index, doc_id: str, year: int) -> bool:
    doc = index.documents[doc_id]
    if doc.year == year or str(year) in doc.title:
        return True
    mark = f"{year}年"
    return any(mark in index.clauses[r].text for r in index.doc_rows.get(doc_id, []))


def _in_texts(index: Index, name: str) -> bool:
    """Whether a document that issues others states `name`: it is printed inside (印发…两个规定的通知 holds
    《…的规定》). A name that documents only cite (依照《…选举法》) is not held."""
    corpus = corpus_of(index)
    return corpus.df(name) > 0 and any(
        alive and name in text and _ISSUING.search(index.documents[index.clauses[r].doc_id].title)
        for r, (text, alive) in enumerate(zip(corpus.texts, corpus.alive, strict=True))
    )


def _titles(index: Index, docs: set[str] | list[str], limit: int = 4) -> list[str]:
    return sorted({index.documents[d].title for d in docs})[:limit]


def scope_of(index: Index, question: str, years: list[int], notices: bool = True, regions: bool = True) -> Scope:
    """What the question names, and the documents of the index that match it (see the module docstring).

    `notices`: a State Council document named by its title narrows the question (`named_notices`); not in a
    comparison, whose subject may be a notice's very name (哪些法规要求落实行政执法公示…三项制度).
    `regions`: a place named narrows it to that region's documents; not when the place is what the documents are
    asked to speak of (哪些文件涉及西藏自治区…, `comparison.places_are_matter`)."""
    scope = Scope()
    all_docs = set(index.documents)
    if not all_docs:
        return scope
    titles = [d.title for d in index.documents.values()]
    chosen = set(all_docs)
    places = places_in(question)
    keys = [title_key(t) for t in titles]
    # a document named by its number (国发〔2018〕39号, 国务院令第722号)
    text = normalise_text(question)
    for number in _DOC_NUMBER.findall(text):  # the number as written, whatever word precedes it (根据国办发…)
        held = {
            d
            for d, doc in index.documents.items()
            if doc.number and (key := normalise_text(doc.number)) and (key in number or number in key)
        }
        scope.named.append(number)
        if not held:
            scope.missing = f"the collection has no document numbered {number}"
            return scope
        chosen &= held
    # a document named by its title in 《》 that no title holds
    for quoted in _QUOTED_TITLE.findall(question):
        name = title_key(quoted)
        long = len(name) >= 4 or (len(name) >= 2 and normalise_text(quoted) != name)  # 《中华人民共和国选举法》
        if long and not any(name in key for key in keys) and not _in_texts(index, name):
            words = [p.word for p in tagger().cut(name) if len(p.word) >= 2]
            near = {d for d, doc in index.documents.items() if sum(w in title_key(doc.title) for w in words) >= 2}
            scope.named.append(f"《{quoted}》")
            scope.missing = f"the collection has no 《{quoted}》"
            scope.closest = _titles(index, near)
            return scope
    # local statutes the index does not hold
    for place, statute in local_statutes_in(question, places):
        name = place + statute
        # 北京市规范性文件备案审查条例 is how one calls 北京市各级人民代表大会常务委员会规范性文件备案审查条例
        if not any(name in key or key.startswith(place) and key.endswith(statute) for key in keys):
            scope.named.append(f"《{name}》")
            scope.missing = f"the collection has no 《{name}》"
            scope.closest = _titles(index, {d for d, doc in index.documents.items() if statute in title_key(doc.title)})
            return scope
    # laws
    named_laws = laws_in(question, titles)
    for name in named_laws:
        held = {d for d, doc in index.documents.items() if title_key(doc.title) == name}
        if not held and any(_about_law(text, title_key(doc.title), name) for doc in index.documents.values()):
            continue  # a decision about the law, named by its other words: a notice (named_notices)
        if not held and any(_IMPLEMENTS.fullmatch(o[len(name) :]) for o in named_laws if o.startswith(name) and o in keys):
            continue  # 个人所得税法所称…，个人所得税法实施条例…: the law the regulation named, which the collection holds, implements
        scope.named.append(f"《{name}》")
        if not held:
            stem = _LAW_END.sub("", name)
            near_law = [
                d for d, doc in index.documents.items() if len(stem) >= 2 and stem in title_key(doc.title)
            ]
            scope.missing = f"the collection has no 《{name}》"
            scope.closest = _titles(index, near_law)
            return scope
        scope.laws += sorted(held)
    notice_docs: set[str] = set()
    if scope.laws:
        chosen &= set(scope.laws)
    elif notices and (notice_docs := named_notices(index, question)):  # 国家组织药品集中采购和使用试点方案在…
        titles_named = [index.documents[d].title for d in sorted(notice_docs)]
        scope.named += titles_named
        other_year = [t for t in titles_named if (y := _YEAR_IN.search(t)) and years and int(y.group(0)) not in years]
        if other_year and len(other_year) == len(titles_named):  # 2018年部分节假日安排的通知 when the collection has 2019's
            scope.missing = f"the collection has no {'、'.join(map(str, sorted(set(years))))} version of 《{titles_named[0]}》"
            scope.closest = titles_named
            return scope
        scope.notice = titles_named[0] if len(titles_named) == 1 else None
    # document type
    kind_docs: set[str] | None = None
    kind_name = None
    if _GWR.search(question):
        kind_name = "政府工作报告"
        kind_docs = {d for d, doc in index.documents.items() if doc.doc_type == "government_work_report"}
    elif _ROLR.search(question):
        kind_name = "法治政府建设年度报告"
        kind_docs = {d for d, doc in index.documents.items() if doc.doc_type == "rule_of_law_report"}
    else:
        starts = _word_starts(question)
        for m in _OTHER_REPORT.finditer(question):
            if m.group(1) in _REPORT_FRAMES or m.start(1) not in starts:
                continue  # 中介公司出报告: 司出 is not the name of a report
            phrase = m.group(0)
            kind_name = phrase
            # 地震趋势报告 is held by …地震趋势和防震减灾工作意见报告…: the name's word and 报告 in one title
            kind_docs = {
                d for d, doc in index.documents.items() if phrase in doc.title or m.group(1) in doc.title and "报告" in doc.title
            }
            if not kind_docs and re.search(rf"关于[^，,。]{{2,40}}的{re.escape(phrase)}", question):
                # a report named by its title and printed with a reply (…地质险情调研情况的报告 for 调研报告)
                named_in = re.compile(re.escape(m.group(1)) + r"[^。；;]{0,8}报告")
                kind_docs = {c.doc_id for c in index.clauses if named_in.search(c.text)}
            break
    # regions
    region_docs: set[str] | None = None
    places = places if regions else []
    if places:
        region_docs = set()
        for place in places:
            region_docs |= docs_of_region(index, place)
    if not region_docs and kind_docs is None and not years and _ASKER.search(question):
        places, region_docs = [], None  # 我在广州上班…: where the asker lives; national statutes apply there
    scope.named += places
    year_words = "".join(f"{y}年" for y in years)
    what = " ".join(x for x in ("、".join(places), year_words, kind_name or "") if x)
    if kind_docs is not None:
        scope.named.append(kind_name or "")
        typed = kind_docs
        if years:  # the years that date the report (2026年政府工作报告) choose it; 到2035年, 比2020年 need not
            attached = [int(m.group(0)[:4]) for m in REPORT_YEAR.finditer(question)]
            dated = {d for d in typed if any(index.documents[d].year == y or str(y) in index.documents[d].title for y in attached or years)}
            typed = dated if dated or attached else typed
        if region_docs is not None:
            typed &= region_docs
        if not typed:
            nearby = set((region_docs or set()) & kind_docs or kind_docs or (region_docs or set()))
            scope.missing = f"the collection has no {what}"
            scope.closest = _titles(index, nearby)
            return scope
        chosen &= typed
    elif region_docs is not None and (region_docs or (chosen == all_docs and not notice_docs)):
        if not region_docs:  # unless a document named speaks of the place (国发〔2018〕38号…郑州): its subject
            scope.missing, scope.absent = f"the collection has no document of {'、'.join(places)}", places
            scope.closest = sorted({doc.region for doc in index.documents.values() if doc.region})[:6]
            return scope
        dated = region_docs
        if years:
            dated = {d for d in region_docs if all(_mentions_year(index, d, y) for y in years)}
            if not dated:
                scope.missing = f"the collection has no {what}"
                scope.closest = _titles(index, region_docs)
                return scope
        chosen &= dated
    if not chosen and scope.laws:  # a national law named with a region: the law applies there too
        chosen = set(scope.laws)
    if notice_docs and chosen & notice_docs:  # a region or kind named too keeps it (湘桥区怎样全面推行…三项制度)
        chosen &= notice_docs
    else:
        scope.notice = None
    if chosen != all_docs:
        scope.docs = chosen
    return scope
