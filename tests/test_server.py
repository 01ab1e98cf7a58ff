"""The HTTP service as a real process on loopback: search, ask, lookups, 4xx on bad input, concurrency, schemathesis."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from lawdocs.embed import HashEmbedder
from lawdocs.index import Index
from serving import serve_index

REPORT = Path(__file__).resolve().parents[1] / "corpora/reports/seed/潮州市湘桥区2020年度法治政府建设年度报告.txt"



@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("server") / "ix"
    ix = Index.create(folder, embedder=HashEmbedder())
    assert not ix.add(REPORT).failed
    ix.save()
    return folder


@pytest.fixture(scope="module")
def server(index_dir: Path) -> Iterator[str]:
    yield from serve_index(index_dir)


@pytest.fixture()
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def test_health_reports_the_index(client: httpx.Client) -> None:
    body = client.get("/health").json()
    assert body["documents"] == 1 and body["clauses"] > 50
    assert body["model"] == "hash-256" and body["generation"] >= 1
    deadline = time.monotonic() + 10
    while body["status"] == "starting" and time.monotonic() < deadline:
        time.sleep(0.1)
        body = client.get("/health").json()
    assert body["status"] == "ok" and body["model_loaded"]


def test_search_get_and_post_agree(client: httpx.Client) -> None:
    got = client.get("/search", params={"query": "行政执法三项制度", "k": 3})
    assert got.status_code == 200
    hits = got.json()["hits"]
    assert len(hits) == 3 and "三项制度" in hits[0]["text"] and hits[0]["citation"].startswith("潮州市湘桥区")
    posted = client.post("/search", json={"query": "行政执法三项制度", "k": 3, "mode": "hybrid"}).json()[
        "hits"
    ]
    assert [h["clause_id"] for h in posted] == [h["clause_id"] for h in hits]
    filtered = client.get("/search", params=[("query", "执法"), ("filter", "region=上海")]).json()
    assert filtered["hits"] == []
    lexical = client.post(
        "/search", json={"query": "执法", "k": 2, "mode": "lexical", "filters": {"region": "潮州"}}
    )
    assert lexical.status_code == 200 and len(lexical.json()["hits"]) == 2


def test_rerank_without_a_reranker_is_a_clear_client_error(client: httpx.Client) -> None:
    for r in (
        client.post("/search", json={"query": "如何规范行政执法", "rerank": True}),
        client.post("/ask", json={"question": "哪些措施涉及行政执法？", "rerank": True}),
    ):
        assert r.status_code == 400 and "--reranker DIR" in r.json()["error"]


def test_ask_answers_with_grouped_citations(client: httpx.Client) -> None:
    r = client.post("/ask", json={"question": "哪些措施涉及行政执法？"})
    assert r.status_code == 200
    answer = r.json()
    assert answer["answered"] and answer["kind"] == "measures"
    cited = [c for g in answer["groups"] for s in g["sections"] for c in s["clauses"]]
    assert any("三项制度" in c["text"] for c in cited)
    figure = client.post("/ask", json={"question": "2020年审核发布了多少件规范性文件？"}).json()
    assert figure["figure"]["value"].endswith("5件")
    none = client.post("/ask", json={"question": "南极企鹅的繁殖季节是什么时候？"}).json()
    assert none["answered"] is False and none["reason"]
    # where to look, with the fields a program needs to fetch and cite each place
    assert none["leads"] and all(lead["citation"] and lead["clause_id"] and lead["text"] for lead in none["leads"])
    assert not [c for g in none["groups"] for s in g["sections"] for c in s["clauses"]]


def test_documents_and_clauses_with_neighbours(client: httpx.Client) -> None:
    hit = client.get("/search", params={"query": "三项制度", "k": 1}).json()["hits"][0]
    clause = client.get(f"/clauses/{hit['clause_id']}", params={"context": 1}).json()
    assert clause["clause"]["id"] == hit["clause_id"] and len(clause["neighbours"]) == 3
    assert clause["citation"].startswith(clause["doc"]["title"])
    doc = client.get(f"/documents/{hit['doc']['id']}").json()
    assert doc["clause_count"] == len(doc["clauses"]) > 50 and doc["doc"]["issuers"]


@pytest.mark.parametrize(
    ("method", "url", "payload", "status"),
    [
        ("GET", "/search?query=执法&k=0", None, 422),
        ("GET", "/search?query=执法&k=1000", None, 422),
        ("GET", "/search?query=", None, 422),
        ("GET", "/search?query=%20%20", None, 400),
        ("GET", "/search?query=" + "a" * 10_000, None, 422),
        ("POST", "/search", {"query": "法" * 10_000}, 422),
        ("GET", "/search?query=执法&mode=fuzzy", None, 422),
        ("GET", "/search?query=执法&filter=colour=red", None, 422),  # the schema names the known keys
        ("GET", "/search?query=执法&filter=year=abc", None, 400),
        ("POST", "/search", {"query": "执法", "filters": {"colour": "red"}}, 422),
        ("POST", "/search", {"query": "执法", "k": 101}, 422),
        ("POST", "/search", {"query": "执法", "path": "/etc/passwd"}, 422),
        ("POST", "/ask", {"question": ""}, 422),
        ("POST", "/ask", {"question": "法" * 10_000}, 422),
        ("POST", "/ask", {"question": "执法", "filters": {"colour": "red"}}, 422),
        ("GET", "/clauses/not-an-id", None, 422),
        ("GET", "/clauses/..%2F..%2Fetc%2Fpasswd", None, 404),
        ("GET", "/clauses/0123456789abcdef:00001", None, 404),
        ("GET", "/documents/0123456789abcdef", None, 404),
        ("GET", "/documents/ZZZ", None, 422),
    ],
)
def test_bad_input_gets_a_clear_4xx(
    client: httpx.Client, method: str, url: str, payload: dict | None, status: int
) -> None:
    r = client.request(method, url, json=payload)
    assert r.status_code == status, r.text
    assert r.json()["error"]


def test_concurrent_requests_are_served_consistently(client: httpx.Client, server: str) -> None:
    queries = ["行政执法", "规范性文件", "人民调解", "数字政府"]
    expected = {q: client.get("/search", params={"query": q, "k": 5}).json()["hits"] for q in queries}
    expected_answer = client.post("/ask", json={"question": "哪些措施涉及行政执法？"}).json()

    def call(i: int) -> tuple[int, bool]:
        with httpx.Client(base_url=server, timeout=30) as c:
            if i % 4 == 3:
                r = c.post("/ask", json={"question": "哪些措施涉及行政执法？"})
                return r.status_code, r.json() == expected_answer
            q = queries[i % len(queries)]
            r = c.get("/search", params={"query": q, "k": 5})
            return r.status_code, r.json()["hits"] == expected[q]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, range(32)))
    assert all(status == 200 for status, _ in results)
    assert all(same for _, same in results)


def test_schemathesis_finds_no_server_error(server: str, tmp_path: Path) -> None:
    st = shutil.which("st") or str(Path(sys.executable).with_name("st"))
    cmd = [
        st,
        "run",
        f"{server}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "25",
        "--seed",
        "7",
        "--request-timeout",
        "20",
        "--max-time",
        "12",
        "--workers",  # one: CPython 3.11.7's ast.parse is not thread-safe (gh-106905: "AST constructor recursion
        "1",  # depth mismatch" when two of schemathesis' threads describe a hypothesis lambda at once)
        "--no-color",
        "--generation-database",
        "none",
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
