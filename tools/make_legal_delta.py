"""Release tooling: write the packaged legal delta (src/lawdocs/data/legal_delta.*) from a trained model.

    python -m benchmarks.finetune_stard --epochs 2   # trains benchmarks/cache/legal-e5-small on STARD's tune split
    python tools/make_legal_delta.py                 # delta = adapted - base, fp16, ~43 MB
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lawdocs.embed import build_default_model
from lawdocs.train.delta import make_delta

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "lawdocs" / "data"
CACHE = ROOT / "benchmarks" / "cache"
TRAINED_ON = (
    "the 988 questions of the seeded tune split of STARD train.jsonl (seed 13), 10% of them kept back to "
    "choose the epoch; never the 247 held back nor the STARD dev split"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--adapted", type=Path, default=CACHE / "legal-e5-small", help="the trained folder")
    args = parser.parse_args()
    about = {
        "how": f"lawdocs.train.finetune (benchmarks/finetune_stard.py) on {TRAINED_ON}",
        "rebuild": "python -m benchmarks.finetune_stard --epochs 2 && python tools/make_legal_delta.py",
        "finetune_report": json.loads((args.adapted / "lawdocs_finetune.json").read_text(encoding="utf-8")),
    }
    info = make_delta(build_default_model(), args.adapted, DATA, about)
    (DATA / "legal_delta.safetensors").chmod(0o644)
    print(f"{info['tensors']} tensors, {info['parameters']:,} parameters, merged fingerprint {info['fingerprint']}")


if __name__ == "__main__":
    main()
