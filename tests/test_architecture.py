"""The package's shape: imports flow one way (no cycle), and search at run time imports no training code."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "lawdocs"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The lawdocs modules `path` imports at run time (module level or inside functions; not TYPE_CHECKING)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("lawdocs"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.startswith("lawdocs"):
                    for alias in child.names:  # `from . import store` imports a module
                        sub = f"{target}.{alias.name}"
                        found.add(sub if sub in modules else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return {m for m in found if m in modules}


def import_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(f) for f in files}
    return {module_name(f): imports_of(f, modules) for f in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


def test_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 40 and "lawdocs.index.rows" in graph["lawdocs.index"]
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_search_imports_no_training_or_evaluation(tmp_path: Path) -> None:
    script = f"""
import json, sys
from typer.testing import CliRunner
from lawdocs.cli import app
from lawdocs.index import Index
ix = Index.create({str(tmp_path / "ix")!r}, model="hash-64")
ix.add({str(PACKAGE.parents[1] / "corpora" / "reports" / "seed")!r})
ix.save()
result = CliRunner().invoke(app, ["search", "行政执法", "--index", {str(tmp_path / "ix")!r}, "--json"])
assert result.exit_code == 0, result.output
print(json.dumps(sorted(m for m in sys.modules if m.startswith("lawdocs"))))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "lawdocs.search" in loaded and "lawdocs.index.faiss_store" in loaded
    forbidden = {m for m in loaded if m.startswith(("lawdocs.train", "lawdocs.evaluate", "lawdocs.search.rerank"))}
    assert not forbidden


def test_every_module_is_under_400_lines_and_every_package_says_what_its_modules_own() -> None:
    long = {str(p.relative_to(SRC)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert not long
    for init in PACKAGE.rglob("__init__.py"):
        package = init.parent
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        for module in package.glob("*.py"):
            if module.name != "__init__.py":
                assert f"`{module.stem}`" in doc, f"{init.relative_to(SRC)} does not say what {module.name} owns"


def test_the_core_runs_without_the_serve_extra(tmp_path: Path) -> None:
    script = f"""
import sys
sys.modules["fastapi"] = None  # as if the serve extra were not installed
sys.modules["uvicorn"] = None
from typer.testing import CliRunner
from lawdocs.cli import app
from lawdocs.index import Index
ix = Index.create({str(tmp_path / "ix")!r}, model="hash-64")
ix.add({str(PACKAGE.parents[1] / "corpora" / "reports" / "seed")!r})
ix.save()
assert Index.open({str(tmp_path / "ix")!r}).search("行政执法", k=3)
result = CliRunner().invoke(app, ["serve", "--index", {str(tmp_path / "ix")!r}])
print(result.exit_code)
print(result.stderr)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    code, *message = done.stdout.strip().splitlines()
    assert code == "1" and "pip install 'lawdocs[serve]'" in " ".join(message)


def test_every_lawdocs_import_names_a_module_that_exists() -> None:
    """Imports inside functions run only when called: check each one's module exists (and the name, for
    `from X import name`, is a submodule or defined in X)."""
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(f): f for f in files}
    broken = []
    for path in files:
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")
                target = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("lawdocs"):
                continue
            if target not in modules:
                broken.append(f"{name}: {target}")
                continue
            source = modules[target].read_text(encoding="utf-8")
            for alias in node.names:
                if f"{target}.{alias.name}" not in modules and not any(
                    marker in source
                    for marker in (f"def {alias.name}", f"class {alias.name}", f"{alias.name} =", f"{alias.name}:",
                                   f"import {alias.name}", f" {alias.name},", f"as {alias.name}", f" {alias.name}\n")
                ):
                    broken.append(f"{name}: {target}.{alias.name}")
    assert not broken
