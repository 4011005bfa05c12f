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
