"""Where lawdocs keeps built models, and the small file helpers they share (atomic folders, fingerprints)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..files import sha256_file

HOME_ENV = "LAWDOCS_HOME"
DEFAULT_MODEL_DIRNAME = "multilingual-e5-small"
MODEL_INFO_FILE = "lawdocs_model.json"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".onnx", ".pt")


def lawdocs_home(home: str | Path | None = None) -> Path:
    """``home``, else ``$LAWDOCS_HOME``, else ``~/.cache/lawdocs``."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ.get(HOME_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "lawdocs"


def default_model_dir(home: str | Path | None = None) -> Path:
    return lawdocs_home(home) / "models" / DEFAULT_MODEL_DIRNAME


def weight_files(folder: Path) -> list[Path]:
    """The weight files of a sentence-transformers / Hugging Face folder (ONNX exports excluded), sorted."""
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix in WEIGHT_SUFFIXES
        and "onnx" not in p.relative_to(folder).parts
        and p.suffix != ".onnx"
        and p.name != "training_args.bin"
    ]
    return sorted(found)


def fingerprint_files(files: Iterable[Path], root: Path) -> str:
    """sha256 over (relative name, sha256 of content) of each file, so a renamed or changed file counts."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(sha256_file(path).encode())
    return h.hexdigest()


_FP_CACHE = ".lawdocs_fingerprint.json"


def folder_fingerprint(folder: Path) -> str:
    """Fingerprint of a model folder's weights, cached beside them (keyed on names, sizes and mtimes)."""
    files = weight_files(folder)
    key = [[p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    cache = folder / _FP_CACHE
    try:
        cached = json.loads(cache.read_text())
        if cached.get("key") == key:
            return str(cached["fingerprint"])
    except (OSError, ValueError, KeyError):
        pass
    fp = fingerprint_files(files, folder)
    try:
        write_json_atomic(cache, {"key": key, "fingerprint": fp})
    except OSError:  # a read-only model folder: just don't cache
        pass
    return fp


def write_json_atomic(path: Path, obj: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())


def publish_dir(staging: Path, target: Path) -> Path:
    """Move a fully written ``staging`` folder to ``target`` atomically.

    If another process published ``target`` first, keep theirs and drop ours (both were built from the same
    inputs), so concurrent builds never leave a half-written folder.
    """
    fsync_tree(staging)
    try:
        os.rename(staging, target)
    except OSError:
        if (target / MODEL_INFO_FILE).is_file():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            raise
    return target


def replace_dir(staging: Path, target: Path) -> Path:
    """Publish ``staging`` as ``target``, dropping an older ``target`` first (a stale or broken build)."""
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
        shutil.rmtree(old, ignore_errors=True)
    return publish_dir(staging, target)


@contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on building ``target`` (a file beside it), so that two processes on a first run build
    a model once: the second waits, then finds it built, instead of swapping the folder from under the first."""
    import fcntl

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
