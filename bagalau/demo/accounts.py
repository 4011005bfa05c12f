"""Sign-in for the synthetic demo store that ``bagalau serve`` starts on.

The demo campaign's users (all synthetic, ``(demo)`` or ``(demo evaluator)`` in their names) get one
random password, made when the demo store is first seeded, printed once and
kept in ``demo-accounts.txt`` (mode 0600) beside the store, so it can be looked
up again. An administrator account is added for the demo too. Only users
without a password are touched: a password set otherwise stays.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bagalau import campaigns
from bagalau.campaigns import accounts
from bagalau.demo import campaign as demo_campaign
from bagalau.store import Campaign, User, transaction

ADMINISTRATOR = "Administrator (demo)"
OBSERVER = "Observer (demo)"


def ensure_demo(factory: sessionmaker[Session], credentials: Path, say=print) -> list[str]:
    """Seed the demo campaign if the store has none, and give the demo accounts a
    password; returns the demo users' names."""
    with transaction(factory) as s:
        has_campaign = s.execute(select(Campaign.id).limit(1)).first() is not None
    if not has_campaign:
        say("seeding the synthetic 2012 demo campaign…")
        demo_campaign.run(factory, say=lambda line: None)
    with transaction(factory) as s:
        campaigns.add_user(s, ADMINISTRATOR, "administrator")
        campaigns.add_user(s, OBSERVER, "observer")
        users = [u for u in s.execute(select(User).order_by(User.name)).scalars() if "(demo" in u.name]
        needing = [u for u in users if not u.password_hash]
        if needing:
            password = _demo_password(credentials)
            for user in needing:
                accounts.set_password(s, user, password, "demo")
        names = [u.name for u in users]
    return names


def demo_password(credentials: Path) -> str:
    """The demo accounts' password (made on first use, kept in ``credentials``)."""
    return _demo_password(credentials)


def _demo_password(credentials: Path) -> str:
    if credentials.exists():
        for line in credentials.read_text(encoding="utf-8").splitlines():
            if line.startswith("password: "):
                return line[len("password: "):]
    password = secrets.token_urlsafe(12)
    credentials.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("Synthetic demo store of Bagalau: every account whose name ends in (demo) or (demo evaluator)\n"
                     f"password: {password}\n")
    return password
