// lawdocs search page. Plain JavaScript, no build step, nothing fetched but this service's public endpoints
// (/search, /ask, /documents/{id}, /clauses/{id}, /health, /openapi.json).
// Every piece of data reaches the page through textContent or a text node: never innerHTML.
"use strict";

(function () {
  const FILTERS = ["doc_type", "region", "issuer", "year", "date_from", "date_to"];
  const DOC_ID = /^[0-9a-f]{8,64}$/;
  const CLAUSE_ID = /^[0-9a-f]{8,64}:[0-9]{1,7}$/;
  const DOC_TYPES = {
    law: "法律",
    administrative_regulation: "行政法规",
    judicial_interpretation: "司法解释",
    departmental_rule: "部门规章",
    local_regulation: "地方性法规",
    rule_of_law_report: "法治政府建设年度报告",
    government_work_report: "政府工作报告",
    notice: "通知、意见等文件",
    other: "其他",
  };
  // Question words that are not what a clause is about; left unhighlighted.
  const QUESTION_WORDS = ["哪些", "什么", "多少", "如何", "怎么", "怎样", "是否", "哪个", "哪里", "为什么", "有关", "关于"];

  // How the server takes an as-of date: "param" (its own field), "filter" (a filter key) or null (not at all),
  // read from its OpenAPI schema; /search (query parameter) and /ask (body field) are told apart.
  let asOfMode = null;
  let asOfAsk = null;
  let generation = 0; // the latest request; older answers are dropped

  const $ = (id) => document.getElementById(id);

  // Appends children to node, skipping empty ones; strings become text nodes.
  function put(node, ...children) {
    for (const child of children) {
      if (child === null || child === undefined || child === "") continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return put(node, ...children);
  }

  function link(href, label) {
    const a = el("a", null, label);
    a.href = href;
    a.dataset.nav = "";
    return a;
  }

  const docHref = (docId, clauseId) =>
    "/?doc=" + encodeURIComponent(docId) + (clauseId ? "#c-" + encodeURIComponent(clauseId) : "");
  const clauseHref = (clauseId) => "/?clause=" + encodeURIComponent(clauseId);

  // -- messages -------------------------------------------------------------------------------------
  function showMessage(kind, text) {
    const box = $("message");
    box.className = "message " + kind;
    box.textContent = text;
    box.hidden = false;
  }

  function clearMessage() {
    const box = $("message");
    box.hidden = true;
    box.textContent = "";
    box.className = "message";
  }

  class PageError extends Error {
    constructor(kind, message) {
      super(message);
      this.kind = kind; // "client-error" | "server-error"
    }
  }

  async function getJSON(url, options) {
    let response;
    try {
      response = await fetch(url, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
    } catch (err) {
      throw new PageError("server-error", "无法连接到检索服务：" + err.message);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    if (!response.ok) {
      const detail = body && body.error ? String(body.error) : response.statusText || "未知错误";
      if (response.status >= 500) {
        throw new PageError("server-error", "服务器出错（" + response.status + "）：" + detail);
      }
      throw new PageError("client-error", "请求有误（" + response.status + "）：" + detail);
    }
    return body;
  }

  function failed(err) {
    if (err instanceof PageError) showMessage(err.kind, err.message);
    else showMessage("server-error", "页面出错：" + (err && err.message ? err.message : String(err)));
  }

  // -- highlighting -----------------------------------------------------------------------------------
  // Search hits carry no term offsets: mark the longest pieces (two characters or more) of the query that
  // occur in the clause. Answers carry the server's own highlights (code-point offsets).
  function queryRanges(query, text) {
    const ranges = [];
    const pieces = query.split(/[\s\p{P}\p{S}]+/u).filter((p) => p.length >= 2);
    let budget = 120; // characters of the query looked at (the query may be 500 long)
    for (const piece of pieces) {
      const chars = Array.from(piece).slice(0, budget);
      budget -= chars.length;
      for (let i = 0; i < chars.length - 1; i++) {
        let best = null;
        for (let j = chars.length; j >= i + 2; j--) {
          const term = chars.slice(i, j).join("");
          if (QUESTION_WORDS.includes(term)) continue;
          if (text.includes(term)) {
            best = term;
            break;
          }
        }
        if (!best) continue;
        let at = text.indexOf(best);
        while (at !== -1) {
          ranges.push([at, at + best.length]);
          at = text.indexOf(best, at + best.length);
        }
      }
      if (budget <= 0) break;
    }
    return mergeRanges(ranges);
  }

  function mergeRanges(ranges) {
    ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const merged = [];
    for (const [s, e] of ranges) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    return merged;
  }

  // Server highlights count code points; JavaScript strings count UTF-16 units.
  function codePointRanges(text, highlights) {
    const offsets = [];
    let unit = 0;
    for (const ch of text) {
      offsets.push(unit);
      unit += ch.length;
    }
    offsets.push(unit);
    const at = (i) => offsets[Math.max(0, Math.min(i, offsets.length - 1))];
    return mergeRanges((highlights || []).map((h) => [at(h.start), at(h.end)]).filter(([s, e]) => e > s));
  }

  function marked(text, ranges) {
    const p = el("p", "clause-text");
    let pos = 0;
    for (const [s, e] of ranges) {
      if (s > pos) p.append(text.slice(pos, s));
      p.append(el("mark", null, text.slice(s, e)));
      pos = e;
    }
    if (pos < text.length) p.append(text.slice(pos));
    return p;
  }

  // -- pieces of a card ---------------------------------------------------------------------------------
  function citationLine(citation) {
    const p = el("p", "citation");
    String(citation || "")
      .split(" › ")
      .forEach((part, i) => {
        if (i) p.append(el("span", "sep", "›"));
        p.append(el("span", null, part));
      });
    return p;
  }

  function docMeta(doc, page) {
    const p = el("p", "meta");
    const parts = [
      DOC_TYPES[doc.doc_type] || doc.doc_type,
      doc.region,
      (doc.issuers || []).join("、"),
      doc.date || (doc.year ? doc.year + "年" : null),
      doc.number,
      page ? "第" + page + "页" : null,
    ];
    for (const part of parts) if (part) p.append(el("span", null, part));
    return p;
  }

  function clauseLinks(docId, clauseId) {
    return el("p", "links", link(clauseHref(clauseId), "查看上下文"), link(docHref(docId, clauseId), "查看全文"));
  }

  // -- search -------------------------------------------------------------------------------------------
  function hitCard(hit, query) {
    const card = el("article", "card hit");
    card.dataset.clauseId = hit.clause_id;
    put(card, 
      citationLine(hit.citation),
      docMeta(hit.doc, hit.page),
      marked(hit.text, queryRanges(query, hit.text)),
      clauseLinks(hit.doc.id, hit.clause_id),
    );
    return card;
  }

  async function runSearch(params) {
    const query = params.get("q");
    const url = new URLSearchParams();
    url.set("query", query);
    url.set("k", params.get("k") || "10");
    for (const [key, value] of filterPairs(params, asOfMode)) url.append("filter", key + "=" + value);
    if (asOfMode === "param" && params.get("as_of")) url.set("as_of", params.get("as_of"));
    const body = await getJSON("/search?" + url.toString());
    return () => {
      const results = $("results");
      if (!body.hits.length) {
        showMessage("empty", "没有找到与“" + query + "”相符的条款。可以换个说法，或放宽筛选条件。");
        return;
      }
      results.append(el("p", "summary-line", "共 " + body.hits.length + " 条结果（" + modeName(body.mode) + "）"));
      for (const hit of body.hits) results.append(hitCard(hit, query));
    };
  }

  const modeName = (mode) => ({ hybrid: "语义与关键词混合", dense: "语义", lexical: "关键词" })[mode] || mode;

  function filterPairs(params, asOfHow) {
    const pairs = [];
    for (const key of FILTERS) {
      const value = (params.get(key) || "").trim();
      if (value) pairs.push([key, value]);
    }
    if (asOfHow === "filter" && params.get("as_of")) pairs.push(["as_of", params.get("as_of")]);
    return pairs;
  }

  // -- ask ----------------------------------------------------------------------------------------------
  async function runAsk(params) {
    const question = params.get("q");
    const request = { question: question };
    const filters = Object.fromEntries(filterPairs(params, asOfAsk));
    if (Object.keys(filters).length) request.filters = filters;
    if (asOfAsk === "param" && params.get("as_of")) request.as_of = params.get("as_of");
    const answer = await getJSON("/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(request),
    });
    return () => renderAnswer(answer);
  }

  function renderAnswer(answer) {
    const results = $("results");
    const box = el("div", "answer");
    results.append(box);
    if (!answer.answered) {
      showMessage("empty", "没有找到能回答这个问题的条款" + (answer.reason ? "：" + answer.reason : "。"));
    }
    if (answer.figure) box.append(figureBox(answer.figure));
    if (answer.summary) box.append(el("p", "answer-summary", answer.summary));
    if (Array.isArray(answer.comparison) && answer.comparison.length) box.append(comparisonTable(answer.comparison));
    for (const group of answer.groups || []) box.append(answerGroup(group));
    // the answer cites at most a dozen clauses; say how many more there are (the API's limit=None shows all)
    if (answer.more) box.append(el("p", "answer-more", answer.more.replace(/`/g, "")));
    if (Array.isArray(answer.leads) && answer.leads.length) box.append(leadList(answer.leads));
  }

  // not answered: where search would look first; places to check, not answers
  function leadList(leads) {
    const box = el("section", "leads");
    box.append(el("h3", null, "可以先看这些条款（检索排名靠前，未确认能回答）"));
    for (const lead of leads) {
      const card = el("article", "card lead");
      card.dataset.clauseId = lead.clause_id;
      const similarity = typeof lead.similarity === "number" ? "相似度 " + lead.similarity.toFixed(2) : null;
      put(card,
        citationLine(lead.citation),
        similarity ? el("p", "meta", el("span", null, similarity)) : null,
        el("p", "clause-text", lead.text),
        clauseLinks(lead.doc_id, lead.clause_id),
      );
      box.append(card);
    }
    return box;
  }

  function figureBox(figure) {
    return el(
      "div",
      "figure",
      el("p", "value", figure.value),
      el("p", "sentence", figure.sentence),
      citationLine(figure.citation),
      el("p", "links", link(clauseHref(figure.clause_id), "查看上下文")),
    );
  }

  function comparisonTable(rows) {
    const columns = [
      ["title", "文件"],
      ["region", "地区"],
      ["year", "年份"],
      ["citation", "条款"],
      ["text", "内容"],
      ["figure", "数字"],
    ];
    const table = el("table", "comparison");
    const head = el("tr");
    for (const [, label] of columns) head.append(el("th", null, label));
    table.append(el("thead", null, head));
    const body = el("tbody");
    for (const row of rows) {
      const tr = el("tr");
      for (const [key, label] of columns) {
        let value = row[key];
        if (value && typeof value === "object") value = value.value || JSON.stringify(value);
        const td = el("td", key === "figure" ? "figure-cell" : null);
        td.dataset.label = label;
        if (key === "citation" && row.clause_id && CLAUSE_ID.test(row.clause_id)) {
          td.append(link(clauseHref(row.clause_id), value || row.clause_id));
        } else {
          td.append(value === null || value === undefined || value === "" ? "—" : String(value));
        }
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(body);
    return el("div", "table-wrap", table);
  }

  function answerGroup(group) {
    const box = el("section", "group");
    box.append(el("h3", null, link(docHref(group.doc.id), group.doc.title)), docMeta(group.doc));
    for (const section of group.sections || []) {
      if (section.title) box.append(el("h4", "section-title", section.title));
      for (const clause of section.clauses || []) {
        const card = el("article", "card cited");
        card.dataset.clauseId = clause.clause_id;
        put(card, 
          citationLine(clause.citation),
          clause.page ? el("p", "meta", el("span", null, "第" + clause.page + "页")) : null,
          marked(clause.text, codePointRanges(clause.text, clause.highlights)),
          clauseLinks(clause.doc_id, clause.clause_id),
        );
        box.append(card);
      }
    }
    return box;
  }

  // -- a clause in its context, a whole document -------------------------------------------------------
  async function runClause(clauseId) {
    if (!CLAUSE_ID.test(clauseId)) throw new PageError("client-error", "条款编号格式不对：" + clauseId);
    const data = await getJSON("/clauses/" + encodeURIComponent(clauseId) + "?context=2");
    let refs = null; // cross-references both ways (GET /clauses/{id}/references); the context shows without them
    try {
      refs = await getJSON("/clauses/" + encodeURIComponent(clauseId) + "/references");
    } catch (err) {
      refs = null;
    }
    return () => {
      const results = $("results");
      results.append(backLink());
      const head = el("div", "doc-head", el("h2", null, link(docHref(data.doc.id, clauseId), data.doc.title)), docMeta(data.doc));
      results.append(head, el("p", "summary-line", "条款及其前后文"));
      for (const c of data.neighbours) {
        const card = el("article", c.id === clauseId ? "card context current" : "card context");
        card.dataset.clauseId = c.id;
        const cite = c.id === clauseId ? data.citation : [data.doc.title].concat(c.path || [], c.article ? [c.article] : []).join(" › ");
        put(card, citationLine(cite), c.page ? el("p", "meta", el("span", null, "第" + c.page + "页")) : null, marked(c.text, []));
        results.append(card);
      }
      if (refs) {
        appendReferences(results, "本条引用", refs.outgoing || [], (r) => {
          const target = [r.target_title, r.target_article].filter(Boolean).join(" ");
          const text = r.text + (target && target !== r.text ? " → " + target : "");
          return { id: r.resolved ? r.target_clause_id : null, text: r.resolved ? text : text + "（未解析：" + (r.reason || "未找到") + "）" };
        });
        appendReferences(results, "引用本条的条款", refs.incoming || [], (r) => ({
          id: r.source_clause_id,
          text: (r.source_label || r.source_clause_id) + "：" + r.text,
        }));
      }
      results.append(el("p", "links", link(docHref(data.doc.id, clauseId), "查看全文")));
    };
  }

  function appendReferences(results, heading, links, describe) {
    if (!links.length) return;
    const box = el("section", "references");
    box.append(el("h4", "section-title", heading + "（" + links.length + "）"));
    const seen = new Set();
    for (const ref of links) {
      const shown = describe(ref);
      if (seen.has(shown.text)) continue;
      seen.add(shown.text);
      const line = el("p", "card reference");
      line.append(shown.id && CLAUSE_ID.test(shown.id) ? link(clauseHref(shown.id), shown.text) : el("span", null, shown.text));
      box.append(line);
    }
    results.append(box);
  }

  async function runDocument(docId) {
    if (!DOC_ID.test(docId)) throw new PageError("client-error", "文件编号格式不对：" + docId);
    const data = await getJSON("/documents/" + encodeURIComponent(docId));
    return () => {
      const results = $("results");
      results.append(backLink());
      const meta = docMeta(data.doc);
      if (data.doc.source) meta.append(el("span", null, "来源文件：" + data.doc.source));
      results.append(el("div", "doc-head", el("h2", null, data.doc.title), meta));
      results.append(el("p", "summary-line", "共 " + data.clause_count + " 条"));
      const list = el("div", "doc-clauses");
      let lastPath = "";
      const target = decodeURIComponent(location.hash.replace(/^#c-/, ""));
      for (const c of data.clauses) {
        const path = (c.path || []).join(" › ");
        if (path && path !== lastPath) list.append(el("p", "heading", path));
        lastPath = path;
        const card = el("article", c.id === target ? "card doc-clause current" : "card doc-clause");
        card.id = "c-" + c.id;
        card.dataset.clauseId = c.id;
        put(card, 
          c.article ? el("p", "citation", c.article) : null,
          marked(c.text, []),
          el("p", "links", link(clauseHref(c.id), "上下文")),
        );
        list.append(card);
      }
      results.append(list);
      const current = document.getElementById("c-" + target);
      if (current) current.scrollIntoView({ block: "center" });
    };
  }

  function backLink() {
    const a = el("a", null, "← 返回");
    a.href = "#";
    a.addEventListener("click", (event) => {
      event.preventDefault();
      history.back();
    });
    return el("p", "back", a);
  }

  // -- the URL is the state -------------------------------------------------------------------------------
  function formToParams() {
    const params = new URLSearchParams();
    const q = $("q").value.trim();
    if (q) params.set("q", q);
    const mode = document.querySelector("input[name=mode]:checked").value;
    if (mode === "ask") params.set("mode", "ask");
    for (const key of FILTERS) {
      const value = $(key).value.trim();
      if (value) params.set(key, value);
    }
    if ((asOfMode || asOfAsk) && $("as_of").value) params.set("as_of", $("as_of").value);
    if ($("k").value !== "10") params.set("k", $("k").value);
    return params;
  }

  function paramsToForm(params) {
    $("q").value = params.get("q") || "";
    const mode = params.get("mode") === "ask" ? "ask" : "search";
    document.querySelector("input[name=mode][value=" + mode + "]").checked = true;
    let active = 0;
    for (const key of FILTERS.concat(["as_of"])) {
      const value = params.get(key) || "";
      $(key).value = value;
      if ($(key).value !== value) $(key).value = ""; // a value the control cannot hold
      if (value) active += 1;
    }
    $("k").value = ["10", "20", "50"].includes(params.get("k")) ? params.get("k") : "10";
    $("filter-count").textContent = active ? "（已设 " + active + " 项）" : "";
    if (active) $("filters").open = true;
    updateButton();
  }

  function updateButton() {
    const ask = document.querySelector("input[name=mode]:checked").value === "ask";
    $("go").textContent = ask ? "提问" : "检索";
  }

  async function route() {
    const params = new URLSearchParams(location.search);
    paramsToForm(params);
    const mine = ++generation;
    const results = $("results");
    clearMessage();
    results.replaceChildren();
    let work = null;
    let title = "lawdocs";
    if (params.get("clause")) work = () => runClause(params.get("clause"));
    else if (params.get("doc")) work = () => runDocument(params.get("doc"));
    else if (params.get("q")) {
      title = params.get("q") + " · lawdocs";
      work = () => (params.get("mode") === "ask" ? runAsk(params) : runSearch(params));
    }
    document.title = title;
    if (!work) return;
    showMessage("loading", "正在查询……");
    $("go").disabled = true;
    try {
      const render = await work();
      if (mine !== generation) return;
      clearMessage();
      render();
    } catch (err) {
      if (mine === generation) failed(err);
    } finally {
      if (mine === generation) $("go").disabled = false;
    }
  }

  function navigate(href) {
    if (href !== location.pathname + location.search + location.hash) history.pushState(null, "", href);
    route();
  }

  // -- what the server offers ----------------------------------------------------------------------------
  async function loadHealth() {
    try {
      const health = await getJSON("/health");
      const state = { ok: "就绪", starting: "正在加载模型", error: "出错" }[health.status] || health.status;
      $("status").textContent =
        health.documents + " 份文件 · " + health.clauses + " 条条款 · 模型 " + health.model + " · " + state;
    } catch (err) {
      $("status").textContent = "无法读取服务状态";
    }
  }

  // The as-of field is shown only when the server's schema lists as_of (a parameter, a request field, or a
  // filter key named in its descriptions).
  async function detectAsOf() {
    try {
      const response = await fetch("/openapi.json");
      if (!response.ok) return;
      const text = await response.text();
      const schema = JSON.parse(text);
      const get = ((schema.paths || {})["/search"] || {}).get || {};
      const params = (get.parameters || []).map((p) => p.name);
      const schemas = (schema.components || {}).schemas || {};
      const askFields = Object.keys((schemas.AskRequest || {}).properties || {});
      const named = text.includes("as_of");
      asOfMode = params.includes("as_of") ? "param" : named ? "filter" : null;
      asOfAsk = askFields.includes("as_of") ? "param" : named ? "filter" : null;
      $("as_of_field").hidden = !(asOfMode || asOfAsk);
    } catch (err) {
      asOfMode = null;
      asOfAsk = null;
    }
  }

  async function start() {
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const params = formToParams();
      if (!params.get("q")) {
        showMessage("client-error", "请输入要检索的内容。");
        return;
      }
      navigate("/?" + params.toString());
    });
    for (const radio of document.querySelectorAll("input[name=mode]")) radio.addEventListener("change", updateButton);
    $("clear-filters").addEventListener("click", () => {
      for (const key of FILTERS.concat(["as_of"])) $(key).value = "";
      $("filter-count").textContent = "";
    });
    document.addEventListener("click", (event) => {
      const a = event.target.closest("a[data-nav]");
      if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || url.pathname !== "/") return;
      event.preventDefault();
      navigate(url.pathname + url.search + url.hash);
      window.scrollTo(0, 0);
    });
    window.addEventListener("popstate", route);
    loadHealth();
    await detectAsOf();
    document.body.dataset.ready = "1"; // the schema has been read (tests wait for this)
    if (generation === 0) route(); // unless a search typed meanwhile has already routed (no second request)
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
