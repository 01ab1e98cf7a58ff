"""Shared fixtures: the real corpora beside the repository (`../shared`), skipped when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only real data folder (`shared/` next to the repository root)."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"real corpora not found at {SHARED}")
    return SHARED
