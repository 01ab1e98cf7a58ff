"""The search page in a real headless browser: Debian's chromium driven by Playwright against `lawdocs serve`.

The server runs as a subprocess on loopback over a small real index (the founding report and 行政处罚法 from
`corpora/`, plus a notice whose clause holds ``<script>`` markup). A screenshot of each step is written under the
test's tmp_path. Skipped, with the reason, when Playwright or chromium is missing (`pip install -e '.[browser]'`,
`apt-get install chromium fonts-wqy-microhei`; never `playwright install`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from lawdocs.embed import HashEmbedder
from lawdocs.index import Index
from serving import serve_index

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpora/reports/seed/潮州市湘桥区2020年度法治政府建设年度报告.txt"
LAW = ROOT / "corpora/laws/行政法/行政处罚法(2021-01-22).md"
CHROMIUM = os.environ.get("LAWDOCS_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MEASURES = "哪些措施涉及行政执法"
FIGURE_QUESTION = "2020年审核发布了多少件规范性文件？"
SCRIPT_NOTICE = (
    "关于检索页转义测试的通知\n\n一、总体要求\n\n"
    "（一）本条款包含<script>window.__lawdocs_pwned = 1</script>与"
    '<img src=x onerror="window.__lawdocs_pwned = 2">两段标记，检索页应当把它们原样显示为文字。\n\n'
    "（二）第二项要求用于检验上下文。\n"
)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[browser]')"
)
if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(
        f"no chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei, or set LAWDOCS_CHROMIUM)",
        allow_module_level=True,
    )
for needed in (REPORT, LAW):
    if not needed.is_file():
        pytest.skip(f"corpus file missing: {needed}", allow_module_level=True)



def build_index(folder: Path, *, real_model: bool) -> Path:
    notice = folder / "docs" / "检索页转义测试.txt"
    notice.parent.mkdir(parents=True)
    notice.write_text(SCRIPT_NOTICE, encoding="utf-8")
    ix = Index.create(folder / "ix") if real_model else Index.create(folder / "ix", embedder=HashEmbedder())
    report = ix.add([REPORT, LAW, notice])
    assert not report.failed, report.failed
    ix.save()
    return folder / "ix"


@pytest.fixture(scope="module")
def index_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("browser"), real_model=False)


@pytest.fixture(scope="module")
def server(index_folder: Path) -> Iterator[str]:
    yield from serve_index(index_folder)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


class Shots:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.n = 0

    def __call__(self, page: Any, name: str, *, full_page: bool = True) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 1000
        return path


@pytest.fixture()
def shot(tmp_path: Path) -> Shots:
    return Shots(tmp_path)


def search(page: Any, base: str, query: str, *, doc_type: str = "", mode: str = "search") -> None:
    page.goto(base + "/")
    page.wait_for_selector("#status:not(:empty)")
    page.wait_for_selector("body[data-ready='1']", state="attached")  # the page has read the schema and routed
    page.fill("#q", query)
    page.check(f"input[name=mode][value={mode}]")
    if doc_type:
        page.click("#filters summary")
        page.select_option("#doc_type", doc_type)
    page.click("#go")


def wait_done(page: Any) -> None:
    page.wait_for_function(
        "() => !document.getElementById('go').disabled && !document.querySelector('.message.loading')"
    )
    shown = page.locator("main").inner_text()
    assert "null" not in shown and "undefined" not in shown and "[object" not in shown


def texts(page: Any, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_search_filter_and_context(page: Any, server: str, shot: Shots) -> None:
    search(page, server, MEASURES)
    wait_done(page)
    unfiltered = texts(page, ".card.hit .citation")
    assert len(unfiltered) == 10, page.locator("main").inner_text()
    shot(page, "search-unfiltered")

    # the filter is applied: only the founding report's measures come back, and the URL says so
    page.click("#filters summary")
    page.select_option("#doc_type", "rule_of_law_report")
    page.click("#go")
    page.wait_for_url("**doc_type=rule_of_law_report**")
    wait_done(page)
    citations = texts(page, ".card.hit .citation")
    assert citations and all(c.startswith("潮州市湘桥区") for c in citations), citations
    assert all("›" in c for c in citations)
    marks = texts(page, ".card.hit mark")
    assert any("执法" in m for m in marks), marks
    assert "行政执法" in page.locator(".card.hit").first.inner_text()
    assert "法治政府建设年度报告" in page.locator(".card.hit .meta").first.inner_text()
    shot(page, "search-filtered")

    # a result in its context: the clause, marked, between its neighbours
    first_id = page.locator(".card.hit").first.get_attribute("data-clause-id")
    page.locator(".card.hit").first.get_by_text("查看上下文").click()
    page.wait_for_selector(".card.context.current")
    assert f"clause={first_id.replace(':', '%3A')}" in page.url
    assert page.locator(".card.context.current").get_attribute("data-clause-id") == first_id
    assert page.locator(".card.context").count() >= 3
    shot(page, "context")

    # the whole document, scrolled to the clause, naming its file but no server path
    page.get_by_text("查看全文").last.click()
    page.wait_for_selector(".doc-clause.current")
    assert page.locator(".doc-clause").count() > 50
    head = page.locator(".doc-head").inner_text()
    assert "来源文件：潮州市湘桥区2020年度法治政府建设年度报告.txt" in head
    assert str(REPORT.parent) not in page.content() and "/tmp/" not in page.content()
    shot(page, "document", full_page=False)

    # back twice: the filtered results again, from history
    page.go_back()
    page.wait_for_selector(".card.context.current")
    page.go_back()
    page.wait_for_selector(".card.hit")
    assert texts(page, ".card.hit .citation") == citations
    assert page.input_value("#doc_type") == "rule_of_law_report"


def test_context_lists_references_both_ways(page: Any, server: str, shot: Shots) -> None:
    """A law article's context shows what it refers to (行政处罚法第二十条 → 本法第二十一条) and what refers to it
    (第七十六条's 本法第二十条), each a link to that clause, as GET /clauses/{id}/references states them."""
    law = httpx.get(server + "/search", params={"query": "行政处罚", "k": 1, "filter": "doc_type=law"}).json()
    doc = httpx.get(server + f"/documents/{law['hits'][0]['doc']['id']}").json()
    by_article = {c["article"]: c["id"] for c in doc["clauses"] if c["article"]}
    article20, article21 = by_article["第二十条"], by_article["第二十一条"]
    refs = httpx.get(server + f"/clauses/{article20}/references").json()
    assert any(r["resolved"] and r["target_clause_id"] == article21 for r in refs["outgoing"]), refs
    assert any(r["source_clause_id"] == by_article["第七十六条"] for r in refs["incoming"]), refs
    page.goto(server + "/?clause=" + article20)
    page.wait_for_selector(".card.context.current")
    wait_done(page)
    sections = page.locator(".references")
    assert sections.count() == 2, page.locator("main").inner_text()
    outgoing = sections.nth(0).inner_text()
    assert "本条引用" in outgoing and "本法第二十一条" in outgoing
    incoming = sections.nth(1).inner_text()
    assert "引用本条的条款" in incoming and "第七十六条" in incoming and "本法第二十条" in incoming
    shot(page, "references")
    # following the outgoing link opens the referenced article in its context
    sections.nth(0).get_by_text("本法第二十一条").first.click()
    page.wait_for_function(
        "(id) => document.querySelector('.card.context.current')?.dataset.clauseId === id", arg=article21
    )
    assert "第二十一条" in page.locator(".card.context.current").inner_text()


def test_ask_shows_the_figure_and_grouped_citations(page: Any, server: str, shot: Shots) -> None:
    search(page, server, FIGURE_QUESTION, mode="ask")
    page.wait_for_url("**mode=ask**")
    wait_done(page)
    value = page.locator(".figure .value").inner_text()
    assert value.endswith("5件"), value
    assert "规范性文件" in page.locator(".figure .sentence").inner_text()
    assert page.locator(".figure .citation").inner_text().startswith("潮州市湘桥区")
    shot(page, "ask-figure")

    search(page, server, MEASURES + "？", mode="ask")
    wait_done(page)
    groups = texts(page, ".group > h3")
    assert any(g.startswith("潮州市湘桥区") for g in groups), groups
    assert page.locator(".group .section-title").count() >= 1
    cited = " ".join(texts(page, ".card.cited .clause-text"))
    assert "执法" in cited
    if "三项制度" not in cited:  # capped (3 clauses a document when several answer): the page says what is left
        assert "more clauses" in page.locator(".answer-more").inner_text()
    assert any("执法" in m for m in texts(page, ".card.cited mark"))
    shot(page, "ask-measures")


def test_an_unanswered_question_shows_where_to_look(page: Any, server: str, shot: Shots) -> None:
    """/ask's `leads` (search's first hits for a question no clause answers) render as dashed cards under the
    "not found" message, each with its citation and a link to its context; never as cited clauses."""
    search(page, server, "南极企鹅的繁殖季节是什么时候？", mode="ask")
    wait_done(page)
    assert "没有找到" in page.locator("#message").inner_text()
    assert page.locator(".card.cited").count() == 0
    leads = page.locator(".leads .card.lead")
    assert 1 <= leads.count() <= 5
    assert "未确认" in page.locator(".leads h3").inner_text()
    first = leads.first
    assert first.locator(".citation").inner_text().strip() and first.locator(".clause-text").inner_text().strip()
    assert first.locator("a").count() >= 1
    shot(page, "ask-leads")


def test_comparison_rows_render_as_a_table(page: Any, server: str, shot: Shots) -> None:
    """The page's rendering of /ask's optional `comparison` rows, fed from the real answer's cited clauses."""

    def add_rows(route: Any) -> None:
        response = route.fetch()
        answer = response.json()
        cited = [
            (g["doc"], c)
            for g in answer["groups"]
            if g["doc"]["region"]
            for s in g["sections"]
            for c in s["clauses"]
        ][:3]
        answer["comparison"] = [
            {
                "doc_id": c["doc_id"],
                "title": doc["title"],
                "region": doc["region"],
                "year": doc["year"],
                "clause_id": c["clause_id"],
                "citation": c["citation"],
                "text": c["text"][:40],
                "figure": None if n else "共5件",
            }
            for n, (doc, c) in enumerate(cited)
        ]
        route.fulfill(response=response, body=json.dumps(answer, ensure_ascii=False))

    page.route("**/ask", add_rows)
    search(page, server, MEASURES + "？", mode="ask")
    wait_done(page)
    assert texts(page, "table.comparison th") == ["文件", "地区", "年份", "条款", "内容", "数字"]
    rows = page.locator("table.comparison tbody tr")
    assert rows.count() == 3
    first = [t.strip() for t in rows.first.locator("td").all_inner_texts()]
    assert first[1] == "潮州市湘桥区" and first[2] == "2020" and first[5] == "共5件"
    assert rows.nth(1).locator("td").nth(5).inner_text().strip() == "—"
    assert rows.first.locator("td a").get_attribute("href").startswith("/?clause=")
    shot(page, "comparison")


def test_a_search_is_a_bookmarkable_url(page: Any, server: str, shot: Shots) -> None:
    page.goto(server + "/?q=" + "行政处罚的种类" + "&doc_type=law&k=20")
    page.wait_for_selector(".card.hit")
    wait_done(page)
    assert page.input_value("#q") == "行政处罚的种类"
    assert page.input_value("#doc_type") == "law" and page.input_value("#k") == "20"
    citations = texts(page, ".card.hit .citation")
    assert citations and all(c.startswith("中华人民共和国行政处罚法") for c in citations)
    assert page.title().startswith("行政处罚的种类")
    shot(page, "bookmarked")

    # a typed search becomes such a URL, and reopening it gives the same results
    search(page, server, MEASURES, doc_type="rule_of_law_report")
    page.wait_for_url("**doc_type=rule_of_law_report**")
    wait_done(page)
    url, shown = page.url, texts(page, ".card.hit .citation")
    fresh = page.context.new_page()
    fresh.goto(url)
    fresh.wait_for_selector(".card.hit")
    assert texts(fresh, ".card.hit .citation") == shown
    fresh.close()


def test_script_in_a_clause_shows_as_text(page: Any, server: str, shot: Shots) -> None:
    response = page.goto(server + "/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    search(page, server, "检索页转义测试 原样显示")
    wait_done(page)
    card = page.locator(".card.hit", has_text="原样显示").first
    text = card.locator(".clause-text").inner_text()
    assert "<script>window.__lawdocs_pwned = 1</script>" in text
    assert '<img src=x onerror="window.__lawdocs_pwned = 2">' in text
    assert page.locator("#results script, #results img").count() == 0
    assert page.evaluate("() => window.__lawdocs_pwned") is None
    shot(page, "escaped")
    card.get_by_text("查看上下文").click()
    page.wait_for_selector(".card.context.current")
    assert "<script>" in page.locator(".card.context.current").inner_text()
    assert page.locator("#results script, #results img").count() == 0
    assert page.evaluate("() => window.__lawdocs_pwned") is None


def test_clear_messages_for_empty_bad_and_failed_requests(page: Any, server: str, shot: Shots) -> None:
    page.goto(server + "/?q=执法&region=上海市")
    page.wait_for_selector(".message.empty")
    assert "没有找到" in page.locator("#message").inner_text()
    assert page.locator(".card").count() == 0
    shot(page, "empty")

    page.goto(server + "/?q=执法&year=abc")
    page.wait_for_selector(".message.client-error")
    message = page.locator("#message").inner_text()
    assert "400" in message and "year" in message, message
    shot(page, "bad-filter")

    page.goto(server + "/?q=" + "法" * 600)  # past the service's 500-character limit
    page.wait_for_selector(".message.client-error")
    assert "422" in page.locator("#message").inner_text()

    page.goto(server + "/?clause=not-an-id")
    page.wait_for_selector(".message.client-error")

    page.route(
        "**/search?*",
        lambda route: route.fulfill(
            status=500, content_type="application/json", body='{"error": "internal error: RuntimeError"}'
        ),
    )
    page.goto(server + "/?q=执法")
    page.wait_for_selector(".message.server-error")
    message = page.locator("#message").inner_text()
    assert "服务器出错" in message and "500" in message and "RuntimeError" in message
    shot(page, "server-error")


def test_phone_width_and_cjk_font(browser: Any, server: str, shot: Shots) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto(server + "/?q=" + MEASURES + "&doc_type=rule_of_law_report")
        page.wait_for_selector(".card.hit")
        wait_done(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide at a 390 px viewport"
        for selector in ("#q", "#go", ".card.hit"):
            box = page.locator(selector).first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
        shot(page, "phone", full_page=False)

        # the Chinese text is drawn with a CJK font, not boxes or a Latin fallback
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".card.hit .clause-text"})["nodeId"]
        fonts = [f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]
        cjk = ("WenQuanYi", "Noto Sans CJK", "Noto Serif CJK", "Source Han", "Droid Sans Fallback")
        assert any(name.startswith(cjk) for name in fonts), fonts
    finally:
        context.close()


def test_as_of_field_follows_the_server_schema(page: Any, server: str) -> None:
    schema = httpx.get(server + "/openapi.json").json()
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]")
    shown = page.locator("#as_of_field").get_attribute("hidden") is None  # the filters panel may be folded
    assert shown == ("as_of" in json.dumps(schema))

    # a schema offering `as_of` on /search: the field shows, a bookmarked value fills it and is sent
    schema["paths"]["/search"]["get"]["parameters"].append(
        {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string"}}
    )
    page.route("**/openapi.json", lambda route: route.fulfill(json=schema))
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/search?" in r.url else None)
    page.goto(server + "/?q=执法&as_of=2020-06-01")
    page.wait_for_selector(".card.hit")
    assert page.locator("#as_of_field").is_visible() and page.input_value("#as_of") == "2020-06-01"
    assert any("as_of=2020-06-01" in url for url in sent), sent


def test_documents_name_no_server_path(server: str, index_folder: Path) -> None:
    hit = httpx.get(server + "/search", params={"query": "三项制度", "k": 1}).json()["hits"][0]
    assert "/" not in hit["doc"]["source"]
    doc = httpx.get(server + f"/documents/{hit['doc']['id']}").json()
    assert doc["doc"]["source"] == REPORT.name
    clause = httpx.get(server + f"/clauses/{hit['clause_id']}").json()
    assert clause["doc"]["source"] == REPORT.name
    answer = httpx.post(server + "/ask", json={"question": MEASURES + "？"}).json()
    assert all("/" not in g["doc"]["source"] for g in answer["groups"])
    script = httpx.get(server + "/static/app.js")
    assert script.status_code == 200 and "innerHTML" not in script.text.replace("never innerHTML", "")
    assert httpx.get(server + "/static/../server.py").status_code == 404


@pytest.mark.slow
def test_search_page_with_the_default_model(
    browser: Any, tmp_path_factory: pytest.TempPathFactory, shot: Shots
) -> None:
    """The same steps over an index built with the real default model (the README's screenshots come from here)."""
    folder = build_index(tmp_path_factory.mktemp("browser-real"), real_model=True)
    servers = serve_index(folder)
    base = next(servers)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(120_000)  # the real model on a loaded 2-core CI machine: a first query can take long
    try:
        search(page, base, MEASURES, doc_type="rule_of_law_report")
        page.wait_for_url("**doc_type=rule_of_law_report**")
        wait_done(page)
        cards = " ".join(texts(page, ".card.hit .clause-text")[:5])
        assert "三项制度" in cards or "综合行政执法" in cards
        shot(page, "real-search", full_page=False)
        search(page, base, FIGURE_QUESTION, mode="ask")
        wait_done(page)
        assert page.locator(".figure .value").inner_text().endswith("5件")
        shot(page, "real-ask", full_page=False)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/?q=" + MEASURES + "&doc_type=rule_of_law_report")
        page.wait_for_selector(".card.hit")
        wait_done(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.locator(".summary-line").scroll_into_view_if_needed()
        shot(page, "real-phone", full_page=False)
    finally:
        context.close()
        servers.close()
    if os.environ.get("LAWDOCS_SCREENSHOTS"):  # refresh the README's screenshots: LAWDOCS_SCREENSHOTS=docs
        for png in sorted(shot.folder.glob("*-real-*.png")):
            shutil.copy(png, Path(os.environ["LAWDOCS_SCREENSHOTS"]) / png.name.split("-", 1)[1])
