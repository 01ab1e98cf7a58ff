"""Release tooling: write the packaged combiner (src/lawdocs/data/legal_combiner.json) from a benchmark run.

    python -m benchmarks.combine_stard --index benchmarks/cache/stard-index-all-legal
    python tools/make_legal_combiner.py        # copies its combiner, with where it came from

The combiner then ranks hybrid searches of every statute collection indexed with the legal model that has no
fusion settings of its own, with the packaged STARD bank voting (`lawdocs.search.combine.packaged_combiner`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lawdocs.search.combine import PACKAGED_FILE, Combiner

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "benchmarks" / "results" / "combine_stard.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--result", type=Path, default=RESULT, help="a combine_stard result file")
    args = parser.parse_args()
    run = json.loads(args.result.read_text(encoding="utf-8"))
    combiner = Combiner.model_validate(run["combiner"]).model_copy(update={"packaged_bank": True})
    about = {
        "how": "lawdocs.train.combiner.fit_combiner on STARD train.jsonl's tune part (seed 13), each question left "
        "out of its own bank votes and document prior; never the 247 held back nor the STARD dev split",
        "command": run["command"],
        "commit": run["machine"]["commit"],
        "held_back": run["held_back"],
        "combiner": combiner.model_dump(),
    }
    out = ROOT / "src" / "lawdocs" / "data" / PACKAGED_FILE
    out.write_text(json.dumps(about, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
