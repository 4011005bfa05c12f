"""Issues 8 and 10: the command line's errors in the reader's language. A sample of the errors
that passed English text through, run as real processes in Kazakh and Russian (BAGALAU_LANG,
or --lang), with strict translations: the translated sentence appears, with its values, and
no English message id leaks. And ``audit verify`` on a tampered store, in both languages."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from bagalau import store
from bagalau.store import migrations
from support.campaign import finished

CLI = [sys.executable, "-m", "bagalau.cli"]


def run(lang: str, *args) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=180,
                            env={"BAGALAU_LANG": lang, "BAGALAU_STRICT_I18N": "1", "COLUMNS": "300",
                                 "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr and "MissingTranslation" not in result.stderr, result.stderr
    return result


def flat(output: str) -> str:
    return " ".join(output.split())


# (arguments, the English message (must not leak), Kazakh, Russian)
CASES = [
    (["resolve", "it-application"], "give --period YEAR or --on DATE",
     "--period ЖЫЛ немесе --on КҮН көрсетіңіз", "укажите --period ГОД или --on ДАТА"),
    (["resolve", "it-application", "--on", "2020-13-01"], "must be a date YYYY-MM-DD",
     "--on мәні «2020-13-01» емес, ЖЖЖЖ-АА-КК түріндегі күн болуы тиіс",
     "--on должен быть датой вида ГГГГ-ММ-ДД, а не «2020-13-01»"),
    (["resolve", "it-application", "--period", "2020"], "was in force on",
     "2020-12-31 күні it-application әдістемесінің бірде-бір редакциясы күшінде болған жоқ",
     "на 2020-12-31 ни одна редакция it-application не действовала"),
    (["show", "it-2012", "--profile", "central"], "has no profiles",
     "it-2012 редакциясында профильдер жоқ; --profile параметрін көрсетпеңіз",
     "у it-2012 нет профилей; не указывайте --profile"),
    (["show", "orgdev-2020", "--profile", "nope"], "unknown profile",
     "orgdev-2020 үшін «nope» профилі белгісіз; оның профильдері: central, local",
     "неизвестный профиль «nope» для orgdev-2020; его профили: central, local"),
    (["template", "it-2012", "--format", "csv"], "must be xlsx or json",
     "--format мәні «csv» емес, xlsx немесе json болуы тиіс",
     "--format может быть только xlsx или json, а не «csv»"),
    (["audit", "keygen", "--id", "a:b"], "must be non-empty",
     "--id мәні бос болмауы және құрамында «:» таңбасы болмауы тиіс",
     "значение --id должно быть непустым и не содержать «:»"),
]


@pytest.mark.parametrize("args, english, kazakh, russian", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_errors_in_kazakh_and_russian(args, english, kazakh, russian):
    for lang, expected, prefix in (("kk", kazakh, "қате:"), ("ru", russian, "ошибка:")):
        result = run(lang, *args)
        said = flat(result.stderr)
        assert result.returncode == 2, (lang, result.stderr)
        assert said.startswith(prefix) and expected in said, (lang, said)
        assert english not in said and "error:" not in said, (lang, said)
    assert english in flat(run("en", *args).stderr)          # and English asked for is English


def test_the_lang_option_outranks_the_environment():
    shown = run("ru", "show", "it-2012", "--lang", "kk", "--profile", "central")
    assert shown.returncode == 2
    assert "қате: it-2012 редакциясында профильдер жоқ" in flat(shown.stderr) and "ошибка" not in shown.stderr


@pytest.fixture
def tampered(tmp_path):
    """A finished 2012 campaign in an SQLite file, one final total then changed behind the application's back."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = store.make_engine(url)
    migrations.upgrade(engine)
    finished(store.make_sessionmaker(engine))
    with engine.begin() as connection:
        store.drop_triggers(connection, function=False)
        connection.execute(text("UPDATE conclusions SET total = '99.90' WHERE kind = 'final' AND id = "
                                "(SELECT MIN(id) FROM conclusions WHERE kind = 'final')"))
    engine.dispose()
    return url


@pytest.mark.parametrize("lang, words", [
    ("kk", ["аудит журналы дұрыс", "хэш тізбегі бүтін", "ҚАТЕ: табылған сәйкессіздіктер — 2", "total өрісі өзгертілген",
            "аудит жазбасы", "бірақ қайта есептелген"]),
    ("ru", ["журнал аудита в порядке", "цепочка хэшей цела", "НАРУШЕНИЕ: выявлено расхождений — 2",
            "изменено поле total после фиксации записью аудита", "пересчитанный расчёт"]),
])
def test_audit_verify_names_what_changed_in_the_readers_language(tampered, lang, words):
    result = run("en", "audit", "verify", "--database", tampered, "--lang", lang)
    said = flat(result.stdout + result.stderr)
    assert result.returncode == 1, said
    for word in words:
        assert word in said, (word, said)
    for english in ("audit log OK", "FAILED", "field total changed", "since audit entry", "recomputed gives",
                    "campaign rows checked"):
        assert english not in said, (english, said)
