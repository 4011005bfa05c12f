"""The formula language: a whitelisted subset of Python expressions.

Formulas are parsed by Python's own ``ast`` module, checked against a
whitelist of node types and function names, and compiled to a code object
that runs with no builtins. There is no attribute access, subscripting,
comprehension, lambda or import; the only calls are the functions in
``FUNCTIONS``. Numeric literals become exact numbers taken from their
source text (``0.1`` is exactly one tenth, the Fraction 1/10), and every
``/`` is an exact division (``bagalau.engine.exact.divide``), so a formula's
value is an exact rational however many divisions it holds.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bagalau.engine.exact import Exact, divide, exact, round_to
from bagalau.engine.explanations import code, note
from bagalau.i18n import N_

FUNCTIONS: dict[str, str] = {
    "share": "share(numerator, denominator): the ratio clamped to [0, 1]; a zero denominator triggers the node's zero-denominator rule",
    "band": "band('table', value): points of the band that contains value",
    "mean_band": "mean_band('table', values): mean of band points over a list of observations",
    "score": "score('id'): the (unrounded) score of another node",
    "mean": "mean(values): the mean of a list input; an empty list triggers the zero-denominator rule",
    "total": "total(values): the sum of a list input",
    "count": "count(values): how many values a list input holds",
    "min": "min(a, b, ...)",
    "max": "max(a, b, ...)",
    "abs": "abs(x)",
}

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
    ast.Call, ast.Name, ast.Load, ast.Constant,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd,
    ast.And, ast.Or, ast.Not,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
)
# What each function takes: "id" a quoted table or node id, "number" a value, "list" a list
# input by name; "numbers" for min/max (one list, or two or more values).
SIGNATURES: dict[str, tuple[str, ...]] = {
    "share": ("number", "number"), "band": ("id", "number"), "mean_band": ("id", "list"), "score": ("id",),
    "mean": ("list",), "total": ("list",), "count": ("list",), "min": ("numbers",), "max": ("numbers",),
    "abs": ("number",),
}
# Bounds on one formula, far above the acts' largest (411 parts, 19 levels, 2,330 characters),
# so that checking or compiling one never exhausts the stack.
MAX_FORMULA_CHARS = 20_000
MAX_FORMULA_PARTS = 2_000
MAX_FORMULA_DEPTH = 100
MAX_LITERAL_EXPONENT = 30
# Functions whose first argument names a table or a node and must be a literal string.
_REFERENCE_FUNCTIONS = {"band": "band table", "mean_band": "band table", "score": "node"}
# Functions that receive the evaluation context and the call's own source text.
_CONTEXT_FUNCTIONS = {"share", "band", "mean_band", "score", "mean"}
CONTEXT_NAME = "__ctx__"
DIVIDE_NAME = "__div__"


class FormulaError(ValueError):
    """A formula that cannot be accepted, with the offending fragment."""


class ZeroDenominator(ArithmeticError):
    """A share or division met a zero denominator; the node's rule decides."""

    def __init__(self, where: str):
        super().__init__(where)
        self.where = where


@dataclass
class Formula:
    source: str
    code: Any
    names: set[str]                      # inputs, parameters and `weight`
    references: dict[str, set[str]]      # "band table"/"node" -> referenced ids
    constants: dict[str, Exact] = field(default_factory=dict)
    uses_share: bool = False
    divides: bool = False              # has a '/' by something that is not a literal
    list_names: set[str] = field(default_factory=set)     # names used where a list is expected
    value_names: set[str] = field(default_factory=set)    # names used where a single value is expected


class _Rewriter(ast.NodeTransformer):
    """Replace numeric literals with named exact constants (computed once, at
    compile time), make every division exact, and pass the context and call
    text to context functions."""

    def __init__(self, source: str):
        self.source = source
        self.constants: dict[str, Exact] = {}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Div):
            return node
        call = ast.Call(func=ast.Name(id=DIVIDE_NAME, ctx=ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.copy_location(call, node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            return node
        if isinstance(node.value, int):
            value, text = node.value, str(node.value)   # exact for any int literal, hex or underscored
        else:
            literal = (ast.get_source_segment(self.source, node) or repr(node.value)).replace("_", "")
            text = str(Decimal(literal))
            value = exact(Decimal(literal))   # "0.1" is exactly one tenth, unlike the float
        # The name is derived from the value and its kind, so the constants of
        # many formulas can share one namespace without clashing.
        kind = "i" if isinstance(node.value, int) else "f"
        name = f"__k{kind}_" + text.replace(".", "_").replace("-", "m").replace("+", "p") + "__"
        self.constants[name] = value
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        text = ast.get_source_segment(self.source, node) or ""
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in _CONTEXT_FUNCTIONS:
            node.args = [ast.Name(id=CONTEXT_NAME, ctx=ast.Load()), *node.args,
                         ast.Constant(value=text)]
        return node


def _too_large(what: str) -> FormulaError:
    return FormulaError(f"the formula is too large ({what}); the limits are {MAX_FORMULA_CHARS:,} characters, "
                        f"{MAX_FORMULA_PARTS:,} parts and {MAX_FORMULA_DEPTH} levels of nesting: split it "
                        "into the node's variables")


def _check_size(tree: ast.AST) -> dict[int, ast.AST]:
    """Refuse a tree with too many parts or levels (iteratively: the check itself must not
    recurse); the parent of every node, by id."""
    parents: dict[int, ast.AST] = {}
    stack = [(tree, 1)]
    parts = 0
    while stack:
        node, depth = stack.pop()
        parts += 1
        if parts > MAX_FORMULA_PARTS:
            raise _too_large(f"more than {MAX_FORMULA_PARTS:,} parts")
        if depth > MAX_FORMULA_DEPTH:
            raise _too_large(f"nested more than {MAX_FORMULA_DEPTH} levels deep")
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
            stack.append((child, depth + 1))
    return parents


def _constant_value(node: ast.AST):
    """The exact value of a subexpression made of numeric literals only, else None."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            return None
        return exact(Decimal(str(node.value))) if isinstance(node.value, float) else node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _constant_value(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        left, right = _constant_value(node.left), _constant_value(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return None if right == 0 else divide(left, right)
    return None


def _call_problem(source: str, node: ast.Call, function: str) -> str | None:
    """Why a call of a whitelisted function cannot work (arity, argument kinds), or None."""
    text = _fragment(source, node)
    signature = SIGNATURES[function]
    args = node.args
    if any(isinstance(arg, ast.Starred) for arg in args):
        return f"'{text}': * arguments are not allowed"
    if signature == ("numbers",):
        if not args:
            return f"'{text}': {function}() needs one list input or at least two values"
        kinds = ("list",) if len(args) == 1 else ("number",) * len(args)
    else:
        if len(args) != len(signature):
            return (f"'{text}': {function}() takes {len(signature)} argument{'s' if len(signature) > 1 else ''}, "
                    f"got {len(args)} ({FUNCTIONS[function]})")
        kinds = signature
    for position, (arg, kind) in enumerate(zip(args, kinds), start=1):
        is_text = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        if kind == "id":
            continue    # checked as a reference below
        if is_text:
            return f"'{text}': argument {position} of {function}() is the text {_fragment(source, arg)}, not a number"
        if kind == "list" and not isinstance(arg, ast.Name):
            return (f"'{text}': {function}() needs a list input by its name, not "
                    f"'{_fragment(source, arg)}'")
    return None


def _list_positions(node: ast.Call, function: str) -> list[ast.AST]:
    """The arguments of a call that must be lists."""
    if function in ("mean", "total", "count"):
        return node.args[:1]
    if function == "mean_band":
        return node.args[1:2]
    if function in ("min", "max") and len(node.args) == 1:
        return node.args[:1]
    return []


def compile_formula(source: str) -> Formula:
    """Parse, check and compile one formula, or raise FormulaError."""
    if len(source) > MAX_FORMULA_CHARS:
        raise _too_large(f"{len(source):,} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"syntax error at column {exc.offset}: {exc.msg}") from None
    except ValueError as exc:      # e.g. an integer literal of more than 4,300 digits
        raise FormulaError(f"cannot be read: {' '.join(str(exc).split())[:120]}") from None
    except (RecursionError, MemoryError):
        raise _too_large("nested too deeply to parse") from None
    parents = _check_size(tree)
    names: set[str] = set()
    list_names: set[str] = set()
    value_names: set[str] = set()
    list_nodes: set[int] = set()
    references: dict[str, set[str]] = {}
    uses_share = False
    divides = False
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and not isinstance(node.right, ast.Constant):
            divides = True
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(_not_allowed(source, node))
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            operands = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.operand]
            for operand in operands:
                if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
                    raise FormulaError(f"'{_fragment(source, node)}' calculates with the text "
                                       f"{_fragment(source, operand)}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and _constant_value(node.right) == 0:
            raise FormulaError(f"'{_fragment(source, node)}' divides by {_fragment(source, node.right)}, "
                               "which is always zero")
        if isinstance(node, ast.Call):
            function = node.func.id if isinstance(node.func, ast.Name) else None
            if function not in FUNCTIONS:
                raise FormulaError(f"call to '{_fragment(source, node.func)}' is not allowed; "
                                   f"allowed functions: {', '.join(sorted(FUNCTIONS))}")
            if node.keywords:
                raise FormulaError(f"keyword arguments are not allowed in '{_fragment(source, node)}'")
            problem = _call_problem(source, node, function)
            if problem:
                raise FormulaError(problem)
            if function == "share" and _constant_value(node.args[1]) == 0:
                raise FormulaError(f"'{_fragment(source, node)}' has a denominator that is always zero")
            list_nodes.update(id(arg) for arg in _list_positions(node, function))
            uses_share = uses_share or function in ("share", "mean")
            if function in _REFERENCE_FUNCTIONS:
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    raise FormulaError(f"{function}() needs a quoted {_REFERENCE_FUNCTIONS[function]} id "
                                       f"as its first argument")
                references.setdefault(_REFERENCE_FUNCTIONS[function], set()).add(first.value)
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise FormulaError(f"name '{node.id}' is not allowed (names may not start with '_')")
            if node.id not in FUNCTIONS:
                names.add(node.id)
                parent = parents.get(id(node))
                if id(node) in list_nodes:
                    list_names.add(node.id)
                elif not (isinstance(parent, ast.Call) and parent.func is node):
                    value_names.add(node.id)
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str, bool)):
            raise FormulaError(f"literal {_fragment(source, node)} is not allowed")
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            literal = Decimal((ast.get_source_segment(source.strip(), node) or str(node.value)).replace("_", "")) \
                if isinstance(node.value, float) else Decimal(node.value)
            if literal and not -MAX_LITERAL_EXPONENT <= literal.adjusted() <= MAX_LITERAL_EXPONENT:
                raise FormulaError(f"the number {_fragment(source, node)[:40]} is out of range for a formula "
                                   f"(between 10^-{MAX_LITERAL_EXPONENT} and 10^{MAX_LITERAL_EXPONENT})")
    rewriter = _Rewriter(source.strip())
    tree = ast.fix_missing_locations(rewriter.visit(tree))
    code = compile(tree, "<formula>", "eval")
    return Formula(source=source.strip(), code=code, names=names, references=references,
                   constants=rewriter.constants, uses_share=uses_share, divides=divides,
                   list_names=list_names, value_names=value_names)


_OPERATOR_NAMES = {ast.Pow: "the power operator **", ast.Mod: "the remainder operator %",
                   ast.FloorDiv: "floor division //", ast.MatMult: "the operator @", ast.BitAnd: "the operator &",
                   ast.BitOr: "the operator |", ast.BitXor: "the operator ^", ast.LShift: "the operator <<",
                   ast.RShift: "the operator >>", ast.Invert: "the operator ~", ast.Is: "'is'",
                   ast.IsNot: "'is not'", ast.In: "'in'", ast.NotIn: "'not in'"}


def _not_allowed(source: str, node: ast.AST) -> str:
    if type(node) in _OPERATOR_NAMES:
        return f"{_OPERATOR_NAMES[type(node)]} is not allowed"
    return f"'{_fragment(source, node)}' is not allowed ({type(node).__name__})"


def _fragment(source: str, node: ast.AST) -> str:
    return ast.get_source_segment(source.strip(), node) or type(node).__name__


# --- the functions available to formulas -----------------------------------------

class EvaluationContext:
    """What context functions need: band tables, other nodes' scores, and a
    place to leave notes (clamped shares) for the explanation."""

    __slots__ = ("bands", "scores", "notes")

    def __init__(self, bands: dict, scores: dict):
        self.bands = bands
        self.scores = scores
        self.notes: list[dict] = []


def _share(ctx: EvaluationContext, numerator, denominator, where: str) -> Exact:
    if denominator == 0:
        raise ZeroDenominator(where)
    value = divide(numerator, denominator)
    if value > 1 or value < 0:
        clamped = 0 if value < 0 else 1
        ctx.notes.append(note("share_clamped", N_("{where} = {value} is outside [0, 1]; clamped to {clamped}"),
                              where=code(where), value=_four_places(value), clamped=str(clamped)))
        return clamped
    return value


def _four_places(value: Exact) -> str:
    return format(round_to(value, 4), "f")


def _band(ctx: EvaluationContext, table: str, value, where: str) -> Exact:
    return ctx.bands[table].points_for(value)


def _mean_band(ctx: EvaluationContext, table: str, values, where: str) -> Exact:
    if not values:
        raise ZeroDenominator(where)
    lookup = ctx.bands[table].points_for
    return divide(sum((lookup(v) for v in values), 0), len(values))


def _mean(ctx: EvaluationContext, values, where: str) -> Exact:
    if not values:
        raise ZeroDenominator(where)
    return divide(sum(values, 0), len(values))


def _total(values) -> Exact:
    return sum(values, 0)


def _count(values) -> int:
    return len(values)


def _score(ctx: EvaluationContext, node_id: str, where: str) -> Exact:
    return ctx.scores[node_id]


BASE_NAMESPACE: dict[str, Any] = {
    "__builtins__": {},
    DIVIDE_NAME: divide,
    "share": _share,
    "band": _band,
    "mean_band": _mean_band,
    "score": _score,
    "mean": _mean,
    "total": _total,
    "count": _count,
    "min": min,
    "max": max,
    "abs": abs,
}
