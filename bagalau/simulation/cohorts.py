"""A cohort on the columnar scorer: profiles, cohort averages, ranks and grades.

``ColumnarCohort`` groups the bodies by profile, scores each group with its
``ColumnarEdition`` (``columnar``), computes the cohort averages some acts give
to bodies they do not assess, and turns the columns into what is shown: each
node's value rounded as the act prints it, the total, the rank and the grades.
``score_columns`` does the same from columns validated by ``columns``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import ceil

import numpy as np

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.inputs import ValidatedInputs
from bagalau.engine.scoring import Scorer, ScoringError
from bagalau.simulation import numeric as nm
from bagalau.simulation.columnar import Batch, ColumnarEdition, Unsupported, _mean, batch_from_values
from bagalau.simulation.numeric import Num


# --- a cohort ------------------------------------------------------------------------

@dataclass
class CohortResult:
    """What the columnar scorer shows for a cohort: per body the rounded value
    of every node (in 10⁻ᵖ units), the total, rank and grades."""

    methodology: str
    options: dict[str, str]
    places: int
    body_ids: list[str]
    names: list[str | None]
    profiles: list[str | None]
    units: list[dict[str, int]]          # per body: node id -> rounded value in 10^-places units
    total_units: np.ndarray
    grades: list[dict[str, dict]]
    ranks: np.ndarray
    fallback: np.ndarray                 # bodies recomputed by the reference scorer
    whole_reference: str | None = None   # why the whole cohort went to the reference scorer, if it did

    def shown(self, units: int) -> Decimal:
        return Decimal(int(units)).scaleb(-self.places)

    @property
    def fallback_share(self) -> float:
        return float(self.fallback.mean()) if len(self.fallback) else 0.0


class ColumnarCohort:
    """Scores a cohort of one edition (bodies of any profile) in columns."""

    def __init__(self, methodology_id: str, options: dict[str, str] | None = None):
        self.methodology_id = methodology_id
        self.reference = CohortScorer(methodology_id, options)
        self.source = self.reference.source
        self.options = self.reference.scorer(None).options
        self.default_profile = self.reference.default_profile
        self._editions: dict = {}

    def edition(self, profile: str | None):
        """The compiled edition for a profile, or the reason it is not supported."""
        profile = profile or self.default_profile
        if profile not in self._editions:
            try:
                self._editions[profile] = ColumnarEdition(catalog.load(self.methodology_id, profile), self.options)
            except Unsupported as exc:
                self._editions[profile] = str(exc)
        return self._editions[profile]

    def score(self, bodies: list[ValidatedInputs], period: int | None = None, penalties: dict | None = None) -> CohortResult:
        n = len(bodies)
        profiles = [b.submission.profile or self.default_profile for b in bodies]
        periods = [period or b.submission.period for b in bodies]
        units: list[dict[str, int] | None] = [None] * n
        total_units = np.zeros(n, dtype=np.int64)
        grades: list[dict] = [{} for _ in range(n)]
        fallback = np.zeros(n, dtype=bool)
        penalised = np.array([bool(penalties and penalties.get(b.submission.body_id)) for b in bodies], dtype=bool)
        reason = None
        groups: dict = {}
        for index, profile in enumerate(profiles):
            groups.setdefault(profile, []).append(index)
        editions = {profile: self.edition(profile) for profile in groups}
        unsupported = [f"{p}: {e}" for p, e in editions.items() if isinstance(e, str)]
        has_cohort_rules = any(not isinstance(e, str) and e.cohort_nodes for e in editions.values())
        if unsupported:
            reason = "not supported in columns: " + "; ".join(unsupported)
        elif has_cohort_rules and len(groups) > 1 and any(
                not self.reference.scorer(p).compiled.nodes[node].node.cohort_average.same_profile
                for p in groups for node in editions[p].cohort_nodes):
            reason = "a cohort average across profiles"
        elif has_cohort_rules and penalised.any():
            reason = "penalties in a cohort with averages"
        group_results = {}
        if reason is None:
            for profile, indices in groups.items():
                edition = editions[profile]
                batch = batch_from_values(edition.compiled, [bodies[i].values for i in indices],
                                          [periods[i] for i in indices])
                outcome = self._score_group(edition, batch)
                if isinstance(outcome, str):
                    reason = outcome
                    break
                group_results[profile] = (edition, indices, outcome)
        if reason is not None:
            return self._all_reference(bodies, period, penalties, reason)
        takers_undecided = False
        for profile, (edition, indices, (scores, total, unsure, takers)) in group_results.items():
            node_units = {}
            decided = ~unsure
            for node_id, value in scores.items():
                rounded, ok = edition.display(value, len(indices))
                node_units[node_id] = rounded
                decided &= ok
            total_rounded, ok = edition.display(total, len(indices))
            decided &= ok
            for position, index in enumerate(indices):
                if not decided[position] or penalised[index]:
                    fallback[index] = True
                    if takers[position]:
                        takers_undecided = True
                    continue
                units[index] = {node_id: int(column[position]) for node_id, column in node_units.items()}
                total_units[index] = total_rounded[position]
                graded = {}
                for target in edition.methodology.grades_apply_to:
                    value = total_rounded[position] if target == "total" else node_units.get(target, [None] * len(indices))[position]
                    if value is None:
                        continue
                    name = edition.grades_of(int(value))
                    if name is not None:
                        graded[target] = name
                grades[index] = graded
        if takers_undecided:
            return self._all_reference(bodies, period, penalties, None, fallback_mask=fallback)
        for index in np.flatnonzero(fallback):
            body = bodies[index]
            scorer = self.reference.scorer(body.submission.profile)
            result = scorer.score(body.submission.body_id, body.values, period=periods[index],
                                  name=body.submission.name,
                                  penalties=(penalties or {}).get(body.submission.body_id))
            self._fill(index, result, scorer, units, total_units, grades)
        return self._result(bodies, profiles, units, total_units, grades, fallback, None)

    def _score_group(self, edition: ColumnarEdition, batch: Batch):
        return score_group(edition, batch)

    def _fill(self, index, result, scorer: Scorer, units, total_units, grades):
        places = scorer.places
        units[index] = {node_id: int(scorer.round(value).scaleb(places)) for node_id, value in result.scores.items()}
        total_units[index] = int(scorer.round(result.total).scaleb(places))
        grades[index] = result.grades

    def _all_reference(self, bodies, period, penalties, reason, fallback_mask=None) -> CohortResult:
        n = len(bodies)
        results = self.reference.score(bodies, period=period, penalties=penalties)
        units: list = [None] * n
        total_units = np.zeros(n, dtype=np.int64)
        grades: list = [{} for _ in range(n)]
        for index, (body, result) in enumerate(zip(bodies, results)):
            self._fill(index, result, self.reference.scorer(body.submission.profile), units, total_units, grades)
        profiles = [b.submission.profile or self.default_profile for b in bodies]
        fallback = np.ones(n, dtype=bool)
        return self._result(bodies, profiles, units, total_units, grades, fallback,
                            reason or "a body taking a cohort average undecided in columns")

    def _result(self, bodies, profiles, units, total_units, grades, fallback, reason) -> CohortResult:
        ranks = np.zeros(len(bodies), dtype=np.int64)
        groups: dict = {}
        for index, profile in enumerate(profiles):
            groups.setdefault(profile, []).append(index)
        ids = [b.submission.body_id for b in bodies]
        for indices in groups.values():
            ordered = sorted(indices, key=lambda i: (-int(total_units[i]), ids[i]))
            previous, rank = None, 0
            for position, index in enumerate(ordered, start=1):
                if previous is None or total_units[index] != previous:
                    rank = position
                previous = total_units[index]
                ranks[index] = rank
        places = self.reference.scorer(None).places
        return CohortResult(self.methodology_id, dict(self.options), places, ids,
                            [b.submission.name for b in bodies], profiles, units, total_units, grades, ranks,
                            fallback, reason)


__all__ = ["Batch", "ColumnarCohort", "ColumnarEdition", "CohortResult", "ScoringError", "Unsupported",
           "batch_from_values"]


def score_group(edition: ColumnarEdition, batch: Batch):
    """One profile's batch: node columns, total, unsure bodies and the bodies taking a cohort
    average (or why the batch cannot be scored in columns)."""
    if not edition.cohort_nodes:
        scores, total, unsure = edition.evaluate(batch, phase="plain")
        return scores, total, unsure, np.zeros(batch.n, dtype=bool)
    needs, unsure_when = edition.conditions(batch, edition.cohort_when, "when")
    if unsure_when.any():
        return "a cohort rule's condition undecided in columns"
    takers = np.zeros(batch.n, dtype=bool)
    for mask in needs.values():
        takers |= mask
    if not takers.any():
        scores, total, unsure = edition.evaluate(batch, phase="plain")
        return scores, total, unsure, takers
    held: dict[str, np.ndarray] = {}
    touched: dict[str, np.ndarray] = {}
    for node_id, mask in needs.items():
        if not mask.any():
            continue
        for member in edition.programs[node_id].subtree:
            held[member] = held.get(member, np.zeros(batch.n, dtype=bool)) | mask
            touched[member] = touched.get(member, np.zeros(batch.n, dtype=bool)) | mask
        for ancestor in edition._ancestors(node_id):
            touched[ancestor] = touched.get(ancestor, np.zeros(batch.n, dtype=bool)) | mask
    zero = nm.constant(0)
    own_scores, _, own_unsure = edition.evaluate(batch, {m: (mask, zero) for m, mask in held.items()}, phase="own")
    over, unsure_over = edition.conditions(batch, edition.cohort_over, "over")
    overrides: dict[str, tuple[np.ndarray, Num]] = {}
    for node_id, mask in needs.items():
        if not mask.any():
            continue
        sources = over[node_id] & ~touched.get(node_id, np.zeros(batch.n, dtype=bool))
        if (own_unsure & sources).any() or (unsure_over & ~touched.get(node_id, takers)).any():
            return "a body feeding a cohort average undecided in columns"
        count = int(sources.sum())
        if count == 0:
            return "no body qualifies for a cohort average"
        for member in edition.programs[node_id].subtree:
            mean = edition.shared(("mean", member), lambda: _mean(own_scores[member], sources))
            if mean is None:
                return "a cohort average over values that are not exact columns"
            if member in overrides:
                return "overlapping cohort averages"
            overrides[member] = (mask, nm.constant(mean))
    scores, total, unsure = edition.evaluate(batch, overrides, phase="final")
    return scores, total, unsure, takers



# --- a cohort in columns, without a Python object per body -----------------------------------

@dataclass
class ColumnResult:
    """What the columnar scorer shows for a cohort of one profile read as columns:
    per node and for the total, every body's shown value in 10⁻ᵖ units; ranks and
    grade indexes (into ``grade_names``, −1 for none) as arrays."""

    methodology: str
    options: dict[str, str]
    places: int
    body_ids: list[str]
    node_units: dict[str, np.ndarray]
    total_units: np.ndarray
    ranks: np.ndarray
    grade_names: list[dict]
    grade_index: dict[str, np.ndarray]          # grades_apply_to target -> index per body
    fallback: np.ndarray
    whole_reference: str | None = None

    def grade(self, target: str = "total") -> list[str | None]:
        names = [g.get("ru") or g.get("en") or g.get("kk") for g in self.grade_names]
        index = self.grade_index.get(target)
        return [None] * len(self.body_ids) if index is None else [names[i] if i >= 0 else None for i in index]


def competition_ranks(totals: np.ndarray) -> np.ndarray:
    """1 + how many bodies have a strictly higher total (ties share a rank). Totals over a
    range of at most a few times the cohort's size are counted (no sort)."""
    n = len(totals)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(totals.min()), int(totals.max())
    if high - low <= 4 * n + 1024:
        offsets = totals - low
        at_most = np.cumsum(np.bincount(offsets, minlength=high - low + 1))    # bodies with a total ≤ each value
        return n - at_most[offsets] + 1
    ordered = np.sort(totals)
    return n - np.searchsorted(ordered, totals, side="right") + 1


def score_columns(cohort: ColumnarCohort, columns) -> ColumnResult:
    """Validate (``columns.validate``) and score a cohort of one profile read as columns."""
    from bagalau.simulation.columns import validate as validate_columns
    profile = columns.profile or cohort.default_profile
    edition = cohort.edition(profile)
    compiled = catalog.load(cohort.methodology_id, profile)
    batch = validate_columns(compiled, columns)
    n = batch.n
    reason = edition if isinstance(edition, str) else None
    outcome = None if reason else cohort._score_group(edition, batch)
    if isinstance(outcome, str):
        reason = outcome
    scorer = cohort.reference.scorer(profile)
    if reason is not None:
        node_units = {node_id: np.zeros(n, dtype=np.int64) for node_id in compiled.nodes}
        total_units = np.zeros(n, dtype=np.int64)
        fallback = np.ones(n, dtype=bool)
        bodies = [cohort.reference.validate(columns.submission(i)) for i in range(n)]
        for index, result in enumerate(cohort.reference.score(bodies, period=columns.period)):
            _fill_arrays(index, result, scorer, node_units, total_units)
    else:
        scores, total, unsure, takers = outcome
        decided = ~unsure
        node_units = {}
        seen = {id(num.n) for num in batch.numbers.values()}       # inputs' arrays are never handed out
        for node_id, value in scores.items():
            units, ok = nm.rounded(value, edition.places)
            node_units[node_id] = _own_units(units, n, seen)
            decided &= ok
        units, ok = nm.rounded(total, edition.places)
        total_units = _own_units(units, n, seen)
        decided = decided & ok
        fallback = ~decided if batch.read_by_engine is None else ~decided | batch.read_by_engine
        if (fallback & takers).any():
            return score_columns_reference(cohort, columns, "a body taking a cohort average undecided in columns")
        for index in np.flatnonzero(fallback):
            body = cohort.reference.validate(columns.submission(int(index)))
            result = scorer.score(body.submission.body_id, body.values, period=columns.period)
            _fill_arrays(index, result, scorer, node_units, total_units)
    return _column_result(cohort, scorer, columns, node_units, total_units, fallback, reason)


def _own_units(units, n: int, seen: set) -> np.ndarray:
    """Shown values as an int64 array of n that the result owns alone: the rounding's own
    array when it made a fresh one (no copy), else a copy (a constant, a shared column)."""
    if isinstance(units, np.ndarray) and units.shape == (n,) and units.dtype == np.int64 \
            and units.flags.owndata and units.flags.writeable and id(units) not in seen:
        seen.add(id(units))
        return units
    owned = np.array(np.broadcast_to(units, (n,)), dtype=np.int64)
    seen.add(id(owned))
    return owned


def score_columns_reference(cohort, columns, reason) -> ColumnResult:
    profile = columns.profile or cohort.default_profile
    scorer = cohort.reference.scorer(profile)
    n = len(columns)
    node_units = {node_id: np.zeros(n, dtype=np.int64) for node_id in scorer.compiled.nodes}
    total_units = np.zeros(n, dtype=np.int64)
    bodies = [cohort.reference.validate(columns.submission(i)) for i in range(n)]
    for index, result in enumerate(cohort.reference.score(bodies, period=columns.period)):
        _fill_arrays(index, result, scorer, node_units, total_units)
    return _column_result(cohort, scorer, columns, node_units, total_units, np.ones(n, dtype=bool), reason)


def _fill_arrays(index, result, scorer: Scorer, node_units, total_units):
    places = scorer.places
    for node_id, value in result.scores.items():
        node_units[node_id][index] = int(scorer.round(value).scaleb(places))
    total_units[index] = int(scorer.round(result.total).scaleb(places))


def _column_result(cohort, scorer: Scorer, columns, node_units, total_units, fallback, reason) -> ColumnResult:
    methodology = scorer.compiled.methodology
    places = scorer.places
    bounds = [(None if g.low is None else ceil(Fraction(g.low) * 10 ** places),
               None if g.high is None else ceil(Fraction(g.high) * 10 ** places)) for g in methodology.grades]
    grade_index = {}
    for target in methodology.grades_apply_to:
        units = total_units if target == "total" else node_units.get(target)
        if units is None:
            continue
        conditions = [(units >= low if low is not None else True) & (units < high if high is not None else True)
                      for low, high in bounds]
        grade_index[target] = np.select([np.broadcast_to(c, units.shape) for c in conditions],
                                        list(range(len(bounds))), -1) if bounds else np.full(len(units), -1)
    return ColumnResult(cohort.methodology_id, dict(cohort.options), places, list(columns.body_ids), node_units,
                        total_units, competition_ranks(total_units),
                        [g.name.model_dump(exclude_none=True) for g in methodology.grades], grade_index, fallback,
                        reason)
