"""Write the packaged legal deltas (src/lawdocs/data/) from the models the benchmarks trained.

    python benchmarks/finetune_stard.py --epochs 2   # trains benchmarks/cache/legal-e5-small on STARD's tune split
    python benchmarks/make_legal_delta.py            # delta = adapted - base, fp16, ~43 MB

    python benchmarks/rerank_stard.py                # trains benchmarks/cache/legal-reranker from the legal model
    python benchmarks/make_legal_delta.py --reranker # its delta against the same base, ~43 MB, + config files
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, log  # noqa: E402
from lawdocs.embed import build_default_model  # noqa: E402
from lawdocs.embedding import legal  # noqa: E402
from lawdocs.rerank import RERANKER_INFO, RerankerInfo  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "src" / "lawdocs" / "data"
TRAINED_ON = (
    "the 988 questions of the seeded tune split of STARD train.jsonl (seed 13), 10% of them kept back to "
    "choose the epoch; never the 247 held back nor the STARD dev split"
)


def embedding_delta(adapted: Path) -> dict:
    about = {
        "how": f"lawdocs.finetune (benchmarks/finetune_stard.py) on {TRAINED_ON}",
        "rebuild": "python benchmarks/finetune_stard.py --epochs 2 && python benchmarks/make_legal_delta.py",
        "finetune_report": json.loads((adapted / "lawdocs_finetune.json").read_text(encoding="utf-8")),
    }
    info = legal.make_delta(build_default_model(), adapted, DATA, about)
    (DATA / legal.DELTA_FILE).chmod(0o644)
    return info


def reranker_delta(trained: Path) -> dict:
    reranker = RerankerInfo.model_validate_json((trained / RERANKER_INFO).read_text(encoding="utf-8"))
    about = {
        "how": f"lawdocs.rerank.train_reranker (benchmarks/rerank_stard.py) from the legal model on {TRAINED_ON}",
        "rebuild": "python benchmarks/rerank_stard.py && python benchmarks/make_legal_delta.py --reranker",
        "rerank_report": reranker.report,
    }
    info = legal.make_delta(
        build_default_model(),
        trained,
        DATA,
        about,
        prefix="bert.",
        files=(legal.RERANKER_DELTA, legal.RERANKER_DELTA_INFO),
        name=legal.RERANKER_NAME,
    )
    files = DATA / legal.RERANKER_FILES
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir()
    shutil.copy2(trained / "config.json", files / "config.json")
    shipped = reranker.model_copy(update={"name": legal.RERANKER_NAME, "fingerprint": info["fingerprint"][:16], "report": None})
    (files / RERANKER_INFO).write_text(shipped.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (DATA / legal.RERANKER_DELTA).chmod(0o644)
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reranker", action="store_true", help="write the reranker's delta instead")
    parser.add_argument("--adapted", type=Path, default=None, help="the trained folder (default: in the cache)")
    args = parser.parse_args()
    if args.reranker:
        info = reranker_delta(args.adapted or CACHE / "legal-reranker")
    else:
        info = embedding_delta(args.adapted or CACHE / "legal-e5-small")
    log(f"{info['tensors']} tensors, {info['parameters']:,} parameters, merged fingerprint {info['fingerprint']}")


if __name__ == "__main__":
    main()
