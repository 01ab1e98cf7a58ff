"""Write the packaged legal delta (src/lawdocs/data/legal_delta.*) from the model finetune_stard.py trained.

    python benchmarks/finetune_stard.py --epochs 2   # trains benchmarks/cache/legal-e5-small on STARD's tune split
    python benchmarks/make_legal_delta.py            # delta = adapted - base, fp16, ~43 MB
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, log  # noqa: E402
from lawdocs.embed import build_default_model  # noqa: E402
from lawdocs.embedding import legal  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "src" / "lawdocs" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--adapted", type=Path, default=CACHE / "legal-e5-small")
    args = parser.parse_args()
    about = {
        "how": "lawdocs.finetune on STARD train.jsonl: the 988 questions of the seeded tune split (seed 13; "
        "benchmarks/finetune_stard.py), 10% of them kept back to choose the epoch; never the 247 held back "
        "nor the STARD dev split",
        "rebuild": "python benchmarks/finetune_stard.py --epochs 2 && python benchmarks/make_legal_delta.py",
        "finetune_report": json.loads((args.adapted / "lawdocs_finetune.json").read_text(encoding="utf-8")),
    }
    info = legal.make_delta(build_default_model(), args.adapted, DATA, about)
    (DATA / legal.DELTA_FILE).chmod(0o644)
    log(f"{info['tensors']} tensors, {info['parameters']:,} parameters, merged fingerprint {info['fingerprint']}")


if __name__ == "__main__":
    main()
