"""Paths to parsed documents, with every file that could not be read reported, never fatal.

`Index.add` and `lawdocs parse` share this loop, so both catch the same errors and name the same files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LawdocsError
from .models import Document


@dataclass(frozen=True)
class Failure:
    """A file (or folder) that gave no document, and why."""

    source: str
    message: str


@dataclass
class AddReport:
    """What one `Index.add` did."""

    added: list[str] = field(default_factory=list)  # document ids
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unchanged since the last add
    duplicates: list[str] = field(default_factory=list)  # read again from another file (indexed once)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    clauses: int = 0
    notes: list[str] = field(default_factory=list)  # what the caller should know about the index itself

    def merge(self, other: AddReport) -> None:
        self.notes += [n for n in other.notes if n not in self.notes]
        self.added += other.added
        self.replaced += other.replaced
        self.skipped += other.skipped
        self.duplicates += other.duplicates
        self.failed += other.failed
        self.clauses += other.clauses


def expand(
    paths: Iterable[str | Path] | str | Path, *, notes: list[tuple[Path, str]] | None = None
) -> tuple[list[Path], list[Failure]]:
    """Every file under `paths` (folders recursively, each file once), and the paths that gave none (missing,
    a symlink loop, an unreadable folder), each its own failure. Files met in folders that are not documents
    (READMEs, question files, section pages) are left out, each with a note appended to `notes`."""
    from .load import display_path, expand_paths

    if isinstance(paths, str | Path):
        paths = [paths]
    files, problems = expand_paths(list(paths), notes=notes)
    return files, [Failure(display_path(e.path or ""), str(e)) for e in problems]


def iter_documents(
    paths: Iterable[str | Path] | str | Path, *, progress: Callable[[str, int], None] | None = None
) -> Iterator[Document | Failure]:
    """Load and parse every file under `paths`, yielding documents and failures in file order."""
    from .load import display_path, load_path
    from .parse import parse_raw

    files, failed = expand(paths)
    yield from failed
    for path in files:
        try:
            docs = [parse_raw(raw) for raw in load_path(Path(path).resolve())]
        except LawdocsError as exc:
            yield Failure(display_path(path), str(exc))
        except Exception as exc:  # an unexpected bug must not lose the rest of the batch
            yield Failure(display_path(path), f"{type(exc).__name__}: {exc}")
        else:
            yield from docs
        if progress:
            progress(str(path), 1)
