"""Scanned PDFs: an image-only PDF made from a real article is read by OCR ([ocr] extra), indexed and searched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lawdocs.errors import NoTextLayerError
from lawdocs.index import Index
from lawdocs.load import load_path
from lawdocs.loaders import ocr

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
ROOT = Path(__file__).resolve().parents[1]
LAW = "corpora/laws/行政法/行政处罚法(2021-01-22).md"  # shipped in the repository's corpora/


def articles(root: Path, numbers: list[str]) -> list[str]:
    text = (root / LAW).read_text(encoding="utf-8")
    found = dict(re.findall(r"^(第[一二三四五六七八九十]+条) (.*)$", text, re.M))
    return [f"{n} {found[n]}" for n in numbers]


def render_pdf(pages: list[list[str]], target: Path, *, per_line: int = 30) -> Path:
    """An image-only PDF (no text layer): each page's paragraphs drawn with a CJK font, wrapped."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 34)
    images = []
    for paragraphs in pages:
        image = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
        draw = ImageDraw.Draw(image)
        y = 120
        for para in paragraphs:
            for start in range(0, len(para), per_line):
                if y > 1754 - 120:
                    raise ValueError("the text does not fit on the page: give fewer characters per page")
                draw.text((110, y), para[start : start + per_line], fill="black", font=font)
                y += 54
            y += 20
        images.append(image)
    images[0].save(target, save_all=True, append_images=images[1:], resolution=150.0)
    return target


needs_font = pytest.mark.skipif(
    not FONT.exists(), reason=f"CJK font {FONT} missing (apt-get install fonts-wqy-microhei)"
)


@needs_font
@pytest.mark.skipif(not ocr.available(), reason="the [ocr] extra (rapidocr, pypdfium2) is not installed")
def test_scanned_pdf_is_indexed_and_searchable_with_pages(tmp_path: Path) -> None:
    page1 = ["中华人民共和国行政处罚法", *articles(ROOT, ["第一条", "第二条"])]
    page2 = articles(ROOT, ["第三条", "第四条", "第五条"])
    scan = render_pdf([page1, page2], tmp_path / "行政处罚法扫描件.pdf")
    from pypdf import PdfReader

    assert all(not (p.extract_text() or "").strip() for p in PdfReader(scan).pages)  # really no text layer
    (raw,) = list(load_path(scan))
    assert raw.meta["ocr_pages"] == [1, 2]
    ix = Index.create(tmp_path / "ix", model="hash-256")
    report = ix.add(scan)
    assert not report.failed, report.failed
    by_article = {c.article: c for c in ix.clauses}
    assert {"第一条", "第二条", "第三条", "第四条", "第五条"} <= set(by_article)
    assert by_article["第二条"].page == 1 and by_article["第四条"].page == 2
    # OCR'd text, rejoined across the wrapped lines, equals the article
    assert "以减损权益或者增加义务的方式予以惩戒的行为" in by_article["第二条"].text
    hit = ix.search("行政处罚遵循公正、公开的原则", k=1, mode="lexical")[0]
    assert hit.article == "第五条" and hit.page == 2


def test_without_the_extra_the_error_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scan = tmp_path / "blank-scan.pdf"
    with scan.open("wb") as fh:
        writer.write(fh)
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(NoTextLayerError) as info:
        list(load_path(scan))
    assert "lawdocs[ocr]" in str(info.value) and "blank-scan.pdf" in str(info.value)
    assert info.value.page == 1
