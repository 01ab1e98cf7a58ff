"""Shared fixtures: the corpora shipped in the repository, the real test data in `tests/data/`, and the whole
collections beside it (`../shared`).

A fresh clone has `corpora/` (the bundled sample documents) and `tests/data/` (a STARD subset, the PDFs that
`corpora/` lacks): the fast suite runs on those alone. Tests that need the whole collections (all of
`shared/corpora`, `laws-all.tar.gz`, all 58,637 STARD articles) use the `shared` fixture and carry the
`collections` marker; they skip, with that reason, where `../shared` is absent.

One model home for the whole run: $LAWDOCS_HOME when set, else lawdocs' default (~/.cache/lawdocs), fixed
here before any test runs so that which models a run builds never depends on test order.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lawdocs.embedding.home import HOME_ENV, lawdocs_home
from lawdocs.index import Index

os.environ[HOME_ENV] = str(lawdocs_home())
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"  # shipped with the project: every fresh clone has it
DATA = ROOT / "tests" / "data"
STARD = DATA / "stard"  # 24 STARD training questions, their gold articles and 300 other articles
SHARED = ROOT.parent / "shared"
SHARED_MISSING = f"collections test: the whole collections (../shared) are not beside the repository ({SHARED})"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The sample documents shipped in the repository (`corpora/`)."""
    return CORPORA


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that uses the `shared` fixture is a `collections` test (and is told so by `-m collections`)."""
    for item in items:
        if "shared" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.collections)


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only whole collections (`shared/` next to the repository root); tests using it are marked
    `collections` and skip where it is absent."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(SHARED_MISSING)
    return SHARED


@pytest.fixture(scope="session")
def stard_data() -> Path:
    """tests/data/stard: `questions.jsonl` (24 STARD training questions) and `corpus.jsonl` (their gold
    articles and 300 others, STARD's record format)."""
    return STARD


@pytest.fixture(scope="session")
def stard_subset(stard_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """24 training questions and a corpus of their gold articles plus 300 others, indexed with the default model."""
    folder = tmp_path_factory.mktemp("ft")
    shutil.copy(stard_data / "corpus.jsonl", folder / "corpus.jsonl")
    shutil.copy(stard_data / "questions.jsonl", folder / "questions.jsonl")
    ix = Index.create(folder / "index")
    report = ix.add(folder / "corpus.jsonl")
    assert not report.failed
    ix.save()
    return folder, folder / "index"


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of an index of the bundled corpus (`corpora/`) with the default model and default settings, as
    `lawdocs index corpora` makes it: built once per test run (embedding about 9,000 clauses is the longest step of
    the suite), shared by the slow tests that ask over the whole bundled collection. LAWDOCS_BUNDLED_INDEX may name
    an existing one (`lawdocs index corpora --index DIR`) to reuse. Tests must not change it: copy it first."""
    existing = os.environ.get("LAWDOCS_BUNDLED_INDEX")
    if existing:
        return Path(existing)
    folder = tmp_path_factory.mktemp("bundled") / "ix"
    ix = Index.create(folder)
    report = ix.add(CORPORA)
    assert not report.failed, report.failed
    ix.save()
    return folder
