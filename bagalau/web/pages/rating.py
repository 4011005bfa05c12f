"""The rating of a campaign: provisional (from the latest run, for the
campaign's staff) or final (public). A table sortable by any column (on the
server: the links work without script), rows coloured and named by grade band
(the act's grades where it has them, else bands by share of the maximum,
said so); the charts as SVG drawn on the server (``documents.charts``: the
totals, each body's criteria as stacked bars; and the change of each body's
total against the previous campaign, when there is one); downloads as CSV,
XLSX and JSON (``documents.ratings``, the same files the CLI writes)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.api.auth import Authentication
from bagalau.api.routers.common import XLSX, attachment
from bagalau.api.state import store_session
from bagalau.campaigns import policy
from bagalau.documents import ratings
from bagalau.documents.sources import RatingData, rating_data
from bagalau.i18n import N_
from bagalau.store.models import Campaign

from .. import charts
from ..campaign import load, may
from ..rendering import localized, render, request_lang, tr
from ..routing import page_router
from ..session import viewer

router = page_router()

SHARE_BANDS = [(Decimal("0.9"), N_("90 %% of the maximum or more")), (Decimal("0.7"), N_("70–90 %% of the maximum")),
               (Decimal("0.5"), N_("50–70 %% of the maximum")), (Decimal(0), N_("below 50 %% of the maximum"))]


def _data(session: Session, auth: Authentication, campaign_id: int) -> tuple[Campaign, RatingData]:
    campaign = load(session, campaign_id)
    policy.check(session, auth.actor, "rating.read", campaign=campaign)
    return campaign, rating_data(session, campaign)


def _band(data: RatingData, total: str) -> tuple[int, object]:
    """(band index, 0 = best; its name: a text of the act, or a message id)."""
    value = Decimal(total)
    if data.grades:
        for index, grade in enumerate(data.grades):
            low = Decimal(grade["low"]) if grade.get("low") is not None else None
            high = Decimal(grade["high"]) if grade.get("high") is not None else None
            if (low is None or value >= low) and (high is None or value < high or index == 0):
                return min(index, 3), grade["name"]
        return 3, data.grades[-1]["name"]
    maximum = Decimal(data.maximum) or Decimal(1)
    for index, (share, label) in enumerate(SHARE_BANDS):
        if value >= maximum * share:
            return index, label
    return 3, SHARE_BANDS[-1][1]


def _previous(session: Session, auth: Authentication, campaign: Campaign, data: RatingData, lang: str) -> list[dict]:
    if campaign.previous_campaign_id is None:
        return []
    previous = session.get(Campaign, campaign.previous_campaign_id)
    if previous is None or not may(session, auth.actor, "rating.read", previous):
        return []
    try:
        rows, _ = campaigns.rating(session, previous)
    except campaigns.CampaignError:
        return []
    before = {row.body: Decimal(row.total) for row in rows}
    return [{"code": row.code, "name": localized(row.names, lang)[0] or row.code, "before": before[row.code],
             "after": Decimal(row.total), "previous": previous.name}
            for row in data.rows if row.code in before]


SORTS = ("rank", "name", "total", "penalty")


@router.get("/campaigns/{campaign_id}/rating")
def rating(request: Request, campaign_id: int, sort: str = "rank", order: str = "asc",
           auth: Authentication = Depends(viewer), session: Session = Depends(store_session)):
    campaign, data = _data(session, auth, campaign_id)
    lang = request_lang(request)
    directions = data.directions
    if sort not in SORTS and sort not in {d.id for d in directions}:
        sort = "rank"
    descending = order == "desc"

    def key(row):
        if sort == "rank":
            return (row.rank, row.code)
        if sort == "name":
            return (localized(row.names, lang)[0].lower(), row.code)
        if sort in ("total", "penalty"):
            return (Decimal(getattr(row, sort) or 0), row.code)
        return (Decimal(row.scores.get(sort) or 0), row.code)
    rows = sorted(data.rows, key=key, reverse=descending)
    bands = {row.code: _band(data, row.total) for row in data.rows}
    change = _previous(session, auth, campaign, data, lang)
    kind = tr(request, "final rating") if data.final else tr(request, "provisional rating")
    figures = {
        "totals": charts.totals(data, lang, tr(request, "Totals by body, %(kind)s", kind=kind)),
        "breakdown": charts.breakdown(data, lang, tr(request, "Each body's total by criterion, stacked")),
        "change": charts.change(change, tr(request, "Change of the total against %(previous)s",
                                           previous=change[0]["previous"]),
                                tr(request, "Change of each body's total against the previous campaign"))
        if change else None}
    return render(request, "rating.html", {
        "c": campaign, "data": data, "rows": rows, "directions": directions, "sort": sort, "order": order,
        "bands": bands, "act_grades": bool(data.grades), "share_bands": SHARE_BANDS, "figures": figures,
        "change": change})


@router.get("/campaigns/{campaign_id}/rating.{fmt}")
def download(request: Request, campaign_id: int, fmt: str, auth: Authentication = Depends(viewer),
             session: Session = Depends(store_session)):
    campaign, data = _data(session, auth, campaign_id)
    kind = "final" if data.final else f"provisional-run{data.run}"
    name = f"{campaign.name}-rating-{kind}"
    lang = request_lang(request) if request_lang(request) in ("kk", "ru") else "ru"
    if fmt == "csv":
        return attachment(ratings.csv_bytes(data), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "json":
        return attachment(ratings.json_bytes(data), "application/json", f"{name}.json")
    if fmt == "xlsx":
        return attachment(ratings.xlsx_bytes(data, lang), XLSX, f"{name}-{lang}.xlsx")
    raise campaigns.NotFound(f"no rating download as '{fmt[:16]}'; use csv, xlsx or json")
