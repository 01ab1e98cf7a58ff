"""Human views of library records: clause trees, hit tables, reference and version lists, answer trees."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from ..models import Hit
from .common import out


def document_json(doc: Any) -> dict[str, Any]:
    head = doc.model_dump(
        include={"id", "title", "doc_type", "issuers", "region", "date", "year", "number", "source"}
    )
    head["clauses"] = [
        c.model_dump(include={"id", "label", "article", "path", "text", "page", "span"}) for c in doc.clauses
    ]
    return head


def document_tree(doc: Any) -> Tree:
    meta = " · ".join(
        str(x) for x in (doc.doc_type, doc.region, "、".join(doc.issuers), doc.date, doc.number) if x
    )
    root = Tree(f"[bold]{doc.title}[/bold]  [dim]{meta}[/dim]")
    nodes: dict[tuple[str, ...], Tree] = {(): root}
    for clause in doc.clauses:
        for depth in range(1, len(clause.path) + 1):
            key = tuple(clause.path[:depth])
            if key not in nodes:
                nodes[key] = nodes[key[:-1]].add(f"[cyan]{key[-1]}[/cyan]")
        text = clause.text.replace("\n", " ")
        head = clause.article or clause.kind
        part = f" ({clause.part})" if clause.part else ""
        nodes[tuple(clause.path)].add(f"[green]{head}{part}[/green] [dim]{clause.id}[/dim] {text[:60]}…")
    return root


def hit_json(hit: Hit) -> dict[str, Any]:
    row = hit.model_dump(
        include={"rank", "score", "clause_id", "label", "text", "path", "article", "page", "scores"}
    )
    row["doc"] = hit.doc.model_dump(
        include={"id", "title", "doc_type", "issuers", "region", "date", "source"}
        | {"effective_date", "status", "law_id", "version", "version_label"}
    )
    if hit.references:
        row["references"] = [link.model_dump() for link in hit.references]
    row["citation"] = hit.citation  # as the HTTP service returns it
    return row


def version_note(hit: Hit) -> str:
    """"2018-10-26 修正 · 已修改": the version of a hit's law, shown when versions were asked for."""
    from ..versions import STATUS_CN

    if not hit.doc.version_label:
        return ""
    return f"{hit.doc.version_label} · {STATUS_CN.get(hit.doc.status, hit.doc.status)}"


def reference_lines(hit: Hit) -> list[str]:
    """A hit's cross-references, one rich-markup line each (with --expand-references)."""
    return [link_line(link) for link in distinct(hit.references)]


def duplicates_note(duplicates: list[str]) -> str:
    """"1 duplicate of another file (indexed once), " or nothing: a document read again from a second file."""
    if not duplicates:
        return ""
    n = len(duplicates)
    return f"{n} duplicate{'s' if n > 1 else ''} of another file (indexed once), "


def link_line(link: Any, *, incoming: bool = False) -> str:
    """One reference as a line: its words, then where it points (or why it points nowhere)."""
    if incoming:
        who = link.source_label or link.source_clause_id
        return f"{who}: {link.text}  [dim]{link.source_clause_id}[/dim]"
    where = " ".join(x for x in (link.target_title, link.target_article) if x)
    if link.paragraph:
        where += f"第{link.paragraph}款"
    if link.item:
        where += f"第{link.item}项"
    if not link.resolved:
        return f"{link.text} → [yellow]unresolved[/yellow]: {link.reason}"
    tail = f"  [dim]{link.target_clause_id}[/dim]" if link.target_clause_id else ""
    text = f"\n    {link.target_text[:200]}" if link.target_text else ""
    return f"{link.text} → {where}{tail}{text}"


def distinct(links: list[Any], *, incoming: bool = False) -> list[Any]:
    """One link per place named (outgoing) or per referring clause (incoming): a clause may repeat a reference."""
    seen: dict[tuple[Any, ...], Any] = {}
    for link in links:
        key = (
            (link.source_clause_id,)
            if incoming
            else (link.text, link.target_clause_id, link.target_doc_id, link.paragraph, link.item, link.reason)
        )
        seen.setdefault(key, link)
    return list(seen.values())


def print_references(refs: dict[str, list[Any]]) -> None:
    shown = distinct(refs["outgoing"])
    out.print(f"[bold]refers to[/bold] ({len(shown)})", highlight=False)
    for link in shown:
        out.print("  " + link_line(link), highlight=False)
    back = distinct(refs["incoming"], incoming=True)
    out.print(f"[bold]referred to by[/bold] ({len(back)} clauses)", highlight=False)
    for link in back:
        out.print("  " + link_line(link, incoming=True), highlight=False)


def print_article_versions(doc: Any, rows: list[dict[str, Any]]) -> None:
    from ..versions import STATUS_CN

    if not rows:
        return
    own = STATUS_CN.get(doc.status, doc.status)
    out.print(f"\n[bold]other versions[/bold] (this one: {doc.version_label or doc.version} · {own})", highlight=False)
    for row in rows:
        head = f"{row['version_label'] or row['version']} · {row['status_cn']}"
        if row["change"] == "absent":
            out.print(f"  {head}: no such article", highlight=False)
        elif row["change"] == "same":
            out.print(f"  {head}: unchanged  [dim]{row['clause_id']}[/dim]", highlight=False)
        else:
            out.print(f"  {head}: changed  [dim]{row['clause_id']}[/dim]", highlight=False)
            for line in row["diff"]:
                colour = "red" if line.startswith("-") else "green"
                out.print(f"    [{colour}]{escape(line)}[/{colour}]", highlight=False)


def answer_tree(answer: Any) -> Tree:
    """An Answer as a tree: question › document › section › cited clauses, matched terms highlighted."""
    from rich.text import Text

    from ..answering.grouping import whole_phrases

    head = Text(answer.question, style="bold")
    head.append(f"  [{answer.kind}]", style="dim")
    root = Tree(head)
    if not answer.answered:
        root.add(Text(f"not answered: {answer.reason}", style="yellow"))
    if answer.comparison:
        table = Table(show_lines=False, expand=False, box=None)
        for name in ("document", "region", "figure", "clause", "citation"):
            table.add_column(name, overflow="fold")
        for row in answer.comparison:
            table.add_row(row.title, row.region or "", row.figure or "", row.clause_id, row.citation)
        root.add(Text(f"{len(answer.comparison)} documents answer:", style="bold")).add(table)
    if answer.figure is not None:
        root.add(
            Text.assemble(
                ("figure: ", "bold"), (answer.figure.value, "bold green"), f"  {answer.figure.citation}"
            )
        )
    if answer.summary:
        root.add(Text.assemble(("summary: ", "bold"), answer.summary))
    for group in answer.groups:
        meta = " · ".join(
            str(x) for x in (group.doc.region, "、".join(group.doc.issuers), group.doc.date) if x
        )
        doc_node = root.add(
            Text.assemble((group.doc.title, "bold cyan"), (f"  {meta}" if meta else "", "dim"))
        )
        for section in group.sections:
            node = (
                doc_node.add(Text(section.title or "(no section)", style="cyan"))
                if section.path
                else doc_node
            )
            for cited in section.clauses:
                text = Text(cited.text.replace("\n", " "))
                for h in cited.highlights:
                    text.stylize("bold yellow", h.start, h.end)
                shown = cited.article and not cited.text.lstrip().startswith(cited.article)
                line = Text.assemble((f"{cited.article} " if shown else "", "green"))
                line.append(text)
                line.append(f"  {cited.clause_id}", style="dim")
                leaf = node.add(line)
                for link in distinct(cited.references):
                    leaf.add(Text.from_markup("↳ " + link_line(link)))
    if answer.more:
        root.add(Text(answer.more.replace("`", ""), style="dim"))
    if answer.leads:
        node = root.add(Text("where to look (search's first hits, not confirmed as answers):", style="bold"))
        for lead in answer.leads:
            similarity = f"  similarity {lead.similarity:.2f}" if lead.similarity is not None else ""
            excerpt = whole_phrases(lead.text.replace("\n", " "), 80)
            excerpt += "…" if len(excerpt) < len(lead.text.strip()) else ""
            node.add(Text.assemble(lead.citation, (f"  {lead.clause_id}{similarity}", "dim"), "\n", excerpt))
    if answer.prose:
        root.add(Text.assemble(("prose: ", "bold"), answer.prose))
    return root


