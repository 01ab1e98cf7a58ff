"""The parts behind `lawdocs.parse`: text to a clause tree, one concept per module.

- `numerals`: Chinese, Arabic and full-width numbers (第一千二百六十条 → 1260).
- `laws`: statute structure: 编/分编/章/节 headings, the strict article-start rule, Markdown headings.
- `reports`: report structure: 一、/（一）/1、/（1）/① markers, headings versus numbered measures,
  一是/二是 splitting, section roles, the signature block and attachments.
- `structure`: the line walker that turns a body into heading and clause blocks using the two above.
- `metadata`: title, doc_type, issuers, dates, year, region, document number, ids.
- `versions`: what makes a law's text a version: law id, promulgation and effective dates, label, repeal.
- `references`: cross-references inside articles (本法第三十条, 前款, 《…》第X条) parsed from text.
- `split`: over-long clauses cut at 款/项/sentence boundaries, and the `coverage_gaps` checker.

The public entry stays `lawdocs.parse` (`parse_raw`, `parse_file`, `coverage_gaps`).
"""
