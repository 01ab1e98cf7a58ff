"""Text as lawdocs compares it: Unicode folding, Chinese tokens and stop words, numeric dates, one copy each.

The lexical index, question analysis and evaluation all tokenize and fold text here, so a clause
is matched the same way wherever it is looked at.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

Tokenizer = Literal["jieba", "bigram", "jieba+bigram"]
TOKENIZERS: tuple[Tokenizer, ...] = ("jieba", "bigram", "jieba+bigram")

_KEEP = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+")
_SPACE = re.compile(r"\s+")

# Function words that carry no retrieval signal in questions or clauses.
STOP_WORDS = frozenset(
    "的 了 是 在 和 与 或 及 等 对 为 被 把 将 由 从 于 以 之 其 该 这 那 有 也 都 就 而 并 又 "
    "吗 呢 吧 啊 么 什么 怎么 怎样 如何 哪些 哪 谁 多少 是否 可以 能否 能 会 要 应该 一个 我 你 他 她 我们 "
    "如果 因为 所以 但是 但 可 还 没有 没 不 请问 问 一下 一些".split()
)


def fold(text: str) -> str:
    """NFKC-folded and lower-cased (full-width letters and digits become ASCII)."""
    return unicodedata.normalize("NFKC", text).lower()


def squeeze(text: str) -> str:
    """NFKC-folded with every whitespace character removed: the form gold keys are compared in."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1)
def jieba_tokenizer() -> Any:
    """A jieba tokenizer with lawdocs' legal dictionary (`data/legal_terms.txt`), built once."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    with resources.files("lawdocs").joinpath("data/legal_terms.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word = line.strip()
            if word and not word.startswith("#"):
                tok.add_word(word, freq=20000)
    return tok


def tokenize(text: str, scheme: Tokenizer = "jieba") -> list[str]:
    """Split text into lexical tokens (NFKC-folded, lower-cased, stop words dropped)."""
    if scheme not in TOKENIZERS:
        from .errors import ConfigError

        raise ConfigError(f"unknown lexical scheme {scheme!r}: use one of {', '.join(TOKENIZERS)}")
    text = fold(text)
    tokens: list[str] = []
    if scheme in ("jieba", "jieba+bigram"):
        tok = jieba_tokenizer()
        for run in _KEEP.findall(text):
            if run.isascii():
                tokens.append(run)
                continue
            tokens.extend(w for w in tok.cut_for_search(run, HMM=False) if w not in STOP_WORDS)
    if scheme in ("bigram", "jieba+bigram"):
        for run in _KEEP.findall(text):
            if run.isascii():
                if scheme == "bigram":
                    tokens.append(run)
                continue
            if len(run) == 1:
                if run not in STOP_WORDS:
                    tokens.append(run)
                continue
            tokens.extend("~" + run[i : i + 2] for i in range(len(run) - 1))
    return tokens


PRC = "中华人民共和国"


ISO_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def iso_date(value: object) -> str | None:
    """The first numeric date in a value as ISO: '2019-02-27 15:09:45', '2019年 2 月27日', '2019/2/27' give
    '2019-02-27'; None when there is none or its month or day is out of range."""
    if value is None:
        return None
    m = ISO_DATE.search(str(value))
    if m is None:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def normalise_label(text: str) -> str:
    """A label (title + article) as compared: all whitespace and every "中华人民共和国" removed."""
    return _SPACE.sub("", text).replace(PRC, "")
