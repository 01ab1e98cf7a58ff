"""One error hierarchy: every failure says what went wrong and where."""

from __future__ import annotations

from pathlib import Path


class LawdocsError(Exception):
    """Base class of every error lawdocs raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        page: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
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


class IndexStoreError(LawdocsError):
    """Base for index problems."""


class IndexNotFoundError(IndexStoreError):
    """No index at the given folder."""


class IndexFormatError(IndexStoreError):
    """The saved index has an unknown format version."""


class IndexCorruptError(IndexStoreError):
    """A file of the saved index is missing, truncated or inconsistent."""


class ModelMismatchError(IndexStoreError):
    """The index was built with another model than the one asked for."""


class QueryError(LawdocsError):
    """A query, filter or option is invalid."""


class EvalError(LawdocsError):
    """An evaluation file is malformed or does not match the index."""


class BackendError(LawdocsError):
    """A storage engine (e.g. a Milvus server) is down, unreachable or refused a call; `path` is its URI."""
