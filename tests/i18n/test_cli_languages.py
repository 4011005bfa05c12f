"""The CLI's human-readable output in Kazakh, Russian and English, run as a
real process: `--lang` and BAGALAU_LANG."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import full_raw

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120,
                            env={"COLUMNS": "250", "PATH": "/usr/bin:/bin", **(env or {})})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def body_file(tmp_path: Path) -> Path:
    raw = full_raw(is_licensor=False, app1_r2_3_2_eproc=60, app1_r2_3_2_total=100)
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"methodology": "it-2012", "period": 2012,
                                "bodies": [{"id": "b1", "name": "Орган 1", "inputs": raw}]}, default=str),
                    encoding="utf-8")
    return path


def test_explain_in_kazakh(tmp_path):
    result = run("score", "it-2012", body_file(tmp_path), "--explain", "--lang", "kk")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "it-2012: рейтинг" in out and "орын" in out and "қорытынды" in out
    # it-2012 has no Kazakh text: the names are the act's Russian, and the reader is told so
    assert "Актінің қазақ тіліндегі ресми мәтіні жоқ" in out
    assert "Эффективное использование единой системы электронного документооборота" in out
    # the notes of 3.3.1 and 3.3.2, and the form cells, in Kazakh
    assert "қолданылмайды: орган лицензиар емес; оның балдары (4) 3.3.2 көрсеткішіне ауысады (§56)" in out
    assert "3.3.1 көрсеткішінен 4 балл қосылды" in out and "салмағы енді 8" in out
    assert "4.80 / 8" in out and "1-қосымша, 2.3.2-жол, 3-баған" in out
    assert "кезең 2012" in out and "(опциялар: A13=full, A32=full)" in out
    for english in ("not applicable", "points added", "weight is now", " of 8", "App ", "row ", "provisional",
                    "period 2012", "(options:", "verbatim", "scored", "yes", "no ("):
        assert english not in out, english


def test_explain_in_russian_from_the_environment(tmp_path):
    result = run("score", "it-2012", body_file(tmp_path), "--explain", env={"BAGALAU_LANG": "ru"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "не применяется: орган не является лицензиаром" in out and "4.80 из 8" in out
    assert "У акта нет официального текста" not in out      # the act's own language
    assert not re.search(r"\b(not applicable|points added|capped|floored)\b", out)


def test_show_in_kazakh_and_english():
    kk = run("show", "it-2012", "--lang", "kk")
    assert kk.returncode == 0, kk.stderr
    assert "қолданылмайды" in kk.stdout and "Актінің қазақ тіліндегі ресми мәтіні жоқ" in kk.stdout
    en = run("show", "it-2012", "--provenance", "--lang", "en")
    assert "Options (readings a campaign may change)" in en.stdout
    kk = run("show", "it-2012", "--provenance", "--lang", "kk")
    assert "Опциялар" in kk.stdout and "қалпына келтірілген" in kk.stdout


def test_an_unknown_language_is_a_usage_error(tmp_path):
    result = run("score", "it-2012", body_file(tmp_path), "--lang", "de")
    assert result.returncode == 2
    assert "kk, ru, en" in result.stderr


def test_penalties_are_explained_in_kazakh(tmp_path):
    """Penalty lines under the tree (a test edition whose penalty names are English only)."""
    mini = Path(__file__).parent.parent / "data" / "mini-2020.yaml"
    raw = {"done": 9, "due": 10, "raw": 15, "bonus": 0, "budget_share": "0.5", "entered_2_2": 10,
           "entered_2_2_comment": "set by the working group"}
    path = tmp_path / "cohort.json"
    path.write_text(json.dumps({"methodology": "mini-2020", "period": 2021, "bodies": [
        {"id": "min-a", "profile": "central", "inputs": raw, "penalties": [{"rule": "late", "count": 1}]}]}),
        encoding="utf-8")
    result = run("score", mini, path, "--explain", "--lang", "kk")
    assert result.returncode == 0, result.stderr
    assert "айыппұл балдары (олардан бұрынғы қорытынды:" in result.stdout
    assert "айыппұл балы, Late report: 1 × 1.5 = 1.5 (§10)" in result.stdout
    assert "уәкілетті тұлға [0, " in result.stdout and "енгізді: set by the working group" in result.stdout
