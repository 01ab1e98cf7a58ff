"""Cross-reference resolution on the shared laws: a seeded sample, checked by hand, and its precision.

    python -m benchmarks.references [--laws ../shared/corpora/laws] [--sample 230] [--seed 14]

Indexes the folder with the hash embedder (resolution reads titles and article numbers, not vectors),
extracts every reference link of every clause through the public API (`lawdocs.references`), draws a seeded
sample and writes it to results/references_sample.jsonl (reference text, source article, target title and
article, the head of the target text). The verdicts, one per sampled link, are in
data/references_checked.jsonl ({"id", "correct", "note"}), written by a person reading each item: for a
resolved link, whether it names the clause the reference means; for an unresolved one, whether leaving it
unresolved was right (the clause meant is not in the index). Precision is over the resolved links checked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import HERE, SHARED, log, md_table, write_results
from lawdocs.index import Index
from lawdocs.models import ReferenceLink
from lawdocs.references import resolver

CHECKED = HERE / "data" / "references_checked.jsonl"
SAMPLE = HERE / "results" / "references_sample.jsonl"


def link_id(link: ReferenceLink, nth: int) -> str:
    """Stable while the corpus and the parser's spans are: source clause, span, place among its targets."""
    return f"{link.source_clause_id}:{link.span[0]}-{link.span[1]}:{nth}"


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=HERE, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "src", "benchmarks/references.py"],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def sample_row(ix: Index, link: ReferenceLink, nth: int) -> dict[str, Any]:
    source = ix.get_clause(link.source_clause_id)
    res = resolver(ix)
    start, end = link.span
    target_text = res.target_text(link) if link.target_clause_id else None
    return {
        "id": link_id(link, nth),
        "reference": link.text,
        "context": source.text[max(0, start - 30) : end + 20].replace("\n", " "),
        "source": f"{ix.get_document(source.doc_id).title} {source.article or source.kind}",
        "scope": link.scope,
        "resolved": link.resolved,
        "target": f"{link.target_title or ''} {link.target_article or ''}".strip() or None,
        "paragraph": link.paragraph,
        "item": link.item,
        "target_text": (target_text or "")[:160].replace("\n", " ") or None,
        "reason": link.reason,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laws", type=Path, default=SHARED / "corpora" / "laws")
    parser.add_argument("--sample", type=int, default=230)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ix = Index.create(Path(tmp) / "laws", model="hash-256")
        report = ix.add(args.laws)
        log(f"indexed {len(report.added)} documents, {len(ix)} clauses in {time.perf_counter() - t0:.1f} s")
        t1 = time.perf_counter()
        res = resolver(ix)
        links: list[tuple[ReferenceLink, int]] = []
        for row, clause in enumerate(ix.clauses):
            if not ix.alive[row]:
                continue
            seen: Counter[tuple[int, int]] = Counter()
            for link in res.outgoing(clause):
                links.append((link, seen[link.span]))
                seen[link.span] += 1
        extract_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        some = next((c for c in ix.clauses if c.kind == "article"), None)
        if some is not None:
            res.incoming(some)  # builds the inverted map over every clause
        incoming_s = time.perf_counter() - t2

        # Seeded and keyed by link id, so that a fix to the resolver keeps the other items in the sample.
        def draw(i: int) -> str:
            return hashlib.sha1(f"{args.seed}:{link_id(*links[i])}".encode()).hexdigest()

        chosen = sorted(sorted(range(len(links)), key=draw)[: args.sample])
        rows = [sample_row(ix, *links[i]) for i in chosen]

    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    with SAMPLE.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    verdicts: dict[str, dict[str, Any]] = {}
    if CHECKED.exists():
        for line in CHECKED.read_text(encoding="utf-8").splitlines():
            if line.strip():
                v = json.loads(line)
                verdicts[v["id"]] = v
    resolved = [r for r in rows if r["resolved"]]
    unresolved = [r for r in rows if not r["resolved"]]
    checked_res = [r for r in resolved if r["id"] in verdicts]
    checked_unres = [r for r in unresolved if r["id"] in verdicts]
    right = sum(1 for r in checked_res if verdicts[r["id"]]["correct"])
    right_unres = sum(1 for r in checked_unres if verdicts[r["id"]]["correct"])
    precision = right / len(checked_res) if checked_res else None
    wrong = [
        {
            "id": r["id"],
            "reference": r["reference"],
            "target": r["target"],
            "note": verdicts[r["id"]].get("note"),
        }
        for r in checked_res + checked_unres
        if not verdicts[r["id"]]["correct"]
    ]
    scopes = Counter(link.scope for link, _ in links)
    data = {
        "commit": commit(),
        "laws": str(args.laws),
        "documents": len(ix.documents),
        "clauses": len(ix),
        "links": len(links),
        "links_resolved": sum(1 for link, _ in links if link.resolved),
        "share_resolved": round(sum(1 for link, _ in links if link.resolved) / len(links), 4)
        if links
        else None,
        "by_scope": dict(scopes),
        "extract_seconds": round(extract_s, 2),
        "incoming_map_seconds": round(incoming_s, 2),
        "sample": {
            "seed": args.seed,
            "size": len(rows),
            "resolved": len(resolved),
            "unresolved": len(unresolved),
        },
        "checked": {"resolved": len(checked_res), "unresolved": len(checked_unres)},
        "precision": round(precision, 4) if precision is not None else None,
        "resolved_correct": right,
        "unresolved_rightly": right_unres,
        "sample_share_resolved": round(len(resolved) / len(rows), 4) if rows else None,
        "errors": wrong,
    }
    md = [
        "# Cross-reference resolution on the shared laws",
        "",
        f"Commit {data['commit']}. {data['documents']} documents, {data['clauses']} clauses; "
        f"{data['links']} reference links, {data['links_resolved']} resolved ({data['share_resolved']}). "
        f"Extracting and resolving them all took {data['extract_seconds']} s, the inverted (incoming) map "
        f"{data['incoming_map_seconds']} s.",
        "",
        md_table(
            ["sample", "resolved", "checked", "correct", "precision", "unresolved", "rightly unresolved"],
            [
                [
                    len(rows),
                    len(resolved),
                    len(checked_res),
                    right,
                    data["precision"],
                    len(checked_unres),
                    right_unres,
                ]
            ],
        ),
        "",
        "Precision = resolved links that name the clause meant / resolved links checked by hand "
        f"(verdicts in `benchmarks/data/references_checked.jsonl`, sample in `{SAMPLE.relative_to(HERE.parent)}`).",
        "",
    ]
    md += [
        "Earlier rounds of the same check found three wrong links, each fixed by a general rule and the",
        "changed items checked again: 以下条件 read as 下条 (前条/下条 must now be followed by 规定/所/的/第);",
        "a law naming its own repealed version by title (《公安机关办理行政案件程序规定》…同时废止) linked to itself",
        "(a text's own title in 《》 now names another version); 宪法第八十九条 linked to 立法法第八十九条 (a",
        "one-character name before 法 was not taken as a name). A text citing a law whose only indexed version",
        "is later than the text itself is left unresolved, with the same-numbered article as a candidate.",
        "",
    ]
    if wrong:
        md += [
            "## Items judged wrong",
            "",
            md_table(["id", "reference", "target", "note"], [list(w.values()) for w in wrong]),
        ]
    write_results("references", data, "\n".join(md))
    log(f"precision {data['precision']} over {len(checked_res)} checked resolved links; {len(rows)} sampled")
    missing = [r["id"] for r in rows if r["id"] not in verdicts]
    if missing:
        log(f"{len(missing)} sampled items have no verdict yet")


if __name__ == "__main__":
    main()
