"""Version metadata of laws: the law a text is a version of, its promulgation and effective dates, its label.

LawRefBook keeps several versions of one law side by side; `version_fields` reads what makes each a version
(dated header lines, the container's publish / valid_from / expired fields, a date in the file name).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath
from typing import Any

from .metadata import date_from_history, effective_date_of, iso, status_of

# Document kinds that come in versions (a law and its amended texts); reports and notices do not.
VERSIONED_TYPES = frozenset(
    {"law", "administrative_regulation", "judicial_interpretation", "departmental_rule", "local_regulation"}
)
# a version note at the end of a title: "（2018年修正）", "(2018-10-26)"; not "宪法修正案（2018年）", a document of its own
_TITLE_VERSION_RE = re.compile(r"[（(](?:[^（）()]*(?:修正|修订|修改|版)[^（）()]*|\d{4}-\d{2}-\d{2})[)）]$")
_EVENT_RE = re.compile(r"(修订|修正|修改|通过|公布|发布|批准|施行)")
_OWN_EFFECTIVE_RE = re.compile(
    r"本(?:法|法典|条例|规定|办法|细则|规则|解释|决定|准则|实施细则|实施办法|暂行条例|暂行规定|暂行办法)"
    r"[^。；\n]{0,30}?自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起?\s*(?:施行|生效|实施)"
)
_EXPIRED_KEYS = ("expired", "repealed")


def law_key(title: str) -> str:
    """The name every version of one law shares: "中华人民共和国公司法（2018年修正）" → "中华人民共和国公司法"."""
    t = unicodedata.normalize("NFKC", title).strip().strip("《》")
    t = re.sub(r"\s+", "", t)
    while True:
        u = _TITLE_VERSION_RE.sub("", t)
        if u == t:
            break
        t = u
    return t.replace("<", "〈").replace(">", "〉")


def version_event(history: list[dict[str, str]]) -> str | None:
    """What the latest dated line did: 修订, 修正, 通过, 公布…; "根据…决定第二次修正" → 修正."""
    dated = [h for h in history if not re.fullmatch(r"\s*起?施行\s*", h["event"])] or history
    if not dated:
        return None
    latest = max(dated, key=lambda h: h["date"])
    kinds = _EVENT_RE.findall(latest["event"])
    if not kinds:
        return None
    kind = kinds[-1]
    return "修正" if kind == "修改" else kind


def own_effective_date(body: str) -> str | None:
    """The date the document says it takes effect: the last "本法/本条例…自X年X月X日起施行" in its text."""
    last = None
    for m in _OWN_EFFECTIVE_RE.finditer(body):
        last = m
    return iso(last.group(1)) if last else None


def is_repealed(meta: dict[str, Any]) -> bool:
    """Whether the container or corpus metadata says the document is repealed or expired."""
    for key in _EXPIRED_KEYS:
        value = meta.get(key)
        if value is True or (
            isinstance(value, int | str) and str(value).strip().lower() in ("1", "true", "yes")
        ):
            return True
    return status_of(meta) == "repealed"


def version_fields(
    title: str,
    doc_type: str,
    history: list[dict[str, str]],
    date: str | None,
    body: str,
    info_lines: list[str],
    meta: dict[str, Any],
    source: str,
) -> dict[str, Any]:
    """Version record of a law-like document: law_id, version, version_label, effective_date, repealed.

    promulgation (`version`) = the latest of: the dated adoption / revision lines, the container's publish date,
    the date in the file name "(2018-10-26)"; else the document date. The label adds what the latest dated line
    did (修订, 修正, 通过…) when that line is the version's own;
    effective date = the corpus metadata's valid-from date; else a dated "X年X月X日 施行" header line; else the later of the promulgation date and the
    date the text gives itself ("本法自…起施行" — an amended text keeps its original 施行 article, and an
    amendment takes effect when adopted unless the text names a later day); else the 施行 line of the header.
    """
    out: dict[str, Any] = {"repealed": is_repealed(meta)}
    given = iso(meta.get("effective_date")) or iso(meta.get("valid_from"))
    stem_date = None
    m = re.search(r"[（(](\d{4}-\d{2}-\d{2})[)）]", PurePath(source.split("#", 1)[0]).stem)
    if m:
        stem_date = iso(m.group(1))
    recorded = date_from_history(history)
    # a file named for a later version than its header lists (LawRefBook does this) is that later version
    adopted = max((d for d in (recorded, iso(meta.get("publish")), stem_date) if d), default=None) or date
    header = effective_date_of("", info_lines)  # a dated "施行" line of the header belongs to this version
    own = own_effective_date(body) or effective_date_of(body, info_lines)
    effective: str | None
    if given or header:
        effective = given or header
    elif adopted and own:
        effective = max(adopted, own)
    else:
        effective = own or adopted
    out["effective_date"] = effective
    if meta.get("repealed_on"):
        out["repealed_on"] = iso(meta.get("repealed_on"))
    if doc_type not in VERSIONED_TYPES:
        return out
    out["law_id"] = law_key(title)
    if adopted:
        out["version"] = adopted
        kind = version_event(history) if adopted == recorded else None  # what that line says was done
        out["version_label"] = f"{adopted} {kind}" if kind else adopted
    return out
