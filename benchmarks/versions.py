"""Versions on the whole of LawRefBook: how many laws come in several versions, and a hand-checked sample.

    python -m benchmarks.versions [--root /tmp/lawdocs-laws-all] [--sample 24]

Unpacks ../shared/corpora/laws-all.tar.gz under --root when absent and puts LawRefBook's sqlite DB
(../shared/corpora/laws/LawRefBook_db.sqlite3, same commit) at its top, where the loader finds it. Parses
every Markdown file (`lawdocs.parse.parse_file`), groups versions (`lawdocs.versions.groups`) and derives each
version's status today (`lawdocs.versions.statuses`). The sample (seeded, from laws with several versions) is
compared with `benchmarks/versions_checked.json`: the effective date and status a person read off each file
(header lines, the 施行 article, the other versions' file names).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tarfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.common import SHARED, log, md_table, write_results
from lawdocs.errors import LawdocsError
from lawdocs.models import DocumentInfo
from lawdocs.parse import parse_file
from lawdocs.versions import STATUS_CN, groups, statuses

CHECKED = Path(__file__).resolve().parent / "versions_checked.json"


def unpack(root: Path) -> Path:
    top = root / "LawRefBook-Laws"
    if not top.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(SHARED / "corpora" / "laws-all.tar.gz") as tar:
            tar.extractall(root, filter="data")
    db = SHARED / "corpora" / "laws" / "LawRefBook_db.sqlite3"
    if not (top / db.name).exists():
        shutil.copy(db, top / db.name)
    return top


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=Path("/tmp/lawdocs-laws-all"))
    ap.add_argument("--sample", type=int, default=24)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    top = unpack(args.root)
    files = sorted(top.rglob("*.md"))
    log(f"parsing {len(files)} files")
    t0 = time.perf_counter()
    docs: dict[str, DocumentInfo] = {}
    source: dict[str, str] = {}
    failed: list[tuple[str, str]] = []
    for f in files:
        try:
            for doc in parse_file(f):
                info = DocumentInfo.of(doc)
                docs[info.id] = info
                source[info.id] = f.relative_to(top).as_posix()
        except LawdocsError as exc:
            failed.append((f.relative_to(top).as_posix(), str(exc)[:200]))
    seconds = time.perf_counter() - t0
    grouped = groups(docs.values())
    multi = {k: v for k, v in grouped.items() if len({d.version for d in v}) > 1}
    status = statuses(docs.values())
    counts = Counter(STATUS_CN[s] for s in status.values())
    with_eff = sum(1 for d in docs.values() if d.law_id and d.effective_date)
    rng = random.Random(args.seed)
    keys = sorted(multi)
    picked = rng.sample(keys, min(args.sample, len(keys)))
    checked = json.loads(CHECKED.read_text(encoding="utf-8")) if CHECKED.exists() else {}
    rows = []
    for key in picked:
        v = rng.choice(multi[key])
        row = {
            "file": source[v.id],
            "versions": len(multi[key]),
            "version_label": v.version_label,
            "effective_date": v.effective_date,
            "status": STATUS_CN[status[v.id]],
        }
        truth = checked.get(row["file"])
        if truth:
            row["hand_effective_date"] = truth["effective_date"]
            row["hand_status"] = truth["status"]
            row["effective_ok"] = truth["effective_date"] == v.effective_date
            row["status_ok"] = truth["status"] == row["status"]
            row["evidence"] = truth.get("evidence")
        rows.append(row)
    judged = [r for r in rows if "effective_ok" in r]
    data = {
        "commit": subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "files": len(files),
        "failed": len(failed),
        "failures": [{"file": f, "error": e} for f, e in failed],
        "documents": len(docs),
        "versioned_documents": sum(1 for d in docs.values() if d.law_id),
        "version_groups": len(grouped),
        "laws_with_several_versions": len(multi),
        "versions_in_those_laws": sum(len(v) for v in multi.values()),
        "with_effective_date": with_eff,
        "status_today": dict(counts),
        "parse_seconds": round(seconds, 1),
        "sample": rows,
        "hand_checked": len(judged),
        "effective_date_right": sum(r["effective_ok"] for r in judged),
        "status_right": sum(r["status_ok"] for r in judged),
    }
    md = [
        "# Law versions on the whole of LawRefBook (laws-all)",
        "",
        md_table(
            ["files", "documents", "versioned", "version groups", "laws with ≥2 versions", "their versions"],
            [
                [
                    len(files),
                    len(docs),
                    data["versioned_documents"],
                    len(grouped),
                    len(multi),
                    data["versions_in_those_laws"],
                ]
            ],
        ),  # fmt: skip
        "",
        "Status today: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()),
        "",
        f"Hand-checked sample: {len(judged)} versions; effective date right {data['effective_date_right']}, "
        f"status right {data['status_right']}.",
        "",
        md_table(
            [
                "file",
                "versions",
                "label",
                "effective (lawdocs)",
                "effective (hand)",
                "status (lawdocs)",
                "status (hand)",
            ],
            [
                [
                    r["file"],
                    r["versions"],
                    r["version_label"],
                    r["effective_date"],
                    r.get("hand_effective_date"),
                    r["status"],
                    r.get("hand_status"),
                ]
                for r in rows
            ],
        ),  # fmt: skip
    ]
    write_results("versions", data, "\n".join(md))
    log(f"{len(multi)} laws with several versions; {len(judged)} checked")


if __name__ == "__main__":
    main()
