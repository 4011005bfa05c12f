"""Every shipped edition, resolved, for every profile: it checks clean, and
its maxima add up the way the act states them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bagalau.engine import catalog
from bagalau.engine.validation import check_file

EDITIONS = list(catalog.definition_paths())


@pytest.mark.parametrize("edition", EDITIONS)
def test_edition_checks_clean(edition):
    _, problems = check_file(catalog.resolve_path(edition))
    assert [str(p) for p in problems] == []


def profiles_of(edition):
    source = catalog.methodology(edition)
    return [(edition, profile) for profile in (source.profiles or [None])]


@pytest.mark.parametrize("edition,profile", [pair for edition in EDITIONS for pair in profiles_of(edition)])
def test_maxima_add_up_in_every_resolved_tree(edition, profile):
    m = catalog.load(edition, profile).methodology

    def walk(node):
        if node.children and node.children_fill_max and node.aggregate == "sum" and not node.formula:
            total = sum((child.max for child in node.children), Decimal(0))
            assert abs(total - node.max) < Decimal("1e-20"), f"{edition}/{profile}: children of {node.id} add to {total}, not {node.max}"
        for child in node.children:
            walk(child)

    for node in m.nodes:
        walk(node)
    if m.total_formula is None:
        positives = [n.max for n in m.nodes if n.max > 0]
        negatives = [n.max for n in m.nodes if n.max < 0]
        divisor = len(m.nodes) if m.total_aggregate == "mean" else 1
        assert sum(positives, Decimal(0)) / divisor == m.max_total
        assert sum(negatives, Decimal(0)) / divisor == m.min_total


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_node_cites_the_act(edition):
    for profile in catalog.methodology(edition).profiles or [None]:
        for node in catalog.load(edition, profile).methodology.walk():
            assert node.paragraph and node.paragraph.strip(), f"{edition}: node {node.id} has no paragraph"
            if node.provenance == "reconstructed":
                assert node.note or node.readings, f"{edition}: reconstructed node {node.id} says nothing of why"
