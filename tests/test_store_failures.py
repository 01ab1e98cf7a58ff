"""Failing disks, killed saves, tampered files and readers racing writers."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest

from lawdocs.errors import IndexCorruptError, IndexWriteError
from lawdocs.index import Index, store

LAW = "# 示范条例\n\n第一条 为了规范示范工作，制定本条例。\n\n第二条 本条例自公布之日起施行。\n"


def make_index(folder: Path, work: Path, text: str = LAW, name: str = "law.md") -> Index:
    (work / name).write_text(text, encoding="utf-8")
    ix = Index.create(folder, model="hash-256")
    assert not ix.add(work / name).failed
    ix.save()
    return ix


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".tmp-", f".{store.MANIFEST}.")))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# -- a save that fails ------------------------------------------------------------------------------
def test_enospc_during_a_save_cleans_up_and_the_next_save_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ix"
    ix = make_index(folder, tmp_path)
    before = (folder / store.MANIFEST).read_bytes()
    gens = sorted(p.name for p in folder.iterdir() if p.name.startswith("gen-"))
    (tmp_path / "more.md").write_text("# 另一条例\n\n第一条 另一个内容。\n", encoding="utf-8")
    ix.add(tmp_path / "more.md")

    real = store.write_jsonl

    def full(path: Path, rows: object) -> None:
        real(path, rows)  # type: ignore[arg-type]
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "write_jsonl", full)
    with pytest.raises(IndexWriteError) as info:
        ix.save()
    assert str(folder) in str(info.value) and "No space left" in str(info.value)
    assert (folder / store.MANIFEST).read_bytes() == before
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("gen-")) == gens
    assert leftovers(folder) == []
    assert len(Index.open(folder).documents) == 1

    monkeypatch.setattr(store, "write_jsonl", real)
    ix.save()  # space is back
    assert len(Index.open(folder).documents) == 2


def test_a_failure_after_the_rename_removes_the_new_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ix"
    ix = make_index(folder, tmp_path)
    before = (folder / store.MANIFEST).read_bytes()
    real_dumps = store._dumps

    def fail_manifest(obj: object, indent: int | None = None) -> str:
        if indent is not None:  # the manifest, written after the generation folder was renamed
            raise OSError(errno.EDQUOT, "Disk quota exceeded")
        return real_dumps(obj, indent)

    monkeypatch.setattr(store, "_dumps", fail_manifest)
    with pytest.raises(IndexWriteError):
        ix.save()
    assert (folder / store.MANIFEST).read_bytes() == before
    assert not (folder / store.gen_name(ix._generation + 1)).exists()
    assert leftovers(folder) == []


def test_a_read_only_folder_is_an_index_write_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions")
    folder = tmp_path / "ix"
    ix = make_index(folder, tmp_path)
    folder.chmod(0o555)
    try:
        with pytest.raises(IndexWriteError):
            ix.save()
    finally:
        folder.chmod(0o755)


def test_a_permission_error_mid_save_is_an_index_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ix"
    ix = make_index(folder, tmp_path)
    before = (folder / store.MANIFEST).read_bytes()

    def denied(path: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(store, "_fsync_path", denied)
    with pytest.raises(IndexWriteError, match="Permission denied"):
        ix.save()
    assert (folder / store.MANIFEST).read_bytes() == before
    assert leftovers(folder) == []


@pytest.fixture
def small_fs(tmp_path: Path) -> Path:
    """An 8 MB tmpfs, mounted for the test (needs root and mount rights; skipped otherwise)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if not shutil.which("mount"):
        pytest.skip("no mount command on this machine")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", f"lawdocs-{uuid.uuid4().hex[:8]}", str(mnt)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {proc.stderr.strip() or proc.returncode}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_real_full_disk_recovers_once_space_is_freed(small_fs: Path, tmp_path: Path) -> None:
    folder = small_fs / "ix"
    ix = make_index(folder, tmp_path)
    before = (folder / store.MANIFEST).read_bytes()
    filler = small_fs / "filler"
    with filler.open("wb") as fh:  # fill the disk up to its last few KB
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    big = "# 长条例\n\n" + "".join(f"第{n}条 这是第{n}条的内容，用来占用空间。\n\n" for n in range(1, 3000))
    (tmp_path / "big.md").write_text(big, encoding="utf-8")
    ix.add(tmp_path / "big.md")
    with pytest.raises(IndexWriteError) as info:
        ix.save()
    assert isinstance(info.value.__cause__, OSError)
    assert (folder / store.MANIFEST).read_bytes() == before
    assert leftovers(folder) == []
    assert len(Index.open(folder).documents) == 1
    filler.unlink()
    ix.save()
    assert len(Index.open(folder).documents) == 2


# -- leftovers of killed saves ----------------------------------------------------------------------
def test_leftovers_of_dead_processes_are_cleaned_at_open_and_all_at_save(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    ix = make_index(folder, tmp_path)
    pid = dead_pid()
    (folder / f".tmp-gen-000009-{pid}").mkdir()
    (folder / f".tmp-gen-000009-{pid}" / "vectors.npy").write_bytes(b"x")
    (folder / f".{store.MANIFEST}.{pid}.tmp").write_text("{}")
    alive = f".tmp-gen-000009-{os.getpid()}"
    (folder / alive).mkdir()
    Index.open(folder)
    assert leftovers(folder) == [alive]  # a live process's folder may be a save under way: kept at open
    ix.save()  # the writer lock is held: nothing else can be saving, everything left over goes
    assert leftovers(folder) == []


def test_a_killed_save_leaves_a_loadable_index_and_its_leftovers_go(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    make_index(folder, tmp_path)
    script = (
        "import os, sys\n"
        "from lawdocs.index import store\n"
        "from lawdocs.index import Index\n"
        "real = store.write_jsonl\n"
        "def die(path, rows):\n"
        "    real(path, rows)\n"
        "    os._exit(9)\n"
        "store.write_jsonl = die\n"
        f"ix = Index.open({str(folder)!r})\n"
        f"ix.add({str(tmp_path / 'law.md')!r}.replace('law.md', 'more.md'))\n"
        "ix.save()\n"
    )
    (tmp_path / "more.md").write_text("# 另一条例\n\n第一条 另一个内容。\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 9
    assert leftovers(folder)  # the killed save's folder is still there
    ix = Index.open(folder)
    assert len(ix.documents) == 1
    assert leftovers(folder) == []


# -- tampered files with recomputed checksums ---------------------------------------------------------
def rewrite(folder: Path, name: str, data: bytes) -> None:
    """Replace a generation file and fix its size and checksum in the manifest (a careful tamperer)."""
    raw = json.loads((folder / store.MANIFEST).read_text(encoding="utf-8"))
    gen = folder / store.gen_name(raw["generation"])
    (gen / name).write_bytes(data)
    raw["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / store.MANIFEST).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")


def edit_manifest(folder: Path, change: object) -> None:
    raw = json.loads((folder / store.MANIFEST).read_text(encoding="utf-8"))
    new = change(raw)  # type: ignore[operator]
    (folder / store.MANIFEST).write_text(json.dumps(raw if new is None else new), encoding="utf-8")


def _no_bytes(raw: dict) -> None:
    del raw["files"]["clauses.jsonl"]["bytes"]


def _bad_fusion(raw: dict) -> None:
    raw["fusion"] = {"rrf_k": "sixty", "method": "median"}


def _fusion_list(raw: dict) -> None:
    raw["fusion"] = [1, 2]


def _files_list(raw: dict) -> None:
    raw["files"] = ["clauses.jsonl"]


def _escape(raw: dict) -> None:
    raw["files"]["../../etc/passwd"] = {"bytes": 1, "sha256": "0" * 64}


@pytest.mark.parametrize(
    "change",
    [lambda raw: [raw], _no_bytes, _bad_fusion, _fusion_list, _files_list, _escape],
    ids=["manifest-is-a-list", "files-entry-without-bytes", "bad-fusion", "fusion-list", "files-list", "escape"],
)
def test_a_malformed_manifest_is_index_corrupt_naming_it(tmp_path: Path, change: object) -> None:
    folder = tmp_path / "ix"
    make_index(folder, tmp_path)
    edit_manifest(folder, change)
    with pytest.raises(IndexCorruptError) as info:
        Index.open(folder)
    assert "manifest.json" in str(info.value)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("clauses.jsonl", b'{"id": "\xff\xfe"}\n'),
        ("documents.jsonl", b"[1, 2, 3]\n"),
        ("documents.jsonl", b'{"id": 5}\n'),
        ("clauses.jsonl", b'"just a string"\n'),
        ("lexical_vocab.json", b'{"vocab": 5}'),
    ],
    ids=["clauses-not-utf8", "documents-list", "documents-invalid", "clauses-string", "vocab-wrong-type"],
)
def test_a_tampered_file_is_index_corrupt_naming_it(tmp_path: Path, name: str, data: bytes) -> None:
    folder = tmp_path / "ix"
    make_index(folder, tmp_path)
    if not (folder / store.gen_name(1) / name).exists():
        pytest.skip(f"{name} is not a file of this index format")
    rewrite(folder, name, data)
    with pytest.raises(IndexCorruptError) as info:
        Index.open(folder)
    assert name.split(".")[0] in str(info.value) or "lexical" in str(info.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_vectors_are_refused_on_load(tmp_path: Path, bad: float) -> None:
    folder = tmp_path / "ix"
    make_index(folder, tmp_path)
    gen = folder / store.gen_name(1)
    vectors = np.load(gen / "vectors.npy")
    vectors[0, 0] = bad
    np.save(gen / "vectors.npy", vectors)
    rewrite(folder, "vectors.npy", (gen / "vectors.npy").read_bytes())
    with pytest.raises(IndexCorruptError, match="NaN or Inf") as info:
        Index.open(folder)
    assert "vectors.npy" in str(info.value)


# -- readers racing writers -------------------------------------------------------------------------
def test_a_reader_retries_when_its_generation_vanishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two saves land while a reader is between the manifest and the files: the old generation is pruned
    under it. The reader must reopen the new generation, not report a corrupt index."""
    folder = tmp_path / "ix"
    writer = make_index(folder, tmp_path)
    real = store.generation_dir
    calls = {"n": 0}

    def racing(folder_: Path, raw: dict, *, verify: bool = True) -> Path:
        calls["n"] += 1
        if calls["n"] == 1:
            for name in ("a.md", "b.md"):
                (tmp_path / name).write_text(f"# {name}条例\n\n第一条 {name}的内容。\n", encoding="utf-8")
                writer.add(tmp_path / name)
                writer.save()
        return real(folder_, raw, verify=verify)

    monkeypatch.setattr(store, "generation_dir", racing)
    reader = Index.open(folder)
    assert calls["n"] >= 2
    assert len(reader.documents) == 3


def test_a_generation_that_keeps_vanishing_is_index_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ix"
    make_index(folder, tmp_path)
    calls = {"n": 0}

    def gone(folder_: Path, raw: dict, *, verify: bool = True) -> Path:
        calls["n"] += 1
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(folder_ / "gen-000001"))

    monkeypatch.setattr(store, "generation_dir", gone)
    with pytest.raises(IndexCorruptError, match="vanishing"):
        Index.open(folder)
    assert calls["n"] == store.OPEN_ATTEMPTS


def test_surrogates_in_stored_text_do_not_break_a_save(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    path.write_text('{"title": "示范\\udcff条例", "text": "第一条 内容\\udcfe。"}\n', encoding="utf-8")
    ix = Index.create(tmp_path / "ix", model="hash-256")
    assert not ix.add(path).failed
    ix.save()
    again = Index.open(tmp_path / "ix")
    (doc,) = again.documents.values()
    assert doc.title == "示范\ufffd条例"
    again.save()


def test_surrogates_reaching_the_store_are_escaped_not_fatal(tmp_path: Path) -> None:
    store.write_jsonl(tmp_path / "x.jsonl", [{"source": "/data/bad\udcff.md"}])
    ((_, row),) = store.read_jsonl(tmp_path / "x.jsonl")
    assert row["source"] == "/data/bad\udcff.md"
