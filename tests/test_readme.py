"""Every example in README.md is run, as a user would run it, on the bundled corpus.

The test reads README.md's fenced ```bash and ```python blocks as they are today and runs them in order in one
working folder (holding `corpora/` and `tests/` of this checkout), so later commands see the indexes earlier ones
made. Conventions it relies on (see also `SKIPPED_COMMANDS`):

- `<!-- readme-test: skip REASON -->` on the line before a fence: the block is not run (the reason is reported).
- A bash line is split at `&&`; each command is run by bash with `lawdocs` meaning this checkout's CLI. A
  comment `# → TEXT` after a command is what its output must show: TEXT, with whitespace ignored and `…`
  standing for anything in between (`# → 劳动合同法实施条例 … 第十五条`). Other comments are prose.
- Commands matching `SKIPPED_COMMANDS` (installing, the test suite itself, lint, `serve`, `finetune`) are not
  run, nor any line that needs a path those skipped commands would have made (`--out models/mine`).
- The file a user supplies, `questions.jsonl`, is the founding report's 10 questions (tests/data/reports).
- `# → TEXT (real model)`: TEXT is checked only with the real models (the slow test).
- Fast mode (the default suite) adds `--model hash-256` to `lawdocs index` (replacing any `--model`) and
  `model="hash-256"` to a bare `Index.create("…")`; the `slow` test runs the bash blocks with the real models,
  where the `# →` outputs must be right.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SKIP_MARK = re.compile(r"<!--\s*readme-test:\s*skip\s*(.*?)\s*-->")
FENCE = re.compile(r"^```(\w*)\s*$")
FAST_MODEL = "hash-256"

# (pattern at the start of a command, why it is not run here)
SKIPPED_COMMANDS: list[tuple[str, str]] = [
    (r"python3? -m venv\b", "creates a virtual environment (CI's .ci/run does)"),
    (r"\. \.venv/bin/activate\b", "activates the virtual environment (the test runs in the current one)"),
    (r"pip install\b", "installs packages (CI's .ci/run does)"),
    (r"python -m pytest\b", "the test suite itself"),
    (r"ruff\b|mypy\b", "lint and types, run by CI"),
    (r"lawdocs serve\b", "runs until stopped (tests/test_server.py runs it as a real process)"),
    (r"lawdocs finetune\b", "trains a model for minutes (tests/test_finetune.py, benchmarks/finetune_stard.py)"),
]


@dataclass
class Command:
    line: int  # README line number
    text: str
    expect: str | None = None


@dataclass
class Block:
    lang: str
    line: int
    body: list[tuple[int, str]]
    skip: str | None = None
    commands: list[Command] = field(default_factory=list)


def blocks(readme: Path = README) -> list[Block]:
    """The fenced bash and python blocks of the README, with their skip markers."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    n = 0
    while n < len(lines):
        m = FENCE.match(lines[n])
        if not m:
            n += 1
            continue
        start, lang = n, m.group(1)
        n += 1
        body = []
        while n < len(lines) and not lines[n].startswith("```"):
            body.append((n + 1, lines[n]))
            n += 1
        n += 1
        before = next((lines[i] for i in range(start - 1, -1, -1) if lines[i].strip()), "")
        marker = SKIP_MARK.search(before)
        if lang in ("bash", "sh", "python"):
            found.append(Block(lang, start + 1, body, marker.group(1) or "marked" if marker else None))
    return found


def split_comment(line: str) -> tuple[str, str]:
    """(command, comment) of a shell line: the first `#` after whitespace, outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


def bash_commands(block: Block) -> list[Command]:
    out = []
    for number, raw in block.body:
        command, comment = split_comment(raw)
        if not command.strip():
            continue
        expect = comment.split("→", 1)[1].strip() if "→" in comment else None
        parts = [p.strip() for p in command.split("&&")]
        out += [Command(number, p) for p in parts[:-1]] + [Command(number, parts[-1], expect)]
    return out


def skip_reason(command: str, made_by_skipped: set[str]) -> str | None:
    for pattern, reason in SKIPPED_COMMANDS:
        if re.match(pattern, command):
            return reason
    for path in made_by_skipped:
        if path in command:
            return f"needs {path}, which a skipped command makes"
    return None


def outputs_of(command: str) -> list[str]:
    """Paths a command writes with --out/-o (so that commands needing them can be skipped with it)."""
    words = shlex.split(command)
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("--out", "-o")]


def fast(command: str) -> str:
    """`lawdocs index …` with the hash embedder instead of a real model."""
    if not re.match(r"(\w+=\S+ )*lawdocs index\b", command):
        return command
    if re.search(r"(--model|-m) \S+", command):
        return re.sub(r"(--model|-m) \S+", f"--model {FAST_MODEL}", command)
    return f"{command} --model {FAST_MODEL}"


def shows(output: str, expect: str) -> bool:
    """Whether `output` shows `expect`: whitespace ignored, `…` matching anything in between."""
    flat = "".join(output.split())
    parts = ["".join(p.split()) for p in expect.split("…")]
    return re.search(".*?".join(re.escape(p) for p in parts if p), flat, re.S) is not None


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    """A folder like the checkout's root: its corpora and tests, the user's questions.jsonl, nothing else."""
    (tmp_path / "corpora").symlink_to(REPO / "corpora")
    (tmp_path / "tests").symlink_to(REPO / "tests")
    rows = [json.loads(line) for line in (REPO / "tests/data/reports/seed_dev.jsonl").open(encoding="utf-8")]
    (tmp_path / "questions.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return tmp_path


def environment(home: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "99", "LAWDOCS_PROGRESS": "off", "PYTHONPATH": str(REPO / "src")}
    env.pop("LAWDOCS_RERANKER", None)
    return env


def run_bash(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    prelude = f'lawdocs() {{ {shlex.quote(sys.executable)} -m lawdocs "$@"; }}; export -f lawdocs; '
    return subprocess.run(
        ["bash", "-c", prelude + command], cwd=cwd, env=environment(), capture_output=True, text=True,
        timeout=1800, stdin=subprocess.DEVNULL,
    )


def run_readme(workdir: Path, *, real_models: bool) -> tuple[list[str], list[str], int]:
    """Run every block; (failures, skipped notes, commands run)."""
    failures: list[str] = []
    skipped: list[str] = []
    made_by_skipped: set[str] = set()
    ran = 0
    for block in blocks():
        if block.skip:
            skipped.append(f"README line {block.line}: block skipped: {block.skip}")
            continue
        if block.lang == "python":
            if real_models:
                continue  # the python block runs in the fast test (its lines have no expected output)
            kept = []
            for number, line in block.body:
                reason = skip_reason(line, made_by_skipped)
                if reason:
                    skipped.append(f"README line {number}: {line.strip()} ({reason})")
                else:
                    kept.append(re.sub(r'Index\.create\(("[^"]*")\)', rf'Index.create(\1, model="{FAST_MODEL}")', line))
            result = subprocess.run(
                [sys.executable, "-c", "\n".join(kept)], cwd=workdir, env=environment(), capture_output=True,
                text=True, timeout=1800,
            )
            ran += 1
            if result.returncode != 0:
                failures.append(f"README line {block.line} (python block): {result.stderr[-2000:]}")
            continue
        for command in bash_commands(block):
            reason = skip_reason(command.text, made_by_skipped)
            if reason:
                skipped.append(f"README line {command.line}: {command.text} ({reason})")
                made_by_skipped.update(outputs_of(command.text))
                continue
            text = command.text if real_models else fast(command.text)
            result = run_bash(text, workdir)
            ran += 1
            output = result.stdout + result.stderr
            if result.returncode != 0:
                failures.append(f"README line {command.line}: `{text}` exited {result.returncode}:\n{output[-1500:]}")
            elif not result.stdout.strip():
                failures.append(f"README line {command.line}: `{text}` printed nothing")
            elif command.expect and (real_models or not needs_real_model(command.expect)):
                wanted = command.expect.removesuffix("(real model)").strip()
                if not shows(output, wanted):
                    failures.append(f"README line {command.line}: `{text}` does not show {wanted!r}:\n{output[:3000]}")
    return failures, skipped, ran


def needs_real_model(expect: str) -> bool:
    """`# → TEXT (real model)`: an output only the real model gives (a ranking by meaning), checked only in the
    slow test; every other expected output is checked in the fast one too."""
    return expect.endswith("(real model)")


# -- the parsing conventions themselves ---------------------------------------------------------------------
def test_conventions_parse_a_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\n```bash\nlawdocs index corpora && lawdocs search \"a # b\" -k 5  # → 第十五条 … p. 2\n"
        "lawdocs serve --port 8000   # HTTP\n```\n\n<!-- readme-test: skip needs a GPU -->\n```python\nprint(1)\n```\n"
        "```\nnot code\n```\n",
        encoding="utf-8",
    )
    found = blocks(readme)
    assert [(b.lang, b.skip) for b in found] == [("bash", None), ("python", "needs a GPU")]
    commands = bash_commands(found[0])
    assert [c.text for c in commands] == ["lawdocs index corpora", 'lawdocs search "a # b" -k 5', "lawdocs serve --port 8000"]
    assert commands[1].expect == "第十五条 … p. 2" and commands[2].expect is None
    assert skip_reason(commands[2].text, set()) and not skip_reason(commands[0].text, set())
    assert fast(commands[0].text) == "lawdocs index corpora --model hash-256"
    assert fast("lawdocs index corpora/laws --model base") == "lawdocs index corpora/laws --model hash-256"
    assert shows("1. 中华人民共和国劳动合同法实施条例 › 第二章 › 第十五条  p. 2", "劳动合同法实施条例 … 第十五条")
    assert not shows("第十五条 … 劳动合同法实施条例", "劳动合同法实施条例 … 第十五条")
    assert outputs_of("lawdocs finetune q.jsonl --reranker --out models/r") == ["models/r"]


def test_readme_examples_run_fast(workdir: Path) -> None:
    """Every runnable README example, with the hash embedder: each exits 0 and prints something."""
    failures, skipped, ran = run_readme(workdir, real_models=False)
    print("\n".join(skipped))
    assert ran >= 10, skipped
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_readme_examples_show_what_they_say(workdir: Path, bundled_index: Path) -> None:
    """The bash examples with the real models: each `# →` output is there. The run's index of the bundled corpus
    (conftest's `bundled_index`, built as `lawdocs index corpora` builds it) is copied to indexes/default first, so
    the README's `lawdocs index corpora` finds every file unchanged rather than embedding the corpus once more (the
    fast test runs that first indexing for real, with the hash embedder)."""
    shutil.copytree(bundled_index, workdir / "indexes" / "default", symlinks=True)
    failures, skipped, ran = run_readme(workdir, real_models=True)
    print("\n".join(skipped))
    assert ran >= 10
    assert not failures, "\n\n".join(failures)
