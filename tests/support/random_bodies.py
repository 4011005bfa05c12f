"""Random valid bodies for every edition and profile, checked against the
independent evaluator (issue 7, "Done means": random bodies).

``random_raw(compiled, rng)`` draws a value for every input from its
definition (type, bounds, list lengths), often at the edges (0, the bounds,
empty lists) so that zero denominators, not-applicable nodes and floors are
reached, and for some checklist sections the section's points instead of
its items; then it mends the body until the edition's checks pass: for a rule
``left <= right`` it shrinks the inputs on the left, for ``left > c`` it
draws the left again above the bound, and anything else it draws again.
A body that cannot be mended in a few rounds is dropped and drawn anew.

``check_cohort(edition, profile, rng, size)`` scores one random cohort (random
options, random penalties) with the engine, explanations on, and with the
reference evaluator, and returns the mismatches of every shown value (each
node's score and the total, rounded half up by the reference itself).
Everything is seeded: the same seed gives the same bodies.
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.explanations import walk
from bagalau.engine.inputs import InputError, Submission
from bagalau.engine.scoring import AppliedPenalty, ScoringError
from bagalau.engine.expressions import BASE_NAMESPACE, CONTEXT_NAME, EvaluationContext, ZeroDenominator

from support.reference_scorer import ReferenceCohort, Unscorable, shown

SCALES = (3, 20, 500, 100_000)


def pairs() -> list[tuple[str, str | None]]:
    """Every edition in the catalogue with each of its profiles."""
    found = []
    for edition in sorted(catalog.definition_paths()):
        methodology = catalog.methodology(edition)
        for profile in (methodology.profiles or [None]):
            found.append((edition, profile))
    return found


def _decimal_text(value: Fraction) -> str:
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def _number(rng: random.Random, low, high, whole: bool):
    low = Fraction(low) if low is not None else Fraction(0)
    high = Fraction(high) if high is not None else low + rng.choice(SCALES)
    if whole:
        low_i, high_i = -(-low.numerator // low.denominator), high.numerator // high.denominator
        pick = rng.random()
        if pick < 0.12:
            return max(low_i, min(0, high_i))
        if pick < 0.2:
            return high_i
        return rng.randint(low_i, high_i)
    pick = rng.random()
    if pick < 0.1:
        return _decimal_text(max(low, min(Fraction(0), high)))
    if pick < 0.18:
        return _decimal_text(high)
    step = Fraction(1, rng.choice((1, 10, 100, 1000)))
    steps = int((high - low) / step)
    value = low + step * rng.randint(0, max(steps, 0))
    if not low <= value <= high:
        value = low
    return _decimal_text(value)


def draw(definition, rng: random.Random):
    kind = definition.type
    if kind == "boolean":
        return rng.random() < 0.65
    if kind == "text":
        return "random body"
    if kind == "integer":
        return _number(rng, definition.min, definition.max, whole=True)
    if kind == "decimal":
        return _number(rng, definition.min, definition.max, whole=False)
    if kind == "positions":
        length = max(definition.min_items or 1, rng.randint(1, 8))
        return [None if rng.random() < 0.15 else rng.randint(1, 60) for _ in range(length)]
    if kind == "decimals":
        length = rng.randint(definition.min_items or 0, 6)
        return [_number(rng, definition.min, definition.max, whole=False) for _ in range(length)]
    raise ValueError(f"no generator for input type {kind}")


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _shrink(raw: dict, names, inputs, rng) -> None:
    for name in names:
        value = raw.get(name)
        if name not in inputs or isinstance(value, (bool, list, str)) or value is None:
            continue
        if inputs[name].type == "integer":
            low = int(inputs[name].min) if inputs[name].min is not None else 0
            raw[name] = rng.randint(min(low, value), value) if value > low else low
        else:
            raw[name] = _decimal_text(Fraction(value) * rng.randint(0, 9) / 10)


def _value(raw: dict, expression: ast.AST, inputs):
    """The value of a sum/difference of inputs and constants, or None."""
    names = _names(expression)
    if not names <= set(inputs) or not all(isinstance(raw.get(n), (int, str)) for n in names):
        return None
    known = {n: Fraction(str(raw[n])) for n in names}
    try:
        return Fraction(eval(compile(ast.Expression(body=expression), "<check>", "eval"), {"__builtins__": {}}, known))
    except Exception:
        return None


def _scale_down(raw: dict, left: ast.AST, right: ast.AST, inputs) -> bool:
    """For 'a + b + … <= r' (inputs on the left, all at least 0), scale the left down to fit r."""
    terms, stack = [], [left]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.BinOp) and isinstance(item.op, ast.Add):
            stack += [item.left, item.right]
        elif isinstance(item, ast.Name) and item.id in inputs:
            terms.append(item.id)
        else:
            return False
    limit, current = _value(raw, right, inputs), _value(raw, left, inputs)
    if limit is None or current is None or current <= 0 or limit < 0:
        return False
    for name in terms:
        scaled = Fraction(str(raw[name])) * limit / current
        if inputs[name].type == "integer":
            raw[name] = scaled.numerator // scaled.denominator
        else:
            raw[name] = _decimal_text(Fraction(int(scaled * 100), 100))
    return True


def _mend(raw: dict, compiled, failing, rng) -> None:
    inputs = compiled.inputs
    for check in failing:
        tree = ast.parse(check.rule.source.strip(), mode="eval").body
        involved = sorted(check.rule.names & set(inputs))
        if isinstance(tree, ast.Compare) and len(tree.ops) == 1:
            op, left, right = tree.ops[0], tree.left, tree.comparators[0]
            if isinstance(op, (ast.LtE, ast.Lt)) and _names(left) & set(inputs):
                if isinstance(left, ast.Call) and getattr(left.func, "id", "") == "abs":
                    for name in sorted(_names(left) & set(inputs)):
                        raw[name] = draw(inputs[name], rng)
                    continue
                if not _scale_down(raw, left, right, inputs):
                    _shrink(raw, sorted(_names(left) & set(inputs)), inputs, rng)
                continue
            if isinstance(op, ast.Eq) and isinstance(right, ast.Name) and right.id in inputs \
                    and all(isinstance(raw.get(n), (int, str)) for n in _names(left) & set(inputs)):
                known = {n: Fraction(str(raw[n])) for n in _names(left) & set(inputs)}
                value = eval(compile(ast.Expression(body=left), "<check>", "eval"), {"__builtins__": {}}, known)
                raw[right.id] = int(value) if inputs[right.id].type == "integer" else _decimal_text(Fraction(value))
                continue
            if isinstance(op, (ast.Gt, ast.GtE)) and not (_names(right) & set(inputs)):
                for name in sorted(_names(left) & set(inputs)):
                    definition = inputs[name]
                    low = max(Fraction(definition.min or 0), Fraction(1))
                    raw[name] = _number(rng, low, definition.max, whole=definition.type == "integer")
                continue
            if isinstance(op, (ast.Gt, ast.GtE)):
                _shrink(raw, sorted(_names(right) & set(inputs)), inputs, rng)
                continue
        for name in involved:
            raw[name] = draw(inputs[name], rng) if rng.random() < 0.7 else (
                False if inputs[name].type == "boolean" else 0 if inputs[name].type == "integer" else raw[name])


def _failing(compiled, values: dict):
    namespace = {**BASE_NAMESPACE, **compiled.parameters, **values}
    namespace[CONTEXT_NAME] = EvaluationContext(compiled.bands, {})
    failing = []
    for check in compiled.checks:
        if check.severity != "error":
            continue
        namespace.update(check.rule.constants)
        if any(values.get(name) is None for name in check.rule.names & set(compiled.inputs)):
            continue
        try:
            if not eval(check.rule.code, namespace):
                failing.append(check)
        except (ZeroDenominator, ZeroDivisionError):
            continue
    return failing


def random_raw(cohort: CohortScorer, profile, rng: random.Random, body_id: str):
    """A raw body that passes the edition's validation, and its validated inputs."""
    compiled = cohort.scorer(profile).compiled
    for _ in range(50):
        raw = {}
        for input_id, definition in compiled.inputs.items():
            if input_id in compiled.section_points:
                continue            # the alternative to a section's items: drawn below, for some sections
            if definition.type == "text" and input_id.endswith("_comment"):
                raw[input_id] = "entered at random for the check"
            else:
                raw[input_id] = draw(definition, rng)
        if compiled.section_points and rng.random() < 0.4:
            section_points(compiled, raw, rng)
        for _ in range(60):
            try:
                validated = cohort.validate(Submission(body_id, body_id, raw, profile=profile))
                return raw, validated
            except InputError as exc:
                values = {}
                for input_id, definition in compiled.inputs.items():
                    try:
                        from bagalau.engine.inputs import coerce
                        values[input_id] = coerce(definition, raw[input_id])
                    except (ValueError, KeyError):
                        values[input_id] = None
                failing = _failing(compiled, values)
                if not failing:
                    raise AssertionError(f"{compiled.methodology.id}: a drawn body is refused for a reason "
                                         f"the generator does not mend: {exc.problems[0]}") from None
                _mend(raw, compiled, failing, rng)
    raise AssertionError(f"{compiled.methodology.id}: no valid body in 50 draws")


def section_points(compiled, raw: dict, rng: random.Random) -> None:
    """For one to four checklist sections, the section's points as a working group records
    them (0 … W, often whole or half points, 0 or W) instead of its items and defects."""
    chosen = rng.sample(sorted(compiled.section_points), min(rng.randint(1, 4), len(compiled.section_points)))
    for points_id in chosen:
        _, _, section = compiled.section_points[points_id]
        for key in (*section.item_ids, section.defects_id):
            raw.pop(key, None)
        weight = Fraction(section.weight)
        top = weight.numerator * 100 // weight.denominator           # cents, never above W
        cents = rng.choice((0, top, top // 50 * 50, rng.randint(0, top // 50) * 50, rng.randint(0, top)))
        raw[points_id] = _decimal_text(Fraction(cents, 100))


def random_options(methodology, rng: random.Random) -> dict[str, str]:
    return {key: rng.choice(sorted(option.choices)) for key, option in methodology.options.items()
            if rng.random() < 0.5}


def random_penalties(methodology, top_level: list[str], rng: random.Random) -> list[AppliedPenalty]:
    applied = []
    for rule_id, rule in methodology.penalties.items():
        if rng.random() < 0.6:
            continue
        for _ in range(rng.randint(1, 2)):
            amount = Decimal(rng.randint(0, 400)) / 100 if rule.amount_entered else None
            node = rng.choice(top_level) if rule.scope == "direction" else None
            applied.append(AppliedPenalty(rule_id, rng.choice((1, 2, 5, 30, 700)), node, "random", amount))
    return applied


@dataclass
class Outcome:
    bodies: int = 0
    values: int = 0                    # shown values compared
    refused: int = 0                   # cohorts both scorers refused
    mismatches: list[str] = field(default_factory=list)


def check_cohort(edition: str, profile, rng: random.Random, size: int, outcome: Outcome,
                 period: int | None = None, explain: bool = True) -> None:
    """One random cohort: the engine's shown values (from the explanation, or with
    ``explain=False`` the scorer's own rounding of each node) against the reference."""
    methodology = catalog.methodology(edition)
    options = random_options(methodology, rng)
    cohort = CohortScorer(edition, options)
    reference = ReferenceCohort(edition, options)
    period = period or methodology.act.signed.year
    top_level = [node.id for node in cohort.scorer(profile).compiled.methodology.nodes]
    bodies, validated, penalties = [], [], {}
    for index in range(size):
        body_id = f"r{index}"
        _, inputs = random_raw(cohort, profile, rng, body_id)
        validated.append(inputs)
        bodies.append((body_id, profile, inputs.values))
        if methodology.penalties and rng.random() < 0.5:
            penalties[body_id] = random_penalties(methodology, top_level, rng)
    expected = reference.score(bodies, period, penalties)
    try:
        results = cohort.score(validated, explain=explain, period=period, penalties=penalties)
    except ScoringError as exc:
        if any(isinstance(value, Unscorable) for value in expected.values()):
            outcome.refused += 1
            return
        outcome.mismatches.append(f"{edition}/{profile} {options}: the engine refused ({exc}), "
                                  "the reference scored every body")
        return
    places = methodology.rounding.places
    for result in results:
        want = expected[result.body_id]
        outcome.bodies += 1
        if isinstance(want, Unscorable):
            outcome.mismatches.append(f"{edition}/{profile} {result.body_id}: the engine scored, the reference "
                                      f"refused ({want})")
            continue
        scores, total = want
        if explain:
            displayed = [(entry["id"], entry["score"]) for entry in walk(result.explanation)]
            displayed.append(("total", result.explanation["total"]))
        else:
            scorer = cohort.scorer(profile)
            displayed = [(node_id, format(scorer.round(value), "f")) for node_id, value in result.scores.items()]
            displayed.append(("total", format(scorer.round(result.total), "f")))
        for node_id, text in displayed:
            outcome.values += 1
            exact_value = total if node_id == "total" else scores[node_id]
            if text != shown(exact_value, places):
                outcome.mismatches.append(
                    f"{edition}/{profile} {options} {result.body_id} {node_id}: engine shows {text}, "
                    f"exact {exact_value} → {shown(exact_value, places)}")
