"""The registry of bodies: hierarchy, kinds → profiles, CSV/XLSX import
(all rows or none) and export."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bagalau.store import audit
from bagalau.campaigns import registry
from bagalau import store
from support.store import *  # noqa: F401,F403

GOOD = """code,kind,parent,name_ru,name_kk,name_en
mdd,central_body,,Министерство цифрового развития,,Ministry of Digital Development
mdd-committee,department,mdd,Комитет,,Committee
mdd-astana,territorial_subdivision,mdd-committee,Департамент по Астане,,Astana department
mdd-org,subordinate_organisation,mdd,Подведомственная организация,,Subordinate organisation
akmola,oblast_akimat,,Акимат Акмолинской области,Ақмола облысының әкімдігі,Akmola oblast akimat
kokshetau,city_akimat,akmola,Акимат города Кокшетау,,Kokshetau city akimat
burabay,district,akmola,Акимат Бурабайского района,,Burabay district akimat
okrug1,rural_okrug,burabay,Аппарат акима сельского округа,,Rural okrug
akmola-org,subordinate_organisation,akmola,Коммунальное предприятие,,Communal enterprise
"""


def _count(factory):
    with store.transaction(factory) as s:
        return s.execute(select(func.count()).select_from(store.Body)).scalar()


def test_import_builds_the_hierarchy_and_profiles(factory, tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_text(GOOD, encoding="utf-8")
    with store.transaction(factory) as s:
        assert registry.import_bodies(s, path, "tester") == {"created": 9, "updated": 0, "unchanged": 0}
    with store.transaction(factory) as s:
        profiles = {b.code: b.profile for b in s.execute(select(store.Body)).scalars()}
        assert profiles == {"mdd": "central", "mdd-committee": "central", "mdd-astana": "central",
                            "mdd-org": "central", "akmola": "local", "kokshetau": "local", "burabay": "local",
                            "okrug1": "local", "akmola-org": "local"}   # a subordinate organisation follows its parent
        assert s.get(store.Body, "okrug1").parent.parent.code == "akmola"
        assert s.get(store.Body, "akmola").name_kk == "Ақмола облысының әкімдігі"
        assert [e.action for e in audit.entries(s)] == ["bodies.import"]
    # the same file again changes nothing and logs nothing
    with store.transaction(factory) as s:
        assert registry.import_bodies(s, path, "tester") == {"created": 0, "updated": 0, "unchanged": 9}
        assert len(audit.entries(s)) == 1


def test_a_bad_row_in_the_middle_writes_nothing(factory, tmp_path):
    lines = GOOD.splitlines()
    lines.insert(5, "bad-one,ministry_of_magic,,Неизвестно,,")          # row 6 of the file
    lines.insert(8, "orphan,district,no-such-oblast,Район,,")         # row 9
    path = tmp_path / "bodies.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(registry.RegistryError) as caught:
        with store.transaction(factory) as s:
            registry.import_bodies(s, path, "tester")
    problems = [(p.row, p.field) for p in caught.value.problems]
    assert problems == [(6, "kind"), (9, "parent")]
    assert "row 6, field 'kind': unknown kind 'ministry_of_magic'" in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    assert _count(factory) == 0
    with store.transaction(factory) as s:
        assert audit.entries(s) == []


@pytest.mark.parametrize("row, field, words", [
    ("x,district,,Район,,", "parent", "a district cannot sit under nothing"),
    ("x,department,akmola,Департамент,,", "parent", "may be: central_body"),
    ("mdd,central_body,,Дубликат,,", "code", "also on row 2"),
    (",central_body,,Без кода,,", "code", "required"),
])
def test_row_errors_name_the_row_and_field(factory, tmp_path, row, field, words):
    path = tmp_path / "bodies.csv"
    path.write_text(GOOD + row + "\n", encoding="utf-8")
    with pytest.raises(registry.RegistryError) as caught:
        with store.transaction(factory) as s:
            registry.import_bodies(s, path, "tester")
    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (11, field) and words in problem.reason
    assert _count(factory) == 0


def test_a_cycle_is_refused(factory, tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_text("code,kind,parent,name_ru\na,subordinate_organisation,b,A\nb,subordinate_organisation,a,B\n",
                    encoding="utf-8")
    with pytest.raises(registry.RegistryError, match="cycle"):
        with store.transaction(factory) as s:
            registry.import_bodies(s, path, "tester")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_and_import_round_trip(factory, tmp_path, suffix):
    source = tmp_path / "bodies.csv"
    source.write_text(GOOD, encoding="utf-8")
    with store.transaction(factory) as s:
        registry.import_bodies(s, source, "tester")
        exported = registry.export_rows(s)
    target = tmp_path / f"export.{suffix}"
    with store.transaction(factory) as s:
        assert registry.export_bodies(s, target) == 9
    # parents come before their children, so the file imports into an empty registry
    rows = registry.read_rows(target)
    seen = set()
    for _, row in rows:
        assert not row["parent"] or row["parent"] in seen
        seen.add(row["code"])
    with store.transaction(factory) as s:
        s.execute(store.Body.__table__.delete().where(store.Body.parent_code.is_not(None)))
        s.execute(store.Body.__table__.delete())
    with store.transaction(factory) as s:
        assert registry.import_bodies(s, target, "tester")["created"] == 9
        assert registry.export_rows(s) == exported


def test_unknown_columns_and_file_types_are_refused(factory, tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_text("code,kind,colour,name_ru\n", encoding="utf-8")
    with pytest.raises(registry.RegistryError, match="field 'colour': unknown column"):
        registry.read_rows(path)
    with pytest.raises(registry.RegistryError, match="unsupported file type"):
        registry.read_rows(tmp_path / "bodies.txt")
