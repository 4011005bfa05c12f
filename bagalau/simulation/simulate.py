"""One cohort under two editions, or two readings (option sets), or both.

``compare`` scores the cohort under A and under B with the columnar scorer
and reports, per body, the total, rank and grade under each and the change,
and per node the mean change of its shown value and the bodies it moved most.
Values are the ones the act prints (rounded half up), so every change shown
is exact. Inputs an edition does not know are left out for it (last year's
report under this year's act), and each side is validated on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from bagalau.engine import catalog
from bagalau.engine.editions import diff as diff_editions
from bagalau.engine.inputs import InputError, Submission, ValidatedInputs
from bagalau.simulation.cohorts import ColumnarCohort, CohortResult


@dataclass
class Side:
    """Edition A or B: an edition and the options chosen for it."""

    edition: str
    options: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        chosen = ", ".join(f"{k}={v}" for k, v in sorted(self.options.items()))
        return self.edition + (f" [{chosen}]" if chosen else "")


@dataclass
class BodyChange:
    id: str
    name: str | None
    profile: str | None
    total_a: Decimal | None
    total_b: Decimal | None
    rank_a: int | None
    rank_b: int | None
    grade_a: str | None
    grade_b: str | None
    changed_nodes: list[str]

    @property
    def change(self) -> Decimal | None:
        if self.total_a is None or self.total_b is None:
            return None
        return self.total_b - self.total_a


@dataclass
class NodeChange:
    id: str
    in_a: bool
    in_b: bool
    bodies: int                      # bodies that have the node under both
    changed: int                     # of them, how many show another value
    mean_change: Decimal | None      # mean of B − A over those bodies, rounded to the shown places
    most_affected: list[tuple[str, Decimal]]


@dataclass
class Comparison:
    a: Side
    b: Side
    bodies: list[BodyChange]
    nodes: list[NodeChange]
    diff: list[dict]
    option_changes: list[dict]
    fallback: dict[str, float]       # side -> share of bodies recomputed by the reference scorer
    whole_reference: dict[str, str | None]


def prepare(cohort: ColumnarCohort, submissions: list[Submission]) -> list[ValidatedInputs]:
    """Validate the submissions for one side, dropping the inputs its edition does not have."""
    problems = []
    validated = []
    for submission in submissions:
        compiled = cohort.reference.scorer(submission.profile).compiled
        kept = Submission(submission.body_id, submission.name,
                          {k: v for k, v in submission.raw.items() if k in compiled.inputs},
                          submission.locations, submission.period, submission.origin, submission.profile,
                          submission.methodology)
        try:
            validated.append(cohort.reference.validate(kept))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return validated


def compare(a: Side, b: Side, submissions: list[Submission], period: int | None = None,
            top: int = 3) -> Comparison:
    cohorts = {"a": ColumnarCohort(a.edition, a.options), "b": ColumnarCohort(b.edition, b.options)}
    results: dict[str, CohortResult] = {}
    for key, cohort in cohorts.items():
        results[key] = cohort.score(prepare(cohort, submissions), period=period)
    ra, rb = results["a"], results["b"]
    index_b = {body_id: i for i, body_id in enumerate(rb.body_ids)}
    bodies = []
    for i, body_id in enumerate(ra.body_ids):
        j = index_b.get(body_id)
        changed = [] if j is None else sorted(
            node for node in set(ra.units[i]) | set(rb.units[j]) if ra.units[i].get(node) != rb.units[j].get(node))
        bodies.append(BodyChange(
            body_id, ra.names[i], ra.profiles[i], ra.shown(ra.total_units[i]),
            None if j is None else rb.shown(rb.total_units[j]), int(ra.ranks[i]),
            None if j is None else int(rb.ranks[j]), _grade(ra.grades[i]),
            None if j is None else _grade(rb.grades[j]), changed))
    nodes = []
    node_ids = list(dict.fromkeys([n for units in ra.units for n in units] + [n for units in rb.units for n in units]))
    for node_id in node_ids:
        deltas = []
        in_a = any(node_id in units for units in ra.units)
        in_b = any(node_id in units for units in rb.units)
        for i, body_id in enumerate(ra.body_ids):
            j = index_b.get(body_id)
            if j is None or node_id not in ra.units[i] or node_id not in rb.units[j]:
                continue
            deltas.append((body_id, rb.units[j][node_id] - ra.units[i][node_id]))
        mean = None
        if deltas:
            mean = _shown(Fraction(sum(d for _, d in deltas), len(deltas)), ra.places)
        most = sorted((d for d in deltas if d[1]), key=lambda d: (-abs(d[1]), d[0]))[:top]
        nodes.append(NodeChange(node_id, in_a, in_b, len(deltas), sum(1 for _, d in deltas if d), mean,
                                [(body_id, Decimal(d).scaleb(-ra.places)) for body_id, d in most]))
    changes = []
    if a.edition != b.edition:
        changes = [c.__dict__ for c in diff_editions(catalog.methodology(a.edition), catalog.methodology(b.edition))]
    option_changes = []
    if a.edition == b.edition:
        oa, ob = cohorts["a"].options, cohorts["b"].options
        option_changes = [{"option": k, "a": oa.get(k), "b": ob.get(k)} for k in sorted(set(oa) | set(ob))
                          if oa.get(k) != ob.get(k)]
    return Comparison(a, b, bodies, nodes, changes, option_changes,
                      {"a": ra.fallback_share, "b": rb.fallback_share},
                      {"a": ra.whole_reference, "b": rb.whole_reference})


def _grade(grades: dict) -> str | None:
    grade = grades.get("total")
    if not grade:
        return None
    return grade.get("ru") or grade.get("en") or grade.get("kk")


def _shown(units: Fraction, places: int) -> Decimal:
    """A mean of values in 10⁻ᵖ units, rounded half up to the same places."""
    magnitude = abs(units)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    whole += 2 * remainder >= magnitude.denominator
    return Decimal(-whole if units < 0 else whole).scaleb(-places)


def as_document(comparison: Comparison) -> dict:
    def text(value):
        return None if value is None else format(value, "f")
    return {
        "schema": "bagalau.simulation/1",
        "a": {"edition": comparison.a.edition, "options": comparison.a.options},
        "b": {"edition": comparison.b.edition, "options": comparison.b.options},
        "bodies": [{"id": b.id, "name": b.name, "profile": b.profile, "total_a": text(b.total_a),
                    "total_b": text(b.total_b), "change": text(b.change), "rank_a": b.rank_a, "rank_b": b.rank_b,
                    "grade_a": b.grade_a, "grade_b": b.grade_b, "changed_nodes": b.changed_nodes}
                   for b in comparison.bodies],
        "nodes": [{"id": n.id, "in_a": n.in_a, "in_b": n.in_b, "bodies": n.bodies, "changed": n.changed,
                   "mean_change": text(n.mean_change),
                   "most_affected": [{"id": body_id, "change": text(d)} for body_id, d in n.most_affected]}
                  for n in comparison.nodes],
        "diff": comparison.diff,
        "option_changes": comparison.option_changes,
        "reference_share": comparison.fallback,
        "whole_reference": comparison.whole_reference,
    }
