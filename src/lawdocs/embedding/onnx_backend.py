"""The fast CPU path: a sentence-transformers folder's transformer exported to ONNX, int8-quantised, run by ORT.

:func:`export_onnx` writes ``<folder>/onnx/model_int8.onnx`` (dynamic int8 quantisation of the weights,
activations quantised at run time); :class:`OnnxEmbedder` tokenises with the fast ``tokenizers`` tokenizer, runs
ONNX Runtime on one text a run, mean-pools and L2-normalises.

One text a run, because dynamic quantisation takes one activation scale per run: in a batch, a text's vector
would depend on the other texts and on the padding they bring, so a clause added to an index later, or embedded
beside other clauses, would get another vector than in a rebuild. Alone, its vector depends on its text only.
The cores are used by running as many texts at once as there are threads, each run on one thread (so the
number of threads changes no bit of a vector: tested); with no padding this is faster than the batches were
(``benchmarks/results/embed_speed_legal_pass22_*.md``).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .home import sha256_file
from .st_backend import (
    default_threads,
    fp32_kwargs,
    l2_normalise,
    prompts_of,
    quiet_progress,
    set_offline_default,
)

log = logging.getLogger(__name__)

ONNX_DIR = "onnx"
INT8_FILE = "model_int8.onnx"
OPSET = 17
MIN_INT8_COSINE = 0.99


def int8_path(folder: Path) -> Path:
    return folder / ONNX_DIR / INT8_FILE


def _export_fp32(folder: Path, out: Path, *, classifier: bool = False, pairs: bool = False) -> None:
    """The transformer's last hidden state, or with `classifier` a sequence-classification model's logits;
    with `classifier` or `pairs` the graph also takes segment ids (it reads a question and a passage)."""
    set_offline_default()
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification

    loader: Any = AutoModelForSequenceClassification if classifier else AutoModel
    with quiet_progress():
        model = loader.from_pretrained(
            str(folder), **fp32_kwargs(), attn_implementation="eager", local_files_only=True
        )
    model.eval()
    output = "logits" if classifier else "last_hidden_state"

    class _Output(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, *types: torch.Tensor) -> torch.Tensor:
            segments = {"token_type_ids": types[0]} if types else {}
            return getattr(self.inner(input_ids=input_ids, attention_mask=attention_mask, **segments), output)

    ids = torch.tensor([[0, 35378, 12, 6, 2], [0, 35378, 2, 1, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    # a reranker reads a pair: BERT-style tokenizers mark the second text with segment ids, which it must get
    inputs = (ids, mask, torch.zeros_like(ids)) if classifier or pairs else (ids, mask)
    names = ["input_ids", "attention_mask", "token_type_ids"][: len(inputs)]
    with torch.inference_mode(), warnings.catch_warnings():
        # the TorchScript exporter is deprecated in favour of dynamo, which needs onnxscript; its tracer warnings
        # are about shapes this graph does not branch on (checked by the int8-vs-fp32 comparison afterwards)
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Output(model),
            inputs,
            str(out),
            input_names=names,
            output_names=[output],
            dynamic_axes={
                **{name: {0: "batch", 1: "sequence"} for name in names},
                output: {0: "batch"} if classifier else {0: "batch", 1: "sequence"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def quantize_int8(src: Path, dst: Path, *, per_channel: bool = True, exclude: Sequence[str] = ()) -> None:
    """Dynamic int8 quantisation (signed int8 weights, per output channel) of an fp32 ONNX file.

    Measured on 1,000 STARD clauses against fp32 (multilingual-e5-small, 2 cores): QInt8 per-tensor min cosine
    0.979 (fails 0.99); QInt8 per-channel 0.995 and the fastest; QUInt8 0.990 / 0.996 per-channel but 4x slower
    (no VNNI path); keeping the last layer or the word embeddings in fp32 gained nothing measurable.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its "consider pre-processing" advice: measured above, it gained nothing here
    try:
        quantize_dynamic(
            str(src),
            str(dst),
            weight_type=QuantType.QInt8,
            per_channel=per_channel,
            nodes_to_exclude=list(exclude),
        )
    finally:
        root.setLevel(level)


def export_onnx(
    folder: str | Path,
    *,
    check: bool = True,
    texts: Sequence[str] | None = None,
    classifier: bool = False,
    pairs: bool = False,
) -> dict[str, Any]:
    """Export ``folder``'s transformer to ``onnx/model_int8.onnx`` (atomically) and return facts for the manifest.

    With ``check``, the int8 model must agree with the fp32 sentence-transformers model at cosine >= 0.99 on
    every one of ``texts`` (default: lawdocs' sample clauses), or ModelError is raised. With ``classifier``
    the folder is a sequence-classification model (a reranker) and the export gives its logits (no check:
    the reranker benchmark compares int8 and fp32 rankings). With ``pairs`` it is a mean-pooling reranker's
    transformer: token states of a (question, passage) pair, segment ids in, no check either.
    """
    folder = Path(folder)
    dest = int8_path(folder)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".onnx-", dir=dest.parent) as tmp:
        fp32 = Path(tmp) / "model_fp32.onnx"
        _export_fp32(folder, fp32, classifier=classifier, pairs=pairs)
        staged = Path(tmp) / INT8_FILE
        quantize_int8(fp32, staged)
        with staged.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(staged, dest)
    info: dict[str, Any] = {
        "onnx_int8": f"{ONNX_DIR}/{INT8_FILE}",
        "onnx_int8_sha256": sha256_file(dest),
        "onnx_opset": OPSET,
        "onnx_quantisation": "onnxruntime quantize_dynamic, QInt8 weights, per-channel",
    }
    if check and not classifier and not pairs:
        info["min_cosine_int8_vs_fp32"] = check_int8(folder, texts)
    return info


def check_int8(
    folder: Path, texts: Sequence[str] | None = None, *, min_cosine: float = MIN_INT8_COSINE
) -> float:
    """Min cosine between the int8 ONNX model and the fp32 sentence-transformers model (queries and passages)."""
    from .samples import SAMPLE_CLAUSES
    from .st_backend import SentenceTransformerEmbedder

    items = list(texts) if texts is not None else list(SAMPLE_CLAUSES)
    fp32 = SentenceTransformerEmbedder(folder)
    int8 = OnnxEmbedder(folder, max_seq_length=fp32.max_seq_length)
    cos = np.concatenate(
        [
            (fp32.encode_passages(items) * int8.encode_passages(items)).sum(1),
            (fp32.encode_queries(items) * int8.encode_queries(items)).sum(1),
        ]
    )
    worst = float(cos.min())
    log.info("int8 vs fp32 over %d texts: min cosine %.5f, mean %.5f", len(items), worst, float(cos.mean()))
    if not worst >= min_cosine:
        raise ModelError(
            f"int8 ONNX model disagrees with fp32: min cosine {worst:.4f} < {min_cosine}", path=folder
        )
    return worst


def st_settings(folder: Path) -> tuple[str, str, int | None]:
    """Prompts and max_seq_length from a sentence-transformers folder's JSON files, without loading torch."""
    query = passage = ""
    max_len: int | None = None
    try:
        cfg = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        query, passage = prompts_of(cfg.get("prompts"))
    except (OSError, ValueError):
        pass
    try:
        bert_cfg = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        if bert_cfg.get("max_seq_length"):
            max_len = int(bert_cfg["max_seq_length"])
    except (OSError, ValueError):
        pass
    if max_len is None:  # sentence-transformers >= 6 keeps it in the tokenizer's config
        try:
            tok_cfg = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
            value = tok_cfg.get("model_max_length")
            if isinstance(value, int) and 0 < value <= 1 << 20:
                max_len = value
        except (OSError, ValueError):
            pass
    return query, passage, max_len


def cpu_session(path: Path, threads: int) -> Any:
    """An ONNX Runtime CPU session tuned for one process on a few cores; ModelError if it cannot load."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    try:
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise ModelError(f"ONNX Runtime cannot load the model: {exc}", path=path) from exc


def run_each(count: int, run: Callable[[int], None], threads: int, done: Callable[[], None] | None = None) -> None:
    """`run(i)` for every i below `count`, `threads` at a time (each run one text on one thread of an ONNX session
    made with ``cpu_session(path, 1)``), calling `done` after each; the first error is raised."""
    if threads > 1 and count > 1:
        with ThreadPoolExecutor(threads) as pool:
            for _ in pool.map(run, range(count)):
                if done is not None:
                    done()
        return
    for i in range(count):
        run(i)
        if done is not None:
            done()


class OnnxEmbedder:
    """Mean-pooled, L2-normalised embeddings from an ONNX export run by ONNX Runtime on the CPU."""

    embedding = "alone"  # how it embeds passages, recorded in an index's manifest (see the module's docstring)

    def __init__(
        self,
        folder: str | Path,
        *,
        onnx_file: str | Path | None = None,
        name: str | None = None,
        fingerprint: str | None = None,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        max_seq_length: int | None = None,
        threads: int | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        path = Path(onnx_file) if onnx_file is not None else int8_path(self.folder)
        if not path.is_absolute():
            path = self.folder / path
        if not path.is_file():
            raise ModelError("no ONNX export; run lawdocs.embed.export_onnx(folder) first", path=path)
        tok_file = self.folder / "tokenizer.json"
        if not tok_file.is_file():
            raise ModelError("the model folder has no tokenizer.json", path=tok_file)
        saved_query, saved_passage, saved_len = st_settings(self.folder)
        self.query_prompt = saved_query if query_prompt is None else query_prompt
        self.passage_prompt = saved_passage if passage_prompt is None else passage_prompt
        self.max_seq_length = max_seq_length or saved_len or 512

        self._tok = Tokenizer.from_file(str(tok_file))
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=self.max_seq_length)

        self.threads = threads or default_threads()  # texts run at once, one thread each
        self._session = cpu_session(path, 1)
        self._inputs = {i.name for i in self._session.get_inputs()}
        dim = self._session.get_outputs()[0].shape[-1]
        self.dimension = int(dim) if isinstance(dim, int) else int(self._run([0, 2]).shape[0])
        self.name = name or str(self.folder)
        self.fingerprint = fingerprint or sha256_file(path)

    def _run(self, token_ids: list[int]) -> np.ndarray:
        """The normalised mean-pooled vector of one tokenised text (no padding, so every position counts)."""
        ids = np.asarray([token_ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self._session.run(["last_hidden_state"], feeds)
        return l2_normalise(hidden.mean(axis=1))[0]

    def _encode(self, texts: Sequence[str], prompt: str, report_every: int, show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self._tok.encode_batch([prompt + t for t in texts])
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        progress = None
        if show_progress:
            try:
                from tqdm.auto import tqdm

                progress = tqdm(total=len(texts), desc="embedding", unit="text", miniters=max(1, report_every))
            except ImportError:
                progress = None

        rows = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))  # longest first: workers end together

        def run(i: int) -> None:
            out[rows[i]] = self._run(encodings[rows[i]].ids)

        try:
            run_each(len(rows), run, self.threads, progress.update if progress is not None else None)
        finally:
            if progress is not None:
                progress.close()
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt, 32, False)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        """Vectors of `texts`, each run alone (see the module's docstring); `batch_size` only sets how often
        the progress bar is redrawn, so callers written for sentence-transformers keep working."""
        return self._encode(texts, self.passage_prompt, batch_size, show_progress)
