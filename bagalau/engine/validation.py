"""`bagalau check`: every problem in a definition, with its path in the file.

The schema (pydantic) catches wrong shapes and types; compiling catches bad
formulas, duplicate ids and cycles; this module adds what needs the whole
tree: unknown names and references, weights that do not add up, missing
paragraph references, zero denominators with no rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import ValidationError

from typing import Callable

from bagalau.engine.compiled import RESERVED_NAMES, CompiledMethodology
from bagalau.engine.exact import decimal_text
from bagalau.engine.editions import OverlayError, is_overlay, resolve_data
from bagalau.engine.expressions import FUNCTIONS, FormulaError, compile_formula
from bagalau.engine.definition import Methodology, data_hash, read_yaml



@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check_file(path: str | Path, load_raw: Callable[[str], dict] | None = None
               ) -> tuple[CompiledMethodology | None, list[Problem]]:
    """Load, resolve (for an amending act), compile and check a definition
    file. ``load_raw(id)`` finds the base editions an amending act names;
    by default they are looked for beside the file, then among the shipped ones."""
    path = Path(path)
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        return None, [Problem(str(path), f"cannot read the file: {exc}")]
    if is_overlay(data):
        try:
            data = resolve_data(data, load_raw or _sibling_loader(path))
        except OverlayError as exc:
            return None, [Problem(where, message) for where, message in exc.problems]
        except (OSError, yaml.YAMLError, ValueError) as exc:
            return None, [Problem("base", f"cannot read a base edition: {exc}")]
    return check_data(data)


def _sibling_loader(path: Path) -> Callable[[str], dict]:
    from bagalau.engine.catalog import METHODOLOGY_DIR

    def load_raw(edition_id: str) -> dict:
        for folder in (path.parent, METHODOLOGY_DIR):
            candidate = folder / f"{edition_id}.yaml"
            if candidate.exists():
                return read_yaml(candidate)
        raise KeyError(edition_id)

    return load_raw


def check_data(data: dict) -> tuple[CompiledMethodology | None, list[Problem]]:
    try:
        methodology = Methodology.model_validate(data)
    except ValidationError as exc:
        return None, [Problem(_location(error["loc"], data), error["msg"]) for error in exc.errors()]
    methodology._source_hash = data_hash(data)
    problems: list[Problem] = _profile_reference_problems(methodology)
    first = None
    for profile in (list(methodology.profiles) or [None]):
        compiled = CompiledMethodology(methodology, profile)
        prefix = f"[profile {profile}] " if profile else ""
        found = [Problem(path, message) for path, message in compiled.problems] + _semantic_problems(compiled)
        problems += [Problem(p.path, prefix + p.message) for p in found if Problem(p.path, p.message) not in problems]
        first = first or compiled
    return first, _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    """The same problem found in every profile is reported once."""
    seen: dict[tuple[str, str], Problem] = {}
    for problem in problems:
        key = (problem.path, problem.message.split("] ", 1)[-1])
        seen.setdefault(key, problem)
    return list(seen.values())


def _profile_reference_problems(m: Methodology) -> list[Problem]:
    problems = []
    known = set(m.profiles)

    def visit(nodes, path):
        for index, node in enumerate(nodes):
            here = f"{path}[{index}](id {node.id})"
            for profile in node.profiles or []:
                if profile not in known:
                    problems.append(Problem(f"{here}.profiles", f"unknown profile '{profile}'"))
            for field in ("max", "formula"):
                value = getattr(node, field)
                if isinstance(value, dict):
                    if not known:
                        plural = "maxima" if field == "max" else "formulas"
                        problems.append(Problem(f"{here}.{field}", f"per-profile {plural} need top-level profiles"))
                    for profile in value:
                        if profile not in known:
                            problems.append(Problem(f"{here}.{field}", f"unknown profile '{profile}'"))
            visit(node.children, f"{here}.children")

    visit(m.nodes, "nodes")
    for index, item in enumerate(m.inputs):
        for profile in item.profiles or []:
            if profile not in known:
                problems.append(Problem(f"inputs[{index}](id {item.id}).profiles", f"unknown profile '{profile}'"))
    return problems


def _location(loc: tuple, data) -> str:
    """pydantic's location, with node ids added so a methodologist can find the place."""
    parts: list[str] = []
    current = data
    for key in loc:
        if isinstance(key, int):
            parts[-1] = f"{parts[-1]}[{key}]" if parts else f"[{key}]"
            current = current[key] if isinstance(current, list) and key < len(current) else None
            if isinstance(current, dict) and "id" in current:
                parts[-1] += f"(id {current['id']})"
        else:
            parts.append(str(key))
            current = current.get(key) if isinstance(current, dict) else None
    return ".".join(parts) or "(file)"


def _semantic_problems(compiled: CompiledMethodology) -> list[Problem]:
    m = compiled.methodology
    problems: list[Problem] = []
    known = compiled.known_names()
    node_ids = set(compiled.nodes)
    reading_ids = {reading.id for reading in m.readings}
    list_inputs = {input_id for input_id, item in compiled.inputs.items() if item.type in LIST_TYPES}

    def unknown_names(formula, path: str, allowed: set[str] | None = None, scores: bool = True) -> None:
        if formula is None:
            return
        for name in sorted(formula.names & (known - (allowed if allowed is not None else known))):
            problems.append(Problem(path, f"'{name}' cannot be used here (formula '{formula.source}')"))
        if not scores and formula.references.get("node"):
            problems.append(Problem(path, f"score() cannot be used here (formula '{formula.source}')"))
        for name in sorted(formula.names - known):
            problems.append(Problem(path, f"unknown name '{name}' in formula '{formula.source}' "
                                          f"(not an input, parameter or option)"))
        for name in sorted(formula.list_names & known):
            if name not in list_inputs:
                problems.append(Problem(path, f"'{name}' is a single value, but it is used where a list input "
                                              f"is expected (formula '{_short(formula.source)}'); mean(), total(), "
                                              "count(), mean_band() and min()/max() of one argument take a list"))
        for name in sorted(formula.value_names & list_inputs):
            problems.append(Problem(path, f"'{name}' is a list input, but it is used as a single value (formula "
                                          f"'{_short(formula.source)}'); use it inside mean(), total(), count(), "
                                          "mean_band() or min()/max()"))
        for table in sorted(formula.references.get("band table", set()) - set(m.bands)):
            problems.append(Problem(path, f"unknown band table '{table}'"))
        for ref in sorted(formula.references.get("node", set()) - node_ids):
            problems.append(Problem(path, f"unknown node '{ref}' in score()"))

    def unknown_names_with(formula, path: str, local: set[str]) -> None:
        nonlocal known
        saved = known
        known = known | local
        try:
            unknown_names(formula, path)
        finally:
            known = saved

    for node_id, c in compiled.nodes.items():
        node, path = c.node, c.path
        local = set()
        for name, variable in c.variables:
            if not name.isidentifier() or name.startswith("_") or name in known or name in FUNCTIONS:
                problems.append(Problem(f"{path}.variables.{name}", f"'{name}' cannot name a variable: it must be "
                                        "a new identifier, not an input, parameter, option or function"))
            unknown_names_with(variable, f"{path}.variables.{name}", local)
            local.add(name)
        if c.variables and c.formula is None:
            problems.append(Problem(f"{path}.variables", "variables are only used by a formula"))
        unknown_names_with(c.formula, f"{path}.formula", local)
        unknown_names(c.not_applicable, f"{path}.not_applicable.when", allowed=known - {"weight"}, scores=False)
        if c.not_applicable is not None and c.not_applicable.references.get("node"):
            problems.append(Problem(f"{path}.not_applicable.when",
                                    "score() cannot be used here: applicability is decided from the inputs "
                                    "before any node is scored"))
        for k, (count, cap) in enumerate(zip(c.deduction_counts, c.deduction_caps)):
            unknown_names(count, f"{path}.deductions[{k}].count", scores=False)
            unknown_names(cap, f"{path}.deductions[{k}].cap", scores=False)
        if not (node.paragraph or "").strip():
            problems.append(Problem(f"{path}.paragraph", f"node {node_id} has no paragraph reference to the act"))
        if node.children and c.formula is not None:
            unused = [child.id for child in node.children
                      if child.id not in c.formula.references.get("node", set())]
            if unused:
                problems.append(Problem(f"{path}.formula",
                                        f"node {node_id} has children and a formula; the formula must combine "
                                        f"every child with score('id'), and leaves out {', '.join(unused)}"))
        if not node.children and not node.formula and not node.checklist and node.provenance != "entered":
            problems.append(Problem(path, f"leaf node {node_id} has no formula"))
        if c.formula is not None and (c.formula.uses_share or c.formula.divides) and node.zero_denominator is None:
            problems.append(Problem(f"{path}.zero_denominator",
                                    f"node {node_id} divides (share() or '/') but does not say what a zero "
                                    "denominator means"))
        if node.zero_denominator and node.zero_denominator.option:
            _option_exists(m, node.zero_denominator.option, f"{path}.zero_denominator.option", problems)
        if node.children and node.children_fill_max and node.aggregate == "sum" and not node.formula:
            total = sum((child.max for child in node.children), Decimal(0))
            if total != node.max:
                problems.append(Problem(f"{path}.children",
                                        f"the children of {node_id} add up to {total.normalize():f}, "
                                        f"not to its maximum {node.max.normalize():f}"))
        if node.not_applicable:
            for target in node.not_applicable.to:
                if target not in node_ids:
                    problems.append(Problem(f"{path}.not_applicable.to",
                                            f"weight of {node_id} moves to unknown node '{target}'"))
                elif compiled.nodes[target].node.children:
                    problems.append(Problem(f"{path}.not_applicable.to",
                                            f"weight of {node_id} moves to {target}, which adds up its children "
                                            "and so cannot use it; move it to a node with a formula"))
        if node.zero_denominator and node.zero_denominator.option in m.options:
            _choices(m, node.zero_denominator.option, {"full", "zero"}, f"{path}.zero_denominator.option", problems)
        if node.checklist and node.checklist.sections_option in m.options:
            _choices(m, node.checklist.sections_option, {"full", "rescale"}, f"{path}.checklist.sections_option",
                     problems)
        for reading in node.readings:
            if reading not in reading_ids:
                problems.append(Problem(f"{path}.readings", f"reading {reading} is not listed under readings"))
        if node.aggregate_option:
            _aggregate_option(m, node.aggregate_option, f"{path}.aggregate_option", problems)
        if node.explain:
            import string
            try:
                wanted = {field for _, field, _, _ in string.Formatter().parse(node.explain) if field}
            except ValueError as exc:
                problems.append(Problem(f"{path}.explain", f"not a valid sentence template: {exc}"))
            else:
                unknown = sorted(wanted - set(node.variables))
                if unknown:
                    problems.append(Problem(f"{path}.explain", f"names {', '.join(unknown)}, which are not "
                                                               f"variables of node {node_id}"))
        if node.lower_option:
            where = f"{path}.lower_option"
            if node.lower_option.option not in m.options:
                problems.append(Problem(where, f"unknown option '{node.lower_option.option}'"))
            elif set(node.lower_option.lower) != set(m.options[node.lower_option.option].choices):
                problems.append(Problem(where, f"give a floor for each choice of option '{node.lower_option.option}'"))
        if node.cohort_average:
            for attribute in ("when", "over"):
                try:
                    formula = compile_formula(getattr(node.cohort_average, attribute))
                except FormulaError as exc:
                    problems.append(Problem(f"{path}.cohort_average.{attribute}", str(exc)))
                    continue
                unknown_names(formula, f"{path}.cohort_average.{attribute}")
        if node.checklist:
            problems += _checklist_problems(compiled, node, path)
            unknown_names(c.checklist_scale, f"{path}.checklist.scale", scores=False)

    top_max = sum((node.max for node in m.nodes if node.max > 0), Decimal(0))
    top_min = sum((node.max for node in m.nodes if node.max < 0), Decimal(0))
    if m.total_aggregate == "mean" and m.nodes:
        top_max, top_min = top_max / len(m.nodes), top_min / len(m.nodes)
    if m.total_formula is None and top_max != m.max_total:
        problems.append(Problem("nodes", f"the top-level maxima add up to {top_max.normalize():f}, "
                                         f"not to max_total {m.max_total.normalize():f}"))
    if m.total_formula is None and top_min != m.min_total:
        problems.append(Problem("nodes", f"the top-level deductions add up to {top_min.normalize():f}, "
                                         f"not to min_total {m.min_total.normalize():f}"))
    unknown_names(compiled.total_formula, "total_formula", allowed=known - {"weight"})
    if m.total_aggregate_option:
        _aggregate_option(m, m.total_aggregate_option, "total_aggregate_option", problems)
    if m.min_total_option:
        if m.min_total_option not in m.options:
            problems.append(Problem("min_total_option", f"unknown option '{m.min_total_option}'"))
        elif "none" not in m.options[m.min_total_option].choices:
            problems.append(Problem("min_total_option", f"option '{m.min_total_option}' must offer 'none' (no floor)"))
    for target in m.grades_apply_to:
        if target != "total" and target not in compiled.top_level:
            problems.append(Problem("grades_apply_to", f"'{target}' is neither 'total' nor a top-level node"))
    for key, schedule in m.schedule.items():
        if schedule.after and schedule.after not in m.schedule and not schedule.after.startswith("event:"):
            problems.append(Problem(f"schedule.{key}.after", f"'{schedule.after}' is neither a schedule entry "
                                                            "nor an event (write event:NAME)"))
    inputs_and_parameters = set(compiled.inputs) | set(compiled.parameters)
    for index, check in enumerate(compiled.checks):
        unknown_names(check.rule, f"checks[{index}].rule", allowed=inputs_and_parameters, scores=False)
    for input_id, formula in compiled.required_when.items():
        path = f"inputs.{input_id}.required_when.when"
        unknown_names(formula, path, allowed=inputs_and_parameters, scores=False)
        if compiled.inputs[input_id].required:
            problems.append(Problem(path, "only an optional input (required: false) can be required when"))
        if input_id in formula.names:
            problems.append(Problem(path, f"the condition cannot use '{input_id}' itself"))
    group_scopes: dict[str, set[str]] = {}
    for key, penalty in m.penalties.items():
        if penalty.cap is not None and penalty.points is None and not penalty.amount_entered:
            problems.append(Problem(f"penalties.{key}.cap", "a cap needs points per occurrence or entered amounts"))
        if penalty.points is None and not penalty.replaces_value and not penalty.amount_entered:
            problems.append(Problem(f"penalties.{key}", "give points per occurrence, amount_entered: true, "
                                                        "or replaces_value: true"))
        if penalty.cap_group:
            group_scopes.setdefault(penalty.cap_group, set()).add(penalty.scope)
            if penalty.cap_group not in m.penalty_caps:
                problems.append(Problem(f"penalties.{key}.cap_group",
                                        f"cap group '{penalty.cap_group}' is not listed under penalty_caps"))
    for group, scopes in group_scopes.items():
        if len(scopes) > 1:
            problems.append(Problem(f"penalty_caps.{group}", "rules sharing a cap group must share their scope"))
    for index, item in enumerate(m.inputs):
        if item.min is not None and item.max is not None and item.min > item.max:
            problems.append(Problem(f"inputs[{index}](id {item.id})", f"min {item.min} is above max {item.max}"))
        if item.id in RESERVED_NAMES or item.id in m.parameters or item.id in FUNCTIONS:
            problems.append(Problem(f"inputs[{index}](id {item.id})", f"'{item.id}' is reserved or a parameter name"))
    for key in m.parameters:
        if key in RESERVED_NAMES or key in FUNCTIONS:
            problems.append(Problem(f"parameters.{key}", f"'{key}' is a reserved name"))
    seen: set[str] = set()
    for index, item in enumerate(m.inputs):
        if item.id in seen:
            problems.append(Problem(f"inputs[{index}](id {item.id})", f"input '{item.id}' is defined twice"))
        seen.add(item.id)
    every_profile_node = {node.id for node in compiled.source.walk()}
    for index, reading in enumerate(m.readings):
        for node_id in reading.nodes:
            if node_id not in every_profile_node:
                problems.append(Problem(f"readings[{index}](id {reading.id}).nodes", f"unknown node '{node_id}'"))
        if reading.option:
            _option_exists(m, reading.option, f"readings[{index}](id {reading.id}).option", problems)
    return problems


LIST_TYPES = ("positions", "decimals")


def _short(source: str, width: int = 120) -> str:
    text = " ".join(source.split())
    return text if len(text) <= width else text[:width] + "…"


def _choices(m: Methodology, option: str, expected: set[str], path: str, problems: list[Problem]) -> None:
    if set(m.options[option].choices) != expected:
        problems.append(Problem(path, f"option '{option}' must offer exactly {', '.join(sorted(expected))}"))


def _aggregate_option(m: Methodology, option: str, path: str, problems: list[Problem]) -> None:
    if option not in m.options:
        problems.append(Problem(path, f"unknown option '{option}'"))
    elif set(m.options[option].choices) - {"sum", "mean"}:
        problems.append(Problem(path, f"option '{option}' must offer only 'sum' and 'mean'"))


def _option_exists(m: Methodology, option: str, path: str, problems: list[Problem]) -> None:
    if option not in m.options:
        problems.append(Problem(path, f"unknown option '{option}'"))


def _checklist_problems(compiled: CompiledMethodology, node, path: str) -> list[Problem]:
    m = compiled.methodology
    rule = node.checklist
    problems: list[Problem] = []
    if rule.checklist not in m.checklists:
        return [Problem(f"{path}.checklist.checklist", f"unknown checklist '{rule.checklist}'")]
    if rule.sections_option:
        _option_exists(m, rule.sections_option, f"{path}.checklist.sections_option", problems)
    sections = {section.id for section in m.checklists[rule.checklist].sections}
    for section in sorted(sections - set(rule.section_weights)):
        problems.append(Problem(f"{path}.checklist.section_weights", f"section {section} has no weight"))
    for section, parameter in rule.section_weights.items():
        if section not in sections:
            problems.append(Problem(f"{path}.checklist.section_weights", f"unknown section '{section}'"))
        if parameter not in compiled.parameters:
            problems.append(Problem(f"{path}.checklist.section_weights.{section}",
                                    f"unknown parameter '{parameter}'"))
    weights = [compiled.parameters[p] for p in rule.section_weights.values() if p in compiled.parameters]
    total = sum(weights)      # exact: 72 × 50/72 is 50, with no residue to tolerate
    if len(weights) == len(rule.section_weights) and total != rule.version_total:
        problems.append(Problem(f"{path}.checklist.section_weights",
                                f"section weights add up to {decimal_text(total)}, not to the version total "
                                f"{rule.version_total.normalize():f}"))
    return problems
