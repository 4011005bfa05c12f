"""A resolved edition compiled to column programs (see ``numeric`` for the exact arithmetic).

Each formula of the definition becomes a tree of closures over columns:
``fn(frame, active) -> Num | Text | Positions``. ``active`` is the mask of
bodies for which the expression is really evaluated (an ``if`` evaluates
each branch for its own bodies); zero denominators, absent optional inputs and
decisions a float column's error bound cannot make are recorded for active
bodies only. Options, the profile and constant tests are folded
when compiling, so a formula like ``… if option_A4 == 'floor' else …`` costs
nothing per body.

Anything this compiler does not know raises ``Unsupported``; the columnar
scorer then leaves the edition (or the body) to the reference scorer.
"""

from __future__ import annotations

import ast
from math import gcd

import numpy as np

from bagalau.engine.compiled import CompiledMethodology
from bagalau.engine.exact import exact
from bagalau.simulation import numeric as nm
from bagalau.simulation.numeric import Num, Positions, Text


class Unsupported(Exception):
    """A feature of the definition the columnar scorer does not evaluate."""


class Frame:
    """What an expression reads while one node is evaluated for a batch of bodies."""

    __slots__ = ("batch", "scores", "weight", "variables", "zero", "unsure")

    def __init__(self, batch, scores, unsure):
        self.batch = batch
        self.scores = scores
        self.weight = None
        self.variables: dict = {}
        self.zero = np.zeros(batch.n, dtype=bool)
        self.unsure = unsure


_COMPARE = {ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge", ast.Eq: "eq", ast.NotEq: "ne"}
_TEXT_COMPARE = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b}


class ExpressionCompiler:
    """Compiles the formula language for one edition, profile and set of options."""

    def __init__(self, compiled: CompiledMethodology, options: dict[str, str]):
        self.compiled = compiled
        self.options = options
        self.parameters = {key: nm.constant(value) for key, value in compiled.parameters.items()}
        self.bands = {}
        for key, table in compiled.bands.items():
            self.bands[key] = ([(None if low is None else nm.constant(low), None if high is None else nm.constant(high),
                                 nm.constant(points)) for low, high, points in table.bands],
                               nm.constant(table.otherwise))

    def compile(self, source: str, variables: tuple[str, ...] = ()):
        tree = ast.parse(source.strip(), mode="eval")
        fn = self._node(tree.body, set(variables))
        if callable(fn):
            return fn
        folded = fn
        return lambda frame, active: folded

    # Each _node returns either a closure or a folded constant (Num, Text or bool).

    def _node(self, node, variables):
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise Unsupported(f"{type(node).__name__} in a formula")
        return method(node, variables)

    @staticmethod
    def _call(fn, frame, active):
        return fn(frame, active) if callable(fn) else fn

    def _Constant(self, node, variables):
        value = node.value
        if isinstance(value, bool):
            return nm.boolean_constant(value)
        if isinstance(value, int):
            return nm.constant(value)
        if isinstance(value, float):
            return nm.constant(exact(ast.unparse(node)))
        if isinstance(value, str):
            return Text(value)
        raise Unsupported(f"literal {value!r}")

    def _Name(self, node, variables):
        name = node.id
        if name in variables:
            return lambda frame, active: frame.variables[name]
        if name == "weight":
            return lambda frame, active: frame.weight
        if name == "profile":
            return Text(self.compiled.profile)
        if name == "period":
            return lambda frame, active: frame.batch.period_column(frame.unsure, active)
        if name in self.compiled.option_names:
            return Text(self.options[self.compiled.option_names[name]])
        if name in self.parameters:
            return self.parameters[name]
        definition = self.compiled.inputs.get(name)
        if definition is None:
            raise Unsupported(f"name '{name}'")
        if definition.type == "text":
            raise Unsupported(f"text input '{name}' in a formula")
        return lambda frame, active: frame.batch.column(name, frame.unsure, active)

    def _UnaryOp(self, node, variables):
        operand = self._node(node.operand, variables)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.USub):
            if isinstance(operand, Num):
                return nm.negate(operand)
            return lambda frame, active: nm.negate(self._number(operand(frame, active)))
        if isinstance(node.op, ast.Not):
            if isinstance(operand, (Num, Text, bool)):
                raise Unsupported("'not' of a constant")

            def negation(frame, active):
                value = self._number(operand(frame, active))
                return nm.boolean(~nm.truth(value, frame.unsure, active))
            return negation
        raise Unsupported("unary operator")

    @staticmethod
    def _number(value) -> Num:
        if isinstance(value, Num):
            return value
        raise Unsupported(f"a {type(value).__name__} where a number is needed")

    def _BinOp(self, node, variables):
        left, right = self._node(node.left, variables), self._node(node.right, variables)
        op = type(node.op)
        if op is ast.Add:
            kernel = nm.add
        elif op is ast.Sub:
            kernel = nm.sub
        elif op is ast.Mult:
            kernel = nm.mul
        elif op is ast.Div:
            def quotient(frame, active):
                a = self._number(self._call(left, frame, active))
                b = self._number(self._call(right, frame, active))
                return nm.div(a, b, frame.zero, frame.unsure, active)
            return quotient
        else:
            raise Unsupported(f"operator {op.__name__}")
        if isinstance(left, Num) and isinstance(right, Num):
            return kernel(left, right)

        def arithmetic(frame, active):
            return kernel(self._number(self._call(left, frame, active)), self._number(self._call(right, frame, active)))
        return arithmetic

    def _Compare(self, node, variables):
        operands = [self._node(node.left, variables)] + [self._node(c, variables) for c in node.comparators]
        ops = [_COMPARE.get(type(op)) for op in node.ops]
        if None in ops:
            raise Unsupported("comparison operator")
        if all(isinstance(o, Text) for o in operands):
            result = all(_TEXT_COMPARE[op](a.value, b.value) if op in _TEXT_COMPARE else _unsupported("text order")
                         for op, a, b in zip(ops, operands, operands[1:]))
            return nm.boolean_constant(result)
        if any(isinstance(o, Text) for o in operands):
            if len(ops) == 1 and ops[0] in ("eq", "ne") and all(isinstance(o, (Text, Num)) for o in operands):
                # a text constant is never equal to a number
                return nm.boolean_constant(ops[0] == "ne")
            raise Unsupported("text compared with a value")

        def comparison(frame, active):
            values = [self._number(self._call(o, frame, active)) for o in operands]
            result = nm.compare_mask(ops[0], values[0], values[1], frame.unsure, active)
            for op, a, b in zip(ops[1:], values[1:], values[2:]):
                result = result & nm.compare_mask(op, a, b, frame.unsure, active & result)
            return nm.boolean_constant(result) if isinstance(result, (bool, np.bool_)) else nm.boolean(result)
        return comparison

    def _BoolOp(self, node, variables):
        values = [self._node(v, variables) for v in node.values]
        is_and = isinstance(node.op, ast.And)

        def boolean(frame, active):
            going = active
            results, truths = [], []
            for value in values:
                result = self._number(self._call(value, frame, going))
                truth = nm.truth(result, frame.unsure, going)
                results.append(result)
                truths.append(truth)
                going = going & (truth if is_and else ~truth)
            # Python's value: the first operand that decides, else the last
            out = results[-1]
            for result, truth in zip(reversed(results[:-1]), reversed(truths[:-1])):
                decides = ~truth if is_and else truth
                out = nm.where(decides, result, out)
            return out
        return boolean

    def _IfExp(self, node, variables):
        test = self._node(node.test, variables)
        if isinstance(test, Num) and test.exact and np.ndim(test.n) == 0:
            return self._node(node.body if test.n != 0 else node.orelse, variables)
        if isinstance(test, Text):
            return self._node(node.body if test.value else node.orelse, variables)
        body, orelse = self._node(node.body, variables), self._node(node.orelse, variables)

        def choice(frame, active):
            condition = nm.truth(self._number(self._call(test, frame, active)), frame.unsure, active)
            a = self._call(body, frame, active & condition)
            b = self._call(orelse, frame, active & ~condition)
            if isinstance(a, Text) or isinstance(b, Text):
                raise Unsupported("text in a conditional value")
            return nm.where(condition, self._number(a), self._number(b))
        return choice

    def _Call(self, node, variables):
        name = node.func.id
        if name == "score":
            node_id = node.args[0].value
            return lambda frame, active: frame.scores[node_id]
        if name in ("band", "mean_band"):
            table = self.bands[node.args[0].value]
            argument = node.args[1]
            if name == "band" and isinstance(argument, ast.Name) and argument.id in self.compiled.inputs:
                input_id = argument.id

                def band_of_input(frame, active):
                    value, missing = frame.batch.column_or_missing(input_id)
                    return self._band(table, value, missing, frame.unsure, active)
                return band_of_input
            inner = self._node(argument, variables)
            if name == "band":
                return lambda frame, active: self._band(table, self._number(self._call(inner, frame, active)),
                                                        None, frame.unsure, active)
            return lambda frame, active: self._mean_band(table, self._call(inner, frame, active), frame, active)
        args = [self._node(a, variables) for a in node.args]
        if name == "share":
            numerator, denominator = args

            def share(frame, active):
                a = self._number(self._call(numerator, frame, active))
                b = self._number(self._call(denominator, frame, active))
                quotient = nm.div(a, b, frame.zero, frame.unsure, active)
                return nm.clamp(quotient, _ZERO, _ONE)
            return share
        if name in ("min", "max"):
            if len(args) < 2:
                raise Unsupported(f"{name}() of one argument")
            kernel = nm.minimum if name == "min" else nm.maximum

            def extreme(frame, active):
                values = [self._number(self._call(a, frame, active)) for a in args]
                result = values[0]
                for value in values[1:]:
                    result = kernel(result, value)
                return result
            return extreme
        if name == "abs":
            (argument,) = args
            return lambda frame, active: nm.absolute(self._number(self._call(argument, frame, active)))
        if name in ("count", "total", "mean"):
            (argument,) = args

            def listwise(frame, active):
                values = self._call(argument, frame, active)
                if not isinstance(values, Positions):
                    raise Unsupported(f"{name}() of a number")
                if name == "count":
                    return nm.integers(values.length)
                frame.unsure |= active & (values.inside & ~values.present).any(axis=1)
                total = nm.total(values.values, values.present)
                if name == "total":
                    return total
                return nm.div(total, nm.integers(values.length), frame.zero, frame.unsure, active)
            return listwise
        raise Unsupported(f"function {name}()")

    @staticmethod
    def _band(table, value: Num, missing, unsure, active) -> Num:
        """The points of the first band holding the value (the otherwise points for
        an absent value or none), chosen with one np.select over the bands."""
        bands, otherwise = table
        looked_up = _band_lookup(table, value, missing)
        if looked_up is not None:
            return looked_up
        conditions, points = [], []
        if missing is not None:
            conditions.append(missing)
            points.append(otherwise)
        for low, high, band_points in bands:
            inside = True
            if low is not None:
                inside = nm.compare_mask("ge", value, low, unsure, active)
            if high is not None:
                inside = inside & nm.compare_mask("le", value, high, unsure, active)
            conditions.append(inside)
            points.append(band_points)
        return nm.select(conditions, points, otherwise, np.shape(value.n if value.exact else value.f))

    def _mean_band(self, table, values, frame, active) -> Num:
        if not isinstance(values, Positions):
            raise Unsupported("mean_band() of a number")
        total = _banded_total(table, values)
        if total is None:
            points = self._band(table, values.values, ~values.present, frame.unsure, None)
            total = nm.total(points, values.inside)
        return nm.div(total, nm.integers(values.length), frame.zero, frame.unsure, active)


LOOKUP = 4096       # whole-number values spanning at most this many are banded through a table


def _band_lookup(table, value: Num, missing) -> Num | None:
    """Band points of whole-number values (search positions, counts) read from a table
    built once per batch over the values' range: one gather instead of a pass per band."""
    bands, otherwise = table
    every = [points for _, _, points in bands] + [otherwise]
    if not value.exact or np.ndim(value.d) or value.d != 1 or not np.ndim(value.n) \
            or abs(value.lo) == float("inf") or abs(value.hi) == float("inf") or value.hi - value.lo > LOOKUP \
            or not all(p.exact and not np.ndim(p.n) for p in every) \
            or not all(b is None or (b.exact and not np.ndim(b.n)) for low, high, _ in bands for b in (low, high)):
        return None
    low, high = int(value.lo), int(value.hi)
    denominator = 1
    for points in every:
        denominator = denominator * points.d // gcd(denominator, points.d)
    entries = []
    for whole in range(low, high + 1):
        chosen = otherwise
        for band_low, band_high, points in bands:
            if (band_low is None or whole * band_low.d >= band_low.n) and \
                    (band_high is None or whole * band_high.d <= band_high.n):
                chosen = points
                break
        entries.append(chosen.n * (denominator // chosen.d))
    lookup = np.array(entries, dtype=np.int64)
    n = np.take(lookup, value.n - low if low else value.n)
    if missing is not None:
        n = np.where(missing, otherwise.n * (denominator // otherwise.d), n)
    return Num(n, denominator, max(abs(e) for e in entries + [otherwise.n * (denominator // otherwise.d)]),
               denominator, min(p.lo for p in every), max(p.hi for p in every))


def _banded_total(table, values: Positions) -> Num | None:
    """Per body, the sum of the band points over the list's positions (the otherwise points
    for a position not found), read from a lookup table: the points of the positions found,
    summed in one pass, plus the otherwise points times how many were not found. None where
    the table does not apply (``_band_lookup``)."""
    looked_up = _band_lookup(table, values.values, None)
    if looked_up is None:
        return None
    width = looked_up.n.shape[1]
    otherwise = table[1]
    other = otherwise.n * (looked_up.d // otherwise.d)
    if (looked_up.nb + abs(other)) * width >= nm.LIMIT:
        return None
    n = np.einsum("ij,ij->i", looked_up.n, values.present)        # present cells are inside the list
    if other:
        n += other * (values.length - _row_counts(values.present))
    low, high = min(looked_up.lo, 0) * width, max(looked_up.hi, 0) * width
    return Num(n, looked_up.d, (looked_up.nb + abs(other)) * width, looked_up.d, low, high)


def _row_counts(mask: np.ndarray) -> np.ndarray:
    """How many cells of each row are set (a matrix-vector product in float32: exact, as
    the counts are below 2^24)."""
    width = mask.shape[1]
    if width >= 2 ** 24:
        return mask.sum(axis=1)
    return (mask.view(np.uint8).astype(np.float32) @ np.ones(width, dtype=np.float32)).astype(np.int64)


def _unsupported(what):
    raise Unsupported(what)


_ZERO = nm.ZERO
_ONE = nm.ONE
