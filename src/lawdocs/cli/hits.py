"""Search hits for a reader: a table on a wide terminal, one block per hit on a narrow one.

Each hit shows its rank, its citation (whitespace normalised, `p. N` for a PDF page), the clause id to pass to
`lawdocs show`, which retrievers found it, and its text. The fused score itself is not shown: a reciprocal-rank
fusion score (0.0325…) says nothing to a reader, while "found by dense + lexical" says the clause matched both
by meaning and by its words, and the rank says where it stands. `--json` keeps every score.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..models import Hit

WIDE = 100  # columns from which hits are a table; below, blocks (a table column of citations would wrap a lot)
TEXT_LIMIT = 240
RETRIEVERS = ("dense", "lexical", "bank", "rerank")  # bank: similar labelled questions voted for it


def found_by(hit: Hit) -> str:
    """Which retrievers had the hit among their candidates: "dense + lexical", "lexical", "rerank + dense"…"""
    names = [name for name in RETRIEVERS if name in hit.scores]
    return " + ".join(names) if names else "-"


Note = Callable[[Hit], str] | None  # a line under the citation (the law's version, when versions were asked for)


def where(hit: Hit, note: Note = None) -> str:
    """The citation, with the page for a clause read from a PDF, and `note(hit)` on a line below."""
    extra = note(hit) if note else ""
    return hit.citation + (f"  p. {hit.page}" if hit.page is not None else "") + (f"\n({extra})" if extra else "")


References = Callable[[Hit], list[str]]  # a hit's cross-references as rich-markup lines


def hit_text(hit: Hit, references: References) -> Text:
    """The clause text on one line (cut at TEXT_LIMIT), then its cross-references, one a line."""
    body = " ".join(hit.text.split())
    text = Text(body if len(body) <= TEXT_LIMIT else body[:TEXT_LIMIT] + "…", overflow="fold")
    for line in references(hit):
        text.append("\n↳ ")
        text.append_text(Text.from_markup(line))
    return text


def hits_table(title: str, hits: list[Hit], references: References, note: Note = None) -> Table:
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("citation", ratio=3, overflow="fold")
    table.add_column("found by", width=9)
    table.add_column("text", ratio=5, overflow="fold")
    for hit in hits:
        cited = Text(where(hit, note))
        cited.append(f"\n{hit.clause_id}", style="dim")
        table.add_row(str(hit.rank), cited, found_by(hit), hit_text(hit, references))
    return table


def indented(text: Text) -> Padding:
    return Padding(text, (0, 0, 0, 3), expand=False)


def hit_blocks(title: str, hits: list[Hit], references: References, note: Note = None) -> list[Any]:
    parts: list[Any] = [Text(title, style="bold")]
    for hit in hits:
        head = Text(f"{hit.rank}. ", style="bold")
        head.append(where(hit, note), style="bold cyan")
        meta = Text(f"{hit.clause_id} · found by {found_by(hit)}", style="dim")
        parts += [Text(""), head, indented(meta), indented(hit_text(hit, references))]
    return parts


def print_hits(title: str, hits: list[Hit], references: References = lambda hit: [], note: Note = None) -> None:
    """Print `hits` to stdout at the terminal's width ($COLUMNS when set), each with `references(hit)`."""
    console = Console(soft_wrap=False, highlight=False)
    if not hits:
        console.print(Text(f"{title}: no hits", style="yellow"))
        return
    if console.width >= WIDE:
        console.print(hits_table(title, hits, references, note))
    else:
        for part in hit_blocks(title, hits, references, note):
            console.print(part)
