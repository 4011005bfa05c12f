"""The schema of a methodology definition file (one act edition, as data).

A definition is YAML that a methodologist reads and edits. This module holds
its pydantic model and the loader; ``validation`` checks what a schema
cannot (references, weights, cycles). ``docs/methodology-format.md``
documents every field with examples from the 2012 act.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterator, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

SCHEMA_VERSION = 1
IDENTIFIER = r"^[A-Za-z][A-Za-z0-9_]*$"
Provenance = Literal["verbatim", "reconstructed", "entered"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Text(Strict):
    """A name or sentence in the languages we have. Russian and Kazakh come
    from the acts; English is our translation."""

    ru: str | None = None
    kk: str | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _one_language_at_least(self) -> "Text":
        if not (self.ru or self.kk or self.en):
            raise ValueError("give the text in at least one of ru, kk, en")
        return self

    def get(self, language: str) -> str:
        return getattr(self, language, None) or self.ru or self.kk or self.en or ""


class Repeal(Strict):
    date: date
    by: str


class Act(Strict):
    number: str
    kind: str = Field(description="order, decree, joint order ...")
    issuer: Text
    title: Text
    signed: date
    registered: date | None = None
    registration_number: str | None = None
    in_force_from: date | None = None
    in_force_note: str | None = None
    status: Literal["in_force", "repealed", "draft"]
    repealed: Repeal | None = None
    source: str | None = Field(None, description="where the text was taken from")


class Rounding(Strict):
    places: int = Field(2, ge=0, le=6)
    mode: Literal["half_up", "half_even", "down"] = "half_up"
    stage: Literal["display", "node"] = Field(
        "display",
        description="display: keep exact values, round each shown value and the total once; "
                    "node: round every node before it is added to its parent")
    reading: str | None = None


class Reading(Strict):
    """An ambiguity the spec lists (A-xx) and the reading this edition implements."""

    id: str = Field(pattern=r"^[A-Z][A-Za-z0-9.-]*$", description="the spec's ambiguity id, e.g. A13")
    issue: str
    reading: str
    nodes: list[str] = []
    option: str | None = None


class Option(Strict):
    """A reading users could reasonably choose otherwise; a campaign may set it."""

    description: str
    choices: dict[str, str]
    default: str
    reading: str | None = None

    @model_validator(mode="after")
    def _default_is_a_choice(self) -> "Option":
        if self.default not in self.choices:
            raise ValueError(f"default '{self.default}' is not one of the choices {sorted(self.choices)}")
        return self


class Parameter(Strict):
    value: str = Field(description="a number or a constant expression such as 3 * 50 / 72")
    name: Text | None = None
    paragraph: str | None = None
    provenance: Provenance = "verbatim"
    note: str | None = None


class Source(Strict):
    """Where an input comes from: a form's row and column, or the working group's own check."""

    form: str
    row: str | None = None
    column: str | None = None
    note: str | None = None

    @field_validator("row", "column", mode="before")
    @classmethod
    def _as_text(cls, value):
        return None if value is None else str(value)


class RequiredWhen(Strict):
    """An optional input that becomes required when a node needing it applies
    (e.g. the licence counts of 3.3.1 for a licensor)."""

    when: str = Field(description="a condition on the other inputs, e.g. 'is_licensor and not elicensing_planned'")
    meaning: str = Field(description="why, in words: what makes the node apply")
    paragraph: str | None = None


class Input(Strict):
    id: str = Field(pattern=IDENTIFIER)
    name: Text
    type: Literal["integer", "decimal", "boolean", "positions", "decimals", "text"]
    unit: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    min_items: int | None = Field(None, description="for a list input: the fewest values accepted")
    required: bool = True
    required_when: RequiredWhen | None = Field(None, description="for an optional input: when it is required")
    default: Decimal | bool | None = None
    source: Source
    paragraph: str | None = None
    sheet: str | None = Field(None, description="sheet of the XLSX template; defaults to the form")
    profiles: list[str] | None = Field(None, description="the profiles that report this input; all when empty")


class TableColumn(Strict):
    """One column of a repeated-row table (e.g. one information system per row)."""

    id: str = Field(pattern=IDENTIFIER)
    name: Text
    type: Literal["integer", "decimal", "boolean", "choice", "text"]
    choices: list[str] = Field([], description="for a choice column: the values accepted; in a condition "
                                               "<column>_<choice> is 1 where the cell holds that choice")
    min: Decimal | None = None
    max: Decimal | None = None
    unit: str | None = None
    required: bool = True
    required_when: str | None = Field(None, description="for an optional column: a condition on the row's other "
                                                        "columns under which the cell must be filled")
    only_when: str | None = Field(None, description="the cell may say yes (or hold a value) only when this "
                                                    "condition on the row's other columns holds")
    default: Decimal | bool | str | None = None
    column: str | None = Field(None, description="the form's column number or heading")
    note: str | None = None

    @field_validator("column", mode="before")
    @classmethod
    def _column_as_text(cls, value):
        return None if value is None else str(value)


class TableAggregate(Strict):
    """How an ordinary input is computed from a table's rows: count of the rows
    where a condition holds, whether there is any, or sum / min / max of a column over them."""

    function: Literal["count", "any", "sum", "min", "max"] = Field(
        description="count: rows where `where` holds; any: 1 if there is one, else 0 (for a yes/no input)")
    column: str | None = Field(None, description="the column summed or compared; none for count")
    where: str | None = Field(None, description="a condition on the row's columns; every row when empty")
    paragraph: str | None = None


class Table(Strict):
    """A form that lists several rows per body (information systems, websites),
    entered row by row. Its ``aggregates`` fill ordinary inputs, which may
    still be given as summed values instead."""

    name: Text
    form: str
    paragraph: str | None = None
    columns: list[TableColumn]
    aggregates: dict[str, TableAggregate] = Field(description="input id -> how the rows give it")
    max_rows: int = Field(1000, ge=1, le=100_000)
    template_rows: int = Field(50, ge=1, le=1000, description="empty rows of the XLSX template")
    profiles: list[str] | None = None
    note: str | None = None


class Check(Strict):
    """A cross-field rule on a body's inputs, e.g. numerator <= denominator."""

    id: str
    rule: str
    message: Text
    paragraph: str | None = None
    severity: Literal["error", "warning"] = "error"
    profiles: list[str] | None = None


class Band(Strict):
    low: Decimal | None = None
    high: Decimal | None = None
    points: Decimal


class BandTable(Strict):
    name: Text
    paragraph: str | None = None
    bands: list[Band]
    otherwise: Decimal = Field(description="points when no band matches (e.g. not found)")

    def points_for(self, value) -> Decimal:
        if value is None:
            return self.otherwise
        for band in self.bands:
            if (band.low is None or value >= band.low) and (band.high is None or value <= band.high):
                return band.points
        return self.otherwise


class ChecklistItem(Strict):
    id: str
    name: Text
    printed: str | None = None


class ChecklistSection(Strict):
    id: str
    name: Text
    items: list[ChecklistItem]
    conditional: bool = False
    printed_numbering: str | None = None
    note: str | None = None


class Checklist(Strict):
    name: Text
    paragraph: str | None = None
    sections: list[ChecklistSection]
    defects: list[ChecklistItem] = []
    note: Text | None = None

    def section(self, section_id: str) -> ChecklistSection:
        return next(s for s in self.sections if s.id == section_id)


class NotApplicable(Strict):
    """When a node is not applicable to a body, and what happens to its points."""

    when: str
    meaning: str
    then: Literal["redistribute", "full", "zero"]
    to: list[str] = []
    paragraph: str | None = None

    @model_validator(mode="after")
    def _targets_for_redistribution(self) -> "NotApplicable":
        if self.then == "redistribute" and not self.to:
            raise ValueError("'then: redistribute' needs 'to: [node ids]'")
        return self


class ZeroDenominatorRule(Strict):
    """What a zero denominator means for this node: the whole points ("no
    need", as §18 and §99 do) or none. ``option`` names an option whose
    chosen value (full or zero) replaces ``then``."""

    then: Literal["full", "zero"]
    meaning: str
    reading: str | None = None
    option: str | None = None


class Deduction(Strict):
    """Points taken off a node: ``per_unit`` × count, at most ``cap`` points."""

    count: str
    per_unit: Decimal
    cap: str | None = None
    floor: Decimal | None = Field(None, description="lowest score after the deduction; the node's own bounds apply anyway")
    paragraph: str | None = None


class CohortAverage(Strict):
    """A body for which ``when`` holds gets, for this node, the mean score of
    the other bodies of the cohort for which ``over`` holds (and ``when``
    does not), e.g. a body whose budget is secret (2025 amendments)."""

    when: str
    over: str = Field("True", description="which other bodies count; evaluated on each one's inputs")
    same_profile: bool = True
    meaning: str
    paragraph: str | None = None


class LowerOption(Strict):
    """A node's floor chosen by an option: ``lower`` maps each of the option's
    choices to the floor it sets (e.g. floor: 0, none: -100)."""

    option: str
    lower: dict[str, Decimal]


class Grade(Strict):
    """A band of the total (e.g. 90–100 'high'), applied as low <= score < high."""

    name: Text
    low: Decimal | None = None
    high: Decimal | None = None


class ChecklistRule(Strict):
    """Score a node from a checklist appendix, per language version.

    For each version and section: earned = W × present / items, minus
    deduction × defects capped at cap_share × W, floored at 0. The node's
    score is ``scale`` × the sum over versions and sections.
    """

    checklist: str
    versions: list[str]
    section_weights: dict[str, str] = Field(description="section id -> parameter id")
    scale: str
    deduction_per_defect: Decimal
    deduction_cap_share: Decimal
    version_total: Decimal = Field(description="the section weights of one version must add up to this")
    sections_not_applicable: Literal["full", "rescale"] = Field(
        "full", description="a conditional section that does not apply: counts as met (full), or the "
                            "other sections' weights are scaled up to the version total (rescale)")
    sections_option: str | None = Field(None, description="option whose value replaces sections_not_applicable")
    paragraph: str | None = None


class Node(Strict):
    id: str
    kind: Literal["direction", "criterion", "subcriterion", "indicator", "item"]
    name: Text
    max: Decimal | dict[str, Decimal] = Field(
        description="the act's points; negative for a deduction; or a mapping profile -> points")
    profiles: list[str] | None = Field(None, description="the profiles this node exists in; all when empty")
    cohort_average: "CohortAverage | None" = None
    aggregate_option: str | None = Field(None, description="option whose value (sum or mean) replaces aggregate")
    amended_by: str | None = Field(None, description="the amending act's paragraph that last changed this node")
    paragraph: str | None = None
    quote: str | None = None
    provenance: Provenance = "verbatim"
    derived_id: bool = Field(False, description="the act does not number this node; the id is ours")
    variables: dict[str, str] = Field({}, description="named intermediate values (the act's a, b, s …), "
                                                      "evaluated in order before the formula and shown in the explanation")
    explain: str | None = Field(
        None, description="a sentence added to the node's explanation; {name} is replaced by the value of the "
                          "named variable (e.g. the penalty the act sets and the amount taken after a cap)")
    formula: str | dict[str, str] | None = Field(
        None, description="the rule; or a mapping profile -> rule where the act words it per profile")
    aggregate: Literal["sum", "mean"] = "sum"
    children: list["Node"] = []
    children_fill_max: bool = Field(
        True, description="the children's maxima must add up to this node's maximum")
    not_applicable: NotApplicable | None = None
    zero_denominator: ZeroDenominatorRule | None = None
    deductions: list[Deduction] = []
    checklist: ChecklistRule | None = None
    lower: Decimal | None = Field(None, description="floor; defaults to min(0, max)")
    lower_option: "LowerOption | None" = Field(
        None, description="an option whose chosen value sets the floor in place of `lower`")
    upper: Decimal | None = Field(None, description="cap; defaults to max(0, max)")
    readings: list[str] = []
    form_rows: dict[str, str] = Field({}, description="the row numbers of this node in the act's forms")
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _id_is_text(cls, value):
        return str(value)

    def walk(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def bounds(self) -> tuple[Decimal, Decimal]:
        low = self.lower if self.lower is not None else min(Decimal(0), self.max)
        high = self.upper if self.upper is not None else max(Decimal(0), self.max)
        return low, high


class Penalty(Strict):
    """A penalty the act sets for how a body reported (late, incomplete,
    unreliable facts). ``points`` per occurrence, at most ``cap`` per
    ``scope`` (the whole total, or each top-level direction). Where the act
    instead recalculates with the verified value (2012 §105),
    ``replaces_value`` is true and ``points`` is empty."""

    name: Text
    points: Decimal | None = None
    cap: Decimal | None = None
    cap_group: str | None = Field(None, description="rules in one group share the cap in penalty_caps")
    amount_entered: bool = Field(False, description="the evaluator enters the points of each occurrence")
    scope: Literal["total", "direction"] = "total"
    replaces_value: bool = False
    paragraph: str
    note: str | None = None


class Schedule(Strict):
    """A deadline of the act: a fixed day (month, day, in the reporting year
    + year_offset), or a number of working/calendar days after an event."""

    name: Text
    month: int | None = Field(None, ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)
    year_offset: int = Field(1, description="1 = the year after the reporting year")
    after: str | None = Field(None, description="the event or deadline this one counts from")
    working_days: int | None = Field(None, ge=0)
    calendar_days: int | None = Field(None, ge=0)
    paragraph: str
    note: str | None = None

    @model_validator(mode="after")
    def _fixed_or_relative(self) -> "Schedule":
        fixed = self.month is not None and self.day is not None
        relative = self.after is not None and (self.working_days is not None or self.calendar_days is not None)
        if fixed == relative:
            raise ValueError("give either month and day, or after with working_days or calendar_days")
        return self


class Methodology(Strict):
    schema_version: int = Field(SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    family: str
    edition: str
    act: Act
    total: Text
    max_total: Decimal
    min_total: Decimal
    total_formula: str | None = None
    rounding: Rounding = Rounding()
    readings: list[Reading] = []
    options: dict[str, Option] = {}
    parameters: dict[str, Parameter] = {}
    inputs: list[Input]
    tables: dict[str, Table] = Field({}, description="repeated-row forms whose rows give ordinary inputs")
    checks: list[Check] = []
    bands: dict[str, BandTable] = {}
    checklists: dict[str, Checklist] = {}
    nodes: list[Node]
    forms: dict[str, Text] = Field({}, description="form code -> its title in the act")
    penalties: dict[str, Penalty] = {}
    penalty_caps: dict[str, Decimal] = Field({}, description="cap group -> the cap its rules share "
                                                            "(per direction or per total, as the rules' scope)")
    schedule: dict[str, Schedule] = {}
    profiles: dict[str, Text] = Field({}, description="e.g. central / local: the same act with other maxima")
    total_aggregate: Literal["sum", "mean"] = "sum"
    total_aggregate_option: str | None = None
    grades: list[Grade] = []
    grades_apply_to: list[str] = Field(["total"], description="'total' and/or top-level node ids")
    min_total_option: str | None = Field(
        None, description="option that decides whether min_total floors the total: its value 'none' leaves the "
                          "total unfloored, any other value floors it; without it min_total always floors the total")
    penalty_floor: Decimal | None = Field(
        None, description="lowest score a top-level direction keeps after its direction-scope penalties "
                          "(never above its score before them); none: no floor")
    penalty_floor_reading: str | None = Field(None, description="the reading that sets penalty_floor")
    base: str | None = Field(None, description="for an amending act: the edition it amends")
    lineage: list[str] = Field([], description="filled when resolved: base editions, oldest first")

    def walk(self) -> Iterator[Node]:
        for node in self.nodes:
            yield from node.walk()

    def node(self, node_id: str) -> Node:
        for node in self.walk():
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def input(self, input_id: str) -> Input:
        for item in self.inputs:
            if item.id == input_id:
                return item
        raise KeyError(input_id)

    _source_hash: str | None = PrivateAttr(None)

    def content_hash(self) -> str:
        """SHA-256 of the definition's own content (the resolved file data,
        not the schema's defaults), so it changes only when the act's data does."""
        if self._source_hash is not None:
            return self._source_hash
        canonical = json.dumps(self.model_dump(mode="json", exclude_defaults=True), sort_keys=True,
                               ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def data_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class DecimalSafeLoader(yaml.SafeLoader):
    """YAML's safe loader, except that numbers stay as their source text:
    ``0.1`` reaches Decimal as exactly "0.1" and an id like ``3.10`` never
    turns into the float 3.1."""


def _scalar_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


DecimalSafeLoader.add_constructor("tag:yaml.org,2002:int", _scalar_text)
DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _scalar_text)


def parse_yaml(text: str):
    return yaml.load(text, Loader=DecimalSafeLoader)


def read_yaml(path: Path) -> dict:
    """A definition file's data: a regular file within the size limit, nested at most 32 deep
    (``engine.limits``; a LimitError is a ValueError naming the limit)."""
    from bagalau.engine import limits
    text = limits.read_bytes(Path(path)).decode("utf-8")
    limits.check_yaml_depth(text)
    data = yaml.load(text, Loader=DecimalSafeLoader)
    limits.check_data_shape(data)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a definition must be a YAML mapping")
    return data


def load(path: str | Path) -> Methodology:
    """Load and schema-validate a definition (raises pydantic.ValidationError)."""
    return Methodology.model_validate(read_yaml(Path(path)))


class ProfileError(ValueError):
    pass


def for_profile(methodology: Methodology, profile: str | None) -> Methodology:
    """The edition as one profile (e.g. local bodies) sees it: nodes, inputs
    and checks of other profiles dropped, per-profile maxima resolved."""
    if not methodology.profiles:
        if profile is not None:
            raise ProfileError(f"{methodology.id} has no profiles; got '{profile}'")
        for node in methodology.walk():
            if isinstance(node.max, dict):
                raise ProfileError(f"node {node.id}: per-profile maxima need top-level profiles")
            if isinstance(node.formula, dict):
                raise ProfileError(f"node {node.id}: per-profile formulas need top-level profiles")
        return methodology
    if profile not in methodology.profiles:
        raise ProfileError(f"unknown profile '{profile}' for {methodology.id}; "
                           f"choose one of {', '.join(methodology.profiles)}")

    def applies(item) -> bool:
        return not item.profiles or profile in item.profiles

    def convert(node: Node) -> Node:
        maximum = node.max
        if isinstance(maximum, dict):
            if profile not in maximum:
                raise ProfileError(f"node {node.id} gives no maximum for profile '{profile}'")
            maximum = maximum[profile]
        formula = node.formula
        if isinstance(formula, dict):
            if profile not in formula:
                raise ProfileError(f"node {node.id} gives no formula for profile '{profile}'")
            formula = formula[profile]
        return node.model_copy(update={"max": maximum, "formula": formula,
                                       "children": [convert(c) for c in node.children if applies(c)]})

    return methodology.model_copy(update={
        "nodes": [convert(node) for node in methodology.nodes if applies(node)],
        "inputs": [item for item in methodology.inputs if applies(item)],
        "checks": [check for check in methodology.checks if applies(check)],
        "tables": {key: table for key, table in methodology.tables.items() if applies(table)},
    })
