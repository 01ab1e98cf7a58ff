"""The parts behind `lawdocs.answer`, one concept per module.

- `kinds`: a question's kind (metadata, figure, problems, plans, law, measures, other), by general rules on the wording.
- `question`: what a question asks: its kind and its content terms.
- `comparison`: whether a question compares documents, which (regions, statute types), and the opening naming them.
- `wording`: what segmentation gets wrong: abbreviations of state bodies, stray two-character pieces.
- `phrases`: terms the texts use as one (低空 + 经济, 代 + 履行), joined by their frequency in the collection;
  the topics a question lists and the words of its asides, each a term set a clause may answer by.
- `evidence`: text normalisation, term weights, per-clause evidence and the relevance cut-off (with the
  calibrated thresholds and how they were chosen).
- `figures`: numbers with units (共5件, 12项, 98.5%, 3000万元) near the question's key nouns, with their qualifiers.
- `attribution`: whose figure is whose in a sentence stating several: the party a penalty question names, figures
  stated 分别, the case a sentence after a semicolon is of (…；使用者为个人的，处…), the case a question sets aside
  (除…的以外), the graver case of a penalty, two quantities asked together; and `FigureMatch`, a figure found.
- `units`: units of measure and their dimensions, dates (deadlines, spans, ends), what a multiple is of and when a
  period starts, the question forms asking for a date, a level or a measured requirement, and what else a
  figure question asks for (a time, how often, money, a share, a bound, two quantities at once).
- `roles`: the sections a problems, plans or measures question reads (built once per index state).
- `candidates`: the clauses that may answer (one hybrid search a question, role sections, article lookups),
  scored and selected, and reordered by a cross-encoder when one is asked for; the documents a metadata question
  names by what they say.
- `sections`: the section a question names by its heading, the measure whose lead phrase covers it, the
  sub-measures of a measure, and whether a clause's own heading says what it is about.
- `scope`: regions, years, document types and laws named in the question, and what the collection lacks.
- `notices`: the State Council documents a question names by their own name (the title without its wrapper).
- `editions`: the text of a law a year before its name asks about (1989年行政诉讼法), and whether it is held.
- `anchors`: the entries of a cited section that state the question's rarest word it states (a notice's list of
  praised practices), the one document whose entries a question asks places of (…的经验里，哪些地方…), the words
  that describe a document rather than ask of it, and a clause for each topic a measures question lists.
- `parts`: a question in several parts (its sentences) about one document, each part answered on its own.
- `metadata`: who issued a document, when (and at which meeting a report was delivered), under which number.
- `coverage`: the best clause of every document that answers (comparisons, `search --per-document`), and the
  comparison's table.
- `years`: the year a clause is about, the years that date a report and the years a question asks about.
- `compose`: statute limits, the lay fallback, true reasons, stated figures.
- `grouping`: cited clauses grouped by document, region and section, with citations and highlights, the
  cap on how many are shown, and the leads of an unanswered question (where search would look first).
- `records`: the Answer model and its parts (groups, figures, comparison rows, leads).

The public entry stays `lawdocs.answer` (`ask`, `Answer`, `CitedClause`, ...).
"""
