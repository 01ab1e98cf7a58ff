"""`.csv` (one document per row) and `.jsonl` (one document per record, or records grouped per title)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import EmptyDocumentError, LimitExceededError, LoadError, QueryError
from .plain import CATEGORY_FOLDERS
from .text import iso_date, strip_chrome

TEXT_FIELDS = ("full_text", "text", "content", "正文", "body", "内容", "全文", "article_text", "fulltext")
TITLE_FIELDS = (
    "title",
    "law",
    "doc",
    "document",
    "name_of_doc",
    "doc_title",
    "law_name",
    "标题",
    "法规名称",
    "名称",
)
LABEL_FIELDS = ("name", "label", "article_name", "article_label", "条文名称")
ARTICLE_FIELDS = ("article", "article_no", "条", "条号")
REGION_FIELDS = ("region", "province", "city", "地区", "省份", "area")
DATE_FIELDS = (
    "date",
    "publish_date",
    "version_date",
    "release_date",
    "pub_date",
    "发布日期",
    "公布日期",
    "成文日期",
)
ISSUER_FIELDS = ("issuer", "issuers", "issuing_authority", "office", "release_office", "发布机关", "制定机关")
NUMBER_FIELDS = ("number", "doc_number", "release_number", "文号")
DOCTYPE_FIELDS = ("doc_type", "type", "category", "level", "类别")
URL_FIELDS = ("source_url", "url", "link")

NUM = "一二三四五六七八九十百千零〇两"
ARTICLE_TAIL_RE = re.compile(rf"(第[{NUM}\d]+条(?:之[{NUM}]+)?)\s*$")
_PROSE_RE = re.compile(r"[。，；！？]|[,.;] ")
ARTICLE_LOOK_RE = re.compile(rf"^\s*第[{NUM}\d]+条(?:之[{NUM}]+)?\s*$")


def _pick(
    fields: Iterable[str], options_value: str | None, candidates: tuple[str, ...], what: str
) -> str | None:
    names = list(fields)
    if options_value is not None:
        if options_value not in names:
            raise QueryError(f"{what} field {options_value!r} is not among the columns {names}")
        return options_value
    lower = {n.lower(): n for n in names}
    for c in candidates:
        if c in lower:
            return lower[c]
    return None


def _first(row: dict[str, Any], candidates: tuple[str, ...], skip: set[str]) -> Any:
    for c in candidates:
        if c in row and c not in skip and row[c] not in (None, "", []):
            return row[c]
    return None


def _common_meta(row: dict[str, Any], used: set[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    region = _first(row, REGION_FIELDS, used)
    if region:
        meta["region"] = str(region).strip()
    date = iso_date(_first(row, DATE_FIELDS, used))
    if date:
        meta["date"] = date
    year = row.get("year")
    if year not in (None, ""):
        try:
            meta["year"] = int(str(year).strip())
        except ValueError:
            meta["year"] = year
    elif date:
        meta["year"] = int(date[:4])
    issuer = _first(row, ISSUER_FIELDS, used)
    if issuer:
        meta["issuers"] = [str(x) for x in issuer] if isinstance(issuer, list) else [str(issuer)]
    number = _first(row, NUMBER_FIELDS, used)
    if number:
        meta["number"] = str(number)
    doc_type = _first(row, ("doc_type",), used)
    if doc_type:
        meta["doc_type"] = str(doc_type)
    url = _first(row, URL_FIELDS, used)
    if url:
        meta["url"] = str(url)
    for key in ("status", "effective_date"):
        if row.get(key) not in (None, ""):
            meta[key] = row[key]
    return meta


def _doc_type_hint(title: str | None) -> str | None:
    if not title:
        return None
    if "政府工作报告" in title:
        return "government_work_report"
    if "法治政府建设" in title and "报告" in title:
        return "rule_of_law_report"
    return None


# --- CSV ---------------------------------------------------------------------------------------------
# A line ending in one of these is unfinished (…发展的 / 主要目标 是：…), and a line opening with one of these
# cannot start a paragraph: both mean the line break inside a CSV cell is a hard wrap, not a paragraph end.
_OPEN_END = re.compile(r"(?:[的和与及或、，,（(“]|[A-Za-z])$")
_CONTINUES = re.compile(r"^(?:[，、。；：,;:）)”]|[是为]：|\d+(?:\.\d+)?$)")
_ASCII_TAIL = re.compile(r"[A-Za-z]$")
_NUMBER_HEAD = re.compile(r"^\d")
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_HEADING = re.compile(rf"^(?:[{NUM}]+、|（[{NUM}]+）|\d+[.、．](?!\d)|第[{NUM}\d]+[章节条])")


def rejoin_hard_breaks(lines: list[str]) -> list[str]:
    """Lines of a CSV cell with its hard wraps undone: a line is glued to the one before when that one is
    unfinished (ends in 的/和/、/an ASCII letter as in PM|2.5) or when it cannot open a paragraph (it starts
    with 是：/，/） or is a bare number). Headings (一、 （一） 1.) always start their own line."""
    out: list[str] = []
    inside = False  # the last line glued was a bare number (PM|2.5|年平均浓度): the sentence goes on
    for line in lines:
        if out and not _HEADING.match(line):
            prev = out[-1]
            glue = inside or bool(_OPEN_END.search(prev)) or bool(_CONTINUES.match(line))
            if _ASCII_TAIL.search(prev) and not _NUMBER_HEAD.match(line):
                glue = bool(_CONTINUES.match(line))
            if glue:
                out[-1] = prev + line
                inside = bool(_BARE_NUMBER.match(line))
                continue
        inside = False
        out.append(line)
    return out


def iter_csv(path: Path, text: str, options: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (source, text, meta) per CSV row with text."""
    max_chars = _limits(options).max_record_chars
    csv.field_size_limit(max_chars)
    dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise EmptyDocumentError("the CSV file has no header", path=path) from exc
    except csv.Error as exc:
        raise _csv_error(exc, path, 1, max_chars) from exc
    header = [h.strip().lstrip("\ufeff") for h in header]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise LoadError(
                    f"row has {len(values)} fields for {len(header)} columns", path=path, line=reader.line_num
                )
            rows.append((len(rows) + 1, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        raise _csv_error(exc, path, reader.line_num, max_chars) from exc
    if not rows:
        raise EmptyDocumentError("the CSV file has no rows", path=path)
    text_col = _pick(header, options.get("text_field"), TEXT_FIELDS, "text")
    if text_col is None:  # the column with the longest values, if it holds text at all
        text_col = max(header, key=lambda h: sum(len(r.get(h, "")) for _, r in rows))
        mean = sum(len(r.get(text_col, "")) for _, r in rows) / len(rows)
        prose = sum(1 for _, r in rows if _PROSE_RE.search(r.get(text_col, "")))
        if mean < 50 or prose * 2 < len(rows):  # file paths, URLs, ids are not document text
            raise EmptyDocumentError(
                f"no column holds document text (longest is {text_col!r}, {mean:.0f} chars a row); "
                "pass text_field=...",
                path=path,
            )
    title_col = _pick(header, options.get("title_field"), TITLE_FIELDS, "title")
    found = False
    for n, row in rows:
        body = row.get(text_col, "")
        meta: dict[str, Any] = {}
        lines = [ln.strip() for ln in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        lines = strip_chrome([ln for ln in lines if ln], meta)
        clean = "\n".join(rejoin_hard_breaks(lines))
        if not clean.strip():
            continue
        found = True
        used = {text_col} | ({title_col} if title_col else set())
        meta.update(_common_meta(row, used))  # the row's own columns win over a byline date
        title = row.get(title_col, "").strip() if title_col else ""
        if title:
            meta["title"] = title
        hint = meta.get("doc_type") or _doc_type_hint(title or path.stem)
        if hint:
            meta["doc_type"] = hint
        meta["row"] = n
        yield f"{path}#row={n}", clean, meta
    if not found:
        raise EmptyDocumentError(f"no row has text in column {text_col!r}", path=path)


def _limits(options: dict[str, Any]) -> Any:
    from .limits import current_limits

    return current_limits(options.get("limits"))


def _csv_error(exc: csv.Error, path: Path, line: int, max_chars: int) -> LoadError:
    if "field limit" in str(exc):
        return LimitExceededError(
            f"a field is over {max_chars:,} characters", limit="max_record_chars", path=path, line=line
        )
    return LoadError(f"malformed CSV: {exc}", path=path, line=line)


# --- JSONL -------------------------------------------------------------------------------------------
def iter_jsonl_records(
    path: Path, text: str, max_chars: int | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object); a malformed line raises LoadError naming the file and line,
    a line over `max_chars` characters (default `Limits.max_record_chars`) LimitExceededError."""
    if max_chars is None:
        from .limits import current_limits

        max_chars = current_limits().max_record_chars
    for n, line in enumerate(text.split("\n"), start=1):
        s = line.strip()
        if not s:
            continue
        if len(s) > max_chars:
            raise LimitExceededError(
                f"record is {len(s):,} characters, over {max_chars:,}", limit="max_record_chars", path=path, line=n
            )
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as exc:
            raise LoadError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=path, line=n) from exc
        if not isinstance(obj, dict):
            raise LoadError(f"a JSONL line must hold an object, not {type(obj).__name__}", path=path, line=n)
        if "\\ud" in s.lower():  # a \\udcxx escape may leave a lone surrogate, which no file can hold
            obj = _without_lone_surrogates(obj)
        yield n, obj


def _without_lone_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def article_of(label: str | None) -> str | None:
    """`民法典第五十四条` → `第五十四条` (None when the label has no 第X条 tail)."""
    if not label:
        return None
    m = ARTICLE_TAIL_RE.search(label)
    return m.group(1) if m else None


def _category_hint(source_file: Any) -> str | None:
    if not isinstance(source_file, str):
        return None
    for part in Path(source_file).parts[:-1]:
        if part in CATEGORY_FOLDERS and part != "法律":
            return part
    return None


def load_jsonl(
    path: Path, text: str, options: dict[str, Any]
) -> Iterator[tuple[str, str, dict[str, Any], list[dict[str, Any]] | None]]:
    """Yield (source, text, meta, records or None) per document in a JSONL file.

    Records that carry a label (`name`, `label`, `article_name`) or an article field (`第X条`) are
    grouped per title (and per `source_file` / `version_date` when present) into one document.
    """
    records = list(iter_jsonl_records(path, text, _limits(options).max_record_chars))
    if not records:
        raise EmptyDocumentError("the JSONL file holds no records", path=path)
    keys: dict[str, None] = {}
    for _, obj in records[:200]:
        keys.update(dict.fromkeys(obj))
    text_f = _pick(keys, options.get("text_field"), TEXT_FIELDS, "text")
    if text_f is None:
        raise LoadError(
            f"no text field among {list(keys)}; pass text_field=...", path=path, line=records[0][0]
        )
    title_f = _pick(keys, options.get("title_field"), TITLE_FIELDS, "title")
    label_f = _pick(keys, options.get("label_field"), LABEL_FIELDS, "label")
    if label_f == title_f:
        label_f = None
    article_f = _pick(keys, None, ARTICLE_FIELDS, "article")
    if article_f is not None:
        sample = [obj.get(article_f) for _, obj in records[:50]]
        if not any(isinstance(v, str) and ARTICLE_LOOK_RE.match(v) for v in sample):
            article_f = None
    labels_are_articles = False
    if label_f is not None:
        sample_labels = [obj.get(label_f) for _, obj in records[:200]]
        hits = sum(1 for v in sample_labels if isinstance(v, str) and article_of(v))
        labels_are_articles = hits * 2 >= max(1, len(sample_labels))
    group = options.get("group")
    if group is None:
        # a record "is already an article" when its label ends in 第X条 or it has an article field
        group = labels_are_articles or article_f is not None or bool(options.get("label_field"))
    if not group and title_f is None and label_f is not None and options.get("label_field") is None:
        title_f, label_f = label_f, None  # {"name": "某某办法", "text": ...}: the name is the title
    used = {f for f in (text_f, title_f, label_f, article_f) if f}

    if not group:
        for n, obj in records:
            body = obj.get(text_f)
            if not isinstance(body, str) or not body.strip():
                continue
            meta = _common_meta(obj, used)
            title = obj.get(title_f) if title_f else None
            if title:
                meta["title"] = str(title)
            if "id" in obj:
                meta["id"] = obj["id"]
            hint = _category_hint(obj.get("source_file"))
            if hint:
                meta["category_hint"] = hint
            meta["line"] = n
            yield f"{path}#line={n}", body, meta, None
        return

    groups: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    for n, obj in records:
        body = obj.get(text_f)
        if not isinstance(body, str) or not body.strip():
            continue
        label = obj.get(label_f) if label_f else None
        title = obj.get(title_f) if title_f else None
        if not title and isinstance(label, str):
            art = article_of(label)
            title = label[: -len(art)] if art else label
        key = (str(title or ""), str(obj.get("source_file") or obj.get("version_date") or ""))
        groups.setdefault(key, []).append((n, obj))
    for (title, _), members in groups.items():
        first_line, first = members[0]
        meta = _common_meta(first, used)
        if title:
            meta["title"] = title
        if first.get("source_file"):
            meta["source_file"] = first["source_file"]
            hint = _category_hint(first["source_file"])
            if hint:
                meta["category_hint"] = hint
        meta["record_count"] = len(members)
        recs: list[dict[str, Any]] = []
        for n, obj in members:
            label = obj.get(label_f) if label_f else None
            label = str(label) if label not in (None, "") else None
            art = obj.get(article_f) if article_f else None
            article = str(art).strip() if art else article_of(label)
            rmeta: dict[str, Any] = {"line": n}
            if "id" in obj:
                rmeta["id"] = obj["id"]
            recs.append({"text": obj[text_f], "label": label, "article": article, "meta": rmeta})
        joined = "\n".join(f"{r['article']} {r['text']}" if r["article"] else r["text"] for r in recs)
        yield f"{path}#line={first_line}", joined, meta, recs
