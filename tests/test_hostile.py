"""Hostile inputs: small versions of memory bombs, bad file names, missing paths and symlink loops.

Each bomb is built in `tmp_path` and indexed by `lawdocs index` in a subprocess whose address space (RLIMIT_AS) and
CPU time (RLIMIT_CPU: a bomb that spins is killed, and the test fails, instead of a timed assertion) are capped,
beside a good file: the bomb fails with its named limit, the good file is indexed, and an index
that existed before keeps what it held.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lawdocs.errors import LimitExceededError, LoadError
from lawdocs.index import Index
from lawdocs.load import Limits, RawDocument, load_path
from lawdocs.parse import parse_file, parse_raw
from lawdocs.parsing.split import coverage_gaps

ADDRESS_SPACE = 1536 * 1024 * 1024  # 1.5 GB of virtual memory for the child
CPU_SECONDS = 60  # of CPU for the whole child, start-up (imports) included: "seconds, not minutes" per bomb
GOOD = "# 示范条例\n\n第一条 为了规范示范工作，制定本条例。\n\n第二条 本条例自公布之日起施行。\n"


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


# Runs the CLI and records the child's own peak RSS. Neither getrusage figure will do: RUSAGE_CHILDREN counts every
# earlier child of the test process (such as a served real-model index), and Linux carries RUSAGE_SELF's ru_maxrss
# across exec, so a child forked from a pytest process of 5 GB reports 5 GB. VmHWM belongs to the address space
# that exec made new.
_WRAPPER = (
    "import os, runpy, sys\n"
    "sys.argv = ['lawdocs', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('lawdocs', run_name='__main__')\n"
    "finally:\n"
    "    with open('/proc/self/status') as status:\n"
    "        kb = next(line.split()[1] for line in status if line.startswith('VmHWM:'))\n"
    "    with open(os.environ['LAWDOCS_TEST_PEAK'], 'w') as fh:\n"
    "        fh.write(kb)\n"
)
_PEAK: list[Path] = []


def run_cli(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m lawdocs ARGS` with a capped address space; the test fails if it runs past 300 s."""
    peak = Path(cwd) / ".child-peak-rss"
    _PEAK[:] = [peak]
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LAWDOCS_TEST_PEAK": str(peak), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", _WRAPPER, *map(os.fsdecode, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=300,
        preexec_fn=_bounded,
    )


def child_peak_rss_bytes() -> int:
    """The peak RSS of the last `run_cli` child, as it measured itself."""
    return int(_PEAK[0].read_text()) * 1024


def index_state(folder: Path) -> tuple[int, list[str]]:
    ix = Index.open(folder)
    return ix.manifest.generation if ix.manifest else 0, sorted(ix.documents)


@pytest.fixture
def base(tmp_path: Path) -> tuple[Path, Path]:
    """(work folder, an index holding one document)."""
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    ix = Index.create(tmp_path / "ix", model="hash-256")
    (tmp_path / "first.md").write_text("# 第一部规定\n\n第一条 先有的内容。\n", encoding="utf-8")
    assert not ix.add(tmp_path / "first.md").failed
    ix.save()
    return tmp_path, tmp_path / "ix"


def assert_bomb_refused(work: Path, index: Path, bomb: Path, limit: str) -> None:
    """Index the bomb beside good.md: named error, batch goes on, what was indexed is kept."""
    before_gen, before_docs = index_state(index)
    proc = run_cli("index", bomb, "good.md", "--index", index, "--json", cwd=work)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["documents_added"] == 1  # good.md
    (failure,) = summary["failed"]
    assert f"limit {limit}" in failure["error"], failure
    gen, docs = index_state(index)
    assert gen == before_gen + 1 and set(before_docs) < set(docs)
    assert child_peak_rss_bytes() < 1024**3


# -- DOCX ---------------------------------------------------------------------------------------
DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
DOC_TAIL = "</w:body></w:document>"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
    '+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
PARA = "<w:p><w:r><w:t>第一条 为了规范示范工作，制定本条例。</w:t></w:r></w:p>"


def write_docx(path: Path, paragraphs: int = 3, *, head: str = DOC_HEAD, extra_members: int = 0) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            block = (PARA * 1000).encode()
            for _ in range(paragraphs // 1000):
                fh.write(block)
            fh.write((PARA * (paragraphs % 1000)).encode())
            fh.write(DOC_TAIL.encode())
        for n in range(extra_members):
            zf.writestr(f"customXml/item{n}.xml", "<a/>")
    return path


def test_a_small_docx_still_reads(tmp_path: Path) -> None:
    (raw,) = load_path(write_docx(tmp_path / "ok.docx"))
    assert raw.text.count("第一条") == 3


def test_docx_inflating_past_the_limit_is_refused_in_bounded_memory(base: tuple[Path, Path]) -> None:
    work, index = base
    bomb = write_docx(work / "bomb.docx", paragraphs=2_000_000)  # ~170 MB of XML in a file of a few hundred KB
    assert bomb.stat().st_size < 2 * 1024 * 1024
    assert_bomb_refused(work, index, bomb, "max_inflated_bytes")


def test_docx_whose_directory_understates_its_size_stays_bounded(tmp_path: Path) -> None:
    """A central directory that lies about the inflated size: the bounded reader never reads past it."""
    bomb = write_docx(tmp_path / "liar.docx", paragraphs=200_000)
    data = bytearray(bomb.read_bytes())
    at = data.rfind(b"word/document.xml")  # its name in the central directory, after the fixed header
    header = data.rfind(b"PK\x01\x02", 0, at)
    extra_len = int.from_bytes(data[header + 30 : header + 32], "little")
    if int.from_bytes(data[header + 24 : header + 28], "little") == 0xFFFFFFFF or extra_len:
        pytest.skip("the member was written with a zip64 extra field; the 32-bit size is not the one read")
    data[header + 24 : header + 28] = (1000).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    with pytest.raises(LoadError) as info:
        list(load_path(bomb))
    assert "liar.docx" in str(info.value)


def test_docx_with_too_many_members_is_refused(tmp_path: Path) -> None:
    bomb = write_docx(tmp_path / "many.docx", extra_members=60)
    with pytest.raises(LimitExceededError) as info:
        list(load_path(bomb, limits=Limits(max_zip_members=50)))
    assert info.value.limit == "max_zip_members" and "many.docx" in str(info.value)


def test_docx_declaring_xml_entities_is_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈">'
        + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
        + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>&i;</w:t></w:r></w:p>"
    )
    bomb = write_docx(tmp_path / "laughs.docx", paragraphs=0, head=laughs)
    with pytest.raises(LimitExceededError) as info:
        list(load_path(bomb))
    assert info.value.limit == "max_xml_entities" and "laughs.docx" in str(info.value)


# -- YAML front matter ------------------------------------------------------------------------------
ALIAS_BOMB = (
    "---\n"
    + "a0: &a0 [法, 法, 法, 法, 法, 法, 法, 法, 法]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 8))
    + "title: *a7\n---\n# 标题\n\n第一条 内容。\n"
)


def test_yaml_alias_bomb_is_refused(base: tuple[Path, Path]) -> None:
    work, index = base
    assert len(ALIAS_BOMB.encode()) < 600
    (work / "alias.md").write_text(ALIAS_BOMB, encoding="utf-8")
    assert_bomb_refused(work, index, work / "alias.md", "max_yaml_aliases")


def test_one_small_alias_is_refused_too_and_a_setting_allows_it(tmp_path: Path) -> None:
    path = tmp_path / "one.md"
    path.write_text("---\nx: &x 示范条例\ntitle: *x\n---\n第一条 内容。\n", encoding="utf-8")
    with pytest.raises(LimitExceededError):
        list(load_path(path))
    (raw,) = load_path(path, limits=Limits(max_yaml_aliases=1))
    assert raw.meta["title"] == "示范条例"


def test_front_matter_value_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: " + "长" * 30_000 + "\n---\n第一条 内容。\n", encoding="utf-8")
    with pytest.raises(LimitExceededError) as info:
        list(load_path(path))
    assert info.value.limit == "max_front_matter_chars" and "title" in str(info.value)


# -- records and clauses ----------------------------------------------------------------------------
def test_jsonl_record_over_the_cap_is_refused_with_its_line(base: tuple[Path, Path]) -> None:
    work, index = base
    bomb = work / "record.jsonl"
    bomb.write_text('{"title": "短", "text": "好。"}\n{"text": "' + "法" * 2_100_000 + '"}\n', encoding="utf-8")
    assert_bomb_refused(work, index, bomb, "max_record_chars")
    with pytest.raises(LimitExceededError) as info:
        list(load_path(bomb))
    assert info.value.line == 2


def test_record_cap_is_read_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "' + "法" * 500 + '"}\n', encoding="utf-8")
    assert list(load_path(path))
    monkeypatch.setenv("LAWDOCS_MAX_RECORD_CHARS", "100")
    with pytest.raises(LimitExceededError, match="LAWDOCS_MAX_RECORD_CHARS"):
        list(load_path(path))


def test_unpunctuated_text_is_cut_at_the_hard_cap_without_losing_text(tmp_path: Path) -> None:
    body = "第一章 总则\n第一条 " + "法" * 200_000
    doc = parse_raw(RawDocument(source=str(tmp_path / "flat.txt"), text=body))
    cap = Limits().max_clause_chars
    assert len(doc.clauses) >= 200_000 // cap
    assert max(len(c.text) for c in doc.clauses) <= cap
    assert coverage_gaps(doc) == []
    assert "".join(c.text for c in doc.clauses).count("法") == 200_000
    assert {tuple(c.path) for c in doc.clauses} == {tuple(doc.clauses[0].path)}  # every part keeps its path
    assert [c.part for c in doc.clauses[:3]] == [1, 2, 3]


def test_long_jsonl_record_becomes_parts_under_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "law.jsonl"
    rows = [{"name": "示范法第一条", "content": "法" * 10_000}, {"name": "示范法第二条", "content": "短。"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    clauses = [c for d in parse_file(path) for c in d.clauses]
    assert max(len(c.text) for c in clauses) <= Limits().max_clause_chars
    assert sum(c.text.count("法") for c in clauses) == 10_000


def test_flat_text_file_indexes_in_bounded_memory(base: tuple[Path, Path]) -> None:
    work, index = base
    (work / "flat.txt").write_text("无标点的文本\n" + "法" * 300_000, encoding="utf-8")
    proc = run_cli("index", "flat.txt", "--index", index, "--json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    ix = Index.open(index)
    assert max(len(c.text) for c in ix.clauses) <= Limits().max_clause_chars
    assert child_peak_rss_bytes() < 1024**3


# -- HTML ---------------------------------------------------------------------------------------
def test_deeply_nested_html_is_a_named_error_not_silent_loss(base: tuple[Path, Path]) -> None:
    work, index = base
    bomb = work / "deep.html"
    bomb.write_text("<html><body>" + "<div>" * 100_000 + "深处的条文。" + "</div>" * 100_000 + "</body></html>")
    assert_bomb_refused(work, index, bomb, "max_html_depth")


def test_html_just_past_libxml2s_depth_is_refused_and_shallow_pages_read(tmp_path: Path) -> None:
    deep = tmp_path / "d300.html"
    deep.write_text("<html><body>" + "<div>" * 300 + "深处。" + "</div>" * 300 + "<p>其后的文字。</p></body></html>")
    with pytest.raises(LimitExceededError, match="max_html_depth"):
        list(load_path(deep))
    shallow = tmp_path / "d100.html"
    shallow.write_text("<html><body>" + "<div>" * 100 + "深处。" + "</div>" * 100 + "<p>其后的文字。</p></body></html>")
    (raw,) = load_path(shallow)
    assert "深处。" in raw.text and "其后的文字。" in raw.text


# -- names and paths --------------------------------------------------------------------------------
def test_undecodable_file_name_is_indexed_and_saved(base: tuple[Path, Path]) -> None:
    work, index = base
    bad = os.fsencode(work) + b"/bad\xff\xfename.md"
    with open(bad, "wb") as fh:
        fh.write("# 坏名字的文件\n\n第一条 坏名字文件的内容。\n".encode())
    proc = run_cli("index", "good.md", os.fsdecode(bad), "--index", index, cwd=work)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    ix = Index.open(index)
    sources = [s for d in ix.documents.values() for s in d.sources]
    assert any(s.endswith("bad\\xff\\xfename.md") for s in sources), sources
    assert any(s.endswith("good.md") for s in sources)
    assert not [p for p in index.iterdir() if p.name.startswith(".tmp-")]
    again = run_cli("index", "good.md", os.fsdecode(bad), "--index", index, "--json", cwd=work)
    assert json.loads(again.stdout)["documents_skipped"] == 2  # the escaped source is stable


def test_missing_path_and_symlink_loop_fail_alone(base: tuple[Path, Path]) -> None:
    work, index = base
    (work / "loop_a.md").symlink_to("loop_b.md")
    (work / "loop_b.md").symlink_to("loop_a.md")
    proc = run_cli("index", "good.md", "/nonexistent.md", "loop_a.md", "--index", index, "--json", cwd=work)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    summary = json.loads(proc.stdout)
    assert summary["documents_added"] == 1
    errors = {f["source"]: f["error"] for f in summary["failed"]}
    assert "no such file" in errors["/nonexistent.md"]
    assert "symlink loop" in errors["loop_a.md"]


def test_parse_lists_a_missing_path_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    proc = run_cli("parse", "good.md", "/nonexistent.md", "--json", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "/nonexistent.md" in proc.stderr and "no such file" in proc.stderr
    assert len(json.loads(proc.stdout)["documents"]) == 1


def test_symlink_loop_inside_a_folder_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "docs" / "x.md").symlink_to("x.md")
    ix = Index.create(tmp_path / "ix", model="hash-256")
    report = ix.add(tmp_path / "docs")
    assert len(report.added) == 1
    assert len(report.failed) == 1 and "symlink loop" in report.failed[0][1].lower()


# -- an empty index ---------------------------------------------------------------------------------
def test_an_empty_first_index_stays_usable(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    first = run_cli("index", "empty", "--index", "new", "--model", "hash-256", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    search = run_cli("search", "条例", "--index", "new", "--json", cwd=tmp_path)
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)["hits"] == []
    second = run_cli("index", "good.md", "--index", "new", "--json", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["documents"] == 1


def test_a_first_batch_of_only_bad_files_leaves_a_usable_index(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    first = run_cli("index", "bad.pdf", "--index", "new", "--model", "hash-256", cwd=tmp_path)
    assert first.returncode == 1 and "Traceback" not in first.stderr
    ix = Index.open(tmp_path / "new")
    assert len(ix) == 0 and ix.search("条例", k=3) == []
    assert ix.search("条例", k=3, mode="dense") == [] and ix.search("条例", k=3, mode="lexical") == []
    second = run_cli("index", "good.md", "--index", "new", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
