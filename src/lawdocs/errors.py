"""One error hierarchy: every failure says what went wrong and where.

Each class carries a `kind` (input, not_found, conflict, unavailable, internal) that the faces map to an
outcome without reading message text: the HTTP service to a status code, the CLI to an exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

ErrorKind = Literal["input", "not_found", "conflict", "unavailable", "internal"]


def printable(text: str) -> str:
    """`text` with lone surrogates (undecodable bytes of a file name) as `\\xff` escapes, so it always encodes."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decodes to
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class LawdocsError(Exception):
    """Base class of every error lawdocs raises on purpose."""

    kind: ClassVar[ErrorKind] = "input"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        page: int | None = None,
    ) -> None:
        self.message = printable(message)
        self.path = printable(str(path)) if path is not None else None
        self.line = line
        self.page = page
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or ""
        if self.page is not None:
            where += f" (page {self.page})"
        if self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}" if where else self.message


class LoadError(LawdocsError):
    """A file could not be read as a document."""


class UnsupportedFormatError(LoadError):
    """The file's type is not one lawdocs reads."""


class EmptyDocumentError(LoadError):
    """The file holds no text."""


class EncodingError(LoadError):
    """The file's bytes are not text in any encoding lawdocs detects."""


class EncryptedPDFError(LoadError):
    """The PDF is encrypted and cannot be read without its password."""


class NoTextLayerError(LoadError):
    """The PDF has pages but no text layer (a scan): it needs OCR first."""


class CorruptFileError(LoadError):
    """The file is damaged or truncated."""


class FileTooLargeError(LoadError):
    """The file is larger than the configured limit."""


class ParseError(LawdocsError):
    """Text was read but its structure could not be parsed."""


class ModelError(LawdocsError):
    """An embedding model could not be built, loaded or used."""

    kind: ClassVar[ErrorKind] = "unavailable"


class IndexStoreError(LawdocsError):
    """Base for index problems."""

    kind: ClassVar[ErrorKind] = "unavailable"


class IndexNotFoundError(IndexStoreError):
    """No index at the given folder."""

    kind: ClassVar[ErrorKind] = "not_found"


class IndexFormatError(IndexStoreError):
    """The saved index has an unknown format version."""


class IndexCorruptError(IndexStoreError):
    """A file of the saved index is missing, truncated or inconsistent."""


class ModelMismatchError(IndexStoreError):
    """The index was built with another model than the one asked for."""

    kind: ClassVar[ErrorKind] = "conflict"


class QueryError(LawdocsError):
    """A query, filter or option is invalid."""


class EvalError(LawdocsError):
    """An evaluation file is malformed or does not match the index."""


class NotFoundError(QueryError):
    """A clause, document or other named thing is not in the index."""

    kind: ClassVar[ErrorKind] = "not_found"


class ConfigError(LawdocsError):
    """An option (model, index type, lexical scheme, backend, ...) has a value lawdocs does not know."""


class BackendError(IndexStoreError):
    """A storage engine (a Milvus server, say) is down or refused a call; `path` names its URI."""


class LimitExceededError(LoadError):
    """A file expands past one of the limits of `lawdocs.load.Limits` (the error names the limit)."""

    def __init__(
        self,
        message: str,
        *,
        limit: str,
        path: str | Path | None = None,
        line: int | None = None,
        page: int | None = None,
    ) -> None:
        self.limit = limit
        super().__init__(f"{message} (limit {limit}; env LAWDOCS_{limit.upper()})", path=path, line=line, page=page)


class IndexWriteError(IndexStoreError):
    """A save could not be completed (disk full, permissions, ...); the previous generation is intact."""
