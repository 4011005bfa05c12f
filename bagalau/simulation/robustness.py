"""How robust a rating is to its readings (issue 12).

An edition's named options are the readings users could reasonably choose
otherwise (A13: what a zero denominator scores, …). ``run`` scores one
cohort under every combination of them where there are few (``limit``),
else under a seeded sample, always with the default readings and every
single change from them. Per body it gives the range of totals, ranks and
grades; it flags a body whose grade, or whose place in the top N, changes
with the readings, and names the readings that change it alone: "depends
on reading A13". A body changed only by readings taken together is flagged
"depends on a combination of readings".

The cohort is validated once; each combination is then compiled (formula
programs shared between combinations whose readings they do not read) and
scored in columns.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from types import SimpleNamespace
from dataclasses import dataclass, field

import numpy as np

from bagalau.engine import catalog
from bagalau.simulation.cohorts import ColumnarCohort, _column_result, score_columns, score_group
from bagalau.simulation.columnar import ColumnarEdition, Unsupported
from bagalau.simulation.columns import Columns, validate as validate_columns
from bagalau.simulation.sharing import Memo

ALL_BELOW = 1024        # every combination when there are at most this many


def combinations(edition: str, limit: int = ALL_BELOW, sample: int | None = None, seed: int = 0) -> list[dict]:
    """The option combinations to run: the default first, then every single change from
    it, then all others (when at most ``limit``) or a seeded sample up to ``sample``
    (default ``limit``) combinations in all."""
    options = catalog.methodology(edition).options
    keys = sorted(options)
    default = {key: options[key].default for key in keys}
    singles = [{**default, key: choice} for key in keys for choice in options[key].choices if choice != default[key]]
    chosen = [default] + singles
    every = [dict(zip(keys, values)) for values in itertools.product(*(list(options[k].choices) for k in keys))]
    wanted = sample if sample is not None else limit
    seen = {tuple(sorted(c.items())) for c in chosen}
    rest = [c for c in every if tuple(sorted(c.items())) not in seen]
    if len(every) > limit or (sample is not None and sample < len(every)):
        rest = random.Random(seed).sample(rest, max(0, min(len(rest), wanted - len(chosen))))
    return chosen + rest


@dataclass
class BodyRange:
    id: str
    total_low: object
    total_high: object
    rank_best: int
    rank_worst: int
    grades: list[str]
    top_in: int                     # combinations that place the body in the top N
    depends_on: list[str] = field(default_factory=list)      # readings that alone change grade or top-N place
    flagged: bool = False

    @property
    def note(self) -> str:
        if not self.flagged:
            return ""
        if self.depends_on:
            return "depends on reading " + ", ".join(self.depends_on)
        return "depends on a combination of readings"


@dataclass
class Robustness:
    edition: str
    profile: str | None
    combinations: list[dict]
    top: int
    bodies: list[BodyRange]
    reference_share: float          # share of (body, combination) pairs scored by the reference scorer
    totals: np.ndarray = None       # combination × body: the shown total in 10⁻ᵖ units
    grade_index: np.ndarray = None  # combination × body: index of the total's grade (−1: none)
    grade_names: list = None


def run(edition: str, columns: Columns, combos: list[dict] | None = None, top: int = 10) -> Robustness:
    combos = combos or combinations(edition)
    profile = columns.profile or next(iter(catalog.methodology(edition).profiles), None)
    compiled = catalog.load(edition, profile)
    batch = validate_columns(compiled, columns)
    n = len(columns)
    totals = np.empty((len(combos), n), dtype=np.int64)
    grades = np.empty((len(combos), n), dtype=np.int64)
    fallback = 0
    grade_names = None
    memo = Memo(compiled)
    ranks = np.empty_like(totals)
    for row, options in enumerate(combos):
        try:
            program = ColumnarEdition(compiled, options, memo)
        except Unsupported as exc:
            program = str(exc)
        result = _score(edition, options, program, compiled, batch, columns)
        totals[row] = result.total_units
        ranks[row] = result.ranks
        grades[row] = result.grade_index.get("total", np.full(n, -1))
        fallback += int(result.fallback.sum())
        grade_names = result.grade_names
    in_top = ranks <= top
    places = catalog.load(edition, profile).methodology.rounding.places
    names = [g.get("ru") or g.get("en") or g.get("kk") for g in (grade_names or [])]
    changed_grade = (grades != grades[0]).any(axis=0)
    changed_top = (in_top != in_top[0]).any(axis=0)
    default = combos[0]
    singles = [(row, next(k for k in c if c[k] != default[k])) for row, c in enumerate(combos)
               if sum(c[k] != default[k] for k in c) == 1]
    bodies = []
    for index, body_id in enumerate(columns.body_ids):
        depends = sorted({key for row, key in singles
                          if grades[row, index] != grades[0, index] or in_top[row, index] != in_top[0, index]})
        bodies.append(BodyRange(
            body_id, _shown(totals[:, index].min(), places), _shown(totals[:, index].max(), places),
            int(ranks[:, index].min()), int(ranks[:, index].max()),
            sorted({names[g] for g in grades[:, index] if g >= 0}),
            int(in_top[:, index].sum()), depends, bool(changed_grade[index] or changed_top[index])))
    return Robustness(edition, profile, combos, top, bodies, fallback / max(1, n * len(combos)), totals, grades,
                      names)


def _score(edition_id: str, options: dict, edition, compiled, batch, columns):
    """One combination on the validated batch (validation is not repeated)."""
    outcome = edition if isinstance(edition, str) else score_group(edition, batch)
    if isinstance(outcome, str):
        return score_columns(ColumnarCohort(edition_id, options), columns)
    scores, total, unsure, takers = outcome
    n = batch.n
    units, ok = edition.display(total, n)
    decided = ~unsure & ok
    if batch.read_by_engine is not None:      # cells only the engine reads: the reference scores those bodies
        decided &= ~batch.read_by_engine
    node_units = {}
    for node_id in (t for t in compiled.methodology.grades_apply_to if t != "total"):
        node_units[node_id], node_ok = edition.display(scores[node_id], n)
        decided &= node_ok
    if not decided.all():     # rare: the undecided bodies go to the reference scorer
        return score_columns(ColumnarCohort(edition_id, options), columns)
    shell = SimpleNamespace(methodology_id=edition_id, options=edition.options)
    return _column_result(shell, edition.reference, columns, {k: np.asarray(v) for k, v in node_units.items()},
                          np.array(units, dtype=np.int64), np.zeros(n, dtype=bool), None)


def _shown(units, places: int) -> Decimal:
    return Decimal(int(units)).scaleb(-places)


__all__ = ["ALL_BELOW", "BodyRange", "Robustness", "combinations", "run"]
