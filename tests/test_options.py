"""Options are checked where they enter: an unknown value is a named error, never a silent fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lawdocs.cli import app
from lawdocs.errors import ConfigError, IndexStoreError, NotFoundError, QueryError
from lawdocs.filters import parse_filters
from lawdocs.index import Index

SEED = Path(__file__).resolve().parents[1] / "corpora" / "reports" / "seed"


@pytest.mark.parametrize(
    ("options", "named"),
    [({"lexical": "foo"}, "lexical scheme 'foo'"), ({"index_type": "foo"}, "index type 'foo'")],
)
def test_unknown_index_options_are_refused(tmp_path: Path, options: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Index.create(tmp_path / "ix", model="hash-64", **options)  # type: ignore[arg-type]


def test_a_malformed_hash_model_is_a_config_error(tmp_path: Path) -> None:
    ix = Index.create(tmp_path / "ix", model="hash-x")
    with pytest.raises(ConfigError, match="hash-N"):
        ix.add(SEED)


def test_filters_refuse_unknown_values() -> None:
    with pytest.raises(QueryError, match="doc_type 'laws' is not a known value"):
        parse_filters(["doc_type=laws"])
    with pytest.raises(QueryError, match="date_from: .*not an ISO date"):
        parse_filters({"date_from": "2020-13-45"})
    assert parse_filters(["doc_type=law", "date_to=2020-12-31"]).doc_type == ["law"]


def test_error_kinds_map_to_outcomes() -> None:
    assert NotFoundError("no clause 'x' in this index").kind == "not_found"
    assert QueryError("bad").kind == "input" and ConfigError("bad").kind == "input"
    assert IndexStoreError("down").kind == "unavailable"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--index-type", "foo"], "foo"),
        (["--lexical", "foo"], "foo"),
        (["--model", "hash-x"], "hash-N"),
    ],
)
def test_the_cli_refuses_unknown_option_values(tmp_path: Path, args: list[str], named: str) -> None:
    result = CliRunner().invoke(app, ["index", str(SEED), "--index", str(tmp_path / "ix"), *args])
    assert result.exit_code != 0 and named in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "ix" / "manifest.json").exists()
