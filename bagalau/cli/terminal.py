"""Rendering definitions, scores and explanations for people at a terminal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from rich import table as rich_table
from rich.tree import Tree

from bagalau.engine.cohort import RankedBody
from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.definition import Node
from bagalau.engine.exact import round_to


class Table(rich_table.Table):
    """A Rich table that never cuts a body's name, an id or a formula short: a cell too long
    for its column wraps onto more lines (a word longer than the column is folded), where
    Rich's default would end it with '…'."""

    def add_column(self, *args, **kwargs) -> None:
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)

    def __rich_console__(self, console, options):
        # Columns that must not wrap (figures) may need more than the terminal's width: then the
        # table is drawn as wide as they need and the terminal wraps its lines (``console.out``
        # does not crop), rather than Rich cutting the last columns off.
        needed = self.__rich_measure__(console, options.update_width(10**4)).minimum
        if needed > options.max_width:
            options = options.update_width(needed)
        yield from super().__rich_console__(console, options)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def definition_tree(compiled: CompiledMethodology, language: str = "ru", provenance_only: bool = False) -> Tree:
    m = compiled.methodology
    tree = Tree(f"[bold]{m.id}[/] — {m.act.title.get(language)}\n"
                f"order № {m.act.number} of {m.act.signed}, status {m.act.status}; "
                f"total {m.total.get('en')} in [{_num(m.min_total)}, {_num(m.max_total)}]")

    def add(parent: Tree, node: Node) -> None:
        flags = []
        if node.provenance != "verbatim":
            flags.append(f"[yellow]{node.provenance}[/]")
        if node.derived_id:
            flags.append("derived id")
        label = f"[bold]{node.id}[/] {node.name.get(language)} — [cyan]{_num(node.max)}[/] ({node.paragraph})"
        if flags:
            label += " [" + ", ".join(flags) + "]"
        branch = parent.add(label)
        if node.formula:
            branch.add(f"[green]= {node.formula}[/]")
        if node.checklist:
            branch.add(f"[green]= checklist {node.checklist.checklist} over {', '.join(node.checklist.versions)}, "
                       f"× {node.checklist.scale}[/]")
        if node.not_applicable:
            rule = node.not_applicable
            branch.add(f"not applicable when [magenta]{rule.when}[/]: {rule.meaning} → {rule.then}"
                       + (f" to {', '.join(rule.to)}" if rule.to else ""))
        if node.zero_denominator:
            branch.add(f"zero denominator → {node.zero_denominator.then}"
                       + (f" (option {node.zero_denominator.option})" if node.zero_denominator.option else ""))
        if node.cohort_average:
            rule = node.cohort_average
            branch.add(f"cohort average when [magenta]{rule.when}[/] ({rule.meaning}), over bodies where "
                       f"[magenta]{rule.over}[/]" + (" of the same profile" if rule.same_profile else ""))
        if node.readings:
            branch.add("readings: " + ", ".join(node.readings))
        for child in node.children:
            add(branch, child)

    for node in m.nodes:
        add(tree, node)
    return tree


def provenance_table(compiled: CompiledMethodology) -> list[Table]:
    m = compiled.source  # every profile's nodes
    nodes = Table(title="Reconstructed and entered rules (provisional)")
    for column in ("id", "provenance", "paragraph", "rule", "note"):
        nodes.add_column(column)
    seen = set()
    for node in m.walk():
        if node.provenance != "verbatim" and (node.id, node.formula) not in seen:
            seen.add((node.id, node.formula))
            nodes.add_row(node.id, node.provenance, node.paragraph or "", node.formula or
                          (f"checklist {node.checklist.checklist}" if node.checklist else ""), node.note or "")
    for key, parameter in m.parameters.items():
        if parameter.provenance != "verbatim":
            nodes.add_row(f"parameter {key}", parameter.provenance, parameter.paragraph or "", parameter.value,
                          parameter.note or "")
    options = Table(title="Options (readings a campaign may change)")
    for column in ("option", "choices", "default", "description"):
        options.add_column(column)
    for key, option in m.options.items():
        options.add_row(key, "; ".join(f"{k}: {v}" for k, v in option.choices.items()), option.default,
                        option.description)
    readings = Table(title="Readings of ambiguities (A-xx)")
    for column in ("id", "issue", "reading", "nodes"):
        readings.add_column(column)
    for reading in m.readings:
        readings.add_row(reading.id, reading.issue, reading.reading, ", ".join(reading.nodes))
    return [nodes, options, readings]


def ranking_tables(ranked: list[RankedBody], cohort, title: str) -> list[Table]:
    """One table per profile (central and local bodies are ranked apart)."""
    profiles: dict = {}
    for entry in ranked:
        profiles.setdefault(entry.profile, []).append(entry)
    return [ranking_table(entries, cohort.scorer(profile).compiled,
                          title + (f" — {profile}" if profile else ""))
            for profile, entries in profiles.items()]


def ranking_table(ranked: list[RankedBody], compiled: CompiledMethodology, title: str) -> Table:
    table = Table(title=title)
    table.add_column("rank", justify="right", no_wrap=True)
    table.add_column("body", min_width=12)
    for node in compiled.methodology.nodes:     # figures are never split; the body's name wraps
        table.add_column(node.id, justify="right", no_wrap=True)
    table.add_column("total", justify="right", style="bold", no_wrap=True)
    if any(entry.result.grades for entry in ranked):
        table.add_column("grade")
    for entry in ranked:
        result = entry.result
        rounding = compiled.methodology.rounding
        table.add_row(str(entry.rank), result.name or result.body_id,
                      *[format(round_to(result.scores[n.id], rounding.places, rounding.mode), "f")
                        for n in compiled.methodology.nodes],
                      format(entry.rounded_total, "f"),
                      *([entry.result.grades.get("total", {}).get("ru", "")] if any(e.result.grades for e in ranked) else []))
    return table


def explanation_tree(explanation: dict, language: str = "ru") -> Tree:
    body = explanation["body"]
    tree = Tree(f"[bold]{body.get('name') or body['id']}[/] — {explanation['methodology']}, period "
                f"{explanation.get('period') or '—'}: total [bold]{explanation['total']}[/]"
                f" (options: {', '.join(f'{k}={v}' for k, v in explanation['options'].items()) or 'none'})")

    def add(parent: Tree, node: dict) -> None:
        name = node["name"].get(language) or node["name"].get("ru") or node["name"].get("en") or ""
        weight = f" of {node['weight']}" if node["weight"] != node["max"] else f" of {node['max']}"
        status = "" if node["status"] == "scored" else f" [magenta]{node['status'].replace('_', ' ')}[/]"
        branch = parent.add(f"[bold]{node['id']}[/] {name}: [cyan]{node['score']}[/]{weight}{status} "
                            f"[dim]({node['paragraph']}; {node['provenance']})[/]")
        if node.get("formula") and not node.get("children"):
            branch.add(f"[green]{node['formula']}[/]")
        values = [f"{key} = {_shown(item['value'])} [dim]({item['source']})[/]" for key, item in node["inputs"].items()]
        values += [f"{key} = {value}" for key, value in node["parameters"].items()]
        if values:
            branch.add("; ".join(values))
        for note in node["notes"]:
            branch.add(f"[yellow]{note['text']}[/]")
        for version in node.get("checklist", []):
            short = [f"{s['section']}: {_round(s['score'])}" + (f" (missing {', '.join(s['missing'])})" if s.get("missing") else "")
                     + (f", {s['defects']} defects" if s.get("defects") not in (None, "0") else "")
                     for s in version["sections"]]
            branch.add(f"{version['version']}: {_round(version['score'])} — " + "; ".join(short))
        for child in node.get("children", []):
            add(branch, child)

    for node in explanation["nodes"]:
        add(tree, node)
    return tree


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join("not found" if v is None else str(v) for v in value) + "]"
    if value is None:
        return "—"
    return str(value)


def _round(text: str) -> str:
    """A checklist figure of the explanation, half up to 2 places as the acts print."""
    return format(Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
