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
from fractions import Fraction
from functools import lru_cache
from math import ceil, gcd

import numpy as np

from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.scoring import Scorer
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
        self.read_by_engine = None      # bool mask: valid bodies whose cells only the engine reads (or None)

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

    def count_true(self, input_ids, unsure, active, small: bool = False) -> np.ndarray:
        """How many of the yes/no inputs are yes, per body: int64, or with ``small`` in the
        smallest type that holds the count (uint8 below 256 inputs; widen before arithmetic)."""
        for input_id in input_ids:
            if input_id in self.missing:
                unsure |= active & self.missing[input_id]
        if self.flags is None:
            self.flags = {}
        key = tuple(input_ids)
        counts = self.flags.get(key)
        if counts is None:
            counts = self.flags[key] = [self._count(input_ids), None]
        if small:
            return counts[0]
        if counts[1] is None:
            counts[1] = counts[0].astype(np.int64)
        return counts[1]

    def _count(self, input_ids) -> np.ndarray:
        """The count in a small integer type (cache-sized), one pass per input."""
        small = np.uint8 if len(input_ids) < 256 else np.int64
        count = np.zeros(self.n, dtype=small)
        for input_id in input_ids:
            values = self.numbers[input_id].n
            flags = values if values.dtype == bool else values != 0
            if small is np.uint8:
                np.add(count, flags.view(np.uint8), out=count)
            else:
                np.add(count, flags, out=count, casting="unsafe")
        return count

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
        taken = Batch(len(indices), {k: _take(v, indices) for k, v in self.numbers.items()},
                     {k: v[indices] for k, v in self.missing.items()},
                     {k: Positions(_take(v.values, indices), v.present[indices], v.inside[indices], v.length[indices])
                      for k, v in self.lists.items()},
                     None if self.period is None else self.period[indices])
        taken.read_by_engine = None if self.read_by_engine is None else self.read_by_engine[indices]
        return taken


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
                points = _entered_points(batch, section)     # bodies that gave the section's points instead
                by_items = active if points is None else active & ~points
                score = section_items_score(batch, section, section_weight, per_defect, cap_share,
                                            frame.unsure, by_items)
                if points is not None:
                    score = nm.where(points, nm.mul(batch.number(section.points_id), rescale), score)
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


def section_items_score(batch: Batch, section, weight: Num, per_defect: Num, cap_share: Num, unsure, active,
                        rows=None) -> Num:
    """A checklist section's score from its items (``checklists.items_score``):
    W × present / items − min(per_defect × defects, cap_share × W), floored at 0
    (of the bodies at ``rows`` only, when given)."""
    count = len(section.item_ids)
    items = batch.count_true(section.item_ids, unsure, active, small=True)
    defects = batch.column(section.defects_id, unsure, active)
    if rows is not None:
        items, defects = items[rows], _take(defects, rows)
    fused = _fused_section_score(items, count, defects, weight, per_defect, cap_share)
    if fused is not None:
        return fused
    met = Num(items.astype(np.int64), 1, count, 1, Fraction(0), Fraction(count))
    earned = nm.mul(weight, nm.mul(met, nm.constant(Fraction(1, count))))
    deduction = nm.minimum(nm.mul(per_defect, defects), nm.mul(cap_share, weight))
    return nm.maximum(nm.sub(earned, deduction), nm.constant(0))


def _fused_section_score(items: np.ndarray, count: int, defects: Num, weight: Num, per_defect: Num,
                         cap_share: Num) -> Num | None:
    """``section_items_score`` in five passes over one common denominator D, where the
    weight, the per-defect points and the cap are constants and the defect counts share one
    denominator: max(A·items − min(B·defects, C), 0) / D with A = W/k·D, B = per_defect/d·D,
    C = cap_share·W·D whole numbers, every product bounded below 2^62 first. None otherwise
    (the general column arithmetic then computes it)."""
    if not (weight.exact and per_defect.exact and cap_share.exact and defects.exact) \
            or any(np.ndim(c.n) or np.ndim(c.d) for c in (weight, per_defect, cap_share)) \
            or isinstance(defects.d, np.ndarray) or not np.ndim(defects.n) \
            or any(abs(b) == float("inf") for b in (defects.lo, defects.hi)):
        return None
    plan = _section_plan(int(weight.n), int(weight.d), int(per_defect.n), int(per_defect.d), int(cap_share.n),
                         int(cap_share.d), count, int(defects.d), defects.nb, defects.lo, defects.hi)
    if plan is None:
        return None
    a, b, c, d, top, low, high = plan
    n = np.multiply(items, a, dtype=np.int64)               # a fresh int64 array, worked in place
    deduction = defects.n * b
    np.minimum(deduction, c, out=deduction)
    n -= deduction
    np.maximum(n, 0, out=n)
    return Num(n, d, top, d, low, high)


@lru_cache(maxsize=4096)
def _section_plan(wn: int, wd: int, pn: int, pd: int, cn: int, cd: int, count: int, defects_d: int,
                  defects_nb: int, defects_lo: Fraction, defects_hi: Fraction):
    """The whole numbers A, B, C over D of ``_fused_section_score``, the numerators' bound
    and the score's interval (computed once per section and column bounds), or None when
    a product could pass 2^62."""
    w, per_defect = Fraction(wn, wd), Fraction(pn, pd)
    earn = w / count                                        # points per item met
    per_unit = per_defect / defects_d                       # per numerator unit of the defect count
    cap = Fraction(cn, cd) * w
    d = 1
    for value in (earn, per_unit, cap):
        d = d * value.denominator // gcd(d, value.denominator)
    a, b, c = int(earn * d), int(per_unit * d), int(cap * d)
    top = abs(a) * count + max(abs(b) * defects_nb, abs(c))
    if d >= nm.LIMIT or top >= nm.LIMIT:
        return None
    earned = sorted((Fraction(0), earn * count))
    charged = sorted((per_defect * defects_lo, per_defect * defects_hi))
    low = max(earned[0] - min(charged[1], cap), Fraction(0))
    high = max(earned[1] - min(charged[0], cap), Fraction(0))
    return a, b, c, d, top, low, high


def _entered_points(batch: Batch, section) -> np.ndarray | None:
    """The bodies whose section points stand in for the section's items (the points
    given, an item absent: ``checklists.entered_points``), or None when there are none."""
    given = batch.missing.get(section.points_id)
    if section.points_id not in batch.numbers or (given is not None and given.all()):
        return None
    absent = np.zeros(batch.n, dtype=bool)
    for item_id in section.item_ids:
        missing = batch.missing.get(item_id)
        if missing is not None:
            absent |= missing
    chosen = absent if given is None else absent & ~given
    return chosen if chosen.any() else None


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
