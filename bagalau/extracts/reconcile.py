"""Reconcile a campaign's reports with its extracts: aggregate the workspace for the
campaign's edition and period, then record the reconciliation act through
``bagalau.campaigns.reconciliation`` (which proposes the unreliable facts).

Tolerances come from the aggregation file, then the campaign setting
``reconciliation_tolerances`` ({input or "default": {absolute, relative}}),
then the caller; parameters from the file, then the campaign setting
``extract_parameters``, then the caller.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from bagalau import campaigns
from bagalau.store.models import Campaign, Reconciliation

from . import definitions
from .aggregation import Derived, Period, Progress, aggregate
from .definitions import AggregationFile, Tolerance
from .engines import Engine
from .workspace import Workspace


def tolerances_for(file: AggregationFile, overrides: dict[str, Tolerance]) -> dict[str, tuple[Decimal, Decimal]]:
    return {input_id: (t.absolute, t.relative)
            for input_id in file.measures() for t in [file.tolerance(input_id, overrides)]}


def as_campaign_inputs(file: AggregationFile, derived: Derived, overrides: dict[str, Tolerance],
                       parameters: dict[str, int]) -> campaigns.DerivedInputs:
    return campaigns.DerivedInputs(
        edition=derived.edition, engine=derived.engine, period=str(derived.period), values=derived.values,
        tolerances=tolerances_for(file, overrides),
        paragraphs={input_id: m.paragraph for input_id, (_, m) in file.measures().items()},
        sources=derived.sources, parameters=parameters)


def _tolerance_settings(raw: dict) -> dict[str, Tolerance]:
    try:
        return {key: Tolerance.model_validate(value) for key, value in (raw or {}).items()}
    except ValueError as exc:
        raise campaigns.CampaignError(f"campaign setting reconciliation_tolerances: {exc}") from None


def reconcile(session: Session, campaign: Campaign, workspace: Workspace, engine: Engine, actor: str, *,
              tolerances: dict[str, Tolerance] | None = None, parameters: dict[str, int] | None = None,
              progress: Progress | None = None, at: datetime | None = None) -> tuple[Reconciliation, Derived]:
    file = definitions.load(campaign.methodology_id)
    overrides = _tolerance_settings(campaign.settings.get("reconciliation_tolerances", {})) | (tolerances or {})
    unknown = sorted(set(overrides) - set(file.measures()) - {"default"})
    if unknown:
        raise campaigns.CampaignError(f"tolerance for {', '.join(unknown)}: not derived from extracts for "
                                      f"{file.edition} (derived: {', '.join(file.measures())})")
    values = {name: p.value for name, p in file.parameters.items()}
    values |= campaign.settings.get("extract_parameters", {}) | (parameters or {})
    derived = aggregate(file, workspace, Period.year(campaign.period), engine, parameters=values, progress=progress)
    act = campaigns.open_reconciliation(session, campaign, as_campaign_inputs(file, derived, overrides, values),
                                        actor, at=at)
    return act, derived
