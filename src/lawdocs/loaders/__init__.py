"""Format readers behind `lawdocs.load`: one module per family of file formats.

- `text`: shared text helpers (decoding, page-chrome lines, CJK radical folding, `normalize_for_match`).
- `plain`: `.txt` and `.md` (LawRefBook Markdown, YAML front matter).
- `html`: `.html` / `.htm` and the HTML held in SQL dumps.
- `pdf`: `.pdf` through pypdf (page offsets, running headers, page markers, 目录, wrap rejoin).
- `office`: `.docx` through python-docx.
- `tabular`: `.csv` and `.jsonl` (one document per row, or records grouped per title).
- `sql`: MySQL `INSERT` dumps of gov.cn pages.
- `limits`: what one file may expand to (`Limits`), checked by every reader.
- `ocr`: pages without a text layer read by RapidOCR (the `[ocr]` extra).
- `lawrefbook`: LawRefBook's MANIFEST.json / sqlite metadata (dates, expiry) for the files beside it.

The public entry stays `lawdocs.load`; these modules are imported lazily from there, so `import lawdocs`
pulls in neither pypdf, python-docx nor lxml.
"""
