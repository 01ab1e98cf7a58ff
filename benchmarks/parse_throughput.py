"""Parse throughput: every LawRefBook Markdown file of shared/corpora/laws-all.tar.gz on one core.

    python -m benchmarks.parse_throughput [--repeat 3] [--max-chars 1200]

The files are read from the tarball into memory first (not timed); the timed part is `parse_raw` on each
(structure, metadata, long-clause splitting, pydantic records), in one process. The best of `--repeat`
runs is reported. Writes benchmarks/results/parse_throughput.json (and .md) and prints one line.
"""

from __future__ import annotations

import argparse
import tarfile
import time
from pathlib import Path

from benchmarks.common import SHARED, md_table, write_results
from lawdocs.load import RawDocument
from lawdocs.parse import DEFAULT_MAX_CHARS, coverage_gaps, parse_raw

TARBALL = SHARED / "corpora" / "laws-all.tar.gz"


def read_members(path: Path) -> list[RawDocument]:
    raws = []
    with tarfile.open(path) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".md"):
                fh = tar.extractfile(member)
                if fh is not None:
                    raws.append(RawDocument(source=member.name, text=fh.read().decode("utf-8"), fmt="md"))
    return raws


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    args = ap.parse_args()

    raws = read_members(TARBALL)
    chars = sum(len(r.text) for r in raws)
    size = sum(len(r.text.encode("utf-8")) for r in raws)
    runs = []
    docs = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        docs = [parse_raw(r, max_chars=args.max_chars) for r in raws]
        runs.append(time.perf_counter() - started)
    best = min(runs)
    clauses = sum(len(d.clauses) for d in docs)
    articles = sum(1 for d in docs for c in d.clauses if c.kind == "article" and (c.part or 1) == 1)
    parts = sum(1 for d in docs for c in d.clauses if c.part)
    uncovered = sum(1 for d in docs if coverage_gaps(d))
    data = {
        "files": len(raws),
        "characters": chars,
        "clauses": clauses,
        "articles": articles,
        "split_parts": parts,
        "documents_with_coverage_gaps": uncovered,
        "max_chars": args.max_chars,
        "runs_seconds": [round(r, 3) for r in runs],
        "best_seconds": round(best, 3),
        "files_per_second": round(len(raws) / best, 1),
        "utf8_bytes": size,
        "mb_per_second": round(size / 1e6 / best, 2),
        "clauses_per_second": round(clauses / best),
    }
    table = md_table(
        ["files", "clauses", "articles", "best s", "files/s", "clauses/s"],
        [
            [
                len(raws),
                clauses,
                articles,
                round(best, 2),
                data["files_per_second"],
                data["clauses_per_second"],
            ]
        ],
    )
    write_results("parse_throughput", data, "# Parse throughput (one core)\n\n" + table + "\n")
    print(
        f"parse_throughput: {len(raws)} files, {clauses} clauses ({articles} articles) in {best:.2f} s "
        f"(best of {len(runs)}) = {data['files_per_second']} files/s, {data['clauses_per_second']} clauses/s; "
        f"coverage gaps in {uncovered} documents"
    )


if __name__ == "__main__":
    main()
