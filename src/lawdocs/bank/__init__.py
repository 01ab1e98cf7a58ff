"""The question bank: labelled questions kept with an index, voting for the clauses that answered them.

A lay question rarely shares words with the article that answers it, but it often resembles a question
that was answered before. The bank keeps such questions (``{"query", "gold": [labels or clause ids]}``)
with their query embeddings (the index's own model, computed once). For a new query the most similar
banked questions (cosine) vote for their gold clauses, each with weight ``similarity ** power``, and only
when the similarity reaches ``min_similarity``; the ranked votes are one more list in the hybrid mode's
reciprocal-rank fusion, with weight ``weight`` (`fuse_votes`).

Gold items are labels matched as `lawdocs.evaluate` matches them (title + article, or the clause's own
label, with whitespace and "中华人民共和国" removed) or clause ids. They are resolved to clause rows again
whenever the index changes, so a removed clause simply stops receiving votes and a label that named no
clause starts voting once a document that holds it is added.

Saved in the index generation as ``bank.jsonl`` (one entry a line) and ``bank_vectors.npy`` (float32,
L2-normalised, one row per entry), checksummed by the manifest like every other file; the manifest's
``bank`` block holds the settings (`BankConfig`) and the entry count.

The default legal setup also ships a bank: the STARD training questions of the tune part
(``data/stard_bank.jsonl``; never the held-back part nor the dev split), used by every index built with the
legal model, on the laws it holds. Its embeddings are computed at first use and cached in the model home.


Modules, one owner each:
- `store`: `QuestionBank` (entries, vectors, save/load in the generation), `BankConfig`, votes and their fusion,
  gold items resolved to rows.
- `learning`: reading labelled questions and adding them (`lawdocs learn`, `Index.learn`, `POST /learn`).
- `packaged`: the bank that votes for a search (`search_votes`): the index's own, plus the packaged one.
- `tuning`: the votes' weight and threshold chosen on held-back banked questions (`lawdocs learn --tune`).
"""

from __future__ import annotations

from .packaged import packaged_questions
from .store import BankConfig, BankEntry, QuestionBank, embed_queries, entry_id, fuse_votes

__all__ = ["BankConfig", "BankEntry", "QuestionBank", "embed_queries", "entry_id", "fuse_votes", "packaged_questions"]
