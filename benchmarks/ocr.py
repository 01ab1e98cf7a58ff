"""OCR of scanned PDFs: character accuracy and seconds per page ([ocr] extra).

    python -m benchmarks.ocr [--pages 3]

Renders real articles of 行政处罚法 (../shared/corpora/laws) with a CJK font into an image-only PDF (A4 at
150 dpi, 34 px type, about 30 characters a line), reads it back through lawdocs' PDF loader
(`lawdocs.load.load_path`, which OCRs the pages that have no text layer) and compares the text with the
original: character accuracy = 1 − edit distance / original length, both with whitespace removed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

from tests.test_ocr import render_pdf  # the same renderer as the test (tests/ is a namespace package)

from benchmarks.common import SHARED, log, md_table, write_results
from lawdocs.load import load_path
from lawdocs.loaders import ocr

LAW = SHARED / "corpora" / "laws" / "行政法" / "行政处罚法(2021-01-22).md"


def distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--chars-per-page", type=int, default=520)  # what fits on the rendered page
    args = ap.parse_args()
    if not ocr.available():
        raise SystemExit("the [ocr] extra is not installed: pip install 'lawdocs[ocr]'")
    arts = re.findall(r"^(第[一二三四五六七八九十百]+条 .*)$", LAW.read_text(encoding="utf-8"), re.M)
    pages: list[list[str]] = []
    at = 0
    for _ in range(args.pages):
        page = [arts[at]]
        at += 1
        while sum(len(p) for p in page) + len(arts[at]) <= args.chars_per_page:
            page.append(arts[at])
            at += 1
        pages.append(page)
    with tempfile.TemporaryDirectory() as tmp:
        scan = render_pdf(pages, Path(tmp) / "scan.pdf")
        ocr._engine()  # model load is not page time
        t0 = time.perf_counter()
        (raw,) = list(load_path(scan))
        seconds = time.perf_counter() - t0
    assert raw.pages is not None
    per_page = []
    starts = [*raw.pages, len(raw.text)]
    for n, page in enumerate(pages):
        want = re.sub(r"\s+", "", "".join(page))
        got = re.sub(r"\s+", "", raw.text[starts[n] : starts[n + 1]])
        d = distance(want, got)
        per_page.append(
            {"page": n + 1, "chars": len(want), "edits": d, "accuracy": round(1 - d / len(want), 4)}
        )
    total = sum(p["chars"] for p in per_page)
    edits = sum(p["edits"] for p in per_page)
    data = {
        "commit": subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "pages": len(pages),
        "characters": total,
        "char_accuracy": round(1 - edits / total, 4),
        "seconds_per_page": round(seconds / len(pages), 2),
        "per_page": per_page,
        "ocr_pages": raw.meta.get("ocr_pages"),
    }
    md = [
        "# OCR of an image-only PDF (RapidOCR 3.10, PP-OCRv6 small, via lawdocs' PDF loader)",
        "",
        md_table(
            ["pages", "characters", "char accuracy", "s / page"],
            [[len(pages), total, data["char_accuracy"], data["seconds_per_page"]]],
        ),  # fmt: skip
        "",
        md_table(
            ["page", "chars", "edits", "accuracy"],
            [[p["page"], p["chars"], p["edits"], p["accuracy"]] for p in per_page],
        ),
    ]
    write_results("ocr", data, "\n".join(md))
    log(f"accuracy {data['char_accuracy']}, {data['seconds_per_page']} s/page")


if __name__ == "__main__":
    main()
