"""An independent exact evaluator of a compiled edition's tree (issue 7, "Done means").

It shares with the engine only what defines the act as data: the compiled
tree (nodes, their order, bounds and rules), the formula language (each
formula's compiled code and the functions it may call) and the parameters.
Everything the scorer decides is written again here, separately and plainly,
in ``fractions.Fraction``: not-applicable nodes and where their weight goes,
zero denominators, checklists (items, or a section's points entered instead), deductions, bounds, aggregation, penalties
(caps, cap groups, the direction floor), the total and its floor, cohort
averages, and the half-up rounding of every shown value. Nothing from
``bagalau.engine.scoring``, ``cohort``, ``checklists``, ``penalties`` or
``exact`` is imported.

``ReferenceCohort(edition, options).score(bodies)`` returns, per body, the
exact score of every node and the total, or the reason it cannot be scored;
``shown(value, places)`` rounds half up as the acts print.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from bagalau.engine import catalog
from bagalau.engine.expressions import BASE_NAMESPACE, CONTEXT_NAME, EvaluationContext, ZeroDenominator


class Unscorable(Exception):
    """The body cannot be scored (the engine must refuse it too)."""


def shown(value, places: int) -> str:
    """The value rounded half up (ties away from zero) to ``places``, as text."""
    value = Fraction(value)
    scaled = abs(value) * 10 ** places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    text = str(whole).rjust(places + 1, "0")
    text = text[:-places] + "." + text[-places:] if places else text
    return ("-" if value < 0 and whole else "") + text


def _fraction(value):
    if isinstance(value, bool):
        return Fraction(int(value))
    if isinstance(value, (int, Fraction, Decimal)):
        return Fraction(value)
    if isinstance(value, list):
        return [None if item is None else _fraction(item) for item in value]
    return value


class ReferenceProfile:
    """One profile of one edition, with one set of options."""

    def __init__(self, edition: str, profile: str | None, options: dict[str, str]):
        self.compiled = catalog.load(edition, profile)
        self.methodology = self.compiled.methodology
        self.options = {key: option.default for key, option in self.methodology.options.items()}
        self.options.update(options)
        self.places = self.methodology.rounding.places
        assert self.methodology.rounding.mode == "half_up", "the reference rounds half up only"
        self.round_nodes = self.methodology.rounding.stage == "node"
        nodes = self.compiled.nodes
        self.parent = {node_id: c.parent for node_id, c in nodes.items()}
        self.maximum = {node_id: Fraction(c.node.max) for node_id, c in nodes.items()}
        self.top_level = [node.id for node in self.methodology.nodes]
        self._base = None

    # --- namespace ----------------------------------------------------------------

    def _static(self) -> dict:
        namespace = dict(BASE_NAMESPACE)
        namespace.update({key: Fraction(value) for key, value in self.compiled.parameters.items()})
        namespace.update({f"option_{key}": value for key, value in self.options.items()})
        for compiled in self.compiled.nodes.values():
            for formula in (compiled.formula, compiled.not_applicable, compiled.checklist_scale,
                            compiled.cohort_when, compiled.cohort_over, *compiled.deduction_counts,
                            *compiled.deduction_caps, *(variable for _, variable in compiled.variables)):
                if formula is not None:
                    namespace.update(formula.constants)
        if self.compiled.total_formula is not None:
            namespace.update(self.compiled.total_formula.constants)
        return namespace

    def namespace(self, values: dict, period, scores: dict) -> dict:
        if self._base is None:
            self._base = self._static()
        namespace = dict(self._base)
        namespace.update({key: _fraction(value) for key, value in values.items()})
        namespace.update(period=period, profile=self.compiled.profile)
        namespace[CONTEXT_NAME] = EvaluationContext(self.compiled.bands, scores)
        return namespace

    def holds(self, formula, values: dict, period) -> bool:
        return bool(eval(formula.code, self.namespace(values, period, {})))

    def ancestors(self, node_id: str) -> list[str]:
        chain, parent = [], self.parent[node_id]
        while parent is not None:
            chain.append(parent)
            parent = self.parent[parent]
        return chain

    def subtree(self, node_id: str) -> list[str]:
        return [node.id for node in self.compiled.nodes[node_id].node.walk()]

    # --- one body -----------------------------------------------------------------

    def score(self, values: dict, period, penalties=(), overrides: dict | None = None):
        scores: dict[str, Fraction] = {}
        namespace = self.namespace(values, period, scores)
        not_applicable, weights = self._applicability(namespace)
        per_direction, off_total = self._penalties(penalties)
        for node_id in self.compiled.order:
            if overrides and node_id in overrides:
                scores[node_id] = overrides[node_id]
                continue
            score = self._node(node_id, namespace, scores, weights, not_applicable)
            if node_id in per_direction:
                before = score
                score = before - per_direction[node_id]
                floor = self.methodology.penalty_floor
                if floor is not None and score < Fraction(floor):
                    score = min(Fraction(floor), before)
            if self.round_nodes:
                score = Fraction(Decimal(shown(score, self.places)))
            scores[node_id] = score
        if self.compiled.total_formula is not None:
            total = Fraction(eval(self.compiled.total_formula.code, namespace))
        else:
            top = [scores[node_id] for node_id in self.top_level]
            mode = self.methodology.total_aggregate
            if self.methodology.total_aggregate_option:
                mode = self.options.get(self.methodology.total_aggregate_option, mode)
            total = (sum(top, Fraction(0)) / len(top) if top else Fraction(0)) if mode == "mean" else sum(top, Fraction(0))
        total -= off_total
        option = self.methodology.min_total_option
        if not (option and self.options.get(option) == "none"):
            total = max(total, Fraction(self.methodology.min_total))
        return scores, total

    def _applicability(self, namespace):
        not_applicable: set[str] = set()
        weights = dict(self.maximum)
        for node_id, compiled in self.compiled.nodes.items():
            rule = compiled.node.not_applicable
            if rule is None or self.parent[node_id] in not_applicable:
                continue
            if not eval(compiled.not_applicable.code, namespace):
                continue
            not_applicable.update(self.subtree(node_id))
            if rule.then != "redistribute":
                continue
            share = self.maximum[node_id] / len(rule.to)
            donors = self.ancestors(node_id)
            for target in rule.to:
                weights[target] += share
                receivers = self.ancestors(target)
                for ancestor in receivers:
                    if ancestor not in donors:
                        weights[ancestor] += share
                for ancestor in donors:
                    if ancestor not in receivers:
                        weights[ancestor] -= share
        return not_applicable, weights

    def _node(self, node_id, namespace, scores, weights, not_applicable) -> Fraction:
        compiled = self.compiled.nodes[node_id]
        node = compiled.node
        weight = weights[node_id]
        if node_id in not_applicable:
            rule = node.not_applicable
            return self.maximum[node_id] if rule is not None and rule.then == "full" else Fraction(0)
        namespace["weight"] = weight
        if node.checklist is not None:
            score = self._checklist(compiled, namespace)
        elif compiled.formula is not None:
            try:
                for name, variable in compiled.variables:
                    namespace[name] = eval(variable.code, namespace)
                score = Fraction(eval(compiled.formula.code, namespace))
            except (ZeroDenominator, ZeroDivisionError):
                rule = node.zero_denominator
                if rule is None:
                    raise Unscorable(f"{node_id}: zero denominator without a rule") from None
                then = self.options.get(rule.option, rule.then) if rule.option else rule.then
                score = weight if then == "full" else Fraction(0)
            except (ArithmeticError, TypeError) as exc:
                raise Unscorable(f"{node_id}: {exc}") from None
        elif node.aggregate_option and self.options.get(node.aggregate_option, node.aggregate) == "mean" \
                or not node.aggregate_option and node.aggregate == "mean":
            counted = [scores[child.id] for child in node.children
                       if child.id not in not_applicable
                       or (child.not_applicable is not None and child.not_applicable.then in ("full", "zero"))]
            score = sum(counted, Fraction(0)) / len(counted) if counted else Fraction(0)
        else:
            score = sum((scores[child.id] for child in node.children), Fraction(0))
        for deduction, count, cap in zip(node.deductions, compiled.deduction_counts, compiled.deduction_caps):
            amount = Fraction(deduction.per_unit) * Fraction(eval(count.code, namespace))
            if cap is not None:
                amount = min(amount, Fraction(eval(cap.code, namespace)))
            score -= amount
            if deduction.floor is not None:
                score = max(score, Fraction(deduction.floor))
        low = Fraction(node.lower) if node.lower is not None else min(Fraction(0), weight)
        high = Fraction(node.upper) if node.upper is not None else max(Fraction(0), weight)
        if node.lower_option is not None:
            low = Fraction(node.lower_option.lower[self.options[node.lower_option.option]])
        return min(max(score, low), high)

    def _checklist(self, compiled, namespace) -> Fraction:
        rule = compiled.node.checklist
        reading = self.options.get(rule.sections_option, rule.sections_not_applicable) \
            if rule.sections_option else rule.sections_not_applicable
        checklist = self.methodology.checklists[rule.checklist]
        weight_of = {section.id: Fraction(self.compiled.parameters.get(rule.section_weights.get(section.id, ""), 0))
                     for section in checklist.sections}

        def applies(section) -> bool:
            key = f"{rule.checklist}_{section.id.replace('.', '_')}_applies"
            return not section.conditional or bool(namespace.get(key, True))

        factor = Fraction(1)
        if reading == "rescale":
            applying = sum((weight_of[s.id] for s in checklist.sections if applies(s)), Fraction(0))
            whole = sum(weight_of.values(), Fraction(0))
            factor = whole / applying if applying else Fraction(1)
        total = Fraction(0)
        for version in rule.versions:
            for section in checklist.sections:
                section_weight = weight_of[section.id] * factor
                if not applies(section):
                    total += section_weight if factor == 1 else 0
                    continue
                prefix = f"{rule.checklist}_{version}_{section.id.replace('.', '_')}_"
                items = [namespace.get(prefix + item.id) for item in section.items]
                points = namespace.get(prefix + "points")
                if points is not None and None in items:      # the section's points, entered instead
                    total += Fraction(points) * factor
                    continue
                present = sum(1 for value in items if value)
                earned = section_weight * present / len(items)
                deduction = min(Fraction(rule.deduction_per_defect) * namespace[prefix + "defects"],
                                Fraction(rule.deduction_cap_share) * section_weight)
                total += max(earned - deduction, Fraction(0))
        return Fraction(eval(compiled.checklist_scale.code, namespace)) * total

    def _penalties(self, applied):
        """(amount per direction, amount off the total): per rule (and direction), each
        rule's own cap, then the cap of its group."""
        sums: dict[tuple, Fraction] = {}
        for penalty in applied:
            rule = self.methodology.penalties[penalty.rule]
            node = penalty.node if rule.scope == "direction" else None
            each = Fraction(penalty.amount) if rule.amount_entered else Fraction(rule.points or 0)
            amount = Fraction(0) if rule.replaces_value else each * Fraction(penalty.count)
            sums[(penalty.rule, node)] = sums.get((penalty.rule, node), Fraction(0)) + amount
        grouped: dict[tuple, Fraction] = {}
        for (rule_id, node), amount in sums.items():
            rule = self.methodology.penalties[rule_id]
            if rule.cap is not None:
                amount = min(amount, Fraction(rule.cap))
            key = (rule.cap_group or f"rule:{rule_id}", node)
            grouped[key] = grouped.get(key, Fraction(0)) + amount
        per_direction: dict[str, Fraction] = {}
        off_total = Fraction(0)
        for (group, node), amount in grouped.items():
            if group in self.methodology.penalty_caps:
                amount = min(amount, Fraction(self.methodology.penalty_caps[group]))
            if node is None:
                off_total += amount
            else:
                per_direction[node] = per_direction.get(node, Fraction(0)) + amount
        return per_direction, off_total


class ReferenceCohort:
    """Bodies of one edition scored together, with the cohort averages."""

    def __init__(self, edition: str, options: dict[str, str] | None = None):
        self.edition = edition
        self.options = dict(options or {})
        self.methodology = catalog.methodology(edition)
        self.default_profile = next(iter(self.methodology.profiles), None)
        self._profiles: dict = {}

    def profile(self, profile):
        profile = profile or self.default_profile
        if profile not in self._profiles:
            self._profiles[profile] = ReferenceProfile(self.edition, profile, self.options)
        return self._profiles[profile]

    def score(self, bodies: list[tuple[str, str | None, dict]], period, penalties: dict | None = None):
        """bodies: (id, profile, validated values). Returns {id: (scores, total)} or
        {id: Unscorable} for a body that cannot be scored."""
        penalties = penalties or {}
        needs, own, touched = {}, {}, {}
        for body_id, profile, values in bodies:
            reference = self.profile(profile)
            needs[body_id] = [node_id for node_id in reference.compiled.cohort_nodes
                              if reference.holds(reference.compiled.nodes[node_id].cohort_when, values, period)]
            held = {n: Fraction(0) for node_id in needs[body_id] for n in reference.subtree(node_id)}
            touched[body_id] = set(held) | {a for node_id in needs[body_id] for a in reference.ancestors(node_id)}
            try:
                own[body_id] = reference.score(values, period, penalties.get(body_id, ()), held or None)
            except Unscorable as exc:
                own[body_id] = exc
        results = {}
        for body_id, profile, values in bodies:
            if not needs[body_id] or isinstance(own[body_id], Unscorable):
                results[body_id] = own[body_id]
                continue
            reference = self.profile(profile)
            overrides = {}
            try:
                for node_id in needs[body_id]:
                    rule = reference.compiled.nodes[node_id].node.cohort_average
                    sources = []
                    for other_id, other_profile, other_values in bodies:
                        other = self.profile(other_profile)
                        if other_id == body_id or node_id in touched[other_id] or isinstance(own[other_id], Unscorable):
                            continue
                        if rule.same_profile and other.compiled.profile != reference.compiled.profile:
                            continue
                        if node_id not in other.compiled.nodes:
                            continue
                        if other.holds(reference.compiled.nodes[node_id].cohort_over, other_values, period):
                            sources.append(own[other_id][0])
                    if not sources:
                        raise Unscorable(f"{node_id}: no body to average over")
                    for n in reference.subtree(node_id):
                        overrides[n] = sum((s[n] for s in sources), Fraction(0)) / len(sources)
                results[body_id] = reference.score(values, period, penalties.get(body_id, ()), overrides)
            except Unscorable as exc:
                results[body_id] = exc
        return results
