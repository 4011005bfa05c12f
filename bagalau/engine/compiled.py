"""A validated definition turned into something fast to evaluate.

Compiling does the work that is the same for every body once: formulas to
code objects, the evaluation order, parameter values, the inputs generated
by checklist rules. Problems found here are definition problems; the
``validation`` module reports them with their path in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Callable
from decimal import Decimal

from bagalau.engine.definition import (BandTable, ChecklistRule, Input, Methodology, Node, ProfileError, Source, Text,
                                       for_profile)
from bagalau.engine.exact import Exact, exact, round_to
from bagalau.engine.expressions import BASE_NAMESPACE, Formula, FormulaError, compile_formula

RESERVED_NAMES = {"weight", "period", "profile"}


class DefinitionError(ValueError):
    """A definition that cannot be compiled; ``problems`` are (path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems

    def __reduce__(self):    # so that a worker process can hand it back (pickle calls __init__ with args)
        return (type(self), (self.problems,))


@dataclass
class CompiledNode:
    node: Node
    path: str                               # where it sits in the file, e.g. nodes[2].children[0]
    parent: str | None
    formula: Formula | None = None
    not_applicable: Formula | None = None
    deduction_counts: list[Formula] = field(default_factory=list)
    deduction_caps: list[Formula | None] = field(default_factory=list)
    checklist_scale: Formula | None = None
    cohort_when: Formula | None = None
    cohort_over: Formula | None = None
    variables: list[tuple[str, Formula]] = field(default_factory=list)
    # The definition's figures as exact numbers, converted once here rather than per body.
    maximum: Exact = 0
    bounds: tuple[Exact, Exact] = (0, 0)    # at the node's own maximum
    lower: Exact | None = None
    upper: Exact | None = None
    deduction_units: list[tuple[Exact, Exact | None]] = field(default_factory=list)   # (per unit, floor)
    checklist_per_defect: Exact = 0
    checklist_cap_share: Exact = 0


class ExactBands:
    """A band table with its limits and points as exact numbers."""

    __slots__ = ("bands", "otherwise")

    def __init__(self, table: BandTable):
        self.bands = [(None if band.low is None else exact(band.low), None if band.high is None else exact(band.high),
                       exact(band.points)) for band in table.bands]
        self.otherwise = exact(table.otherwise)

    def points_for(self, value) -> Exact:
        if value is None:
            return self.otherwise
        for low, high, points in self.bands:
            if (low is None or value >= low) and (high is None or value <= high):
                return points
        return self.otherwise


@dataclass
class ChecklistSectionLayout:
    """One section of a checklist for one language version, with its input ids resolved."""

    section_id: str
    weight: Exact
    conditional: bool
    item_ids: list[str]                        # input ids
    item_labels: list[str]                     # the act's item ids within the section
    present: Callable[[dict], tuple]           # namespace -> the items' values
    defects_id: str
    applies_id: str
    points_id: str = ""                        # the section's points, entered instead of its items


@dataclass
class CompiledCheck:
    id: str
    rule: Formula
    message: Text
    paragraph: str | None
    severity: str


def checklist_input_id(checklist: str, version: str, section: str, item: str) -> str:
    return f"{checklist}_{version}_{section.replace('.', '_')}_{item}"


def checklist_defects_id(checklist: str, version: str, section: str) -> str:
    return f"{checklist}_{version}_{section.replace('.', '_')}_defects"


def checklist_points_id(checklist: str, version: str, section: str) -> str:
    """The section's points for one language version, entered instead of its items."""
    return f"{checklist}_{version}_{section.replace('.', '_')}_points"


def checklist_applies_id(checklist: str, section: str) -> str:
    return f"{checklist}_{section.replace('.', '_')}_applies"


@lru_cache(maxsize=None)
def entered_input_id(node_id: str) -> str:
    return "entered_" + "".join(c if c.isalnum() else "_" for c in node_id)


def is_entered_leaf(node: Node) -> bool:
    return node.provenance == "entered" and not node.formula and not node.children and not node.checklist


def generated_inputs(methodology: Methodology) -> list[Input]:
    """Inputs implied by the tree: points and a mandatory comment for each
    `entered` node; for checklist rules one yes/no per item and version,
    one defect count per section and version, one applicability flag per
    conditional section, and per section and version the section's points,
    an optional alternative to its items (bounded by the section's weight
    once the parameters are known, see ``CompiledMethodology``)."""
    inputs: list[Input] = []
    for node in methodology.walk():
        if is_entered_leaf(node) and isinstance(node.max, Decimal):
            low, high = node.bounds
            # Not required up front: a node that is not applicable to a body, or
            # takes the cohort average, needs no points. Scoring a node that
            # applies without them is an error naming the input.
            inputs.append(Input(
                id=entered_input_id(node.id), type="decimal", min=low, max=high, unit="points", required=False,
                name=Text(ru=f"Баллы по {node.id}, вносимые уполномоченным лицом", en=f"Points for {node.id}, entered by an authorised person"),
                source=Source(form="Entered", row=node.id, note="the base act's rule is not known; points within the node's bounds"),
                paragraph=node.paragraph))
            inputs.append(Input(
                id=entered_input_id(node.id) + "_comment", type="text", required=False,
                name=Text(ru=f"Обоснование баллов по {node.id}", en=f"Justification of the points for {node.id}"),
                source=Source(form="Entered", row=node.id, column="comment"), paragraph=node.paragraph))
    for node in methodology.walk():
        rule = node.checklist
        if rule is None or rule.checklist not in methodology.checklists:
            continue
        checklist = methodology.checklists[rule.checklist]
        form = f"WG {rule.checklist.upper()}"
        for section in checklist.sections:
            if section.conditional:
                inputs.append(Input(
                    id=checklist_applies_id(rule.checklist, section.id),
                    name=Text(ru=f"Раздел {section.id} применим к органу",
                              en=f"Section {section.id} applies to the body"),
                    type="boolean", required=False, default=True,
                    source=Source(form=form, row=section.id, column="applies"),
                    paragraph=checklist.paragraph))
        for version in rule.versions:
            for section in checklist.sections:
                for item in section.items:
                    inputs.append(Input(
                        id=checklist_input_id(rule.checklist, version, section.id, item.id),
                        name=item.name, type="boolean",
                        source=Source(form=form, row=f"{section.id}.{item.id}", column=version),
                        paragraph=checklist.paragraph, sheet=f"{form} {version}"))
                inputs.append(Input(
                    id=checklist_defects_id(rule.checklist, version, section.id),
                    name=Text(ru=f"Недостатки в разделе {section.id}", en=f"Defects found in section {section.id}"),
                    type="integer", min=Decimal(0), unit="defects",
                    source=Source(form=form, row=section.id, column=f"{version} defects"),
                    paragraph=rule.paragraph, sheet=f"{form} {version}"))
                inputs.append(Input(
                    id=checklist_points_id(rule.checklist, version, section.id),
                    name=Text(ru=f"Баллы раздела {section.id} (вместо его пунктов)",
                              kk=f"{section.id} бөлімінің баллы (тармақтарының орнына)",
                              en=f"Points of section {section.id} (instead of its items)"),
                    type="decimal", min=Decimal(0), unit="points", required=False,
                    source=Source(form=form, row=section.id, column=f"{version} points",
                                  note="the section's points as the working group records them, instead of its items"),
                    paragraph=rule.paragraph, sheet=f"{form} {version}"))
    return inputs


def _bound_below(value: Exact) -> Decimal:
    """An upper bound as a Decimal never above the exact value (a weight like 50/72 does not end)."""
    return round_to(value, 20, "down").normalize()


class CompiledMethodology:
    """Everything the scorer needs, computed once per definition."""

    def __init__(self, methodology: Methodology, profile: str | None = None):
        self.source = methodology
        self.problems: list[tuple[str, str]] = []
        if methodology.profiles and profile is None:
            profile = next(iter(methodology.profiles))
        self.profile = profile
        try:
            methodology = for_profile(methodology, profile)
        except ProfileError as exc:
            self.problems.append(("nodes", str(exc)))
            methodology = methodology.model_copy(update={"nodes": []})
        self.methodology = methodology
        self.inputs: dict[str, Input] = {}
        for item in [*methodology.inputs, *generated_inputs(methodology)]:
            self.inputs[item.id] = item
        self.parameters = self._evaluate_parameters()
        self.bands = {key: ExactBands(table) for key, table in methodology.bands.items()}
        from bagalau.engine.tables import compile_tables   # repeated-row forms whose rows give inputs
        self.tables = compile_tables(self)
        self.option_names = {f"option_{key}": key for key in methodology.options}
        self.nodes: dict[str, CompiledNode] = {}
        self._collect_nodes(methodology.nodes, "nodes", None)
        self.checks = self._compile_checks()
        self.required_when = {item.id: formula for item in self.inputs.values() if item.required_when is not None
                              for formula in [self._compile(item.required_when.when,
                                                            f"inputs.{item.id}.required_when.when")]
                              if formula is not None}
        self.total_formula = self._compile(methodology.total_formula, "total_formula")
        self.order = self._evaluation_order()
        self.checklist_layouts = {c.node.id: self._checklist_layout(c.node.checklist)
                                  for c in self.nodes.values() if c.node.checklist is not None}
        self.section_points = {section.points_id: (node_id, version, section)
                               for node_id, layout in self.checklist_layouts.items()
                               for version, sections in layout.items() for section in sections}
        self.points_alternative = {input_id: section.points_id for _, _, section in self.section_points.values()
                                   for input_id in (*section.item_ids, section.defects_id)}
        for points_id, (_, _, section) in self.section_points.items():   # 0 … the section's weight
            self.inputs[points_id] = self.inputs[points_id].model_copy(update={"max": _bound_below(section.weight)})
        self.default_weights = {node_id: c.maximum for node_id, c in self.nodes.items()}
        self.cohort_nodes = [node_id for node_id, c in self.nodes.items() if c.cohort_when is not None]
        self.content_hash = methodology.content_hash()

    def _checklist_layout(self, rule: ChecklistRule) -> dict[str, list[ChecklistSectionLayout]]:
        """Per version, the sections with their weights and input ids, resolved once."""
        checklist = self.methodology.checklists.get(rule.checklist)
        if checklist is None:
            return {}
        layout: dict[str, list[ChecklistSectionLayout]] = {}
        for version in rule.versions:
            sections = []
            for section in checklist.sections:
                ids = [checklist_input_id(rule.checklist, version, section.id, item.id) for item in section.items]
                getter = itemgetter(*ids) if len(ids) > 1 else (lambda ns, key=ids[0]: (ns[key],))
                sections.append(ChecklistSectionLayout(
                    section_id=section.id,
                    weight=self.parameters.get(rule.section_weights.get(section.id, ""), 0),
                    conditional=section.conditional, item_ids=ids,
                    item_labels=[item.id for item in section.items], present=getter,
                    defects_id=checklist_defects_id(rule.checklist, version, section.id),
                    applies_id=checklist_applies_id(rule.checklist, section.id),
                    points_id=checklist_points_id(rule.checklist, version, section.id)))
            layout[version] = sections
        return layout

    # --- compiling ----------------------------------------------------------------

    def _compile(self, source: str | None, path: str) -> Formula | None:
        if source is None:
            return None
        try:
            return compile_formula(source)
        except FormulaError as exc:
            shown = " ".join(str(source).split())
            shown = shown if len(shown) <= 160 else shown[:160] + "…"
            self.problems.append((path, f"formula '{shown}': {exc}"))
            return None

    def _evaluate_parameters(self) -> dict[str, Exact]:
        values: dict[str, Exact] = {}
        for key, parameter in self.methodology.parameters.items():
            formula = self._compile(parameter.value, f"parameters.{key}.value")
            if formula is None:
                continue
            if formula.names:
                self.problems.append((f"parameters.{key}.value",
                                      f"a parameter must be a constant; it uses {sorted(formula.names)}"))
                continue
            values[key] = exact(eval(formula.code, {**BASE_NAMESPACE, **formula.constants}))
        return values

    def _collect_nodes(self, nodes: list[Node], path: str, parent: str | None) -> None:
        for index, node in enumerate(nodes):
            here = f"{path}[{index}]"
            if node.id in self.nodes:
                self.problems.append((f"{here}.id", f"node id '{node.id}' is used twice "
                                                    f"(first at {self.nodes[node.id].path})"))
                continue
            compiled = CompiledNode(node=node, path=here, parent=parent)
            if isinstance(node.max, Decimal):
                compiled.maximum = exact(node.max)
                compiled.bounds = tuple(exact(limit) for limit in node.bounds)
            compiled.lower = None if node.lower is None else exact(node.lower)
            compiled.upper = None if node.upper is None else exact(node.upper)
            compiled.deduction_units = [(exact(d.per_unit), None if d.floor is None else exact(d.floor))
                                        for d in node.deductions]
            formula = entered_input_id(node.id) if is_entered_leaf(node) else node.formula
            compiled.formula = self._compile(formula, f"{here}.formula")
            for name, source in node.variables.items():
                variable = self._compile(source, f"{here}.variables.{name}")
                if variable is not None:
                    compiled.variables.append((name, variable))
            if node.not_applicable:
                compiled.not_applicable = self._compile(node.not_applicable.when, f"{here}.not_applicable.when")
            for k, deduction in enumerate(node.deductions):
                compiled.deduction_counts.append(self._compile(deduction.count, f"{here}.deductions[{k}].count"))
                compiled.deduction_caps.append(self._compile(deduction.cap, f"{here}.deductions[{k}].cap"))
            if node.checklist:
                compiled.checklist_scale = self._compile(node.checklist.scale, f"{here}.checklist.scale")
                compiled.checklist_per_defect = exact(node.checklist.deduction_per_defect)
                compiled.checklist_cap_share = exact(node.checklist.deduction_cap_share)
            if node.cohort_average:
                compiled.cohort_when = self._compile(node.cohort_average.when, f"{here}.cohort_average.when")
                compiled.cohort_over = self._compile(node.cohort_average.over, f"{here}.cohort_average.over")
            self.nodes[node.id] = compiled
            self._collect_nodes(node.children, f"{here}.children", node.id)

    def _compile_checks(self) -> list[CompiledCheck]:
        checks = []
        for index, check in enumerate(self.methodology.checks):
            rule = self._compile(check.rule, f"checks[{index}].rule")
            if rule is not None:
                checks.append(CompiledCheck(check.id, rule, check.message, check.paragraph, check.severity))
        return checks

    # --- order --------------------------------------------------------------------

    def dependencies(self, node_id: str) -> set[str]:
        """Nodes that must be scored before this one: its children and any score('x') it reads."""
        compiled = self.nodes[node_id]
        deps = {child.id for child in compiled.node.children}
        if compiled.formula is not None:
            deps |= compiled.formula.references.get("node", set())
        return deps

    def _evaluation_order(self) -> list[str]:
        order: list[str] = []
        state: dict[str, int] = {}          # 1 = on the stack, 2 = done

        def visit(node_id: str, trail: list[str]) -> None:
            if state.get(node_id) == 2:
                return
            if state.get(node_id) == 1:
                cycle = trail[trail.index(node_id):] + [node_id]
                self.problems.append((self.nodes[node_id].path,
                                      "dependency cycle: " + " -> ".join(cycle)))
                return
            state[node_id] = 1
            for dep in sorted(self.dependencies(node_id)):
                if dep in self.nodes:
                    visit(dep, trail + [node_id])
            state[node_id] = 2
            order.append(node_id)

        for node_id in self.nodes:
            visit(node_id, [])
        return order

    # --- helpers ------------------------------------------------------------------

    def known_names(self) -> set[str]:
        return set(self.inputs) | set(self.parameters) | set(self.option_names) | RESERVED_NAMES

    def checklist_rule(self, node_id: str) -> ChecklistRule | None:
        return self.nodes[node_id].node.checklist

    @property
    def top_level(self) -> list[str]:
        return [node.id for node in self.methodology.nodes]
