"""The openness direction as two editions of the family individuals-interaction:
openness-2021 (the base, not among the seeds: only what the 2025 order reveals,
with entered criteria) and openness-2025 (the 2025 amending joint order, an
overlay).

Checks the printed maxima of App. 7, App. 8 and the App. 10 "Итого" cells
(spec 004 §4.2, TV-02…TV-18) on every resolved tree and profile, the edition in
force per period, the node-by-node diff, and the base edition's entered rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from bagalau.engine import catalog
from bagalau.cli import app
from bagalau.engine.cohort import CohortScorer
from bagalau.engine.definition import read_yaml
from bagalau.engine.editions import diff, in_force
from bagalau.engine.inputs import InputError, Submission
from bagalau.engine.validation import check_file

FAMILY = "individuals-interaction"
APP_7 = {"1": 18, "2": 18, "3": 18, "4": 18, "5": 18, "6": 10, "7": -9}     # TV-02


@pytest.mark.parametrize("edition", ["openness-2021", "openness-2025"])
def test_definition_checks_clean(edition):
    _, problems = check_file(catalog.resolve_path(edition))
    assert [str(p) for p in problems] == []


# --- maxima ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("edition", ["openness-2021", "openness-2025"])
@pytest.mark.parametrize("profile", ["central", "local"])
def test_app_7_and_app_8_maxima(edition, profile):
    """TV-02/TV-03: App. 7 criteria 18 × 5 + 10 = 100 and −9; App. 8 overall 100, final 100.
    The total is a formula (the A4 floor), so the engine does not add these up itself."""
    m = catalog.load(edition, profile).methodology
    assert {n.id: n.max for n in m.nodes} == {k: Decimal(v) for k, v in APP_7.items()}
    assert sum(n.max for n in m.nodes if n.max > 0) == m.max_total == 100
    assert sum(n.max for n in m.nodes if n.max < 0) == m.min_total == -9


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


@pytest.mark.parametrize("profile", ["central", "local"])
def test_every_resolved_2025_tree_adds_up(profile):
    """Every parent's children add up to its maximum, except criterion 1 (the incentive row
    on top of 18, A8); a language column is half of its row."""
    m = catalog.load("openness-2025", profile).methodology
    for node in (n for top in m.nodes for n in walk(top)):
        if not node.children:
            continue
        total = sum((child.max for child in node.children), Decimal(0))
        if node.id == "1":
            assert total == 20 and not node.children_fill_max
        else:
            assert total == node.max, node.id
        columns = [child for child in node.children if child.id.endswith((".kk", ".ru"))]
        if columns:
            assert [c.id for c in columns] == [node.id + ".kk", node.id + ".ru"] == [c.id for c in node.children]
            assert columns[0].max == columns[1].max == node.max / 2, node.id


TABLE_TOTALS = {
    # TV-04: Table 1 rows 1–5 (its 'Итого' is empty, A25); the incentive row 6 on top
    ("central", ("T1.1", "T1.2", "T1.3", "T1.4", "T1.5")): 18, ("local", ("T1.6",)): 2,
    # TV-05: Table 2 (empty 'Итого'), central; TV-06: Table 3 'Итого 18', local
    ("central", tuple(f"T2.{r}" for r in range(1, 12))): 18, ("local", tuple(f"T3.{r}" for r in range(1, 8))): 18,
    # TV-07, TV-08: Tables 4 and 5 'Итого 18'
    ("central", tuple(f"T4.{r}" for r in range(1, 7))): 18, ("local", tuple(f"T5.{r}" for r in range(1, 5))): 18,
    # TV-09, TV-10: Table 6 'Итого 18' for central (ЦИО) and local bodies
    ("central", ("T6.1", "T6.2", "T6.3", "T6.4")): 18, ("local", ("T6.1", "T6.2", "T6.3", "T6.4")): 18,
    # TV-11: Table 7; TV-12: Table 7-1 'Итого 10' (A + B + D)
    ("central", tuple(f"T7.{r}" for r in range(1, 7))): 18, ("local", ("T7-1.1", "T7-1.2", "T7-1.3")): 10,
    # TV-14…TV-17: Table 8 'Итого 9'; Tables 9, 10, 11 'Итого штрафных баллов 3'
    ("central", ("T8.1", "T8.2", "T8.3")): -9, ("central", ("T9.1",)): -3,
    ("central", ("T10.1", "T10.2", "T10.3")): -3, ("central", ("T11.1", "T11.2")): -3,
}


@pytest.mark.parametrize("profile, rows", list(TABLE_TOTALS))
def test_app_10_table_totals(profile, rows):
    m = catalog.load("openness-2025", profile).methodology
    assert sum(m.node(row).max for row in rows) == TABLE_TOTALS[(profile, rows)]
    columns = [n.max for row in rows for n in m.node(row).walk() if n.id.endswith(".kk")]
    assert sum(columns) * 2 == TABLE_TOTALS[(profile, rows)]         # each language column is half


def test_per_row_points_of_the_tables():
    """A few rows as printed (per column): Table 2 row 1.1) 0,3; Table 4 row 4 3,5;
    Table 6 row 4.3) ЦИО 0,5 / МИО 1; Table 7-1 row 1 2,5; Table 10 row 2 0,5 penalty."""
    central, local = (catalog.load("openness-2025", p).methodology for p in ("central", "local"))
    assert central.node("T2.1.1.kk").max == Decimal("0.3") and central.node("T4.4.ru").max == Decimal("3.5")
    assert central.node("T6.4.3.kk").max == Decimal("0.5") and local.node("T6.4.3.kk").max == 1
    assert central.node("T7-1.1.ru").max == Decimal("2.5") and central.node("T10.2.kk").max == Decimal("-0.5")


def test_tv18_national_bank_rows():
    """TV-18: the rows Table 2 note ** leaves to the National Bank (1.1–1.5, 6, 7) carry 5 points."""
    m = catalog.load("openness-2025", "central").methodology
    assessed = [n for n in m.node("2").children if "is_national_bank" not in n.cohort_average.when]
    assert [n.id for n in assessed] == ["T2.1", "T2.6", "T2.7"]
    assert sum(n.max for n in assessed) == 5


# --- resolve: the edition in force ------------------------------------------------------------------

@pytest.fixture(scope="module")
def editions():
    found = catalog.family_editions(FAMILY)
    assert sorted(m.id for m in found) == ["openness-2021", "openness-2025"]
    return found


@pytest.mark.parametrize("period, expected", [(2021, "openness-2021"), (2023, "openness-2021"),
                                              (2024, "openness-2021"), (2025, "openness-2025"),
                                              (2026, "openness-2025")])
def test_edition_in_force(editions, period, expected):
    m, dates = in_force(editions, date(period, 12, 31))
    assert m.id == expected
    assert dates.assumed_start            # neither act's date of entry into force is in the seeds


def test_2025_order_stands_in_from_its_registration_date(editions):
    """cl. 4: ten calendar days after first publication, which the seed does not give (A27);
    the registration date, 5 May 2025, stands in."""
    assert in_force(editions, date(2025, 5, 4))[0].id == "openness-2021"
    assert in_force(editions, date(2025, 5, 5))[0].id == "openness-2025"
    assert in_force(editions, date(2021, 4, 19)) is None


def test_resolve_command():
    runner = CliRunner()
    later = runner.invoke(app, ["resolve", FAMILY, "--period", "2025"])
    assert later.exit_code == 0, later.output
    assert later.output.split()[0] == "openness-2025" and "openness-2021" in later.output   # "amending …"
    earlier = runner.invoke(app, ["resolve", FAMILY, "--period", "2024"])
    assert earlier.exit_code == 0 and earlier.output.split()[0] == "openness-2021"


# --- the overlay and the diff -----------------------------------------------------------------------

def test_every_change_cites_the_amending_order():
    raw = read_yaml(catalog.resolve_path("openness-2025"))
    assert raw["base"] == "openness-2021" and "nodes" not in raw
    for change in raw["changes"]:
        assert change["paragraph"].startswith("cl. 1:"), change


def test_overlay_lineage_and_amended_by():
    m = catalog.methodology("openness-2025")
    assert m.base == "openness-2021" and m.lineage == ["openness-2021"]
    assert "pp.78–85" in m.node("6").amended_by and "Table 7-1" in m.node("6").amended_by
    assert "p.67 part 3" in m.node("2").amended_by
    assert {r.id for r in m.readings} >= {"A3", "A4", "A26", "A1", "A29"}     # the base's readings are kept


def by_kind(changes, area="node"):
    result: dict[str, set[str]] = {}
    for change in changes:
        if change.area == area:
            result.setdefault(change.kind, set()).add(change.id)
    return result


def test_diff_lists_the_restated_criteria_and_the_added_rows():
    old, new = catalog.methodology("openness-2021"), catalog.methodology("openness-2025")
    changes = diff(old, new)
    kinds = by_kind(changes)
    added = kinds["added"]
    # every App. 10 row of every table (C of p.80/p.83 is a coefficient in criterion 6's formula, no row)
    assert {"T1.1", "T1.6", "T2.1", "T2.1.5.kk", "T2.11", "T3.7.ru", "T4.6", "T5.4", "T6.4.4", "T7.6",
            "T7-1.1.kk", "T7-1.3", "T8.1", "T9.1.kk", "T10.3", "T11.2.ru"} <= added
    assert "deleted" not in kinds and "weight" not in kinds          # App. 7's maxima are assumed unchanged
    # the restated criteria: from entered to the act's rows (verbatim) or to R-A/R-B/R-C
    rules = {(c.id, c.before.split(":")[0]) for c in changes if c.kind == "rule"}
    assert {(criterion, "provenance") for criterion in "1234567"} <= rules
    assert ("7", "not_applicable") in rules                          # Table 8 note *
    assert any(c.kind == "formula" and c.id == "6" and "* C +" in c.after for c in changes)   # p.80
    assert {"1", "2", "3", "4", "5", "6", "7"} <= kinds["paragraph"]
    assert any(c.kind == "wording" and c.id == "6" and "масс-медиа" in c.after for c in changes)  # p.57(6)
    assert {"budget_secret", "app9_t5_1_r1_events", "mci_media_satisfied_pct"} <= by_kind(changes, "input")["added"]
    assert by_kind(changes, "option")["added"] == {"A2", "A5", "A10", "A12", "A14", "A14b", "A15", "A16", "A17",
                                                   "A17c", "A29"}


def test_diff_command_on_the_resolved_trees():
    result = CliRunner().invoke(app, ["diff", "openness-2021", "openness-2025", "--json", "--profile", "local"])
    assert result.exit_code == 0, result.output
    assert '"T3.7"' in result.output and '"T5.4"' in result.output
    assert '"T2.11"' not in result.output and '"T4.6"' not in result.output      # central tables


def test_show_provenance_lists_options_reconstructions_and_entered_columns():
    result = CliRunner().invoke(app, ["show", "openness-2025", "--provenance", "--profile", "central", "--lang", "en"])
    assert result.exit_code == 0, result.output
    for text in ("T7-1.1.kk", "reconstructed", "entered", "T2.10.ru", "A29", "A17c"):
        assert text in result.output


# --- the base edition ---------------------------------------------------------------------------------

def base_raw(**points) -> dict:
    raw = {}
    for criterion, value in {**{"1": 18, "2": 18, "3": 18, "4": 18, "5": 18, "6": 10, "7": 0}, **points}.items():
        raw[f"entered_{criterion}"] = value
        raw[f"entered_{criterion}_comment"] = f"test: criterion {criterion}"
    return raw


def score_base(raw, profile="central", options=None):
    cohort = CohortScorer("openness-2021", options)
    return cohort.score([cohort.validate(Submission("b", "b", raw, profile=profile))], explain=True)[0]


def test_base_criteria_are_entered_within_their_bounds():
    """The 2021 rules are not in the seeds: an authorised person enters each criterion."""
    result = score_base(base_raw(**{"6": "7.5", "7": -2}), "local")
    assert result.total == Decimal("95.5")
    note = next(n for n in result.explanation["nodes"][5]["notes"] if n["code"] == "entered")
    assert "entered by an authorised person within [0, 10]" in note["text"]
    with pytest.raises(InputError, match="entered_7"):
        score_base(base_raw(**{"7": -10}))
    with pytest.raises(InputError, match="entered_3_comment"):
        score_base({k: v for k, v in base_raw().items() if k != "entered_3_comment"})


def test_base_final_score_floor():
    zero = base_raw(**{c: 0 for c in "123456"}, **{"7": -9})
    assert score_base(zero).total == 0
    assert score_base(zero, options={"A4": "none"}).total == -9
