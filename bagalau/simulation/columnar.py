"""The columnar scorer: a cohort scored as columns, exact in what it shows.

``ColumnarEdition`` is one edition, profile and set of options compiled to
column programs (``compiler``); it evaluates a batch of bodies in the
reference scorer's order — applicability and redistribution, then every node
(checklists, formulas with their zero-denominator rules, aggregates,
deductions, bounds), then the total — on float64 columns with proven error
bounds (``numeric``). ``ColumnarCohort`` adds profiles and cohort averages
and turns the columns into what is shown: each node's value rounded as the
act prints it, the total, the rank and the grades.

Exactness: a shown value is taken from the columns only where the error
bound proves the rounding; every other body — an undecided rounding or
comparison, an absent optional input, a zero denominator without a rule, a
penalty — is scored by the reference scorer (``bagalau.engine``), as is a
whole edition the compiler does not support. ``fallback`` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import ceil, gcd

import numpy as np

from bagalau.engine import catalog
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.inputs import ValidatedInputs
from bagalau.engine.scoring import Scorer, ScoringError
from bagalau.simulation import numeric as nm
from bagalau.simulation.compiler import ExpressionCompiler, Frame, Unsupported
from bagalau.simulation.numeric import Num, Positions


# --- the inputs as columns ---------------------------------------------------------

class Batch:
    """A batch of bodies' inputs as columns (one profile)."""

    def __init__(self, n: int, numbers: dict, missing: dict, lists: dict, period: np.ndarray | None):
        self.n = n
        self.numbers = numbers          # input id -> Num
        self.missing = missing          # input id -> bool mask of absent values (optional inputs)
        self.lists = lists              # input id -> Positions
        self.period = period            # float array, NaN where unknown
        self.flags = None

    def column(self, input_id, unsure, active):
        if input_id in self.lists:
            return self.lists[input_id]
        missing = self.missing.get(input_id)
        if missing is not None:
            unsure |= active & missing
        return self.number(input_id)

    def number(self, input_id) -> Num:
        """An input's column; yes/no answers are kept as bool arrays until arithmetic needs them."""
        column = self.numbers[input_id]
        if column.n.dtype != np.int64:
            column = self.numbers[input_id] = Num(column.n.astype(np.int64), column.d, column.nb, column.db,
                                                  column.lo, column.hi, column.boolean)
        return column

    def count_true(self, input_ids, unsure, active) -> np.ndarray:
        """How many of the yes/no inputs are yes, per body."""
        for input_id in input_ids:
            if input_id in self.missing:
                unsure |= active & self.missing[input_id]
        if self.flags is None:
            self.flags = {}
        key = tuple(input_ids)
        if key not in self.flags:   # one matrix per checklist section, summed in one pass
            matrix = np.empty((len(input_ids), self.n), dtype=np.int8)
            for row, input_id in enumerate(input_ids):
                values = self.numbers[input_id].n
                matrix[row] = values if values.dtype == bool else values != 0
            self.flags[key] = matrix.sum(axis=0, dtype=np.int64)
        return self.flags[key]

    def column_or_missing(self, input_id):
        return self.number(input_id), self.missing.get(input_id)

    def period_column(self, unsure, active):
        if self.period is None:
            unsure |= active
            return nm.ZERO
        unsure |= active & (self.period < 0)
        return nm.integers(self.period)

    def take(self, indices: np.ndarray) -> "Batch":
        """The bodies at ``indices`` (repeats allowed) as a batch of their own."""
        return Batch(len(indices), {k: _take(v, indices) for k, v in self.numbers.items()},
                     {k: v[indices] for k, v in self.missing.items()},
                     {k: Positions(_take(v.values, indices), v.present[indices], v.inside[indices], v.length[indices])
                      for k, v in self.lists.items()},
                     None if self.period is None else self.period[indices])


def _take(num: Num, indices) -> Num:
    return Num(num.n[indices], num.d[indices] if isinstance(num.d, np.ndarray) else num.d, num.nb, num.db,
               num.lo, num.hi, num.boolean)


def exact_column(values: list, shape=None) -> Num:
    """Exact numbers (int or Fraction, None for absent = 0) as one int64 column over their
    common denominator. Raises ``Unsupported`` where int64 cannot hold them."""
    denominator = 1
    for value in values:
        if value is not None and type(value) is not int:
            d = value.denominator
            denominator = denominator * d // gcd(denominator, d)
    if denominator >= nm.LIMIT:
        raise Unsupported("an input whose denominators do not fit in int64")
    if denominator == 1:
        numerators = [0 if value is None else int(value) for value in values]
    else:
        numerators = [0 if value is None else int(value * denominator) for value in values]
    if numerators and max(map(abs, numerators)) >= nm.LIMIT:
        raise Unsupported("an input too large for int64 columns")
    array = np.array(numerators, dtype=np.int64)
    if shape is not None:
        array = array.reshape(shape)
    return nm.scaled(array, denominator)


def batch_from_values(compiled: CompiledMethodology, values: list[dict], periods: list[int | None]) -> Batch:
    """Columns from validated inputs (the engine's exact values)."""
    n = len(values)
    numbers, missing, lists = {}, {}, {}
    for input_id, definition in compiled.inputs.items():
        if definition.type == "text":
            continue
        column = [body.get(input_id) for body in values]
        if definition.type in ("positions", "decimals"):
            width = max((len(items) for items in column if items), default=0) or 1
            cells = [None] * (n * width)
            present = np.zeros((n, width), dtype=bool)
            length = np.zeros(n, dtype=np.int64)
            for row, items in enumerate(column):
                items = items or []
                length[row] = len(items)
                for position, item in enumerate(items):
                    if item is not None:
                        cells[row * width + position] = item
                        present[row, position] = True
            inside = np.arange(width)[None, :] < length[:, None]
            lists[input_id] = Positions(exact_column(cells, (n, width)), present, inside, length)
            continue
        absent = np.fromiter((value is None for value in column), dtype=bool, count=n)
        numbers[input_id] = exact_column(column)
        numbers[input_id].boolean = definition.type == "boolean"
        if absent.any():
            missing[input_id] = absent
    period = np.array([-1 if p is None else int(p) for p in periods], dtype=np.int64)
    return Batch(n, numbers, missing, lists, period)


# --- one edition and profile -----------------------------------------------------

@dataclass
class _NodeProgram:
    id: str
    parent: str | None
    children: list[str]
    subtree: list[str]
    kind: str                                   # checklist | formula | aggregate
    maximum: Num
    maximum_exact: object
    formula: object = None
    variables: list = field(default_factory=list)
    zero_rule: str | None = None                # full | zero | None (no rule)
    deductions: list = field(default_factory=list)
    lower: Num | None = None
    upper: Num | None = None
    na_when: object = None
    na_then: str | None = None
    na_to: list[str] = field(default_factory=list)
    aggregate: str = "sum"
    counted_when_na: dict = field(default_factory=dict)   # child id -> scored though not applicable
    checklist: object = None


class ColumnarEdition:
    """One edition, profile and set of options, compiled to column programs.
    Raises ``Unsupported`` for a definition it cannot evaluate in columns."""

    def __init__(self, compiled: CompiledMethodology, options: dict[str, str] | None = None, memo=None):
        self.reference = Scorer(compiled, options)
        self.memo = memo
        self.compiled = compiled
        self.methodology = compiled.methodology
        self.options = self.reference.options
        rounding = self.methodology.rounding
        if rounding.stage != "display" or rounding.mode != "half_up":
            raise Unsupported(f"rounding {rounding.stage}/{rounding.mode}")
        self.places = rounding.places
        self.expressions = ExpressionCompiler(compiled, self.options)
        if memo is not None:
            self.shared_key = memo.key(None, self.options)
        if memo is None:
            self.programs = {node_id: self._program(node_id) for node_id in compiled.nodes}
        else:       # programs shared with the combinations that agree on the node's options
            self.keys = {node_id: memo.key(node_id, self.options) for node_id in compiled.nodes}
            self.programs = {}
            for node_id, key in self.keys.items():
                if key not in memo.programs:
                    memo.programs[key] = self._program(node_id)
                self.programs[node_id] = memo.programs[key]
        self.order = list(compiled.order)
        self.with_rules = [node_id for node_id, c in compiled.nodes.items() if c.not_applicable is not None]
        self.top_level = compiled.top_level
        self.total_formula = None if compiled.total_formula is None else self._formula(compiled.total_formula.source)
        self.total_mode = self.reference._aggregate_mode(self.methodology.total_aggregate,
                                                         self.methodology.total_aggregate_option)
        self.grades = [(grade.name.model_dump(exclude_none=True),
                        None if grade.low is None else ceil(Fraction(grade.low) * 10 ** self.places),
                        None if grade.high is None else ceil(Fraction(grade.high) * 10 ** self.places))
                       for grade in self.methodology.grades]
        self.cohort_nodes = list(compiled.cohort_nodes)
        self.cohort_when = {n: self._formula(compiled.nodes[n].cohort_when.source) for n in self.cohort_nodes}
        self.cohort_over = {n: self._formula(compiled.nodes[n].cohort_over.source) for n in self.cohort_nodes}

    def _formula(self, source: str):
        """A formula's program, shared (with a memo) by the combinations that agree on its options."""
        if self.memo is None:
            return self.expressions.compile(source)
        key = self.memo.formula_key(source, self.options)
        if key not in self.memo.programs:
            self.memo.programs[key] = self.expressions.compile(source)
        return self.memo.programs[key]

    def _program(self, node_id: str) -> _NodeProgram:
        c = self.compiled.nodes[node_id]
        node = c.node
        program = _NodeProgram(id=node_id, parent=c.parent, children=[child.id for child in node.children],
                               subtree=[n.id for n in node.walk()], kind="aggregate",
                               maximum=nm.constant(c.maximum), maximum_exact=c.maximum)
        if node.checklist is not None:
            program.kind = "checklist"
            rule = node.checklist
            reading = self.options.get(rule.sections_option, rule.sections_not_applicable) \
                if rule.sections_option else rule.sections_not_applicable
            program.checklist = (reading, self.compiled.checklist_layouts[node_id],
                                 self.expressions.compile(c.checklist_scale.source),
                                 nm.constant(c.checklist_per_defect), nm.constant(c.checklist_cap_share))
        elif c.formula is not None:
            program.kind = "formula"
            names = []
            for name, variable in c.variables:
                program.variables.append((name, self.expressions.compile(variable.source, tuple(names))))
                names.append(name)
            program.formula = self.expressions.compile(c.formula.source, tuple(names))
            rule = node.zero_denominator
            if rule is not None:
                program.zero_rule = self.options.get(rule.option, rule.then) if rule.option else rule.then
        else:
            program.aggregate = self.reference._aggregate_mode(node.aggregate, node.aggregate_option)
            program.counted_when_na = {child.id: child.not_applicable is not None
                                       and child.not_applicable.then in ("full", "zero") for child in node.children}
        for deduction, (per_unit, floor), count, cap in zip(node.deductions, c.deduction_units, c.deduction_counts,
                                                           c.deduction_caps):
            program.deductions.append((nm.constant(per_unit), None if floor is None else nm.constant(floor),
                                       self.expressions.compile(count.source),
                                       None if cap is None else self.expressions.compile(cap.source)))
        program.lower = None if c.lower is None else nm.constant(c.lower)
        if node.id in self.reference._lower_overrides:     # a floor chosen by an option (lower_option)
            program.lower = nm.constant(self.reference._lower_overrides[node.id][0])
        program.upper = None if c.upper is None else nm.constant(c.upper)
        if c.not_applicable is not None:
            program.na_when = self.expressions.compile(c.not_applicable.source)
            program.na_then = node.not_applicable.then
            program.na_to = list(node.not_applicable.to)
        return program

    # --- evaluation ---------------------------------------------------------------

    def conditions(self, batch: Batch, formulas: dict, name: str | None = None) -> tuple[dict, np.ndarray]:
        """Yes/no formulas (cohort rules) per body, and the bodies for which one was undecided."""
        if self.memo is not None and name is not None:
            key = ("conditions", name, self.shared_key)
            if key not in self.memo.values:
                self.memo.values[key] = self.conditions(batch, formulas)
            return self.memo.values[key]
        unsure = np.zeros(batch.n, dtype=bool)
        frame = Frame(batch, {}, unsure)
        everyone = np.ones(batch.n, dtype=bool)
        result = {}
        with np.errstate(all="ignore"):
            for key, formula in formulas.items():
                frame.zero[:] = False
                value = formula(frame, everyone)
                result[key] = np.broadcast_to(nm.truth(value, unsure, everyone), (batch.n,)) \
                    if isinstance(value, Num) else np.full(batch.n, bool(value.value))
                unsure |= frame.zero
        return result, unsure

    def evaluate(self, batch: Batch, overrides: dict[str, tuple[np.ndarray, Num]] | None = None, phase=None):
        """Every node's score column, the total and the bodies whose values are not proven.
        With a memo and a ``phase`` (the cohort pass), node columns already computed for
        the same batch under the same options are reused."""
        with np.errstate(all="ignore"):
            return self._evaluate(batch, overrides or {}, phase if self.memo is not None else None)

    def _evaluate(self, batch: Batch, overrides, phase):
        n = batch.n
        unsure = np.zeros(n, dtype=bool)
        scores: dict[str, Num] = {}
        frame = Frame(batch, scores, unsure)
        nobody = np.zeros(n, dtype=bool)
        everyone = ~nobody
        not_applicable: dict[str, np.ndarray] = {}
        weights: dict[str, Num] = {node_id: p.maximum for node_id, p in self.programs.items()}
        for node_id in self.with_rules:
            program = self.programs[node_id]
            active = ~not_applicable.get(program.parent, nobody) if program.parent else everyone
            frame.zero[:] = False
            condition = nm.truth(self._number(program.na_when(frame, active)), unsure, active) & active
            unsure |= frame.zero & active
            if not condition.any():
                continue
            for member in program.subtree:
                not_applicable[member] = not_applicable.get(member, nobody) | condition
            if program.na_then == "redistribute":
                share = nm.constant(Fraction(program.maximum_exact) / len(program.na_to))
                moved = nm.where(condition, share, nm.ZERO)
                for target in program.na_to:
                    weights[target] = nm.add(weights[target], moved)
                    donor_side, target_side = self._ancestors(node_id), self._ancestors(target)
                    for ancestor in target_side:
                        if ancestor not in donor_side:
                            weights[ancestor] = nm.add(weights[ancestor], moved)
                    for ancestor in donor_side:
                        if ancestor not in target_side:
                            weights[ancestor] = nm.sub(weights[ancestor], moved)
        for node_id in self.order:
            if phase is not None:
                key = (phase, self.keys[node_id])
                known = self.memo.values.get(key)
                if known is not None:
                    scores[node_id], delta = known
                    if delta is not None:
                        unsure |= delta
                    continue
                before = unsure.copy()
            program = self.programs[node_id]
            na = not_applicable.get(node_id, nobody)
            override = overrides.get(node_id)
            active = ~na if override is None else ~na & ~override[0]
            weight = weights[node_id]
            frame.weight = weight
            value = self._node_value(program, frame, active, weight, not_applicable, nobody)
            if na.any():
                rule_then = self.compiled.nodes[node_id].node.not_applicable
                na_value = program.maximum if rule_then is not None and rule_then.then == "full" else nm.constant(0)
                value = nm.where(na, na_value, value)
            if override is not None:
                value = nm.where(override[0], override[1], value)
            scores[node_id] = _full(value, n)
            if phase is not None:
                delta = unsure & ~before
                self.memo.values[key] = (scores[node_id], delta if delta.any() else None)
        if self.total_formula is not None:
            frame.zero[:] = False
            total = self._number(self.total_formula(frame, everyone))
            unsure |= frame.zero
        else:
            total = _sum([scores[t] for t in self.top_level], n)
            if self.total_mode == "mean" and self.top_level:
                total = nm.div(total, nm.constant(len(self.top_level)), frame.zero, unsure, None)
        if self.reference.total_floor is not None:          # min_total floors the total (min_total_option)
            total = nm.maximum(_full(total, n), nm.constant(self.reference.total_floor))
        return scores, _full(total, n), unsure

    def shared(self, what: tuple, compute):
        """A value computed once per memo for the node's options (``what`` = (kind, node id))."""
        if self.memo is None:
            return compute()
        key = (what[0], self.keys[what[1]])
        if key not in self.memo.values:
            self.memo.values[key] = compute()
        return self.memo.values[key]

    def _ancestors(self, node_id):
        chain, parent = [], self.programs[node_id].parent
        while parent is not None:
            chain.append(parent)
            parent = self.programs[parent].parent
        return chain

    @staticmethod
    def _number(value) -> Num:
        if not isinstance(value, Num):
            raise Unsupported("a value that is not a number")
        return value

    def _node_value(self, program: _NodeProgram, frame: Frame, active, weight: Num, not_applicable, nobody) -> Num:
        n = frame.batch.n
        unsure = frame.unsure
        if program.kind == "checklist":
            value = self._checklist(program, frame, active)
        elif program.kind == "formula":
            frame.zero[:] = False
            frame.variables = {}
            for name, variable in program.variables:
                frame.variables[name] = variable(frame, active & ~frame.zero)
            value = self._number(program.formula(frame, active & ~frame.zero))
            zero = frame.zero & active
            if zero.any():
                if program.zero_rule is None:
                    unsure |= zero
                else:
                    replacement = weight if program.zero_rule == "full" else nm.constant(0)
                    value = nm.where(zero, replacement, value)
        else:
            children = [frame.scores[child] for child in program.children]
            if program.aggregate == "sum" or not children:
                value = _sum(children, n)
            else:
                counted = [~not_applicable.get(child, nobody) | program.counted_when_na[child]
                           for child in program.children]
                total = _sum([nm.where(m, s, nm.ZERO) for m, s in zip(counted, children)], n)
                count = np.sum(np.broadcast_to(counted, (len(counted), n)), axis=0).astype(np.int64)
                none = count == 0
                mean = nm.div(total, nm.integers(np.where(none, 1, count)), frame.zero, unsure, None)
                value = nm.where(none, nm.ZERO, mean)
        for per_unit, floor, count_formula, cap_formula in program.deductions:
            frame.zero[:] = False
            amount = nm.mul(per_unit, self._number(count_formula(frame, active)))
            if cap_formula is not None:
                amount = nm.minimum(amount, self._number(cap_formula(frame, active)))
            value = nm.sub(value, amount)
            if floor is not None:
                value = nm.maximum(value, floor)
            unsure |= frame.zero & active
        zero = nm.constant(0)
        low = program.lower if program.lower is not None else nm.minimum(zero, weight)
        high = program.upper if program.upper is not None else nm.maximum(zero, weight)
        return nm.clamp(value, low, high)

    def _checklist(self, program: _NodeProgram, frame: Frame, active) -> Num:
        reading, layout, scale, per_defect, cap_share = program.checklist
        batch, n = frame.batch, frame.batch.n
        rescale = nm.constant(1)
        if reading == "rescale" and layout:
            sections = next(iter(layout.values()))
            whole = sum(Fraction(s.weight) for s in sections)
            conditional = [s for s in sections if s.conditional]
            if conditional:
                applying = np.zeros(n, dtype=np.int64)
                for bit, section in enumerate(conditional):
                    applies = self._applies(batch, section.applies_id, frame, active)
                    applying |= applies.astype(np.int64) << bit
                factors = {}
                for code in np.unique(applying):
                    share = sum(Fraction(s.weight) for s in sections if not s.conditional) + sum(
                        Fraction(s.weight) for bit, s in enumerate(conditional) if code >> bit & 1)
                    factors[int(code)] = whole / share if share else Fraction(1)
                codes = applying
                chosen = [codes == code for code in factors]
                rescale = nm.select(chosen, [nm.constant(f) for f in factors.values()], nm.ONE, (n,))
                program_is_one = np.zeros(n, dtype=bool)
                for mask, factor in zip(chosen, factors.values()):
                    if factor == 1:
                        program_is_one |= mask
            else:
                program_is_one = np.ones(n, dtype=bool)
        else:
            program_is_one = np.ones(n, dtype=bool)
        total = nm.ZERO
        for version, sections in layout.items():
            for section in sections:
                section_weight = nm.mul(nm.constant(section.weight), rescale)
                items = batch.count_true(section.item_ids, frame.unsure, active)
                defects = batch.column(section.defects_id, frame.unsure, active)
                met = Num(items, 1, len(section.item_ids), 1, Fraction(0), Fraction(len(section.item_ids)))
                earned = nm.mul(section_weight, nm.mul(met, nm.constant(Fraction(1, len(section.item_ids)))))
                deduction = nm.minimum(nm.mul(per_defect, defects), nm.mul(cap_share, section_weight))
                score = nm.maximum(nm.sub(earned, deduction), nm.constant(0))
                if section.conditional:
                    applies = self._applies(batch, section.applies_id, frame, active)
                    counted_full = nm.where(program_is_one, section_weight, nm.ZERO)
                    score = nm.where(applies, score, counted_full)
                total = nm.add(total, score)
        factor = self._number(scale(frame, active))
        return nm.mul(factor, total)

    @staticmethod
    def _applies(batch: Batch, applies_id: str, frame, active) -> np.ndarray:
        column = batch.numbers.get(applies_id)
        if column is None:
            return np.ones(batch.n, dtype=bool)
        missing = batch.missing.get(applies_id)
        value = column.n != 0
        return value if missing is None else value | missing     # an absent flag reads as "applies"

    def display(self, value: Num, n: int):
        """Each body's shown value in 10⁻ᵖ units, and which bodies it is proven for."""
        units, decided = nm.rounded(value, self.places)
        return np.broadcast_to(units, (n,)), decided

    def grades_of(self, units: int) -> dict | None:
        for name, low, high in self.grades:
            if (low is None or units >= low) and (high is None or units < high):
                return name
        return None


def _full(value: Num, n: int) -> Num:
    """The value as columns of n bodies (a constant repeated)."""
    if value.exact:
        if np.ndim(value.n) == 1:
            return value
        return nm.Num(np.full(n, value.n, dtype=np.int64), value.d, value.nb, value.db, value.lo, value.hi,
                      value.boolean)
    if np.ndim(value.f) == 1:
        return value
    return nm.Num(None, lo=value.lo, hi=value.hi, f=np.full(n, value.f), e=value.e, terms=value.terms)


def _sum(values: list[Num], n: int) -> Num:
    total = nm.ZERO
    for value in values:
        total = nm.add(total, value)
    return total


def _mean(column: Num, sources: np.ndarray) -> Fraction | None:
    """The exact mean of a column over the bodies in ``sources``."""
    if not column.exact:
        return None
    count = int(sources.sum())
    numerators = np.broadcast_to(column.n, sources.shape)[sources]
    if not isinstance(column.d, np.ndarray):
        return Fraction(sum(int(x) for x in numerators), column.d * count) if column.nb * count >= nm.LIMIT \
            else Fraction(int(numerators.sum()), column.d * count)
    denominators = column.d[sources]
    total = Fraction(0)
    for d in np.unique(denominators):
        total += Fraction(sum(int(x) for x in numerators[denominators == d]), int(d))
    return total / count


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
    """1 + how many bodies have a strictly higher total (ties share a rank)."""
    ordered = np.sort(totals)
    return len(totals) - np.searchsorted(ordered, totals, side="right") + 1


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
        for node_id, value in scores.items():
            units, ok = edition.display(value, n)
            node_units[node_id] = np.array(units, dtype=np.int64)
            decided &= ok
        units, ok = edition.display(total, n)
        total_units = np.array(units, dtype=np.int64)
        decided = decided & ok
        fallback = ~decided
        if (fallback & takers).any():
            return score_columns_reference(cohort, columns, "a body taking a cohort average undecided in columns")
        for index in np.flatnonzero(fallback):
            body = cohort.reference.validate(columns.submission(int(index)))
            result = scorer.score(body.submission.body_id, body.values, period=columns.period)
            _fill_arrays(index, result, scorer, node_units, total_units)
    return _column_result(cohort, scorer, columns, node_units, total_units, fallback, reason)


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
