"""The saved index folder: a manifest naming one generation of data files, written atomically.

    folder/
      manifest.json          which generation is current, model, counts, checksums
      gen-000007/            the data of one save
        clauses.jsonl        one Clause a line, row order      (the row table, rows.py)
        documents.jsonl      one stored document a line
        row_keys.npy         the stable int64 key of each row
        vectors.npy, dense_keys.npy   float32 rows, L2-normalised (the FAISS store)
        dense.faiss          the FAISS index (approximate types only; Flat is rebuilt from vectors)
        lexical.npz, lexical_alive.npy, lexical_vocab.json, lexical_keys.npy   (the BM25 store)
      .lock                  held by a writer while it saves

A save writes a new generation folder (files fsynced), then replaces manifest.json by rename.
A process killed at any point leaves the previous manifest and its generation intact; readers
always open a complete generation. The generation before the current one is kept for readers
that opened it a moment ago; older ones are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import IndexCorruptError, IndexFormatError, IndexNotFoundError
from ..files import fsync_path as _fsync_path
from ..files import sha256_file
from ..models import Manifest

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def gen_name(generation: int) -> str:
    return f"gen-{generation:06d}"


@contextlib.contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_manifest(folder: Path) -> tuple[Manifest, dict[str, Any]]:
    """The manifest and the raw JSON (which also holds file checksums and fusion settings)."""
    path = folder / MANIFEST
    if not folder.is_dir() or not path.exists():
        raise IndexNotFoundError(
            "no lawdocs index here (no manifest.json); build one with `lawdocs index`", path=folder
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"manifest is not valid JSON: {exc}", path=path) from exc
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"index format version {version!r} is not one this lawdocs reads (it reads {FORMAT_VERSION})",
            path=path,
        )
    try:
        manifest = Manifest.model_validate(raw)
    except ValueError as exc:
        raise IndexCorruptError(f"manifest is incomplete: {exc}", path=path) from exc
    return manifest, raw


def generation_dir(folder: Path, raw_manifest: dict[str, Any], *, verify: bool = True) -> Path:
    """The current generation's folder, every file checked against the manifest's checksums."""
    gen = folder / gen_name(int(raw_manifest["generation"]))
    files: dict[str, dict[str, Any]] = raw_manifest.get("files", {})
    for name, info in files.items():
        path = gen / name
        if not path.exists():
            raise IndexCorruptError("file of the index is missing", path=path)
        if path.stat().st_size != info["bytes"]:
            raise IndexCorruptError(
                f"file is {path.stat().st_size} bytes, the manifest says {info['bytes']} (truncated or replaced)",
                path=path,
            )
        if verify and sha256_file(path) != info["sha256"]:
            raise IndexCorruptError("file's checksum does not match the manifest (corrupted)", path=path)
    return gen


def current_generation(folder: Path) -> int | None:
    """The generation the manifest names now (None when it cannot be read)."""
    try:
        return int(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_generation(
    folder: Path,
    generation: int,
    write_files: Callable[[Path], None],
    manifest_for: Callable[[], tuple[Manifest, dict[str, Any]]],
) -> Manifest:
    """Write generation `generation` with `write_files(tmp_dir)`, then switch the manifest to it.

    `manifest_for()` is called after the files are written (the stores report what they wrote) and gives
    the manifest and the extra blocks saved beside it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / gen_name(generation)
    tmp = folder / f".tmp-{gen_name(generation)}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    write_files(tmp)
    manifest, extra = manifest_for()
    files = {}
    for path in sorted(tmp.iterdir()):
        _fsync_path(path)
        files[path.name] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
    _fsync_path(tmp)
    if final.exists():  # left by a save that died after its rename but before its manifest
        shutil.rmtree(final)
    tmp.rename(final)
    body = {**manifest.model_dump(), **extra, "files": files}
    man_tmp = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    with man_tmp.open("w", encoding="utf-8") as fh:
        json.dump(body, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    man_tmp.replace(folder / MANIFEST)
    _fsync_path(folder)
    _prune(folder, keep={final.name, gen_name(generation - 1)})
    return manifest


def _prune(folder: Path, keep: set[str]) -> None:
    for path in folder.iterdir():
        stale_gen = path.name.startswith("gen-") and path.name not in keep
        stale_tmp = path.name.startswith(".tmp-gen-") and not _pid_alive(path.name.rsplit("-", 1)[-1])
        if (stale_gen or stale_tmp) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def write_jsonl(path: Path, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False))
            fh.write("\n")


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise IndexCorruptError(f"invalid JSON: {exc.msg}", path=path, line=number) from exc
