"""Rendering pages: the Jinja2 environments (one per language), the filters for
numbers, dates and working days, and ``render``.

Every template extends ``base.html`` and gets: ``request``, ``lang``, ``auth``
(who is asking, ``bagalau.api.auth.Authentication``), ``actor``,
``csrf_token`` (put it in every form that posts: ``{{ csrf_field() }}``),
``languages`` and the translation functions ``_``/``gettext``/``ngettext``.

Filters:

* ``number(value, places=None)``: a Decimal (or int, Fraction) in the page's
  language, exactly; with ``places`` rounded half-up first;
* ``date`` / ``datetime``: a date or a moment (shown in Astana time, UTC+5);
* ``workdays``: "3 working days";
* ``deadline``: how many working days are left until a date (Kazakhstan's
  calendar, ``campaigns.workdays``): "due in 3 working days", "due today",
  "overdue by 2 working days";
* ``role``: a role's name;
* ``text``: a ``{"kk": ..., "ru": ..., "en": ...}`` mapping (names from the
  acts) in the page's language; see ``localized``;
* ``prose(pending=False)``: Bagalau's English commentary on an act (readings,
  options, notes) translated through the ``engine`` catalog, marked
  ``lang="en"`` where no translation exists yet.
* ``message``: a message built in code (``i18n.Message``: the audit checks'
  findings...) in the page's language; a setting still at its default (a
  catalog id) translated; other text as it is.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from bagalau import i18n
from bagalau.i18n.references import localized_reference
from bagalau.campaigns import workdays
from bagalau.i18n import N_

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
LANG_COOKIE = "bagalau_lang"
ASTANA = timezone(timedelta(hours=5))

ROLE_NAMES = {
    "administrator": N_("Administrator"),
    "methodologist": N_("Methodologist"),
    "evaluator": N_("Evaluator"),
    "commission": N_("Commission member"),
    "body": N_("Body officer"),
    "observer": N_("Observer"),
    "public": N_("Reader"),
}


def request_lang(request: Request) -> str:
    """The page's language: the remembered choice (cookie), else the browser's
    Accept-Language, else Kazakh."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in i18n.LANGUAGES:
        return chosen
    return i18n.negotiate(request.headers.get("accept-language")) or i18n.DEFAULT


def today(request: Request | None = None) -> date:
    """Today in Astana; tests and demos may pin it (``app.state.today``)."""
    pinned = getattr(request.app.state, "today", None) if request is not None else None
    if pinned is not None:
        return pinned() if callable(pinned) else pinned
    return datetime.now(ASTANA).date()


def localized(value: Any, lang: str) -> tuple[str, str | None]:
    """(text, language it is in) of a name from an act: a mapping of languages
    to texts, or a plain string. Where the page's language is missing the
    Russian text is shown (and the caller says so): never a machine guess."""
    if not isinstance(value, Mapping) and all(hasattr(value, code) for code in ("ru", "kk", "en")):
        value = {code: getattr(value, code) for code in ("ru", "kk", "en")}        # engine.definition.Text
    if isinstance(value, Mapping):
        for candidate in (lang, "ru", "kk", "en"):
            text = value.get(candidate)
            if text:
                return str(text), candidate
        return "", None
    return ("" if value is None else str(value)), None


KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def source_lang(text: str | None) -> str:
    """The language of a sentence quoted from an act: Kazakh if it has a
    letter only Kazakh uses, else Russian."""
    return "kk" if text and KAZAKH_LETTERS & set(text) else "ru"


class Filters:
    def __init__(self, lang: str, translator: i18n.Translator, engine: i18n.Translator | None = None):
        self.lang, self.t = lang, translator
        self.engine = engine or i18n.translator(lang, translator.strict, i18n.ENGINE)

    def number(self, value: Any, places: int | None = None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, float):
            value = Decimal(repr(value))
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        if places is not None:
            value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            pattern = "#,##0" + ("." + "0" * places if places else "")
        else:
            exponent = value.as_tuple().exponent
            digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang, decimal_quantization=False)

    def date(self, value: date | datetime | None, style: str = "long") -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(ASTANA).date() if value.tzinfo else value.date()
        return format_date(value, format=style, locale=self.lang)

    def datetime(self, value: datetime | None, style: str = "medium") -> str:
        if value is None:
            return "—"
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return format_datetime(value.astimezone(ASTANA), format=style, locale=self.lang, tzinfo=ASTANA)

    def workdays(self, n: int) -> str:
        return self.t.ngettext("%(num)d working day", "%(num)d working days", n) % {"num": n}

    def deadline(self, due: date | datetime | None, now: date | None = None) -> str:
        if due is None:
            return "—"
        if isinstance(due, datetime):
            due = due.astimezone(ASTANA).date() if due.tzinfo else due.date()
        now = now or datetime.now(ASTANA).date()
        if due == now:
            return self.t.gettext("due today")
        if due > now:
            return self.t.gettext("due in %(days)s") % {"days": self.workdays(workdays.working_days_between(now, due))}
        return self.t.gettext("overdue by %(days)s") % {"days": self.workdays(workdays.working_days_between(due, now))}

    def role(self, role: str | None) -> str:
        return self.t.gettext(ROLE_NAMES.get(role or "public", ROLE_NAMES["public"]))

    def message(self, value: Any) -> str:
        if isinstance(value, i18n.Message):
            return value.translate(self.t)
        if isinstance(value, str) and value and not i18n.missing(value):     # a default that has its translations
            return self.t.gettext(value)
        return "" if value is None else str(value)

    def reference(self, value: Any) -> str:
        """A paragraph or form reference of a definition ("§97–99; App 9 row 3") with its form words in the
        page's language (``i18n.references``)."""
        return localized_reference(None if value is None else str(value), self.lang)

    def text(self, value: Any, note: bool = True) -> Markup:
        """A name from an act in the page's language; where it is only in
        Russian (an act without a Kazakh text) it is marked ``lang="ru"`` and
        says so (``note=False`` where the page says it once for all)."""
        text, lang = localized(value, self.lang)
        if lang is None or lang == self.lang:
            return escape(text)
        note = self.t.gettext("(the act has no text in this language; shown in Russian)") \
            if lang == "ru" and note else ""
        note_html = Markup(' <span class="lang-note">%s</span>') % note if note else Markup("")
        return Markup('<span lang="%s">%s</span>%s') % (lang, text, note_html)

    def prose(self, text: str | None, pending: bool = False) -> Markup:
        """Bagalau's own English commentary on an act (a reading, an option and
        its choices, a node's or an edition's note) in the page's language,
        from the ``engine`` catalog. Without a translation it is shown in
        English marked ``lang="en"``; in strict mode only where the edition's
        prose is pending (``i18n.PROSE_PENDING``: pass ``pending=True``),
        else ``MissingTranslation``."""
        if not text:
            return Markup("")
        if self.engine.strict and not pending:
            self.engine.gettext(text)                  # raises for a sentence without kk/ru
        if self.lang == "en":
            return escape(text)
        if not i18n.has_translation(self.lang, text, i18n.ENGINE):
            return Markup('<span lang="en">%s</span>') % text
        return escape(i18n.translations(self.lang, i18n.ENGINE).gettext(text))


@lru_cache(maxsize=None)
def environment(lang: str, strict: bool) -> Environment:
    """The Jinja2 environment of one language (translations installed)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(("html", "xml")),
                      extensions=["jinja2.ext.i18n"], undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
    translator = i18n.translator(lang, strict)
    env.install_gettext_callables(translator.gettext, translator.ngettext, newstyle=True)
    filters = Filters(lang, translator)
    env.filters["source_lang"] = source_lang
    for name in ("number", "date", "datetime", "workdays", "deadline", "role", "text", "prose", "message",
                 "reference"):
        env.filters[name] = getattr(filters, name)
    env.globals["languages"] = [(code, i18n.NAMES[code]) for code in i18n.LANGUAGES]
    env.globals["lang"] = lang
    return env


def strict(request: Request) -> bool:
    extra = getattr(request.app.state.settings, "extra", {}) or {}
    return bool(extra.get("strict_i18n", i18n.strict_default()))


def translator(request: Request) -> i18n.Translator:
    return i18n.translator(request_lang(request), strict(request))


def tr(request: Request, msgid: str, **values: Any) -> str:
    """A message in the request's language, for messages built in Python
    (extracted for the catalogs: ``tr(request, "...")``)."""
    text = translator(request).gettext(msgid)
    return text % values if values else text


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    lang = request_lang(request)
    env = environment(lang, strict(request))
    auth = getattr(request.state, "auth", None)
    csrf = getattr(auth, "csrf_token", None)
    values = {
        "request": request,
        "auth": auth,
        "actor": getattr(auth, "actor", None),
        "csrf_token": csrf,
        "csrf_field": lambda: Markup('<input type="hidden" name="csrf_token" value="%s">') % (csrf or ""),
        "path": request.url.path,
        "current_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "today": today(request),
        "nav": navigation(request, getattr(auth, "actor", None)),
        "may": lambda action: may(getattr(auth, "actor", None), action),
    }
    values.update(context or {})
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def may(actor: Any, action: str) -> bool:
    """Whether the reader's role can take ``action`` at all (for showing links;
    the page itself asks the policy with the campaign and body)."""
    from bagalau.campaigns.policy import PERMISSIONS
    permission = PERMISSIONS.get(action)
    if permission is None:
        return False
    if permission.public:
        return True
    role = getattr(actor, "role", None)
    return bool(getattr(actor, "authenticated", False)) and role in permission.roles


def navigation(request: Request, actor: Any) -> list[dict[str, Any]]:
    from .routing import NAV
    path = request.url.path
    items = []
    for item in NAV:
        if item.permission is not None and not may(actor, item.permission):
            continue
        current = path == item.path or (item.path != "/" and path.startswith(item.path + "/"))
        items.append({"path": item.path, "label": item.label, "current": current})
    return items
