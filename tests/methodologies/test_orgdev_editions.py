"""The organisational-development family as a chain of editions: the 2020 base
(orgdev-2020, reconstructed from what the 2023 order reveals; every rule
entered) and the 2023 amending joint order (orgdev-2023, an overlay).

Checks the printed maxima of Appendices 13 and 16 on every resolved tree and
profile, the edition in force per period, the node-by-node diff, and that the
overlay cites the amending order for every change.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from bagalau.engine import catalog
from bagalau.cli import app
from bagalau.engine.definition import for_profile, read_yaml
from bagalau.engine.editions import diff, in_force
from bagalau.engine.validation import check_file

FAMILY = "organisational-development"
BONUS = {"HR.2.6", "HR.2.7", "IT.7", "IT.8"}       # "(бонусный показатель)", "(бонусные)"
DEDUCTION = {"IT.9", "HR.2.1.3"}                  # subtracted (п. 81) / penalty scale (п. 40(2))


def tree(edition: str, profile: str):
    return for_profile(catalog.methodology(edition), profile)


def node(m, node_id):
    return m.node(node_id)


def children_max(m, node_id, *, bonus: bool | None = None) -> Decimal:
    kids = [c for c in node(m, node_id).children if c.id not in DEDUCTION]
    if bonus is not None:
        kids = [c for c in kids if (c.id in BONUS) == bonus]
    return sum((c.max for c in kids), Decimal(0))


# --- files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["orgdev-2020", "orgdev-2023"])
def test_definition_files_check_clean(name):
    compiled, problems = check_file(catalog.resolve_path(name))
    assert problems == []
    assert compiled.source.family == FAMILY


# --- the act's printed maxima, per profile ----------------------------------------------------

@pytest.mark.parametrize("profile", ["central", "local"])
def test_appendix_13_hr_maxima(profile):
    """Appendix 13 (order appx 7): criteria 30 / 30 / 40 = 100; indicators 10+5+5+5+5,
    10+5+5+5+5 plus bonuses 2 and 1.5, 10+10+10+5+5."""
    m = tree("orgdev-2023", profile)
    assert node(m, "HR").max == 100
    assert [c.max for c in node(m, "HR").children] == [30, 30, 40]
    assert children_max(m, "HR") == 100
    assert [c.max for c in node(m, "HR.1").children] == [10, 5, 5, 5, 5]
    assert children_max(m, "HR.1") == node(m, "HR.1").max == 30
    assert [c.max for c in node(m, "HR.2").children] == [10, 5, 5, 5, 5, 2, Decimal("1.5")]
    assert children_max(m, "HR.2", bonus=False) == node(m, "HR.2").max == 30
    assert children_max(m, "HR.2", bonus=True) == Decimal("3.5")
    assert [c.max for c in node(m, "HR.3").children] == [10, 10, 10, 5, 5]
    assert children_max(m, "HR.3") == node(m, "HR.3").max == 40
    # N = N1 + N2 (п. 40): 5 + 5 = 10, with a penalty of at most 2
    assert children_max(m, "HR.2.1") == node(m, "HR.2.1").max == 10
    assert node(m, "HR.2.1.3").max == -2


def test_appendix_16_it_maxima_central():
    """Appendix 16, CGO column: 30, –, 20, 25, 20, 5, 5 (bonus), 5 (bonus)."""
    m = tree("orgdev-2023", "central")
    assert {c.id: c.max for c in node(m, "IT").children if c.id not in DEDUCTION} == {
        "IT.1": 30, "IT.3": 20, "IT.4": 25, "IT.5": 20, "IT.6": 5, "IT.7": 5, "IT.8": 5}
    assert children_max(m, "IT", bonus=False) == node(m, "IT").max == 100
    assert children_max(m, "IT", bonus=True) == 10


def test_appendix_16_it_maxima_local():
    """Appendix 16, MIO column: 30, 10, 20, 25, 10, 5, 5 (bonus), –."""
    m = tree("orgdev-2023", "local")
    assert {c.id: c.max for c in node(m, "IT").children if c.id not in DEDUCTION} == {
        "IT.1": 30, "IT.2": 10, "IT.3": 20, "IT.4": 25, "IT.5": 10, "IT.6": 5, "IT.7": 5}
    assert children_max(m, "IT", bonus=False) == node(m, "IT").max == 100
    assert children_max(m, "IT", bonus=True) == 5


@pytest.mark.parametrize("edition", ["orgdev-2020", "orgdev-2023"])
@pytest.mark.parametrize("profile", ["central", "local"])
def test_every_resolved_tree_adds_up(edition, profile):
    """Walk every node of every resolved tree: a parent's non-bonus, non-deduction
    children add up to its maximum, except where the act itself says otherwise
    (the IT direction of 2020, whose 2020 maxima are unknown)."""
    m = tree(edition, profile)
    assert sum((n.max for n in m.nodes), Decimal(0)) == m.max_total == 200
    for parent in m.walk():
        if not parent.children or (edition, parent.id) == ("orgdev-2020", "IT"):
            continue
        assert children_max(m, parent.id, bonus=False) == parent.max, (edition, profile, parent.id)


def test_the_2020_base_is_entered_throughout():
    """The base act is not in the seeds: no rule of it may be invented. Every leaf is
    entered, and every node says where its maximum comes from."""
    m = catalog.methodology("orgdev-2020")
    leaves = [n for n in m.walk() if not n.children]
    assert leaves and all(n.provenance == "entered" and n.formula is None for n in leaves)
    assert all(n.note for n in m.walk())
    assert m.act.in_force_from is None and "not among the seeds" in m.act.in_force_note
    assert m.act.registration_number == "19950"
    assert m.penalties["reporting"].cap is None


# --- resolve: the edition in force ------------------------------------------------------------

@pytest.fixture(scope="module")
def editions():
    """The family's editions, loaded once (catalog.edition_in_force reloads them on every call)."""
    found = catalog.family_editions(FAMILY)
    assert sorted(m.id for m in found) == ["orgdev-2020", "orgdev-2023"]
    return found


@pytest.mark.parametrize("period,expected", [(2020, "orgdev-2020"), (2022, "orgdev-2020"),
                                             (2023, "orgdev-2023"), (2025, "orgdev-2023")])
def test_edition_in_force(editions, period, expected):
    m, dates = in_force(editions, date(period, 12, 31))
    assert m.id == expected
    assert dates.assumed_start  # neither act's date of entry into force is in the seeds


def test_before_the_base_no_edition(editions):
    assert in_force(editions, date(2019, 12, 31)) is None


def test_2023_order_stands_in_from_its_registration_date(editions):
    """п. 4: ten calendar days after publication; the publication date is missing, so the
    registration date 21 February 2023 stands in (reading A33)."""
    assert in_force(editions, date(2023, 2, 20))[0].id == "orgdev-2020"
    assert in_force(editions, date(2023, 2, 21))[0].id == "orgdev-2023"


def test_resolve_command():
    runner = CliRunner()
    result = runner.invoke(app, ["resolve", FAMILY, "--period", "2023"])
    assert result.exit_code == 0, result.output
    assert "orgdev-2023" in result.output and "orgdev-2020" in result.output  # "amending orgdev-2020"
    earlier = runner.invoke(app, ["resolve", FAMILY, "--period", "2021"])
    assert earlier.exit_code == 0 and earlier.output.split()[0] == "orgdev-2020"


# --- the overlay and the diff -------------------------------------------------------------------

def test_overlay_lineage_and_amended_by():
    m = catalog.methodology("orgdev-2023")
    assert m.base == "orgdev-2020" and m.lineage == ["orgdev-2020"]
    assert "п. 35" in m.node("HR.1.3").amended_by and "A5" in m.node("HR.1.3").amended_by
    assert m.node("HR.1.1").amended_by is None        # net turnover: not amended
    assert m.penalties["reporting"].cap == 10


def test_every_change_cites_the_amending_order():
    raw = read_yaml(catalog.resolve_path("orgdev-2023"))
    assert raw["base"] == "orgdev-2020"
    for change in raw["changes"]:
        assert change["paragraph"].startswith("Order п. 1"), change
        assert re.search(r"\[amendments? A\d+", change["paragraph"]), change


def by_kind(changes, area="node"):
    result: dict[str, set[str]] = {}
    for change in changes:
        if change.area == area:
            result.setdefault(change.kind, set()).add(change.id)
    return result


def test_diff_lists_added_deleted_and_restated_nodes():
    old, new = catalog.methodology("orgdev-2020"), catalog.methodology("orgdev-2023")
    changes = diff(old, new)
    kinds = by_kind(changes)
    # пп. 45-1, 45-2 (I, K), п. 40 (N1, N2, weekend penalty), Параграфы 5-1, 5-2, 6-1 (L, J, H)
    assert kinds["added"] == {"HR.2.6", "HR.2.7", "HR.2.1.1", "HR.2.1.2", "HR.2.1.3", "IT.5", "IT.6", "IT.8"}
    # Параграф 2 of the IT chapter
    assert kinds["deleted"] == {"IT.P2"}
    # the restated paragraphs whose lost formulas are reconstructed or printed
    assert {"HR.1.3", "HR.1.5", "HR.2.4", "HR.2.5", "HR.3.1", "HR.3.3", "HR.3.4", "IT.2"} <= kinds["formula"]
    # smart cities: 2020 bound 25 -> 10, MIO only (п. 66)
    weight = {c.id: (c.before, c.after) for c in changes if c.kind == "weight"}
    assert weight == {"IT.2": ("25", "10")}
    rules = [c for c in changes if c.kind == "rule" and c.id == "IT.2"]
    assert any("profiles" in c.after and "local" in c.after for c in rules)
    # the renamed criterion of Параграф 3
    assert any(c.kind == "wording" and c.id == "IT.2" and "Умных" in c.after for c in changes)
    # nodes that keep their base rule are not reported as formula changes
    assert not {"HR.1.1", "HR.1.2", "HR.1.4", "HR.2.2", "HR.3.2", "IT.1", "IT.3", "IT.4", "IT.7", "IT.9"} & kinds["formula"]
    # the penalty cap of п. 24 and the options
    assert {c.id for c in changes if c.area == "penalty"} == {"reporting"}
    assert by_kind(changes, "option")["added"] == {"A3", "A4", "A5", "A23"}   # A23: issue 7 rule 6


def test_diff_command_on_the_resolved_trees():
    result = CliRunner().invoke(app, ["diff", "orgdev-2020", "orgdev-2023", "--json", "--profile", "local"])
    assert result.exit_code == 0, result.output
    assert '"IT.P2"' in result.output and '"HR.2.7"' in result.output
    assert '"IT.8"' not in result.output  # CGO only


def test_show_provenance_lists_options_and_reconstructions():
    result = CliRunner().invoke(app, ["show", "orgdev-2023", "--provenance", "--profile", "local"])
    assert result.exit_code == 0, result.output
    for text in ("HR.1.3", "reconstructed", "entered", "IT.2", "A3", "before", "A5"):
        assert text in result.output


# --- min_total as a floor (issue 7, rule 3; option P24) -----------------------------------------

def _orgdev_2020_zero_body():
    from bagalau.engine.inputs import Submission
    compiled = catalog.load("orgdev-2020", "central")
    raw = {key: ("entered at 0 for the test" if key.endswith("_comment") else 0) for key in compiled.inputs}
    return Submission("b1", "Body", raw, profile="central")


@pytest.mark.parametrize("options,total,floored", [({}, 0, True), ({"P24": "none"}, -5, False)])
def test_orgdev_2020_total_is_floored_at_min_total_after_the_paragraph_24_penalties(options, total, floored):
    """п. 24 (2023 wording): "Общая сумма всех вычитаемых за представление/размещение
    недостоверной, неполной, несвоевременной информации штрафных баллов составляет не более
    10 баллов по каждому направлению оценки." The penalties come off a direction after its
    bounds; the edition declares min_total 0, so HR 0 − 5 and IT 0 give a total of 0 by
    default (option P24 = floor), and −5 with P24 = none."""
    from bagalau.engine.cohort import CohortScorer
    from bagalau.engine.scoring import AppliedPenalty
    cohort = CohortScorer("orgdev-2020", options)
    body = cohort.validate(_orgdev_2020_zero_body())
    result = cohort.score([body], explain=True, penalties={"b1": [AppliedPenalty("reporting", 500, node="HR")]})[0]
    assert result.scores["HR"] == -5 and result.total == total
    assert ("total_floor" in result.explanation) is floored
    if floored:
        assert result.explanation["total_floor"]["unfloored"] == "-5"
