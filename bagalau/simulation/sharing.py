"""Work shared between option combinations (the robustness run).

A node's value depends only on some of the edition's options: those its own
rules read (``option_X`` in a formula, a zero-denominator, section, floor or
aggregate option), those of the nodes it is made of (children, ``score()``)
and, for every node, those of the rules that can change which nodes apply or
which bodies take a cohort average (``global``). Two combinations that agree
on a node's options compile it to the same program and, on the same cohort,
give it the same column: ``Memo`` keeps both, keyed by those options' values.
"""

from __future__ import annotations

import re

from bagalau.engine.compiled import CompiledMethodology

_OPTION = re.compile(r"\boption_(\w+)")
_SCORE = re.compile(r"score\(\s*['\"]([^'\"]+)['\"]\s*\)")


def _formula_options(formula) -> set[str]:
    if formula is None:
        return set()
    return {name[len("option_"):] for name in formula.names if name.startswith("option_")}


def option_dependence(compiled: CompiledMethodology) -> dict[str, tuple[str, ...]]:
    """Per node, the options its value may depend on (sorted)."""
    options = set(compiled.methodology.options)
    own: dict[str, set[str]] = {}
    refs: dict[str, set[str]] = {}
    shared: set[str] = set()
    for node_id, c in compiled.nodes.items():
        node = c.node
        found: set[str] = set()
        sources = [c.formula, c.checklist_scale, *c.deduction_counts, *c.deduction_caps,
                   *(variable for _, variable in c.variables)]
        for formula in sources:
            found |= _formula_options(formula)
        refs[node_id] = {match for formula in sources if formula is not None
                         for match in _SCORE.findall(formula.source)}
        for rule in (node.zero_denominator,):
            if rule is not None and rule.option:
                found.add(rule.option)
        if node.checklist is not None and node.checklist.sections_option:
            found.add(node.checklist.sections_option)
        if node.lower_option is not None:
            found.add(node.lower_option.option)
        if node.aggregate_option:
            found.add(node.aggregate_option)
        shared |= _formula_options(c.not_applicable) | _formula_options(c.cohort_when) | \
            _formula_options(c.cohort_over)
        own[node_id] = found & options
    result: dict[str, tuple[str, ...]] = {}

    def visit(node_id: str, stack: tuple = ()) -> set[str]:
        if node_id in result:
            return set(result[node_id])
        if node_id in stack:          # a cycle cannot be compiled; be safe
            return set(options)
        found = set(own.get(node_id, options)) | shared
        c = compiled.nodes.get(node_id)
        if c is None:
            return set(options)
        for child in c.node.children:
            found |= visit(child.id, stack + (node_id,))
        for ref in refs.get(node_id, ()):
            found |= visit(ref, stack + (node_id,))
        result[node_id] = tuple(sorted(found & options))
        return found

    for node_id in compiled.nodes:
        visit(node_id)
    result[None] = tuple(sorted(shared & options))        # the cohort and applicability rules
    return result


class Memo:
    """Programs and node columns shared by the combinations of one cohort (one profile)."""

    def __init__(self, compiled: CompiledMethodology):
        self.dependence = option_dependence(compiled)
        self.programs: dict = {}
        self.values: dict = {}

    def formula_key(self, source: str, options: dict[str, str]) -> tuple:
        return ("formula", source) + tuple(options[o] for o in sorted(set(_OPTION.findall(source)) & set(options)))

    def key(self, node_id: str | None, options: dict[str, str]) -> tuple:
        return (node_id,) + tuple(options[o] for o in self.dependence[node_id])
