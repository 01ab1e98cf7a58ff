"""Text helpers shared by every reader: decoding, page chrome, radical folding, matching form."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import EncodingError
from ..text import iso_date

# --- CJK radical look-alikes -------------------------------------------------------------------------
# PDF text layers (Chrome print-to-PDF in particular) map some glyphs to radicals instead of the unified
# ideographs. NFKC folds the Kangxi Radicals block (U+2F00-U+2FD5); the CJK Radicals Supplement
# (U+2E80-U+2EF3) has no decompositions, so the look-alikes with a clear target are mapped by hand.
# Radicals that are only components (e.g. ⺅ 亻, ⺡ 氵) have no stand-alone ideograph and are left alone.
RADICAL_SUPPLEMENT: dict[str, str] = {
    "\u2e81": "厂",  # ⺁
    "\u2e84": "乙",  # ⺄ (second form)
    "\u2e85": "亻",  # ⺅
    "\u2e86": "冂",  # ⺆
    "\u2e87": "几",  # ⺇
    "\u2e88": "刀",  # ⺈
    "\u2e89": "刂",  # ⺉
    "\u2e8b": "㔾",  # ⺋
    "\u2e8c": "小",  # ⺌
    "\u2e8d": "小",  # ⺍
    "\u2e8e": "兀",  # ⺎
    "\u2e8f": "尢",  # ⺏
    "\u2e90": "尢",  # ⺐
    "\u2e91": "尣",  # ⺑
    "\u2e92": "巳",  # ⺒
    "\u2e93": "幺",  # ⺓
    "\u2e94": "彑",  # ⺔
    "\u2e95": "彐",  # ⺕
    "\u2e96": "忄",  # ⺖
    "\u2e97": "㣺",  # ⺗
    "\u2e98": "扌",  # ⺘
    "\u2e99": "攵",  # ⺙
    "\u2e9b": "旡",  # ⺛
    "\u2e9c": "日",  # ⺜
    "\u2e9d": "月",  # ⺝
    "\u2e9e": "歺",  # ⺞
    "\u2e9f": "母",  # ⺟
    "\u2ea0": "民",  # ⺠ CJK RADICAL CIVILIAN (劳动合同法实施条例.pdf: 人⺠)
    "\u2ea1": "氵",  # ⺡
    "\u2ea2": "氺",  # ⺢
    "\u2ea3": "灬",  # ⺣
    "\u2ea4": "爫",  # ⺤
    "\u2ea5": "爫",  # ⺥
    "\u2ea6": "丬",  # ⺦
    "\u2ea7": "牛",  # ⺧
    "\u2ea8": "犭",  # ⺨
    "\u2ea9": "王",  # ⺩
    "\u2eaa": "疋",  # ⺪
    "\u2eab": "罒",  # ⺫
    "\u2eac": "示",  # ⺬
    "\u2ead": "礻",  # ⺭
    "\u2eae": "竹",  # ⺮
    "\u2eaf": "糹",  # ⺯
    "\u2eb0": "纟",  # ⺰
    "\u2eb1": "罒",  # ⺱
    "\u2eb2": "罒",  # ⺲
    "\u2eb3": "罒",  # ⺳
    "\u2eb4": "罒",  # ⺴
    "\u2eb5": "罒",  # ⺵
    "\u2eb6": "羊",  # ⺶
    "\u2eb7": "羊",  # ⺷
    "\u2eb8": "羊",  # ⺸
    "\u2eb9": "耂",  # ⺹
    "\u2eba": "聿",  # ⺺
    "\u2ebb": "聿",  # ⺻
    "\u2ebc": "月",  # ⺼
    "\u2ebd": "臼",  # ⺽
    "\u2ebe": "艹",  # ⺾
    "\u2ebf": "艹",  # ⺿
    "\u2ec0": "艹",  # ⻀
    "\u2ec1": "虎",  # ⻁
    "\u2ec2": "衤",  # ⻂
    "\u2ec3": "覀",  # ⻃
    "\u2ec4": "西",  # ⻄
    "\u2ec5": "见",  # ⻅ C-SIMPLIFIED SEE
    "\u2ec6": "角",  # ⻆
    "\u2ec7": "角",  # ⻇
    "\u2ec8": "讠",  # ⻈ C-SIMPLIFIED SPEECH
    "\u2ec9": "贝",  # ⻉ C-SIMPLIFIED SHELL
    "\u2eca": "足",  # ⻊
    "\u2ecb": "车",  # ⻋ C-SIMPLIFIED CART
    "\u2ecc": "辶",  # ⻌
    "\u2ecd": "辶",  # ⻍
    "\u2ece": "辶",  # ⻎
    "\u2ecf": "阝",  # ⻏
    "\u2ed0": "钅",  # ⻐ C-SIMPLIFIED GOLD
    "\u2ed1": "長",  # ⻑
    "\u2ed2": "镸",  # ⻒
    "\u2ed3": "长",  # ⻓ C-SIMPLIFIED LONG
    "\u2ed4": "门",  # ⻔ C-SIMPLIFIED GATE (劳动合同法实施条例.pdf: 部⻔ = 部门)
    "\u2ed5": "阝",  # ⻕
    "\u2ed6": "阝",  # ⻖
    "\u2ed7": "雨",  # ⻗
    "\u2ed8": "青",  # ⻘
    "\u2ed9": "韦",  # ⻙ C-SIMPLIFIED TANNED LEATHER
    "\u2eda": "页",  # ⻚ C-SIMPLIFIED LEAF
    "\u2edb": "风",  # ⻛ C-SIMPLIFIED WIND
    "\u2edc": "飞",  # ⻜ C-SIMPLIFIED FLY
    "\u2edd": "食",  # ⻝
    "\u2ede": "𩙿",  # ⻞
    "\u2edf": "飠",  # ⻟
    "\u2ee0": "饣",  # ⻠ C-SIMPLIFIED EAT
    "\u2ee1": "首",  # ⻡
    "\u2ee2": "马",  # ⻢ C-SIMPLIFIED HORSE
    "\u2ee3": "骨",  # ⻣
    "\u2ee4": "鬼",  # ⻤
    "\u2ee5": "鱼",  # ⻥ C-SIMPLIFIED FISH
    "\u2ee6": "鸟",  # ⻦ C-SIMPLIFIED BIRD
    "\u2ee7": "卤",  # ⻧ C-SIMPLIFIED SALT
    "\u2ee8": "麦",  # ⻨ C-SIMPLIFIED WHEAT
    "\u2ee9": "黄",  # ⻩
    "\u2eea": "黾",  # ⻪ C-SIMPLIFIED FROG
    "\u2eeb": "斉",  # ⻫
    "\u2eec": "齐",  # ⻬ C-SIMPLIFIED EVEN
    "\u2eed": "歯",  # ⻭
    "\u2eee": "齿",  # ⻮ C-SIMPLIFIED TOOTH
    "\u2eef": "竜",  # ⻯
    "\u2ef0": "龙",  # ⻰ C-SIMPLIFIED DRAGON
    "\u2ef1": "龜",  # ⻱
    "\u2ef2": "亀",  # ⻲
    "\u2ef3": "龟",  # ⻳ C-SIMPLIFIED TURTLE
}

_RADICAL_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def _fold_one(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in RADICAL_SUPPLEMENT:
        return RADICAL_SUPPLEMENT[ch]
    if "\u2f00" <= ch <= "\u2fdf":
        return unicodedata.normalize("NFKC", ch)
    return ch


def fold_radicals(text: str) -> str:
    """Replace CJK radical look-alikes (Kangxi block via NFKC, supplement block by table) by ideographs.

    Only those characters change; full-width punctuation and everything else keep their form.
    """
    if not _RADICAL_RE.search(text):
        return text
    return _RADICAL_RE.sub(_fold_one, text)


# --- matching form -------------------------------------------------------------------------------------
_PUNCT_UNIFY = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "〈": "<",
        "〉": ">",
        "《": "<",
        "》": ">",
        "、": ",",
        "。": ".",
        "—": "-",
        "–": "-",
        "―": "-",
        "－": "-",
        "─": "-",
        "…": "...",
        "·": "·",
        "•": "·",
        "○": "〇",
    }
)
_WS_RE = re.compile(r"\s+")


def normalize_for_match(text: str) -> str:
    """A matching key, never display text: NFKC, radicals folded, punctuation unified, no whitespace.

    Full-width ASCII-range punctuation (，；：（）) becomes ASCII through NFKC; CJK-only marks
    (。、“”《》〔〕【】——) are mapped to one ASCII form each; all whitespace (including U+3000) is removed.
    """
    text = fold_radicals(text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PUNCT_UNIFY)
    return _WS_RE.sub("", text)


# --- decoding -------------------------------------------------------------------------------------------
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


_COMMON_RE = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u00ff\u0370-\u04ff\u2000-\u206f\u2100-\u22ff\u2460-\u26ff"
    "\u3000-\u303f\u3040-\u30ff\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
)


def _looks_like_text(text: str, *, strict: bool = False) -> bool:
    """No control characters; with `strict` (legacy encodings, which decode almost any bytes) also
    mostly common characters: random high bytes decode as GB18030 into rare symbols and private use."""
    if not text:
        return True
    bad = len(_CONTROL_RE.findall(text))
    if bad > max(2, len(text) // 200):
        return False
    if strict:
        common = len(_COMMON_RE.findall(text))
        return common >= 0.9 * len(text)
    return True


def decode_bytes(data: bytes, path: str | Path, encoding: str | None = None) -> str:
    """Decode file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, else detection.

    Raise EncodingError naming the file when no encoding gives plausible text (binary garbage).
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise EncodingError(f"cannot decode as {encoding}: {exc}", path=path) from exc
        return text.lstrip("\ufeff")
    candidates: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates.append("utf-16")
    candidates += ["utf-8-sig", "gb18030"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text, strict=enc == "gb18030"):
            return text.lstrip("\ufeff")
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        best = None
    else:
        best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _looks_like_text(text, strict=True):
            return text.lstrip("\ufeff")
    raise EncodingError("bytes are not text in UTF-8, GB18030 or any detected encoding", path=path)


# --- page chrome --------------------------------------------------------------------------------------
# Lines that web pages and scraped copies add around the document: toolbars, font-size switches,
# bylines, view counters, breadcrumbs, share buttons, "related reports" footers.
CHROME_EXACT = frozenset(
    {
        "下载", "打印", "全屏", "收藏", "加大", "还原", "减小", "【", "】", "[", "]", "|", ">", "×", "》",
        "字号", "字体", "【字号：", "【字号:", "【字体：", "【字体:", "字号：", "字体：", "分享", "分享：", "分享:",
        "分享到", "分享到:", "分享到：", "分享到微信", "首页", "您的位置:", "您的位置：", "当前位置:", "当前位置：",
        "相关报道：", "相关报道:", "相关文档：", "相关文档:", "相关链接：", "相关链接:", "打印本页", "关闭窗口",
        "【打印】", "【关闭】", "【关闭窗口】", "【打印本页】", "[打印]", "[关闭]", "返回顶部", "发表时间：", "发表时间:",
        "发布时间：", "发布时间:", "时间：", "时间:", "来源：", "来源:", "阅读量：", "阅读量:", "扫一扫在手机打开当前页",
        "微信", "微博", "QQ", "QQ空间", "大", "中", "小", "默认", "背景色", "无障碍", "登录", "注册",
    }
)
# Single characters / buttons that are chrome only in a page's head or tail, never inside a body.
_EDGE_ONLY = frozenset({"大", "中", "小", "默认", "微信", "微博", "QQ", "QQ空间", "》", "[", "]"})
_CHROME_SUBSTR = (
    "浏览量", "浏览次数", "阅读量：", "阅读次数", "【字号", "【字体", "【浏览字体", "字号：大", "字体：大", "稿件作者",
    "打印本页", "关闭窗口", "扫一扫在手机", "分享到", "【打印", "【关闭", "【收藏", "责任编辑", "点击数：",
    "点击图片进入", "进入专题",
)
_CHROME_PREFIX_RE = re.compile(
    r"^[（(]?\s*(?:来源|信息来源|文章来源|稿件来源|发布时间|发表时间|更新时间|时间|日期|作者|编辑|责任编辑|供稿|"
    r"撰稿|摄影|阅读|访问量|点击)\s*[:：]"
)
# a bare timestamp (a date with a clock time) is a byline; a bare date is kept (it may be the signature date)
_DATETIME_ONLY_RE = re.compile(
    r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}[:：时]\d{2}(?:[:：分]\d{2})?(?:秒|分)?$"
)
def is_chrome_line(line: str, *, edge: bool = False) -> bool:
    """True when a (stripped) line is page chrome rather than document wording.

    `edge=True` for lines in a page's head or tail, where one-character buttons (大/中/小) are chrome too.
    Long lines are never chrome: a byline glued to a sentence is left for the reader to see.
    """
    s = line.strip()
    if not s:
        return False
    if len(s) > 60:
        return False
    if s in CHROME_EXACT and (edge or s not in _EDGE_ONLY):
        return True
    if any(k in s for k in _CHROME_SUBSTR):
        return True
    if len(s) <= 40 and _CHROME_PREFIX_RE.match(s):
        return True
    return bool(_DATETIME_ONLY_RE.match(s))


_TAIL_MARKERS = ("相关报道", "相关文档", "相关链接", "相关附件", "相关阅读", "相关新闻", "延伸阅读", "相关稿件")
_HEAD_LINES = 25
_CRUMB_SEPARATORS = frozenset({">", "＞", "»", "›", ">>", "/"})
_BARE_LABELS = frozenset(
    {"来源：", "来源:", "时间：", "时间:", "发表时间：", "发表时间:", "发布时间：", "发布时间:", "阅读量：", "阅读量:",
     "作者：", "作者:", "编辑：", "编辑:"}
)


def _is_crumb(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= 12 and not any(c in s for c in "。，,；;：:！？")


def strip_chrome(lines: list[str], meta: dict[str, object] | None = None) -> list[str]:
    """Drop page-chrome lines (stripped input lines); cut a trailing "相关报道：" block.

    When `meta` is given and has no date yet, a date seen in a dropped byline is stored as meta["date"].
    """
    # cut "related reports" and what follows when it sits in the last part of the text
    n = len(lines)
    for i in range(int(n * 0.6), n):
        t = lines[i].strip()
        if len(t) <= 10 and t.startswith(_TAIL_MARKERS):
            lines = lines[:i]
            break
    n = len(lines)
    # the head: everything before the first long line counts as the page's edge
    first_body = next((i for i, ln in enumerate(lines) if len(ln.strip()) > 60), n)
    head_end = min(first_body, _HEAD_LINES)
    # breadcrumbs in the head: "首页 > 云南要闻 > ..." split one item a line
    # and bare labels whose value sits on the next line ("来源：" / "四川日报")
    crumbs: set[int] = set()
    for i in range(head_end):
        s = lines[i].strip()
        if s in _CRUMB_SEPARATORS:
            for j in (i - 1, i + 1):
                if 0 <= j < head_end and _is_crumb(lines[j]):
                    crumbs.add(j)
        elif s in _BARE_LABELS and i + 1 < n and 0 < len(lines[i + 1].strip()) <= 24:
            crumbs.add(i + 1)
    out: list[str] = []
    head_seen: set[str] = set()
    for i, ln in enumerate(lines):
        edge = i < head_end or i >= n - 8
        if i < head_end:
            s = ln.strip()
            dup = s in head_seen and len(s) <= 40
            head_seen.add(s)
            if i in crumbs or dup:
                if meta is not None and "date" not in meta and iso_date(s):
                    meta["date"] = iso_date(s)
                continue
        if is_chrome_line(ln, edge=edge):
            if meta is not None and "date" not in meta:
                d = iso_date(ln)
                if d:
                    meta["date"] = d
            continue
        out.append(ln)
    return out
