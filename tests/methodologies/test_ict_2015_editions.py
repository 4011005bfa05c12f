"""The dated editions of order No. 1279 (seed 001, spec §1.2): the base act and
the overlays of the amending orders 210/НҚ (15.06.2021, App 8) and 297/НҚ
(27.08.2022, §2, App 5, App 8); the edition in force per reporting period, the
diff between them, and the synthetic demo cohort.
"""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction

import pytest

from bagalau.engine import catalog
from bagalau.demo import cohort_document
from bagalau.engine.editions import diff, in_force
from bagalau.engine.validation import check_file

from support.ict_2015 import PROFILES, exact, node, perfect, score

EDITIONS = ("ict-2015", "ict-2015-2021", "ict-2015-2022")


def edition_on(day: date):
    """The family's edition in force on a day (what `bagalau resolve ict-application`
    does, restricted to this family's files so other families do not slow it down)."""
    found = in_force([catalog.methodology(e) for e in EDITIONS], day)
    return found[0].id if found else None


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_edition_checks_clean(edition):
    _, problems = check_file(catalog.resolve_path(edition))
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("period,expected", [
    (2015, None),              # registered 01.02.2016: not yet in force on 31.12.2015
    (2016, "ict-2015"),
    (2020, "ict-2015"),
    (2021, "ict-2015-2021"),   # 210/НҚ of 15.06.2021
    (2022, "ict-2015-2022"),   # 297/НҚ of 27.08.2022
    (2023, "ict-2015-2022"),
    (2024, None),              # repealed from 22.07.2024 by 420/НҚ
])
def test_edition_in_force_for_a_reporting_period(period, expected):
    assert edition_on(date(period, 12, 31)) == expected


def test_repeal_date_ends_every_edition():
    assert edition_on(date(2024, 7, 21)) == "ict-2015-2022"
    assert edition_on(date(2024, 7, 22)) is None
    for edition in EDITIONS:
        assert catalog.methodology(edition).act.repealed.date == date(2024, 7, 22)


def test_overlay_chain_and_acts():
    m = catalog.methodology("ict-2015-2022")
    assert m.lineage == ["ict-2015", "ict-2015-2021"]
    assert (m.act.number, m.act.signed) == ("297/НҚ", date(2022, 8, 27))
    assert catalog.methodology("ict-2015-2021").act.number == "210/НҚ"
    assert {catalog.methodology(e).family for e in EDITIONS} == {"ict-application"}


def test_app5_is_provisional_before_2022_and_verbatim_after():
    for profile, table in (("central", "1.2-t1"), ("local", "1.2-t2")):
        assert catalog.load("ict-2015", profile).methodology.node(table).provenance == "reconstructed"
        assert catalog.load("ict-2015-2021", profile).methodology.node(table).provenance == "reconstructed"
        amended = catalog.load("ict-2015-2022", profile).methodology.node(table)
        assert amended.provenance == "verbatim"
        assert amended.amended_by.startswith("297/НҚ")


def test_app8_list_exists_only_from_its_2022_wording():
    assert "app8" not in catalog.methodology("ict-2015").checklists
    assert "app8" not in catalog.methodology("ict-2015-2021").checklists
    assert "app8" in catalog.methodology("ict-2015-2022").checklists
    assert "210/НҚ" in catalog.load("ict-2015-2021", "central").methodology.node("4.3").paragraph


@pytest.mark.parametrize("profile", PROFILES)
def test_diff_base_to_2022(profile):
    old = catalog.load("ict-2015", profile).methodology
    new = catalog.load("ict-2015-2022", profile).methodology
    changes = {(c.area, c.id, c.kind) for c in diff(old, new)}
    table = "1.2-t1" if profile == "central" else "1.2-t2"
    assert ("node", table, "rule") in changes          # provenance reconstructed → verbatim
    assert ("node", table, "paragraph") in changes
    assert ("checklist", "app8", "added") in changes
    assert ("node", "4.3", "paragraph") in changes or profile == "local"
    weights = {c for c in changes if c[2] in ("weight", "formula", "added", "deleted") and c[0] == "node"}
    assert weights == set(), "the amendments change no weight or formula"


@pytest.mark.parametrize("profile", PROFILES)
def test_amendments_do_not_change_scores_but_only_provenance(profile):
    raw = perfect(profile, app1_t1_implemented=3, app1_t3_full=12, app1_t3_partial=5, wg_4_1_dis=14)
    base = score(profile, raw, edition="ict-2015", explain=True)
    amended = score(profile, raw, edition="ict-2015-2022", explain=True)
    assert base.total == amended.total < 100
    table = "1.2-t1" if profile == "central" else "1.2-t2"
    assert [n["code"] for n in node(base.explanation, table)["notes"]][:1] == ["provisional"]
    assert "provisional" not in [n["code"] for n in node(amended.explanation, table)["notes"]]


# ------------------------------------------------------------ the demo cohort

@pytest.fixture(scope="module")
def demo_results():
    from bagalau.engine.cohort import CohortScorer
    from bagalau.engine.inputs import Submission
    compiled = catalog.load("ict-2015", "central")
    document = cohort_document(compiled, 2016)
    cohort = CohortScorer("ict-2015")
    bodies = [cohort.validate(Submission(b["id"], b["name"], b["inputs"], profile=b["profile"]))
              for b in document["bodies"]]
    results = cohort.score(bodies, explain=True, period=2016)
    return {r.body_id: r for r in results}, document


def test_demo_cohort_has_8_ministries_and_17_akimats(demo_results):
    results, document = demo_results
    profiles = [b["profile"] for b in document["bodies"]]
    assert profiles.count("central") == 8 and profiles.count("local") == 17
    assert all(0 < r.total <= 100 for r in results.values())


def test_demo_edge_cases(demo_results):
    results, _ = demo_results
    digital = results["min-digital"].explanation
    assert node(digital, "4.3")["status"] == "not_applicable" and node(digital, "4.2")["weight"] == "20"
    energy = results["min-energy"].explanation
    assert node(energy, "2")["status"] == "not_applicable" and node(energy, "4.2")["weight"] == "35"
    assert node(results["kyzylorda"].explanation, "4.2")["weight"] == "40"
    assert results["min-health"].scores["5.2"] == 2 and results["min-health"].scores["5.4.1"] == 1.5
    assert results["astana"].scores["1.3"] == 0
    assert results["mangystau"].scores["5.5.2"] == 0
    assert results["shymkent"].scores["2"] == 20
    assert results["kostanay"].scores["5.3.3"] == 0
    assert node(results["min-justice"].explanation, "4.1-ap")["status"] == "not_applicable"
    # min-finance: 3 committee sites with App 4 totals summing to 24.1 (§17, A19):
    # 1.1 = (min(10, S_acc) + 24.1) / (1 + 3) / 10 × 5
    finance = results["min-finance"]
    s_acc = sum(Fraction(finance.scores[f"A4-{section}"]) for section in "1234")
    assert exact(finance.scores["1.1"], (min(10, s_acc) + Fraction("24.1")) / 4 / 10 * 5)
    assert Fraction(finance.scores["1.1"]) != min(10, s_acc) / 10 * 5


def test_demo_is_reproducible():
    compiled = catalog.load("ict-2015", "central")
    assert cohort_document(compiled, 2016, seed=7) == cohort_document(compiled, 2016, seed=7)
    assert random.Random(7).random() == random.Random(7).random()
