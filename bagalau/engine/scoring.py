"""Score bodies against a compiled methodology, with explanations.

For one body the steps are: decide which nodes are not applicable, move
their weight where the act says, then evaluate every node in dependency
order (children before parents), applying zero-denominator rules,
deductions and bounds. All arithmetic is exact (int and Fraction, see
``bagalau.engine.exact``); rounding happens only where the definition's
``rounding`` says, half up unless it says otherwise, and Decimal appears
only in what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bagalau.engine.checklists import score_checklist
from bagalau.engine.compiled import CompiledMethodology, CompiledNode, DefinitionError, entered_input_id
from bagalau.engine.exact import Exact, divide, exact, round_exact, round_to
from bagalau.engine.explanations import EXPLANATION_SCHEMA, ExplanationWriter, code, note, prose, ref, sub
from bagalau.engine.explanations import number_text as _text
from bagalau.engine.expressions import BASE_NAMESPACE, CONTEXT_NAME, EvaluationContext, ZeroDenominator
from bagalau.engine.penalties import AppliedPenalty, PenaltyError, sum_penalties
from bagalau.i18n import N_

__all__ = ["AppliedPenalty", "BodyScore", "EXPLANATION_SCHEMA", "Scorer", "ScoringError", "normalise_option_key"]


class ScoringError(ValueError):
    """A body that cannot be scored (e.g. a division by zero the definition has no rule for)."""

    def __init__(self, body: str, node: str, reason: str):
        super().__init__(f"body '{body}', node {node}: {reason}")
        self.body, self.node, self.reason = body, node, reason


@dataclass
class BodyScore:
    body_id: str
    total: Exact                       # exact (int or Fraction), after penalties
    scores: dict[str, Exact]           # exact, per node id
    explanation: dict | None = None
    name: str | None = None
    penalty: Exact = 0                 # points taken off by penalties
    grades: dict[str, dict] = field(default_factory=dict)
    profile: str | None = None


@dataclass
class _NodeOutcome:
    score: Exact
    notes: list[dict] = field(default_factory=list)
    used: dict[str, Any] = field(default_factory=dict)
    detail: list[dict] | None = None
    status: str = "scored"             # scored | not_applicable | zero_denominator


class Scorer:
    """Scores bodies for one methodology edition and one set of options."""

    def __init__(self, compiled: CompiledMethodology, options: dict[str, str] | None = None):
        if compiled.problems:
            raise DefinitionError(compiled.problems)
        self.compiled = compiled
        self.methodology = compiled.methodology
        self.options = self._resolve_options(options or {})
        rounding = self.methodology.rounding
        self.places, self.rounding_mode = rounding.places, rounding.mode
        self.round_nodes = rounding.stage == "node"
        self._ordered = [(node_id, compiled.nodes[node_id]) for node_id in compiled.order]
        self._with_applicability_rules = [(node_id, c) for node_id, c in compiled.nodes.items()
                                          if c.not_applicable is not None]
        self.base_namespace = {
            **BASE_NAMESPACE,
            **compiled.parameters,
            **{f"option_{key}": value for key, value in self.options.items()},
        }
        for node in compiled.nodes.values():
            for formula in (node.formula, node.not_applicable, node.checklist_scale, node.cohort_when,
                            node.cohort_over, *node.deduction_counts, *node.deduction_caps,
                            *(variable for _, variable in node.variables)):
                if formula is not None:
                    self.base_namespace.update(formula.constants)
        for check in compiled.checks:
            self.base_namespace.update(check.rule.constants)
        if compiled.total_formula:
            self.base_namespace.update(compiled.total_formula.constants)
        self._lower_overrides = {}
        for node_id, compiled_node in compiled.nodes.items():
            rule = compiled_node.node.lower_option
            if rule is not None:
                self._lower_overrides[node_id] = (exact(rule.lower[self.options[rule.option]]), rule.option)
        floor_option = self.methodology.min_total_option
        self.total_floor = (None if floor_option and self.options.get(floor_option) == "none"
                            else exact(self.methodology.min_total))
        self.writer = ExplanationWriter(compiled, self.options, self.round, self._aggregate_mode)

    def _resolve_options(self, chosen: dict[str, str]) -> dict[str, str]:
        resolved = {key: option.default for key, option in self.methodology.options.items()}
        for key, value in chosen.items():
            key = normalise_option_key(key)
            if key not in self.methodology.options:
                raise ValueError(f"unknown option '{key}'; this edition has: "
                                 f"{', '.join(sorted(self.methodology.options)) or 'none'}")
            choices = self.methodology.options[key].choices
            if value not in choices:
                raise ValueError(f"option {key}: '{value}' is not one of {', '.join(choices)}")
            resolved[key] = value
        return resolved

    def conditions(self, formulas: list, values: dict[str, Any], period: int | None = None) -> list[bool]:
        """Evaluate yes/no formulas (e.g. cohort rules' `when`) on one body's inputs."""
        if not formulas:
            return []
        namespace = {**self.base_namespace, **values, "period": period, "profile": self.compiled.profile}
        namespace[CONTEXT_NAME] = EvaluationContext(self.compiled.bands, {})
        return [bool(eval(formula.code, namespace)) for formula in formulas]

    def condition(self, formula, values: dict[str, Any], period: int | None = None) -> bool:
        return self.conditions([formula], values, period)[0]

    def round(self, value) -> Decimal:
        """The value as the act prints it: a Decimal with the definition's places,
        rounded from the exact value (half up unless the definition says otherwise)."""
        return round_to(exact(value), self.places, self.rounding_mode)

    # --- one body -------------------------------------------------------------

    def score(self, body_id: str, values: dict[str, Any], *, explain: bool = False,
              period: int | None = None, name: str | None = None,
              penalties: list[AppliedPenalty] | None = None,
              overrides: dict[str, tuple[Exact, dict]] | None = None) -> BodyScore:
        """Score one body. ``overrides`` replace a node's score (cohort
        averages), each with the note that explains it."""
        namespace = {**self.base_namespace, **values, "period": period, "profile": self.compiled.profile}
        scores: dict[str, Exact] = {}
        context = EvaluationContext(self.compiled.bands, scores)
        namespace[CONTEXT_NAME] = context
        not_applicable, weights, redistribution_notes = self._applicability(namespace)
        try:
            direction_penalties, total_penalty, penalty_lines = sum_penalties(
                self.methodology, self.compiled.top_level, penalties or [])
        except PenaltyError as exc:
            raise ScoringError(body_id, exc.node, exc.reason) from None
        outcomes: dict[str, _NodeOutcome] = {}
        taken: dict[str, Exact] = {}       # direction penalties actually taken, after the floor
        for node_id, compiled in self._ordered:
            if context.notes:
                context.notes = []
            if overrides and node_id in overrides:
                score, override_note = overrides[node_id]
                score = scores[node_id] = exact(score)
                if explain:
                    outcomes[node_id] = _NodeOutcome(score, [override_note], status="cohort_average")
                continue
            try:
                outcome = self._evaluate(compiled, namespace, scores, weights, not_applicable, explain)
            except ZeroDenominator as exc:
                raise ScoringError(body_id, node_id, f"zero denominator in {exc.where} and the "
                                   "node has no zero-denominator rule") from None
            except (ArithmeticError, TypeError) as exc:
                missing = self._missing_names(compiled, namespace)
                if missing:
                    raise ScoringError(body_id, node_id, f"missing input(s) {', '.join(missing)}: the node applies "
                                       "to this body, so they must be given") from None
                raise ScoringError(body_id, node_id, f"cannot evaluate: {exc}") from None
            if node_id in direction_penalties:
                amount, notes = direction_penalties[node_id]
                taken[node_id] = self._take_direction_penalty(outcome, amount, notes)
            if self.round_nodes:
                outcome.score = round_exact(outcome.score, self.places, self.rounding_mode)
            scores[node_id] = outcome.score
            if explain:
                outcome.notes = redistribution_notes.get(node_id, []) + context.notes + outcome.notes
                outcomes[node_id] = outcome
        before_penalties = self._total(namespace, scores)
        total = before_penalties - total_penalty
        unfloored = total
        if self.total_floor is not None and total < self.total_floor:
            total = self.total_floor
        penalty = total_penalty + sum(taken.values())
        grades = self._grades(total, scores)
        explanation = None
        if explain:
            explanation = self.writer.explanation(body_id, name, total, outcomes, weights, period)
            explanation["total_before_penalties"] = _text(before_penalties)
            explanation["penalties"] = penalty_lines
            if total != unfloored:
                option = self.methodology.min_total_option
                explanation["total_floor"] = {
                    "min_total": _text(self.total_floor), "unfloored": _text(unfloored), "option": option,
                    **note("total_floor", N_("total {unfloored} raised to min_total {min_total}{option}"),
                           unfloored=_text(unfloored), min_total=_text(self.total_floor),
                           option=sub(N_(" (option {option} = {choice})"), option=code(option),
                                      choice=code(self.options[option])) if option else "")}
            explanation["grades"] = grades
        return BodyScore(body_id=body_id, total=total, scores=scores, explanation=explanation, name=name,
                         penalty=penalty, grades=grades)

    def _take_direction_penalty(self, outcome: _NodeOutcome, amount: Exact, notes: list[dict]) -> Exact:
        """Take a direction's penalties off its score, down to the edition's
        penalty floor (never above the score before them); the amount taken."""
        before = outcome.score
        outcome.score = before - amount
        outcome.notes.extend(notes)
        floor = self.methodology.penalty_floor
        if floor is not None and outcome.score < floor:
            floor = min(exact(floor), before)
            outcome.score = floor
            reading = self.methodology.penalty_floor_reading
            outcome.notes.append({
                **note("penalty_floor", N_("penalties of {amount} would take {before} to {after}; floored at "
                                           "{floor}, so {taken} taken{reading}"),
                       amount=_text(amount), before=_text(before), after=_text(before - amount), floor=_text(floor),
                       taken=_text(before - floor),
                       reading=sub(N_(" (reading {reading})"), reading=code(reading)) if reading else ""),
                "nominal": _text(amount), "taken": _text(before - floor)})
        return before - outcome.score

    def _grades(self, total: Exact, scores: dict[str, Exact]) -> dict[str, dict]:
        """The act's grade bands, on the rounded value (a 89.996 reads as 90.00)."""
        if not self.methodology.grades:
            return {}
        graded = {}
        for target in self.methodology.grades_apply_to:
            value = total if target == "total" else scores.get(target)
            if value is None:
                continue
            rounded = self.round(value)
            for grade in self.methodology.grades:
                if (grade.low is None or rounded >= grade.low) and (grade.high is None or rounded < grade.high):
                    graded[target] = grade.name.model_dump(exclude_none=True)
                    break
        return graded

    def _applicability(self, namespace):
        not_applicable: set[str] = set()
        weights = self.compiled.default_weights.copy()
        notes: dict[str, list[dict]] = {}
        for node_id, compiled in self._with_applicability_rules:
            if compiled.parent in not_applicable:
                continue
            if eval(compiled.not_applicable.code, namespace):
                not_applicable.add(node_id)
                not_applicable.update(n.id for n in compiled.node.walk())
                rule = compiled.node.not_applicable
                if rule.then == "redistribute":
                    share = divide(compiled.maximum, len(rule.to))
                    for target in rule.to:
                        weights[target] += share
                        self._move_ancestor_weights(node_id, target, share, weights, notes)
                        notes.setdefault(target, []).append(note(
                            "weight_received", N_("{points} points added from {node} (not applicable: {meaning}); "
                                                  "weight is now {weight} ({paragraph})"),
                            points=_text(share), node=node_id, meaning=prose(rule.meaning),
                            weight=_text(weights[target]), paragraph=ref(rule.paragraph or compiled.node.paragraph)))
        return not_applicable, weights, notes

    def _missing_names(self, compiled: CompiledNode, namespace) -> list[str]:
        names = set()
        for formula in (compiled.formula, *(v for _, v in compiled.variables)):
            if formula is not None:
                names |= formula.names
        return sorted(name for name in names if name in self.compiled.inputs and namespace.get(name) is None)

    def _ancestors(self, node_id: str) -> list[str]:
        chain = []
        parent = self.compiled.nodes[node_id].parent
        while parent is not None:
            chain.append(parent)
            parent = self.compiled.nodes[parent].parent
        return chain

    def _move_ancestor_weights(self, donor: str, target: str, share: Exact, weights, notes) -> None:
        """Weight moved across criteria also moves the criteria's caps: the
        receiving side's ancestors gain it, the giving side's lose it."""
        donor_side, target_side = self._ancestors(donor), self._ancestors(target)
        for ancestor in target_side:
            if ancestor not in donor_side:
                weights[ancestor] += share
                notes.setdefault(ancestor, []).append(note(
                    "weight_received", N_("{points} points moved here from {node} (via {target}); "
                                          "maximum is now {maximum}"),
                    points=_text(share), node=donor, target=target, maximum=_text(weights[ancestor])))
        for ancestor in donor_side:
            if ancestor not in target_side:
                weights[ancestor] -= share
                notes.setdefault(ancestor, []).append(note(
                    "weight_moved", N_("{points} points of {node} moved to {target}; maximum here is now {maximum}"),
                    points=_text(share), node=donor, target=target, maximum=_text(weights[ancestor])))

    def _evaluate(self, compiled: CompiledNode, namespace, scores, weights, not_applicable, explain) -> _NodeOutcome:
        node = compiled.node
        weight = weights[node.id]
        if node.id in not_applicable:
            outcome = self._not_applicable_outcome(compiled, not_applicable)
            if explain and compiled.not_applicable is not None:
                outcome.used = {name: namespace.get(name) for name in sorted(compiled.not_applicable.names)}
            return outcome
        namespace["weight"] = weight
        if node.checklist is not None:
            outcome = self._checklist(compiled, namespace, explain)
        elif compiled.formula is not None:
            try:
                for name, variable in compiled.variables:
                    namespace[name] = eval(variable.code, namespace)
                value = eval(compiled.formula.code, namespace)
            except (ZeroDenominator, ZeroDivisionError) as exc:
                outcome = self._zero_denominator(compiled, weight, exc)
            else:
                outcome = _NodeOutcome(_number(value, compiled.formula.source))
                if explain and node.explain:
                    outcome.notes.append(note("explained", N_("{sentence}"), sentence=prose(
                        node.explain, **{name: _text(namespace[name]) for name, _ in compiled.variables})))
        else:
            outcome = _NodeOutcome(self._aggregate(node, scores, not_applicable))
        if explain and compiled.formula is not None:
            names = set(compiled.formula.names).union(*(v.names for _, v in compiled.variables))
            outcome.used = {name: namespace.get(name) for name in sorted(names)}
            if node.provenance == "entered" and not node.formula:
                comment = namespace.get(entered_input_id(node.id) + "_comment")
                outcome.notes.append(note("entered", N_("entered by an authorised person within [{low}, {high}]: "
                                                        "{comment}"),
                                          low=_text(compiled.bounds[0]), high=_text(compiled.bounds[1]),
                                          comment=str(comment)))
        if compiled.deduction_counts:
            self._apply_deductions(compiled, namespace, outcome, weight)
        low, high = compiled.bounds if weight == compiled.maximum else self._bounds(compiled, weight)
        if node.id in self._lower_overrides:
            low = self._lower_overrides[node.id][0]
        score = outcome.score
        if score > high or score < low or not score:
            self._apply_bounds(outcome, low, high)
        return outcome

    def _aggregate(self, node, scores, not_applicable) -> Exact:
        if self._aggregate_mode(node.aggregate, node.aggregate_option) == "sum":
            return sum(scores[child.id] for child in node.children)
        # A mean is over the children that apply; "full"/"zero" children still count.
        counted = [scores[child.id] for child in node.children
                   if child.id not in not_applicable or self._scored_when_not_applicable(child.id)]
        return divide(sum(counted), len(counted)) if counted else 0

    def _scored_when_not_applicable(self, node_id: str) -> bool:
        rule = self.compiled.nodes[node_id].node.not_applicable
        return rule is not None and rule.then in ("full", "zero")

    def _not_applicable_outcome(self, compiled: CompiledNode, not_applicable) -> _NodeOutcome:
        node = compiled.node
        rule = node.not_applicable
        if rule is None:  # a descendant of a not-applicable node
            return _NodeOutcome(0, [note("not_applicable", N_("parent is not applicable"))],
                                status="not_applicable")
        if rule.then == "full":
            score, consequence = compiled.maximum, sub(N_("scores its full {points} points"),
                                                       points=_text(compiled.maximum))
        elif rule.then == "zero":
            score, consequence = 0, sub(N_("scores 0"))
        else:
            score, consequence = 0, sub(N_("its {points} points move to {targets}"), points=_text(compiled.maximum),
                                        targets=code(", ".join(rule.to)))
        return _NodeOutcome(score, [note("not_applicable", N_("not applicable: {meaning}; {consequence} ({paragraph})"),
                                         meaning=prose(rule.meaning), consequence=consequence,
                                         paragraph=ref(rule.paragraph or node.paragraph))],
                            status="not_applicable")

    def _zero_denominator(self, compiled: CompiledNode, weight: Exact, exc: Exception) -> _NodeOutcome:
        rule = compiled.node.zero_denominator
        where = exc.where if isinstance(exc, ZeroDenominator) else compiled.formula.source
        if rule is None:
            raise ZeroDenominator(where)
        then = self.options.get(rule.option, rule.then) if rule.option else rule.then
        score = weight if then == "full" else 0
        reading = code(f" [{rule.reading}]") if rule.reading else ""
        return _NodeOutcome(score, [note("zero_denominator", N_("zero denominator in {where}: {meaning}; "
                                                                "scores {score}{reading}"),
                                         where=code(where), meaning=prose(rule.meaning), score=_text(score),
                                         reading=reading)],
                            status="zero_denominator")

    def _apply_deductions(self, compiled: CompiledNode, namespace, outcome: _NodeOutcome, weight) -> None:
        if not compiled.deduction_counts:
            return
        for deduction, (per_unit, floor), count_formula, cap_formula in zip(
                compiled.node.deductions, compiled.deduction_units, compiled.deduction_counts, compiled.deduction_caps):
            count = _number(eval(count_formula.code, namespace), deduction.count)
            amount = per_unit * count
            args = {"per_unit": _text(per_unit), "count": _text(count), "amount": _text(amount),
                    "capped": "", "floored": ""}
            if cap_formula is not None:
                cap = _number(eval(cap_formula.code, namespace), deduction.cap)
                if amount > cap:
                    args["capped"] = sub(N_(", capped at {cap} ({formula})"), cap=_text(cap),
                                         formula=code(deduction.cap))
                    amount = cap
            before = outcome.score
            outcome.score -= amount
            if floor is not None and outcome.score < floor:
                outcome.score = floor
                args["floored"] = sub(N_("; floored at {floor}"), floor=_text(floor))
            if amount:
                outcome.notes.append(note("deduction", N_("deduction {per_unit} × {count} = {amount}{capped}{floored}: "
                                                          "{before} → {after} ({paragraph})"),
                                          **args, before=_text(before), after=_text(outcome.score),
                                          paragraph=ref(deduction.paragraph or compiled.node.paragraph)))

    @staticmethod
    def _bounds(compiled: CompiledNode, weight: Exact) -> tuple[Exact, Exact]:
        low = compiled.lower if compiled.lower is not None else min(0, weight)
        high = compiled.upper if compiled.upper is not None else max(0, weight)
        return low, high

    @staticmethod
    def _apply_bounds(outcome: _NodeOutcome, low: Exact, high: Exact) -> None:
        if not outcome.score:
            outcome.score = 0  # a zero Fraction shows as 0 like any other zero
        if outcome.score > high:
            outcome.notes.append(note("cap_applied", N_("{score} capped at the maximum {cap}"),
                                      score=_text(outcome.score), cap=_text(high)))
            outcome.score = high
        elif outcome.score < low:
            outcome.notes.append(note("floor_applied", N_("{score} raised to the floor {floor}"),
                                      score=_text(outcome.score), floor=_text(low)))
            outcome.score = low

    def _checklist(self, compiled: CompiledNode, namespace, explain) -> _NodeOutcome:
        rule = compiled.node.checklist
        reading = self.options.get(rule.sections_option, rule.sections_not_applicable) \
            if rule.sections_option else rule.sections_not_applicable
        score, detail, notes = score_checklist(
            compiled, self.compiled.checklist_layouts[compiled.node.id], reading,
            lambda total: _number(eval(compiled.checklist_scale.code, namespace), rule.scale) * total,
            namespace, explain)
        return _NodeOutcome(score, notes, detail=detail)

    # --- total ----------------------------------------------------------------

    def _total(self, namespace, scores) -> Exact:
        if self.compiled.total_formula is not None:
            return _number(eval(self.compiled.total_formula.code, namespace), self.compiled.total_formula.source)
        top = [scores[node_id] for node_id in self.compiled.top_level]
        if self._aggregate_mode(self.methodology.total_aggregate, self.methodology.total_aggregate_option) == "mean":
            return divide(sum(top), len(top)) if top else 0
        return sum(top)

    def _aggregate_mode(self, default: str, option: str | None) -> str:
        return self.options.get(option, default) if option else default


def normalise_option_key(key: str) -> str:
    """Accept A-04, A04 and A4 (or X-11 and X11) alike: the specs write both."""
    import re
    match = re.fullmatch(r"([A-Za-z]+)-?0*(\d+)", key.strip())
    return f"{match.group(1).upper()}{int(match.group(2))}" if match else key.strip()


def _number(value, formula: str) -> Exact:
    """A formula's value as an exact number; a Fraction that is whole becomes an int."""
    kind = type(value)
    if kind is int:
        return value
    if kind is Fraction:
        return value.numerator if value.denominator == 1 else value
    if kind is bool:
        return int(value)
    raise TypeError(f"formula '{formula}' gave {value!r}, not an exact number")
