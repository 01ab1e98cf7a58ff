"""OCR of PDF pages without a text layer: pypdfium2 renders a page, RapidOCR (PP-OCR, Chinese models inside
the wheel, on onnxruntime) reads it. Both come with the `[ocr]` extra: `pip install 'lawdocs[ocr]'`.

Lines come back in RapidOCR's reading order (top to bottom); the PDF loader cleans and rejoins them like a
text layer's lines, so page numbers and wrapped lines work the same. A page takes seconds of CPU, so at most
`LAWDOCS_OCR_MAX_PAGES` pages (default 40) of one file are read; a larger scan is an error that says so.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, NoTextLayerError

EXTRA_HINT = "pip install 'lawdocs[ocr]'"
RENDER_SCALE = 2.0  # 144 dpi: PP-OCR reads body text of a printed page reliably at this size
MIN_SCORE = 0.5


def max_pages() -> int:
    try:
        return max(1, int(os.environ.get("LAWDOCS_OCR_MAX_PAGES", "40")))
    except ValueError:
        return 40


def available() -> bool:
    """Whether the [ocr] extra is installed (rapidocr and pypdfium2 importable)."""
    try:
        import pypdfium2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine() -> Any:
    import logging

    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error"})
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


def read_image(image: Any) -> list[str]:
    """Text lines of one page image (PIL image or numpy array), in reading order."""
    result = _engine()(image)
    texts = getattr(result, "txts", None) or ()
    scores = getattr(result, "scores", None) or [1.0] * len(texts)
    return [t for t, s in zip(texts, scores, strict=False) if t and t.strip() and s >= MIN_SCORE]


def ocr_pages(path: Path, data: bytes, pages: list[int]) -> dict[int, str]:
    """{page index (0-based): OCR text} for the given pages of a PDF."""
    if not available():
        raise NoTextLayerError(
            f"no text layer: a scanned PDF needs OCR ({EXTRA_HINT})", path=path, page=pages[0] + 1
        )
    if len(pages) > max_pages():
        raise NoTextLayerError(
            f"{len(pages)} pages without a text layer; OCR reads at most {max_pages()} pages of one file "
            "(set LAWDOCS_OCR_MAX_PAGES to allow more)",
            path=path,
            page=pages[0] + 1,
        )
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium raises its own PdfiumError on damaged files
        raise CorruptFileError(f"cannot render PDF for OCR: {exc}", path=path) from exc
    out: dict[int, str] = {}
    try:
        for index in pages:
            try:
                page = pdf[index]
                image = page.render(scale=RENDER_SCALE).to_pil()
            except Exception as exc:
                raise CorruptFileError(
                    f"cannot render page for OCR: {exc}", path=path, page=index + 1
                ) from exc
            out[index] = "\n".join(read_image(image))
    finally:
        pdf.close()
    return out
