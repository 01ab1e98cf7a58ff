"""Corpus metadata that LawRefBook keeps beside its Markdown: `MANIFEST.json` and `LawRefBook_db.sqlite3`.

When either file sits in a folder above a Markdown file (its own folder up to five levels up, so the folder being
indexed or its parent), the file's entry gives the container metadata the parser uses for versions:
`publish` (promulgation), `valid_from` (→ `effective_date`) and `expired`.

- MANIFEST.json: `{"files": [{"path": "行政法/行政处罚法(2021-01-22).md", "publish", "valid_from", "expired"}]}`,
  paths relative to the manifest's folder;
- the sqlite DB: table `law` (name, publish, valid_from, expired), matched on the file name "NAME(PUBLISH).md".

A damaged or foreign file of either name is ignored (it is someone else's data, not the document).
"""

from __future__ import annotations

import json
import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

MANIFEST = "MANIFEST.json"
DB = "LawRefBook_db.sqlite3"
_LEVELS = 6
_STEM_RE = re.compile(r"^(.*?)[（(](\d{4}-\d{2}-\d{2})[)）]$")


@lru_cache(maxsize=64)
def _manifest(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    out: dict[str, dict[str, Any]] = {}
    for row in files if isinstance(files, list) else []:
        if isinstance(row, dict) and isinstance(row.get("path"), str):
            out[row["path"]] = row
    return out


@lru_cache(maxsize=16)
def _db(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT name, publish, valid_from, expired FROM law").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return {}
    for name, publish, valid_from, expired in rows:
        if isinstance(name, str) and isinstance(publish, str):
            out[(name, publish)] = {"publish": publish, "valid_from": valid_from, "expired": bool(expired)}
    return out


@lru_cache(maxsize=4096)
def _found(folder: Path, name: str) -> Path | None:
    for up in [folder, *folder.parents][:_LEVELS]:
        candidate = up / name
        if candidate.is_file():
            return candidate
    return None


def corpus_meta(path: Path) -> dict[str, Any]:
    """publish / effective_date / expired for `path` from LawRefBook metadata above it, else {}."""
    folder = path.parent
    out: dict[str, Any] = {}
    manifest = _found(folder, MANIFEST)
    if manifest is not None:
        try:
            rel = path.relative_to(manifest.parent).as_posix()
        except ValueError:
            rel = ""
        row = _manifest(manifest).get(rel)
        if row:
            out = {
                "publish": row.get("publish"),
                "valid_from": row.get("valid_from"),
                "expired": row.get("expired"),
            }
    if not out:
        db = _found(folder, DB)
        m = _STEM_RE.match(path.stem)
        if db is not None and m:
            out = dict(_db(db).get((m.group(1), m.group(2)), {}))
    clean: dict[str, Any] = {k: v for k, v in out.items() if v not in (None, "")}
    if "valid_from" in clean:
        clean["effective_date"] = clean.pop("valid_from")
    return clean
