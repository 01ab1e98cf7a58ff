"""Document metadata: title, doc_type, issuers, dates, year, region, number, status, ids.

What the container already says (`RawDocument.meta`) wins; the text fills the rest.

doc_type rules, first match wins:
1. a valid `meta["doc_type"]` (Chinese names such as 政府工作报告 / 司法解释 / 行政法规 are mapped);
2. title with 法治政府建设 and 报告 → rule_of_law_report; 政府工作报告 → government_work_report;
3. a number 国发/国办发/国函/国办函〔…〕 → notice;
4. the folder: 司法解释 → judicial_interpretation, 行政法规 → administrative_regulation, 部门规章 →
   departmental_rule, 地方性法规 / DLC / 自治条例 / 单行条例 / 经济特区法规 → local_regulation,
   宪法 / 宪法相关法 / 民法典 / 民法商法 / 行政法 / 经济法 / 社会法 / 刑法 / 诉讼与非诉讼程序法 → law;
5. the title: 最高人民法院/最高人民检察院 … 解释/规定/批复/决定 → judicial_interpretation; a region prefix
   with 条例/规定/办法/细则/决定 → local_regulation; 国务院关于…的通知/意见/决定 → notice; ends with 法 or
   法修正案 → law; ends with 条例 → administrative_regulation; ends with 规定/办法/细则 → departmental_rule;
   报告 → other;
6. otherwise "other".
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath
from typing import Any, get_args

from ..models import DocType
from ..text import ISO_DATE, iso_date
from .reports import date_of_line

DOC_TYPES = frozenset(get_args(DocType))
_CN_DOC_TYPES = {
    "法律": "law",
    "宪法": "law",
    "行政法规": "administrative_regulation",
    "司法解释": "judicial_interpretation",
    "部门规章": "departmental_rule",
    "地方性法规": "local_regulation",
    "法治政府建设年度报告": "rule_of_law_report",
    "政府工作报告": "government_work_report",
    "通知": "notice",
    "国务院文件": "notice",
}
_FOLDER_TYPES = [
    ("案例", "other"),
    ("司法解释", "judicial_interpretation"),
    ("行政法规", "administrative_regulation"),
    ("部门规章", "departmental_rule"),
    ("地方性法规", "local_regulation"),
    ("DLC", "local_regulation"),
    ("自治条例", "local_regulation"),
    ("单行条例", "local_regulation"),
    ("经济特区法规", "local_regulation"),
    ("宪法相关法", "law"),
    ("宪法", "law"),
    ("民法典", "law"),
    ("民法商法", "law"),
    ("行政法", "law"),
    ("经济法", "law"),
    ("社会法", "law"),
    ("刑法", "law"),
    ("诉讼与非诉讼程序法", "law"),
]
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区",
    "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)  # fmt: skip
_PROVINCE_SHORT = {p[:2] if not p.startswith(("黑龙江", "内蒙古")) else p[:3]: p for p in PROVINCES}
_CITY_RE = re.compile(r"([\u4e00-\u9fff]{2,5}?(?:市|自治州|地区|盟))")
_COUNTY_RE = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:区|县|旗|市))")
_SEZ_RE = re.compile(r"^([\u4e00-\u9fff]{2,3})经济特区")
_NATIONAL_PREFIXES = (
    "中华人民共和国",
    "国务院",
    "最高人民",
    "全国",
    "中共中央",
    "中国",
    "国家",
    "人民",
    "关于",
)
_NUMBER_RE = re.compile(
    r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号"
)
_NOTICE_NUMBER_RE = re.compile(r"^国(?:发|办发|函|办函)")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_EFFECTIVE_RE = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起?施行")
_INFO_DATE_RE = re.compile(r"^\s*(\d{4}年\d{1,2}月\d{1,2}日)\s*(.*)$")
_STATUS = {
    "in_force": "in_force",
    "有效": "in_force",
    "现行有效": "in_force",
    "repealed": "repealed",
    "已废止": "repealed",
    "废止": "repealed",
    "失效": "repealed",
    "已失效": "repealed",
    "amended": "amended",
    "已修改": "amended",
    "已被修改": "amended",
    "已修正": "amended",
    "not_yet_in_force": "not_yet_in_force",
    "尚未生效": "not_yet_in_force",
    "尚未施行": "not_yet_in_force",
    "unknown": "unknown",
}


def iso(value: object) -> str | None:
    """ISO date of "2021-02-04", "2021年 2 月4 日", "2021/2/4 10:00" ("2021-02-04"); else None."""
    if value is None:
        return None
    if ISO_DATE.search(str(value)) is None:
        return date_of_line(str(value))
    return iso_date(value)


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def document_id(title: str, body: str) -> str:
    """Stable id: the same title and text give the same id, wherever the file lies."""
    return hashlib.sha256(f"{title}\x00{body}".encode()).hexdigest()[:16]


def title_from_source(source: str) -> str:
    stem = PurePath(source.split("#", 1)[0]).stem
    stem = re.sub(r"[（(]\d{4}-\d{2}-\d{2}[)）]$", "", stem)
    return stem.strip("《》 ") or stem


def doc_type_of(title: str, meta: dict[str, Any], source: str, number: str | None) -> str:
    given = meta.get("doc_type")
    if isinstance(given, str):
        if given in DOC_TYPES and given != "other":
            return given
        if given in _CN_DOC_TYPES:
            return _CN_DOC_TYPES[given]
    if "法治政府建设" in title and "报告" in title:
        return "rule_of_law_report"
    if "政府工作报告" in title:
        return "government_work_report"
    if number and _NOTICE_NUMBER_RE.match(number):
        return "notice"
    parts: tuple[str, ...] = PurePath(source.split("#", 1)[0]).parts
    for key in ("source_file", "category_hint", "category"):
        if isinstance(meta.get(key), str):
            parts = (*parts, *PurePath(meta[key]).parts)
    for folder, kind in _FOLDER_TYPES:
        if folder in parts:
            return kind
    t = re.sub(r"[（(][^（）()]*[)）]$", "", title)  # drop "（试行）", "（2018年修正）"
    if t.startswith(("最高人民法院", "最高人民检察院")):
        return "judicial_interpretation"
    if region_of(t) is not None and t.endswith(("条例", "规定", "办法", "细则", "决定", "规则")):
        return "local_regulation"
    if t.startswith("国务院") and t.endswith(("通知", "意见", "批复", "复函")):
        return "notice"
    if t.startswith(("国务院办公厅",)):
        return "notice"
    if t.endswith(("法", "法典")) or "法修正案" in t:
        return "law"
    if t.endswith("条例"):
        return "administrative_regulation"
    if t.endswith(("规定", "办法", "细则")):
        return "departmental_rule" if not t.startswith("国务院") else "administrative_regulation"
    return "other"


def region_of(text: str) -> str | None:
    """Province / city / district named at the start of a title or issuer ("潮州市湘桥区…" → "潮州市湘桥区")."""
    t = re.sub(r"^\s*(?:19|20)\d{2}\s*年(?:度)?", "", text.strip())
    t = t.lstrip("《")
    if not t or t.startswith(_NATIONAL_PREFIXES):
        return None
    m = _SEZ_RE.match(t)
    if m:
        return m.group(1) + "市"
    region = ""
    for prov in PROVINCES:
        if t.startswith(prov):
            region = prov
            break
    else:
        for short, prov in _PROVINCE_SHORT.items():
            if (
                prov.endswith("省")
                and short != "台湾"
                and t.startswith(short)
                and t[len(short) : len(short) + 1] != "市"
            ):
                region = prov  # "广东…条例": a province named without 省
                t = prov + t[len(short) :]
                break
    rest = t[len(region) :]
    if not region or region.endswith(("省", "自治区")):
        m = _CITY_RE.match(rest)
        if m and not m.group(1).startswith(("城市", "本市", "全市", "各市", "设区")):
            region += m.group(1)
            rest = rest[m.end() :]
    if region:
        m = _COUNTY_RE.match(rest)
        if m and not m.group(1).startswith(
            ("城市", "市区", "城区", "全区", "本区", "地区", "社区", "园区", "开发区")
        ):
            region += m.group(1)
    return region or None


_ORDER_RE = re.compile(r"((?:中华人民共和国)?国务院令|[\u4e00-\u9fff]{2,12}令)\s*第\s*(\d{1,4})\s*号")


def number_of(text: str) -> str | None:
    """A document number like "国办发〔2018〕118号", else an order number "国务院令第535号"."""
    m = _NUMBER_RE.search(text)
    if m is None:
        o = _ORDER_RE.search(text)
        return f"{o.group(1)}第{o.group(2)}号" if o else None
    return re.sub(r"\s+", "", m.group(0))


def effective_date_of(body: str, info_lines: list[str]) -> str | None:
    for line in info_lines:
        m = _INFO_DATE_RE.match(line)
        if m and "施行" in m.group(2) and "起施行" not in m.group(2)[:2]:
            return iso(m.group(1))
    m = _EFFECTIVE_RE.search(body)
    return iso(m.group(1)) if m else None


def history_of(info_lines: list[str]) -> list[dict[str, str]]:
    """LawRefBook date lines: [{"date": "1996-03-17", "event": "第八届…会议通过"}, ...]."""
    out = []
    for line in info_lines:
        m = _INFO_DATE_RE.match(line)
        if m:
            d = iso(m.group(1))
            if d:
                out.append({"date": d, "event": m.group(2).strip()})
    return out


_CONGRESS_RE = re.compile(
    r"(?:([\u4e00-\u9fff]{1,10}?(?:省|市|县|区|州|旗|盟))第[一二三四五六七八九十]+届|第[一二三四五六七八九十]+届)"
    r"((?:全国)?人民代表大会(?:常务委员会)?)"
)
_NAMED_BODY_RE = re.compile(r"国务院|最高人民法院|最高人民检察院")
_BODY_RE = re.compile(
    r"([\u4e00-\u9fff]{2,12}?(?:人民政府|部|委员会|总局|局))(?:第|常务会议|部务会议|委务会议|局务会议)"
)
_LEAD_NOISE_RE = re.compile(r"^[经由日月在于]")


def issuers_from_history(history: list[dict[str, str]]) -> list[str]:
    """The body that adopted the latest version: "浙江省第十二届人民代表大会常务委员会第十八次会议通过" →
    ["浙江省人民代表大会常务委员会"]; "国务院第173次常务会议通过" → ["国务院"]."""
    for h in reversed(history):
        ev = h["event"]
        m = _CONGRESS_RE.search(ev)
        if m:
            return [_LEAD_NOISE_RE.sub("", m.group(1) or "") + m.group(2)]
        n = _NAMED_BODY_RE.search(ev)
        if n:
            return [n.group(0)]
        b = _BODY_RE.search(ev)
        if b:
            return [_LEAD_NOISE_RE.sub("", b.group(1))]
    return []


def date_from_history(history: list[dict[str, str]]) -> str | None:
    """The latest adoption / revision / promulgation date (a bare "施行" line is the effective date)."""
    dates = [h["date"] for h in history if not re.fullmatch(r"\s*起?施行\s*", h["event"])]
    dates = dates or [h["date"] for h in history]
    return max(dates) if dates else None


def year_of(title: str, date: str | None, doc_type: str) -> int | None:
    if doc_type in ("rule_of_law_report", "government_work_report") or (
        doc_type == "other" and "报告" in title
    ):
        m = re.search(r"((?:19|20)\d{2})\s*年度", title) or _YEAR_RE.search(title)
        if m:
            return int(m.group(1))
    if date:
        return int(date[:4])
    return None


def status_of(meta: dict[str, Any]) -> str:
    value = meta.get("status")
    if isinstance(value, str):
        return _STATUS.get(value.strip(), "unknown")
    return "unknown"


_HEADER_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def header_date(body: str) -> str | None:
    """The latest adoption / revision date in a statute's header note "（2016 年11 月7 日…通过）"."""
    best: str | None = None
    for line in body[:1500].split("\n")[:12]:
        if not re.search(r"通过|修正|修订|公布|发布", line):
            continue
        for m in _HEADER_DATE_RE.finditer(line):
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                iso_d = f"{y:04d}-{mo:02d}-{d:02d}"
                best = max(best or iso_d, iso_d)
    return best
