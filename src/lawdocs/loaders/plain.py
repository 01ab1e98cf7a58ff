"""`.txt` and `.md`: decoding, YAML front matter, LawRefBook titles, folder and file-name hints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EmptyDocumentError, LimitExceededError
from .text import decode_bytes, iso_date, strip_chrome

if TYPE_CHECKING:
    from .limits import Limits

# LawRefBook top-level folders (and the 法律 sub-folders) that say what kind of text a file is.
CATEGORY_FOLDERS = (
    "宪法",
    "宪法相关法",
    "民法典",
    "民法商法",
    "行政法",
    "经济法",
    "社会法",
    "刑法",
    "诉讼与非诉讼程序法",
    "行政法规",
    "司法解释",
    "部门规章",
    "地方性法规",
    "监察法规",
    "自治条例",
    "单行条例",
    "经济特区法规",
    "案例",
    "其他",
    "法律",
)
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_FILENAME_DATE_RE = re.compile(r"[（(](\d{4}-\d{2}-\d{2})[)）]\s*$")
_TITLE_RE = re.compile(r"^#[ \t]+(.+?)\s*#*\s*$", re.M)


def _refuse_aliases(yaml: Any, block: str, path: Path, cap: int) -> None:
    """Walk the YAML events once: more than `cap` aliases (`*name`, the building block of alias bombs) is refused."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    aliases = 0
    for event in yaml.parse(block, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > cap:
                raise LimitExceededError(
                    f"YAML front matter uses more than {cap} alias(es) (*name); aliases can expand a few "
                    "bytes into gigabytes",
                    limit="max_yaml_aliases",
                    path=path,
                )


def _check_sizes(value: Any, path: Path, cap: int, key: str = "") -> None:
    stack = [(key, value)]
    while stack:
        where, v = stack.pop()
        if isinstance(v, dict):
            stack.extend((f"{where}.{k}" if where else str(k), x) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((f"{where}[{i}]", x) for i, x in enumerate(v))
        size = len(v) if isinstance(v, (dict, list)) else len(str(v))
        if size > cap:
            raise LimitExceededError(
                f"YAML front-matter value {where or '(root)'} is over {cap:,} characters",
                limit="max_front_matter_chars",
                path=path,
            )


def _read_front_matter(block: str, path: Path | None = None, limits: Limits | None = None) -> dict[str, Any]:
    """YAML front matter as a dict (PyYAML when present, else `key: value` lines).

    Anchors and aliases are refused and no value may pass `limits.max_front_matter_chars`
    (LimitExceededError), so a few hundred bytes cannot expand into gigabytes.
    """
    from .limits import current_limits

    lim = current_limits(limits)
    where = path if path is not None else Path("<front matter>")
    if len(block) > 4 * lim.max_front_matter_chars:
        raise LimitExceededError(
            f"YAML front matter is {len(block):,} characters, over 4 × {lim.max_front_matter_chars:,}",
            limit="max_front_matter_chars",
            path=where,
        )
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is optional
        yaml = None  # type: ignore[assignment]
    if yaml is not None:
        data = None
        try:
            _refuse_aliases(yaml, block, where, lim.max_yaml_aliases)
            data = yaml.load(block, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            _check_sizes(data, where, lim.max_front_matter_chars)
            return {str(k): v for k, v in data.items()}
    out: dict[str, Any] = {}
    key = None
    for line in block.splitlines():
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if m:
            key, val = m.group(1), m.group(2).strip().strip("\"'")
            out[key] = val if val else []
        elif key and line.strip().startswith("- ") and isinstance(out.get(key), list):
            out[key].append(line.strip()[2:].strip().strip("\"'"))
    _check_sizes(out, where, lim.max_front_matter_chars)
    return out


def _front_matter_meta(fm: dict[str, Any]) -> dict[str, Any]:
    """Map the front-matter keys lawdocs knows onto RawDocument.meta keys; keep the rest under 'front_matter'."""
    meta: dict[str, Any] = {}
    if fm.get("title"):
        meta["title"] = str(fm["title"]).strip()
    for key in ("date", "publish_date", "published", "release_date"):
        d = iso_date(fm.get(key))
        if d:
            meta["date"] = d
            if key != "date":
                meta[key] = d
            break
    for key in ("effective_date", "valid_from", "effect_date"):
        d = iso_date(fm.get(key))
        if d:
            meta["effective_date"] = d
            break
    if fm.get("status"):
        meta["status"] = str(fm["status"])
    issuer = fm.get("issuing_authority") or fm.get("issuer") or fm.get("office")
    if issuer:
        meta["issuers"] = [str(x) for x in issuer] if isinstance(issuer, list) else [str(issuer)]
    if fm.get("category"):  # "法律/行政法" → "行政法"; a category folder on the path wins
        meta["category_hint"] = str(fm["category"]).strip("/").split("/")[-1]
    if fm.get("number"):
        meta["number"] = str(fm["number"])
    meta["front_matter"] = {k: (v if isinstance(v, (str, int, float, bool, list)) else str(v)) for k, v in fm.items()}
    return meta


def category_from_path(path: Path) -> str | None:
    """The innermost LawRefBook category folder on the path (地方性法规 for DLC files), if any."""
    found = None
    for part in path.parent.parts:
        if part in CATEGORY_FOLDERS:
            found = part
    if found == "法律":
        return None
    return found


def load_text(
    path: Path, data: bytes, fmt: str, encoding: str | None = None, *, limits: Limits | None = None
) -> tuple[str, dict[str, Any]]:
    """Decode a `.txt` / `.md` file; return (text, meta). Markdown keeps its `#` lines for the parser."""
    text = decode_bytes(data, path, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, Any] = {}
    if fmt == "md":
        m = _FRONT_MATTER_RE.match(text)
        if m:
            meta.update(_front_matter_meta(_read_front_matter(m.group(1), path, limits)))
            text = text[m.end() :]
        t = _TITLE_RE.search(text)
        if t and "title" not in meta:
            meta["title"] = t.group(1).strip()
        hint = category_from_path(path)
        if hint:
            meta["category_hint"] = hint
        fd = _FILENAME_DATE_RE.search(path.stem)
        if fd:  # LawRefBook names a file after the version it holds: 名称(2021-01-22).md
            meta["date"] = fd.group(1)
        text = text.strip("\n")
    else:
        # scraped web copies carry chrome lines (bylines, view counters) near the top: drop those only
        lines = text.split("\n")
        head = strip_chrome([ln.strip() for ln in lines[:6]], meta)
        kept = [ln for ln in lines[:6] if ln.strip() in head or not ln.strip()]
        text = "\n".join(kept + lines[6:]).strip("\n")
        first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
        if first and len(first) <= 80:
            meta["title"] = first
    if not text.strip():
        raise EmptyDocumentError("the file holds no text", path=path)
    return text, meta
