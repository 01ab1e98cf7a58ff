"""The Milvus stores directly: expressions, add/search/filter/delete, persistence, the URI path, errors."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from lawdocs.filters import Filters
from lawdocs.index.backend import RowFields, Where
from lawdocs.index.milvus_expr import filters_to_expr, like_escape, pushable, quote

ROOT = Path(__file__).resolve().parents[1]


# -- pure expression building (no Milvus needed) ----------------------------------------------
def test_empty_filters_give_no_expression() -> None:
    assert filters_to_expr(Filters()) == ""


def test_expression_for_each_field() -> None:
    expr = filters_to_expr(
        Filters(
            doc_type=["law", "notice"],
            region="广东",
            issuer=["国务院", "财政部"],
            year=[2019, 2020],
            year_from=2010,
            year_to=2024,
            date_from="2019-01-01",
            date_to="2020-12-31",
            doc_id=["abc"],
            path_prefix="第一章",
            status=["in_force"],
        )
    )
    for part in (
        '(doc_type in ["law", "notice"])',
        '(region like "%广东%")',
        '(issuers like "%国务院%" or issuers like "%财政部%")',
        "(year in [2019, 2020])",
        "(year >= 2010 and year != -1)",
        "(year <= 2024 and year != -1)",
        '(date >= "2019-01-01" and date != "")',
        '(date <= "2020-12-31" and date != "")',
        '(doc_id in ["abc"])',
        '(path like "第一章%")',
        '(status in ["in_force"])',
    ):
        assert part in expr
    assert expr.count(" and (") == 10


def test_unknown_status_also_matches_the_empty_field() -> None:
    assert filters_to_expr(Filters(status="unknown")) == 'status in ["unknown", ""]'


def test_hostile_values_are_escaped() -> None:
    assert quote('a"b') == '"a\\"b"'
    assert quote("a\\b") == '"a\\\\b"'
    assert quote('x" or key > 0 or "') == '"x\\" or key > 0 or \\""'
    assert like_escape("50%_") == "50\\%\\_"
    # a backslash has no portable LIKE spelling: that part is left to the row table's keys
    assert not pushable(Filters(region="a\\b")) and pushable(Filters(region='a"b%'))
    assert filters_to_expr(Filters(region="a\\b", doc_type="law")) == 'doc_type in ["law"]'
    expr = filters_to_expr(Filters(region=['" or 1==1 or "']))
    # the value stays inside one string literal: every quote but the outer two is escaped
    inner = expr[len("region like ") :]
    assert inner.startswith('"') and inner.endswith('"')
    body = inner[1:-1]
    assert all(body[i - 1] == "\\" for i, ch in enumerate(body) if ch == '"')
    assert filters_to_expr(Filters(doc_id=['x"]) or (key > 0'])) == 'doc_id in ["x\\"]) or (key > 0"]'


def test_years_are_integers_in_the_expression() -> None:
    assert filters_to_expr(Filters(year="2019")) == "year in [2019]"


# -- against milvus-lite ------------------------------------------------------------------------
pymilvus = pytest.importorskip("pymilvus", reason="the milvus extra (pymilvus, milvus-lite) is not installed")
pytest.importorskip("milvus_lite", reason="the milvus extra (milvus-lite) is not installed")

from lawdocs.embed import HashEmbedder  # noqa: E402
from lawdocs.errors import BackendError  # noqa: E402
from lawdocs.index import passage_text  # noqa: E402
from lawdocs.index.milvus import MilvusDense, MilvusLexical  # noqa: E402
from lawdocs.index.rows import row_fields  # noqa: E402
from lawdocs.models import DocumentInfo  # noqa: E402

DIM = 64


class Rows:
    """About 2,000 real clauses (every fourth clause of the shipped corpora) with their documents and vectors."""

    def __init__(self) -> None:
        from lawdocs.load import iter_files, load_path
        from lawdocs.parse import parse_raw

        self.docs: list[DocumentInfo] = []
        self.fields: list[RowFields] = []
        self.texts: list[str] = []
        for path in iter_files([ROOT / "corpora" / "laws", ROOT / "corpora" / "reports"]):
            for raw in load_path(path.resolve()):
                doc = parse_raw(raw)
                info = doc.summary()
                for clause in doc.clauses[::4]:
                    key = len(self.fields) * 3 + 7  # keys need not be dense
                    self.docs.append(info)
                    self.fields.append(row_fields(key, info, clause))
                    self.texts.append(passage_text(info, clause))
        self.keys = np.array([f.key for f in self.fields], dtype=np.int64)
        self.vectors = HashEmbedder(DIM).encode_passages(self.texts)

    def mask(self, filters: Filters) -> np.ndarray:
        ok = np.array([filters.doc_matches(d) for d in self.docs], dtype=bool)
        if filters.path_prefix:
            ok &= np.array([f.path.startswith(filters.path_prefix) for f in self.fields], dtype=bool)
        return ok

    def exact(self, query: np.ndarray, k: int, filters: Filters) -> list[int]:
        scores = self.vectors @ query
        scores[~self.mask(filters)] = -np.inf
        order = np.argsort(-scores, kind="stable")[:k]
        return [int(self.keys[i]) for i in order if np.isfinite(scores[i])]


@pytest.fixture(scope="module")
def rows() -> Rows:
    r = Rows()
    assert len(r.fields) > 1500
    return r


@pytest.fixture(scope="module")
def loaded(rows: Rows, tmp_path_factory: pytest.TempPathFactory) -> tuple[MilvusDense, MilvusLexical]:
    uri = str(tmp_path_factory.mktemp("milvus") / "lawdocs.db")
    dense = MilvusDense(uri, "dense", dimension=DIM)
    dense.add(rows.keys, rows.vectors, rows.fields)
    lexical = MilvusLexical(uri, "lexical")
    lexical.add(rows.keys, rows.texts, rows.fields)
    dense.save(Path(uri).parent)
    lexical.save(Path(uri).parent)
    return dense, lexical


def real_filters(rows: Rows) -> list[Filters]:
    heading = next(f.path.split(" › ")[0] for f in rows.fields if f.path.count(" › ") >= 1)
    return [
        Filters(),
        Filters(doc_type="law"),
        Filters(doc_type=["administrative_regulation", "notice"], year_from=2018, year_to=2020),
        Filters(region="上海"),
        Filters(issuer="国务院办公厅"),
        Filters(date_from="2019-01-01", date_to="2021-12-31"),
        Filters(path_prefix=heading),
        Filters(status="unknown", year=[2018, 2019]),
        Filters(doc_id=[rows.fields[0].doc_id, rows.fields[-1].doc_id]),
    ]


@pytest.fixture(scope="module")
def exhaustive(rows: Rows, tmp_path_factory: pytest.TempPathFactory) -> MilvusDense:
    """IVF probing every list: an exact search, so results must equal numpy's. (milvus-lite 3.2.2 ignores the
    build parameters pymilvus 3 sends and always builds 128 lists, so nlist = nprobe = 128 is exhaustive on both.)"""
    uri = str(tmp_path_factory.mktemp("milvus-ivf") / "lawdocs.db")
    dense = MilvusDense(
        uri, "ivf", dimension=DIM, index_type="IVF_FLAT", params={"nlist": 128, "nprobe": 128}
    )
    dense.add(rows.keys, rows.vectors, rows.fields)
    dense.save(Path(uri).parent)
    return dense


@pytest.mark.parametrize("kind", ["HNSW", "IVF_FLAT exhaustive"])
def test_filtered_dense_search_matches_exact_numpy(
    kind: str, rows: Rows, loaded: tuple[MilvusDense, MilvusLexical], exhaustive: MilvusDense
) -> None:
    dense = loaded[0] if kind == "HNSW" else exhaustive
    assert len(dense) == len(rows.fields)
    by_key = {int(k): i for i, k in enumerate(rows.keys)}
    found = wanted = 0
    for filters in real_filters(rows):
        ok = rows.mask(filters)
        assert ok.any(), filters
        for q in range(0, len(rows.fields), len(rows.fields) // 6)[:6]:
            query = rows.vectors[q]
            # as Index.search asks: the filters pushed down and the keys the row table lets pass
            got = dense.search(query, 10, Where(filters, np.sort(rows.keys[ok])))
            exact = rows.exact(query, 10, filters)
            for key, score in got:  # every hit obeys the filter and carries its true inner product
                assert ok[by_key[key]], (filters, key)
                assert score == pytest.approx(float(rows.vectors[by_key[key]] @ query), abs=1e-4)
            if kind != "HNSW":  # exact: the same scores, rank by rank (keys may swap only on a tie)
                assert len(got) == len(exact)
                true = [float(rows.vectors[by_key[k]] @ query) for k in exact]
                assert [s for _, s in got] == pytest.approx(true, abs=1e-4)
            found += len({k for k, _ in got} & set(exact))
            wanted += len(exact)
    # HNSW is approximate (and FAISS builds its graph with threads, so not bit-for-bit repeatable)
    assert found / wanted >= (0.95 if kind == "HNSW" else 0.99)


def test_a_filtered_search_explores_wider_the_fewer_rows_pass(
    rows: Rows, loaded: tuple[MilvusDense, MilvusLexical], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a filter an HNSW search returns a full but approximate top k (benchmarks/results/milvus_stard.md), so
    a filtered search scales ef by 1 / the share of rows the row table lets pass (capped); with that share unknown
    it asks for the widest ef at once; an unfiltered one keeps the store's own."""
    from lawdocs.index.milvus import MAX_EF

    dense = loaded[0]
    sent: list[int] = []
    search = dense.client.search

    def recording(*args: object, **kwargs: object) -> object:
        sent.append(kwargs["search_params"]["params"]["ef"])  # type: ignore[index]
        return search(*args, **kwargs)

    monkeypatch.setattr(dense.client, "search", recording)
    narrow = Filters(doc_type="law")
    assert dense.search(rows.vectors[0], 10, Where(narrow, None))
    assert sent == [MAX_EF]
    sent.clear()
    assert dense.search(rows.vectors[0], 10, Where(Filters(), None))
    assert sent == [dense.params["ef"]] and dense.params["ef"] < MAX_EF
    # the keys Index.search passes tell the share: half the rows pass -> twice the ef; 1 % -> the cap
    ef = dense.params["ef"]
    for share, want in ((0.5, 2 * ef), (1.0, ef), (0.01, MAX_EF)):
        keys = rows.keys[: max(1, round(share * len(rows.keys)))]
        passing = len(keys) / len(rows.keys)  # half of an odd count is a little under half: ef a little over 2×
        sent.clear()
        dense.search(rows.vectors[0], 10, Where(Filters(region="北京市"), np.sort(keys)))
        assert sent[0] == min(MAX_EF, math.ceil(ef / passing)) and abs(sent[0] - min(MAX_EF, want)) <= 1, share


def test_keys_are_a_final_check(rows: Rows, loaded: tuple[MilvusDense, MilvusLexical]) -> None:
    dense, lexical = loaded
    query = rows.vectors[10]
    allowed = np.sort(rows.keys[::5])
    # no filter: the keys are pushed down as `key in [...]`
    got = dense.search(query, 10, Where(Filters(), allowed))
    assert len(got) == 10 and {k for k, _ in got} <= set(allowed.tolist())
    # a filter and keys: Milvus filters, the keys check what comes back
    filters = Filters(doc_type="law")
    got = dense.search(query, 10, Where(filters, allowed))
    expected = [k for k in rows.exact(query, len(rows.keys), filters) if k in set(allowed.tolist())][:10]
    assert {k for k, _ in got} <= set(allowed.tolist())
    assert len({k for k, _ in got} & set(expected)) >= 9
    hits = lexical.search(rows.texts[10][:20], 10, Where(filters, allowed))
    assert hits and {k for k, _ in hits} <= set(allowed.tolist())
    assert dense.search(query, 10, Where(Filters(), np.zeros(0, dtype=np.int64))) == []


def test_stored_vectors_come_back_in_order(rows: Rows, loaded: tuple[MilvusDense, MilvusLexical]) -> None:
    dense, _ = loaded
    pick = rows.keys[[40, 3, 900]]
    np.testing.assert_allclose(dense.vectors(pick), rows.vectors[[40, 3, 900]], atol=1e-6)
    with pytest.raises(BackendError, match="no stored vector"):
        dense.vectors(np.array([1]))  # key 1 was never added


def test_bm25_finds_the_clause_and_obeys_filters(
    rows: Rows, loaded: tuple[MilvusDense, MilvusLexical]
) -> None:
    _, lexical = loaded
    assert len(lexical) == len(rows.fields)
    i = next(i for i, f in enumerate(rows.fields) if f.doc_type == "law" and len(rows.texts[i]) > 60)
    query = rows.texts[i].split("\n", 1)[1][:40]
    hits = lexical.search(query, 10, Where(Filters(), None))
    assert hits and all(s > 0 for _, s in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert int(rows.keys[i]) in [k for k, _ in hits]
    by_key = {int(k): j for j, k in enumerate(rows.keys)}
    hits = lexical.search(query, 10, Where(Filters(doc_type="notice"), None))
    assert all(rows.fields[by_key[k]].doc_type == "notice" for k, _ in hits)
    assert lexical.search("   ", 10, Where(Filters(), None)) == []


def test_hostile_values_match_literally(tmp_path: Path) -> None:
    regions = ['a"b', "c\\d", "50%", "x_y", "plain", "5000", "xay"]
    fields = [
        RowFields(
            key=i,
            doc_id=f'd"{i}',
            doc_type="law",
            region=r,
            issuers=r,
            year=2000 + i,
            date="",
            status="",
            path=r + " › 节",
        )
        for i, r in enumerate(regions)
    ]
    vecs = np.eye(len(regions), DIM, dtype=np.float32)
    store = MilvusDense(str(tmp_path / "h.db"), "h", dimension=DIM)
    store.add(np.arange(len(regions)), vecs, fields)

    def keys(f: Filters, allowed: np.ndarray | None = None) -> set[int]:
        return {k for k, _ in store.search(vecs[0], 20, Where(f, allowed))}

    assert keys(Filters(region='a"b')) == {0}
    # not pushable: Milvus gets the rest, the keys the row table computed decide
    assert keys(Filters(region="c\\d"), np.array([1])) == {1}
    assert keys(Filters(region="c\\d", doc_type="law"), np.array([1])) == {1}
    assert keys(Filters(region="%")) == {2}  # a literal percent sign, not "anything"
    assert keys(Filters(region="_")) == {3}  # a literal underscore, not "one character"
    assert keys(Filters(issuer='" or key >= 0 or "')) == set()
    assert keys(Filters(path_prefix="50%")) == {2}
    assert keys(Filters(doc_id='d"4')) == {4}
    store.close()


def test_delete_and_persistence_across_reopen(rows: Rows, tmp_path: Path) -> None:
    uri = str(tmp_path / "p.db")
    keys, vecs, fields, texts = rows.keys[:300], rows.vectors[:300], rows.fields[:300], rows.texts[:300]
    dense = MilvusDense(uri, "d", dimension=DIM, index_type="IVF_FLAT", params={"nlist": 16, "nprobe": 16})
    lexical = MilvusLexical(uri, "l")
    dense.add(keys, vecs, fields)
    lexical.add(keys, texts, fields)
    dense.delete(keys[:2])
    lexical.delete(keys[:2])
    assert len(dense) == 298 and len(lexical) == 298
    got = dense.search(vecs[0], 5, Where(Filters(), None))
    assert int(keys[0]) not in [k for k, _ in got]  # a delete hides the row at once
    d_info, l_info = dense.save(tmp_path), lexical.save(tmp_path)
    assert d_info["kind"] == "milvus" and d_info["index_type"] == "IVF_FLAT" and d_info["uri"] == uri
    assert d_info["max_key"] == int(keys[-1]) and l_info["kind"] == "milvus-bm25"
    assert "token" not in d_info and "password" not in str(d_info)
    before = dense.search(vecs[5], 5, Where(Filters(), None))
    # rows added and deleted after the save, then the writer goes away without saving
    dense.add(rows.keys[300:310], rows.vectors[300:310], rows.fields[300:310])
    dense.delete(keys[5:6])
    dense.close()
    lexical.close()

    dense = MilvusDense.open(tmp_path, d_info, DIM)
    lexical = MilvusLexical.open(tmp_path, l_info)
    assert (
        len(dense) == 298 and len(lexical) == 298
    )  # the unsaved add is gone, the unsaved delete never happened
    after = dense.search(vecs[5], 5, Where(Filters(), None))
    assert [k for k, _ in after] == [k for k, _ in before]
    assert [s for _, s in after] == pytest.approx([s for _, s in before], abs=1e-5)
    assert int(keys[0]) not in {k for k, _ in lexical.search(texts[0][:30], 50, Where(Filters(), None))}
    with pytest.raises(BackendError, match="dimensional vectors"):
        MilvusDense.open(tmp_path, d_info, DIM + 1)
    with pytest.raises(BackendError, match="does not exist"):
        MilvusDense.open(tmp_path, {**d_info, "collection": "nope"}, DIM)
    with pytest.raises(BackendError, match="already exists"):
        MilvusDense(uri, "d", dimension=DIM)
    dense.close()
    lexical.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_server_uri_path(rows: Rows, tmp_path: Path) -> None:
    port = free_port()
    exe = Path(sys.executable).with_name("milvus-lite")
    server = subprocess.Popen(
        [
            str(exe),
            "server",
            "--data-dir",
            str(tmp_path / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        uri = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("milvus-lite server did not start")
                time.sleep(0.3)
        dense = MilvusDense(uri, "remote", dimension=DIM)
        dense.add(rows.keys[:200], rows.vectors[:200], rows.fields[:200])
        info = dense.save(tmp_path)
        assert info["uri"] == uri
        got = dense.search(rows.vectors[7], 3, Where(Filters(), None))
        assert got[0][0] == int(rows.keys[7])
        dense.close()
        again = MilvusDense.open(tmp_path, info, DIM)
        assert len(again) == 200
        again.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    # the same server, now down: a clear error naming the URI
    with pytest.raises(BackendError) as caught:
        MilvusDense.open(tmp_path, info, DIM)
    assert caught.value.path == uri and uri in str(caught.value)


def test_unreachable_server_names_the_uri() -> None:
    uri = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(BackendError) as caught:
        MilvusDense(uri, "x", dimension=DIM, timeout=2)
    assert caught.value.path == uri and uri in str(caught.value)


def test_no_credentials_in_the_recorded_uri() -> None:
    from lawdocs.index.milvus import _public_uri

    assert _public_uri("http://root:secret@host:19530") == "http://host:19530"
    assert _public_uri("lawdocs.db") == os.path.abspath("lawdocs.db")
