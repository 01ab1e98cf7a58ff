"""Shared fixtures: the corpora shipped in the repository, and the whole collections beside it (`../shared`).

One model home for the whole run: $LAWDOCS_HOME when set, else lawdocs' default (~/.cache/lawdocs), fixed
here before any test runs so that which models a run builds never depends on test order.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lawdocs.embedding.home import HOME_ENV, lawdocs_home
from lawdocs.index import Index

os.environ[HOME_ENV] = str(lawdocs_home())
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"  # shipped with the project: every fresh clone has it
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The sample documents shipped in the repository (`corpora/`)."""
    return CORPORA


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only real data folder (`shared/` next to the repository root)."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"real corpora not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def stard_subset(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """24 training questions and a corpus of their gold articles plus 300 others, indexed with the default model."""
    folder = tmp_path_factory.mktemp("ft")
    questions = [json.loads(line) for line in (shared / "bench/stard/train.jsonl").open(encoding="utf-8")][
        :24
    ]
    gold = {g for q in questions for g in q["gold"]}
    records = []
    with (shared / "bench/stard/corpus.jsonl").open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            row = json.loads(line)
            if row["name"] in gold or n % 200 == 0:
                records.append(line)
    (folder / "corpus.jsonl").write_text("".join(records), encoding="utf-8")
    (folder / "questions.jsonl").write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8"
    )
    ix = Index.create(folder / "index")
    report = ix.add(folder / "corpus.jsonl")
    assert not report.failed
    ix.save()
    return folder, folder / "index"
