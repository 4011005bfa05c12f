"""The audit log page: filters, who may read it, and the verify result."""

from __future__ import annotations

from sqlalchemy import text

from bagalau import store
from support.web import *  # noqa: F401,F403


def test_administrator_reads_and_filters_the_log(signed_in):
    admin = signed_in("administrator", "ru")
    page = admin.get("/audit")
    assert page.status_code == 200 and "Журнал аудита" in page.text
    assert "campaign.state" in page.text and "Проверить хранилище" in page.text
    filtered = admin.get("/audit", params={"action": "campaign.state"}).text
    assert filtered.count("<code>campaign.state</code>") >= 5
    assert "<code>submission" not in filtered
    by_actor = admin.get("/audit", params={"actor": "Representative of akmola"}).text
    assert "Representative of akmola (demo)" in by_actor and "Aigerim Sadykova" not in by_actor
    nothing = admin.get("/audit", params={"entity": "no-such-entity"}).text
    assert "0 записей" in nothing


def test_who_may_read_it(signed_in, client):
    assert client.get("/audit", follow_redirects=False).headers["location"] == "/login?next=/audit"
    officer = signed_in("body", "en")
    refused = officer.get("/audit")
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert 'href="/audit"' not in officer.get("/").text           # no link to what they cannot open
    evaluator = signed_in("evaluator", "en")
    page = evaluator.get("/audit")
    assert page.status_code == 200 and "Verify the store" not in page.text
    assert evaluator.get("/audit/verify").status_code == 403


def test_verify_ok_and_after_tampering(signed_in, web_app):
    admin = signed_in("administrator", "kk")
    ok = admin.get("/audit/verify")
    assert ok.status_code == 200 and "Дұрыс: қолданбаны айналып өтіп ештеңе" in ok.text
    engine = web_app.state.engine
    with engine.connect() as connection:                 # someone with the database file changes an entry
        store.drop_triggers(connection, function=False)
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3"))
        connection.commit()
    broken = admin.get("/audit/verify")
    assert broken.status_code == 200 and "ҚАТЕ" in broken.text and "3 жазбада үзілген" in broken.text


def test_the_verification_speaks_the_pages_language(signed_in, web_app, monkeypatch):
    """Issue 10: the chain's reason, the findings and the keyring's problem are in the page's
    language (strict translations: an untranslated one fails), none marked as English."""
    monkeypatch.setenv("BAGALAU_ANCHOR_KEY", "not-a-key-line")       # the keys cannot be read
    monkeypatch.delenv("BAGALAU_ANCHOR_KEY_FILE", raising=False)
    with web_app.state.engine.connect() as connection:
        store.drop_triggers(connection, function=False)
        connection.execute(text("UPDATE conclusions SET total = '99.90' WHERE kind = 'final' AND id = "
                                "(SELECT MIN(id) FROM conclusions WHERE kind = 'final')"))
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3"))
        connection.commit()
    expected = {
        "kk": ["3 жазбада үзілген: оның мазмұны хэшіне сәйкес келмейді (жазылғаннан кейін өзгертілген)",
               "total өрісі өзгертілген", "бірақ қайта есептелген",
               "BAGALAU_ANCHOR_KEY: кілт KEY_ID:SECRET түрінде жазылады"],
        "ru": ["разорвана на записи 3: её содержимое не соответствует её хэшу (изменено после записи)",
               "изменено поле total после фиксации записью аудита", "но пересчитанный расчёт",
               "BAGALAU_ANCHOR_KEY: ключ записывается как KEY_ID:SECRET"],
    }
    for lang, sentences in expected.items():
        page = signed_in("administrator", lang).get("/audit/verify")
        assert page.status_code == 200
        for sentence in sentences:
            assert sentence in page.text, (lang, sentence)
        content = page.text[page.text.index("<h1>"):]           # the language menu names English in English
        assert 'lang="en"' not in content
        for english in ("contents do not match", "changed since audit entry", "recomputed gives", "a key is KEY_ID"):
            assert english not in page.text, (lang, english)
