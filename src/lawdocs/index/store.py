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

A save that fails (disk full, permissions, any error) removes what it wrote and raises IndexWriteError;
the previous generation stays current. What killed saves leave (`.tmp-gen-*` folders and
`.manifest.json.*.tmp` files) is removed at the next save, and at the next open when their process is dead.
Every file is checked when read: a malformed manifest, a bad checksum, undecodable JSONL or non-finite
vectors raise IndexCorruptError naming the file.
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

from ..errors import IndexCorruptError, IndexFormatError, IndexNotFoundError, IndexWriteError
from ..files import fsync_path as _fsync_path
from ..files import sha256_file
from ..models import Manifest

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
OPEN_ATTEMPTS = 5  # whole opens tried when a generation vanishes under a reader


def gen_name(generation: int) -> str:
    return f"gen-{generation:06d}"


@contextlib.contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fh = (folder / ".lock").open("a")
    except OSError as exc:
        raise IndexWriteError(f"cannot take the writer lock: {exc}", path=folder) from exc
    with fh:
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
    if not isinstance(raw, dict):
        raise IndexCorruptError(f"manifest must be a JSON object, not {type(raw).__name__}", path=path)
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
    check_manifest_extras(raw, path)
    return manifest, raw


def check_manifest_extras(raw: dict[str, Any], path: Path) -> None:
    """The manifest's raw parts beyond the Manifest model: `files`, `fusion`, `index_option`."""
    files = raw.get("files", {})
    if not isinstance(files, dict):
        raise IndexCorruptError("manifest 'files' must be an object", path=path)
    for name, info in files.items():
        if (
            not isinstance(name, str)
            or not name
            or "/" in name
            or "\\" in name
            or name in (".", "..")
            or not isinstance(info, dict)
            or not isinstance(info.get("bytes"), int)
            or isinstance(info.get("bytes"), bool)
            or not isinstance(info.get("sha256"), str)
        ):
            raise IndexCorruptError(
                f"manifest 'files' entry {name!r} must be a plain file name with integer 'bytes' and a 'sha256'",
                path=path,
            )
    for key in ("fusion", "fusion_in_force", "backend", "rows"):
        if raw.get(key) is not None and not isinstance(raw[key], dict):
            raise IndexCorruptError(f"manifest {key!r} must be an object or null", path=path)
    if raw.get("index_option", "auto") not in ("auto", "flat", "hnsw", "ivf"):
        raise IndexCorruptError(f"manifest 'index_option' {raw.get('index_option')!r} is unknown", path=path)


def retry_open_or_raise(exc: BaseException, attempt: int, folder: Path) -> None:
    """Called when opening failed with `exc`: return (retry) when a file of the generation vanished and
    attempts remain, after a short pause; otherwise raise it, as IndexCorruptError when it is an OSError."""
    import time

    vanished = generation_vanished(exc)
    if vanished and attempt + 1 < OPEN_ATTEMPTS:
        time.sleep(0.02 * (attempt + 1))
        return
    if isinstance(exc, IndexCorruptError):
        raise exc
    raise IndexCorruptError(
        f"cannot read the index{' (its files kept vanishing under this reader)' if vanished else ''}: {exc}",
        path=getattr(exc, "filename", None) or folder,
    ) from exc


def generation_vanished(exc: BaseException) -> bool:
    """True when `exc` says a file of the generation being opened is gone (a writer replaced it)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, FileNotFoundError) or getattr(cur, "missing", False):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def generation_dir(folder: Path, raw_manifest: dict[str, Any], *, verify: bool = True) -> Path:
    """The current generation's folder, every file checked against the manifest's checksums."""
    gen = folder / gen_name(int(raw_manifest["generation"]))
    files: dict[str, dict[str, Any]] = raw_manifest.get("files", {})
    for name, info in files.items():
        path = gen / name
        if not path.exists():
            missing = IndexCorruptError("file of the index is missing", path=path)
            missing.missing = True  # type: ignore[attr-defined]
            raise missing
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
    the manifest and the extra blocks saved beside it. Call with the writer lock held. Any failure removes
    what this save wrote and raises IndexWriteError; the manifest then still names the previous generation.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexWriteError(f"cannot create the index folder: {exc}", path=folder) from exc
    clean_leftovers(folder, locked=True)
    final = folder / gen_name(generation)
    tmp = folder / f".tmp-{gen_name(generation)}-{os.getpid()}"
    man_tmp = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    try:
        manifest = _write_generation(folder, write_files, manifest_for, tmp, final, man_tmp)
    except BaseException as exc:
        if _manifest_names(folder, generation):  # switched; only a last fsync failed
            _remove(man_tmp)
            if isinstance(exc, Exception):
                _prune(folder, keep={final.name, gen_name(generation - 1)})
                return read_manifest(folder)[0]
            raise
        for path in (tmp, man_tmp, final):
            _remove(path)
        if isinstance(exc, Exception):
            reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, OSError) else str(exc)
            raise IndexWriteError(
                f"could not save the index ({reason}); nothing of this save was kept, the previous "
                "generation is intact",
                path=folder,
            ) from exc
        raise
    _prune(folder, keep={final.name, gen_name(generation - 1)})
    return manifest


def _manifest_names(folder: Path, generation: int) -> bool:
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(raw, dict) and raw.get("generation") == generation


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists() or path.is_symlink():
            path.unlink()
    except OSError:
        pass


def clean_leftovers(folder: Path, *, locked: bool = False) -> list[str]:
    """Remove what killed or failed saves left: `.tmp-gen-*` folders and `.manifest.json.*.tmp` files.

    With the writer lock held (`locked`) every leftover is stale, since writers hold the lock for the whole
    save; without it (at open) only those whose process is gone are removed. Errors (a read-only folder)
    are ignored. Returns the names removed.
    """
    removed: list[str] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        name = path.name
        if name.startswith(".tmp-gen-"):
            pid = name.rsplit("-", 1)[-1]
        elif name.startswith(f".{MANIFEST}.") and name.endswith(".tmp"):
            pid = name[len(f".{MANIFEST}.") : -len(".tmp")]
        else:
            continue
        if not locked and _pid_alive(pid):
            continue
        _remove(path)
        removed.append(name)
    return removed


def _write_generation(
    folder: Path,
    write_files: Callable[[Path], None],
    manifest_for: Callable[[], tuple[Manifest, dict[str, Any]]],
    tmp: Path,
    final: Path,
    man_tmp: Path,
) -> Manifest:
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
    with man_tmp.open("w", encoding="utf-8") as fh:
        fh.write(_dumps(body, indent=2))
        fh.flush()
        os.fsync(fh.fileno())
    man_tmp.replace(folder / MANIFEST)
    _fsync_path(folder)
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


def _dumps(obj: Any, indent: int | None = None) -> str:
    """JSON that always encodes as UTF-8: readable CJK, and a lone surrogate (from a file name with
    undecodable bytes) written as its \\udcxx escape rather than crashing the save."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, indent=indent)
    return text


def write_jsonl(path: Path, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(_dumps(row))
            fh.write("\n")


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of each non-blank line; bad UTF-8, bad JSON or a non-object is IndexCorruptError."""
    with path.open("rb") as fh:
        for number, data in enumerate(fh, 1):
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise IndexCorruptError(f"not UTF-8 text: {exc.reason}", path=path, line=number) from exc
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise IndexCorruptError(f"invalid JSON: {exc.msg}", path=path, line=number) from exc
            if not isinstance(row, dict):
                raise IndexCorruptError(
                    f"a line must hold a JSON object, not {type(row).__name__}", path=path, line=number
                )
            yield number, row
