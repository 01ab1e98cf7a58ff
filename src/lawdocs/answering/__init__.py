"""The parts behind `lawdocs.answer`, one concept per module.

- `question`: what a question asks (its kind, by general rules on the wording) and its content terms.
- `evidence`: text normalisation, term weights, per-clause evidence and the relevance cut-off (with the
  calibrated thresholds and how they were chosen).
- `figures`: numbers with units (共5件, 12项, 98.5%, 3000万元) near the question's key nouns.

The public entry stays `lawdocs.answer` (`ask`, `Answer`, `CitedClause`, ...).
"""
