"""What one file may expand to once read, beyond its size on disk: the limits every loader checks."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from ..errors import QueryError


class Limits(BaseModel):
    """What one file may expand to once read, beyond its size on disk (`max_bytes`).

    Each field is also read from the environment as `LAWDOCS_<FIELD>` (e.g. `LAWDOCS_MAX_RECORD_CHARS=2000000`);
    an explicit `Limits(...)` passed as `load_path(..., limits=)` wins. Going past one raises
    `LimitExceededError` naming the field.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_inflated_bytes: int = Field(default=64 * 1024 * 1024, ge=1)  # XML parts of a DOCX, once inflated
    max_zip_members: int = Field(default=5_000, ge=1)  # members of a DOCX container
    max_xml_entities: int = Field(default=0, ge=0)  # <!ENTITY declarations in a DOCX part (none in real files)
    max_front_matter_chars: int = Field(default=20_000, ge=1)  # any one YAML front-matter value
    max_yaml_aliases: int = Field(default=0, ge=0)  # `*name` aliases in YAML front matter (alias bombs)
    max_record_chars: int = Field(default=2_000_000, ge=1)  # one JSONL line / CSV row
    max_html_depth: int = Field(default=200, ge=1)  # element nesting of an HTML page
    max_clause_chars: int = Field(default=2_400, ge=50)  # hard cap of a clause part, cut even without a separator

    @classmethod
    def from_env(cls) -> Limits:
        values: dict[str, int] = {}
        for name in cls.model_fields:
            raw = os.environ.get(f"LAWDOCS_{name.upper()}")
            if raw is None or not raw.strip():
                continue
            try:
                values[name] = int(raw.replace("_", "").replace(",", ""))
            except ValueError as exc:
                raise QueryError(f"LAWDOCS_{name.upper()}={raw!r} is not a whole number") from exc
        try:
            return cls(**values)
        except ValueError as exc:
            raise QueryError(f"invalid limit in the environment: {exc}") from exc


def current_limits(limits: Limits | None = None) -> Limits:
    """`limits` when given, else the defaults with any `LAWDOCS_MAX_*` environment settings."""
    return limits if limits is not None else Limits.from_env()
