"""Rendering definitions, scores and explanations for people at a terminal,
in Kazakh, Russian or English (``--lang``, or ``BAGALAU_LANG``): headings and
notes through the ``engine`` catalog, names from the definitions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import typer
from rich import table as rich_table
from rich.markup import escape
from rich.tree import Tree

from bagalau.cli.console import set_language
from bagalau.engine.cohort import RankedBody
from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.definition import Node
from bagalau.engine.exact import round_to
from bagalau.engine.explanations import lacks_language, localise_reference, prose, render_message, render_note
from bagalau.i18n import ENGINE, LANGUAGES, N_, translator

PROVENANCE = {"verbatim": N_("verbatim"), "reconstructed": N_("reconstructed"), "entered": N_("entered")}
STATUS = {"not_applicable": N_("not applicable"), "zero_denominator": N_("zero denominator"),
          "cohort_average": N_("cohort average")}
ACT_STATUS = {"in_force": N_("in force"), "repealed": N_("repealed"), "draft": N_("draft")}
# What a rule's `then` does, in words; the definition's keyword follows in brackets.
THEN = {"full": N_("the full points"), "zero": N_("0 points"), "redistribute": N_("the points move")}


def _check_language(value: str) -> str:
    if value not in LANGUAGES:
        raise typer.BadParameter(f"choose one of {', '.join(LANGUAGES)}, not '{value}'")
    set_language(value)
    return value


def lang_option(help_text: str = "language of the output: kk, ru or en") -> str:
    """The ``--lang`` option of the commands that print for people."""
    return typer.Option("ru", "--lang", envvar="BAGALAU_LANG", help=help_text, callback=_check_language)


def gettext(lang: str):
    """The ``engine`` catalog's gettext for ``lang``."""
    return translator(lang, None, ENGINE).gettext


def russian_only_notice(lang: str) -> str:
    """Said once where an act has no text in ``lang`` (it-2012 has no Kazakh)."""
    return gettext(lang)(N_("The act has no official text in this language: its names are shown in Russian, "
                            "as the act has them (never a machine translation)."))


WIDE_ENV = "BAGALAU_WIDE"
_wide_tables = False


def set_wide(on: bool) -> None:
    """Print every table at its full width, one line per row (``--wide``, or BAGALAU_WIDE=1)."""
    global _wide_tables
    _wide_tables = bool(on)


def wide() -> bool:
    return _wide_tables


def wide_option():
    """The ``--wide`` switch every command takes (added by ``app.WideTablesGroup``): it sets
    ``wide()`` for this run and is not passed to the command's function. Built by Typer from
    a function that takes it, so that it is the same kind of option as every other."""
    probe = typer.Typer()

    @probe.command()
    def takes_wide(wide: bool = typer.Option(
            False, "--wide", envvar=WIDE_ENV, expose_value=False, is_eager=True,
            callback=set_wide, help="Print tables at full width, one line per row, names and formulas "
                                    "never wrapped (for piping to grep, cut or a file); default: fit the "
                                    "terminal.")) -> None:
        """(only its option is used)"""

    return next(param for param in typer.main.get_command(probe).params if param.name == "wide")


class Table(rich_table.Table):
    """A Rich table that never cuts a body's name, an id or a formula short: a cell too long
    for its column wraps onto more lines (a word longer than the column is folded), where
    Rich's default would end it with '…'. With ``--wide`` nothing wraps: the table is as wide
    as its longest cells, whatever the terminal's width, and each row is one line."""

    def add_column(self, *args, **kwargs) -> None:
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)

    def __rich_console__(self, console, options):
        # Columns that must not wrap (figures) may need more than the terminal's width: then the
        # table is drawn as wide as they need and the terminal wraps its lines (``console.out``
        # does not crop), rather than Rich cutting the last columns off.
        measured = self.__rich_measure__(console, options.update_width(10**6))
        needed = measured.maximum if wide() else measured.minimum
        if needed > options.max_width or wide():
            options = options.update_width(needed)
        yield from super().__rich_console__(console, options)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _then(keyword: str, lang: str) -> str:
    return f"{gettext(lang)(THEN[keyword])} ({keyword})" if keyword in THEN else keyword


def _prose(sentence: str, lang: str) -> str:
    """A sentence of the definition in ``lang`` (English, marked, until translated)."""
    return render_message("{sentence}", {"sentence": prose(sentence)}, lang)


def definition_tree(compiled: CompiledMethodology, language: str = "ru", provenance_only: bool = False) -> Tree:
    m = compiled.methodology
    _ = gettext(language)
    heading = f"[bold]{m.id}[/] — {escape(m.act.title.get(language))}\n" + escape(
        _("act № {number} of {signed}, {status}; total {total} in [{low}, {high}]").format(
            number=m.act.number, signed=m.act.signed, status=_(ACT_STATUS.get(m.act.status, m.act.status)),
            total=m.total.get(language), low=_num(m.min_total), high=_num(m.max_total)))
    if language != "en" and any(not getattr(node.name, language) for node in m.walk()):
        heading += f"\n[yellow]{escape(russian_only_notice(language))}[/]"
    tree = Tree(heading)

    def add(parent: Tree, node: Node) -> None:
        flags = []
        if node.provenance != "verbatim":
            flags.append(f"[yellow]{_(PROVENANCE[node.provenance])}[/]")
        if node.derived_id:
            flags.append(_("derived id"))
        label = (f"[bold]{node.id}[/] {escape(node.name.get(language))} — [cyan]{_num(node.max)}[/] "
                 f"({escape(localise_reference(node.paragraph or '', language))})")
        if flags:
            label += " \\[" + ", ".join(flags) + "]"
        branch = parent.add(label)
        if node.formula:
            branch.add(f"[green]= {escape(str(node.formula))}[/]")
        if node.checklist:
            branch.add("[green]= " + escape(_("checklist {checklist} over {versions}, × {scale}").format(
                checklist=node.checklist.checklist, versions=", ".join(node.checklist.versions),
                scale=node.checklist.scale)) + "[/]")
        if node.not_applicable:
            rule = node.not_applicable
            branch.add(escape(_("not applicable when {when}: {meaning} → {then}").format(
                when=rule.when, meaning=_prose(rule.meaning, language), then=_then(rule.then, language))
                + (_(" to {targets}").format(targets=", ".join(rule.to)) if rule.to else "")))
        if node.zero_denominator:
            rule = node.zero_denominator
            branch.add(escape(_("zero denominator → {then}").format(then=_then(rule.then, language))
                              + (_(" (option {option})").format(option=rule.option) if rule.option else "")))
        if node.cohort_average:
            rule = node.cohort_average
            branch.add(escape(_("cohort average when {when} ({meaning}), over bodies where {over}").format(
                when=rule.when, meaning=_prose(rule.meaning, language), over=rule.over)
                + (_(" of the same profile") if rule.same_profile else "")))
        if node.readings:
            branch.add(escape(_("readings: {readings}").format(readings=", ".join(node.readings))))
        for child in node.children:
            add(branch, child)

    for node in m.nodes:
        add(tree, node)
    return tree


def provenance_table(compiled: CompiledMethodology, language: str = "ru") -> list[Table]:
    m = compiled.source  # every profile's nodes
    _ = gettext(language)
    nodes = Table(title=_("Reconstructed and entered rules (provisional)"))
    for column in (N_("id"), N_("provenance"), N_("paragraph"), N_("rule"), N_("note")):
        nodes.add_column(_(column))
    seen = set()
    for node in m.walk():
        if node.provenance != "verbatim" and (node.id, node.formula) not in seen:
            seen.add((node.id, node.formula))
            rule = node.formula or (_("checklist {key}").format(key=node.checklist.checklist) if node.checklist else "")
            nodes.add_row(node.id, _(PROVENANCE[node.provenance]), localise_reference(node.paragraph or "", language),
                          escape(str(rule)), escape(_prose(node.note, language)) if node.note else "")
    for key, parameter in m.parameters.items():
        if parameter.provenance != "verbatim":
            nodes.add_row(_("parameter {key}").format(key=key), _(PROVENANCE[parameter.provenance]),
                          localise_reference(parameter.paragraph or "", language), escape(str(parameter.value)),
                          escape(parameter.note or ""))
    options = Table(title=_("Options (readings a campaign may change)"))
    for column in (N_("option"), N_("choices"), N_("default"), N_("description")):
        options.add_column(_(column))
    for key, option in m.options.items():
        options.add_row(key, escape("; ".join(f"{k}: {v}" for k, v in option.choices.items())), option.default,
                        escape(option.description))
    readings = Table(title=_("Readings of ambiguities (A-xx)"))
    for column in (N_("id"), N_("issue"), N_("reading"), N_("nodes")):
        readings.add_column(_(column))
    for reading in m.readings:
        readings.add_row(reading.id, escape(reading.issue), escape(reading.reading), ", ".join(reading.nodes))
    return [nodes, options, readings]


def ranking_tables(ranked: list[RankedBody], cohort, title: str, language: str = "ru") -> list[Table]:
    """One table per profile (central and local bodies are ranked apart)."""
    profiles: dict = {}
    for entry in ranked:
        profiles.setdefault(entry.profile, []).append(entry)
    return [ranking_table(entries, cohort.scorer(profile).compiled,
                          title + (f" — {profile}" if profile else ""), language)
            for profile, entries in profiles.items()]


def ranking_table(ranked: list[RankedBody], compiled: CompiledMethodology, title: str,
                  language: str = "ru") -> Table:
    _ = gettext(language)
    graded = any(entry.result.grades for entry in ranked)
    table = Table(title=title)
    table.add_column(_("rank"), justify="right", no_wrap=True)
    table.add_column(_("body"), min_width=12)
    for node in compiled.methodology.nodes:     # figures are never split; the body's name wraps
        table.add_column(node.id, justify="right", no_wrap=True)
    table.add_column(_("total"), justify="right", style="bold", no_wrap=True)
    if graded:
        table.add_column(_("grade"))
    for entry in ranked:
        result = entry.result
        rounding = compiled.methodology.rounding
        grade = entry.result.grades.get("total", {})
        table.add_row(str(entry.rank), result.name or result.body_id,
                      *[format(round_to(result.scores[n.id], rounding.places, rounding.mode), "f")
                        for n in compiled.methodology.nodes],
                      format(entry.rounded_total, "f"),
                      *([grade.get(language) or grade.get("ru", "")] if graded else []))
    return table


def explanation_tree(explanation: dict, language: str = "ru") -> Tree:
    _ = gettext(language)
    body = explanation["body"]
    options = ", ".join(f"{k}={v}" for k, v in explanation["options"].items()) or _("none")
    heading = escape(_("{body} — {methodology}, period {period}: total {total} (options: {options})").format(
        body=body.get("name") or body["id"], methodology=explanation["methodology"],
        period=explanation.get("period") or "—", total=explanation["total"], options=options))
    if lacks_language(explanation, language):
        heading += f"\n[yellow]{escape(russian_only_notice(language))}[/]"
    tree = Tree(heading)

    def add(parent: Tree, node: dict) -> None:
        name = node["name"].get(language) or node["name"].get("ru") or node["name"].get("en") or ""
        weight = node["weight"] if node["weight"] != node["max"] else node["max"]
        status = "" if node["status"] == "scored" else f" [magenta]{_(STATUS.get(node['status'], node['status']))}[/]"
        branch = parent.add(f"[bold]{node['id']}[/] {escape(name)}: [cyan]"
                            + escape(_("{score} of {weight}").format(score=node["score"], weight=weight))
                            + f"[/]{status} [dim]({escape(localise_reference(node['paragraph'] or '', language))}; "
                            f"{_(PROVENANCE.get(node['provenance'], node['provenance']))})[/]")
        if node.get("formula") and not node.get("children"):
            formula = node["formula"]
            if node.get("checklist") is not None and formula.startswith("checklist "):
                formula = _("checklist {key}").format(key=formula[len("checklist "):])
            branch.add(f"[green]{escape(formula)}[/]")
        values = [f"{key} = {escape(_shown(item['value'], language))} "
                  f"[dim]({escape(localise_reference(item['source'], language))})[/]"
                  for key, item in node["inputs"].items()]
        values += [f"{key} = {escape(str(value))}" for key, value in node["parameters"].items()]
        if values:
            branch.add("; ".join(values))
        for key, item in node["inputs"].items():
            if item.get("table"):
                branch.add(f"[dim]{escape(_table_rows(key, item['table'], language))}[/]")
        for note in node["notes"]:
            branch.add(f"[yellow]{escape(render_note(note, language))}[/]")
        for version in node.get("checklist", []):
            short = [f"{s['section']}: {_round(s['score'])}"
                     + (_(" (points entered)") if s.get("entered") == "points" else "")
                     + (_(" (missing {items})").format(items=", ".join(s["missing"])) if s.get("missing") else "")
                     + (_(", {count} defects").format(count=s["defects"])
                        if s.get("defects") not in (None, "0") else "")
                     for s in version["sections"]]
            branch.add(escape(f"{version['version']}: {_round(version['score'])} — " + "; ".join(short)))
        for child in node.get("children", []):
            add(branch, child)

    for node in explanation["nodes"]:
        add(tree, node)
    if explanation.get("penalties"):
        branch = tree.add(escape(_("penalties (total before them: {total})").format(
            total=explanation.get("total_before_penalties", "—"))))
        for line in explanation["penalties"]:
            branch.add(f"[yellow]{escape(render_note(line, language))}[/]")
    if explanation.get("total_floor"):
        tree.add(f"[yellow]{escape(render_note(explanation['total_floor'], language))}[/]")
    return tree


def _table_rows(key: str, table: dict, language: str) -> str:
    """Where an input given by a table's rows came from: the aggregate and the rows counted."""
    _ = gettext(language)
    rows = ", ".join(str(row["row"]) + (f" ({row['label']})" if row.get("label") else "")
                     for row in table["rows"]) or _("none")
    return _("{input} = {aggregate} over the rows of table {table} ({form}; {given} rows given): rows {rows}").format(
        input=key, aggregate=table["aggregate"], table=table["id"], form=localise_reference(table["form"], language), given=table["rows_given"],
        rows=rows)


def _shown(value, language: str = "en") -> str:
    _ = gettext(language)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "[" + ", ".join(_("not found") if v is None else str(v) for v in value) + "]"
    if value is None:
        return "—"
    return str(value)


def _round(text: str) -> str:
    """A checklist figure of the explanation, half up to 2 places as the acts print."""
    return format(Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
