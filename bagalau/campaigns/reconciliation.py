"""Reconciliation with source systems: the bodies' reported inputs against the inputs
derived from extracts, as a reconciliation act of proposed unreliable facts.

The act rests on the working group's duty to check the reported data
against the information systems (2012 §7 and §105; 2017 §10 and §12–15,
whose unreliable facts are "recorded in the reconciliation act"). For each
evaluated body and each derived input that the body reported, the
difference is compared with the input's tolerance (absolute + relative ×
|derived|, per input, from the aggregation file or the campaign's
``reconciliation_tolerances``). A difference beyond it is a *finding*: a
proposed unreliable fact, nothing more. An evaluator confirms it, which
records a fact with the derived value as the verified value (the penalty
rule of the act then applies as for any fact), or dismisses it with a
reason. A confirmed finding may still be dismissed during verification:
its fact is withdrawn and the next scoring run no longer applies it.

Acts, findings and decisions are never changed; the latest decision on a
finding counts. This module takes derived values as plain data: the
extracts package (below the campaigns in the pipeline) computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bagalau.store.models import (
    Campaign,
    FindingDecision,
    Reconciliation,
    ReconciliationFinding,
)

from . import policy
from .schedule import _methodology
from .state import CampaignError, _flush, _moment, _record, _require_state, jsonable
from .submissions import _scorer, latest_submission
from .verification import add_fact

OUTCOMES = {"confirmed": "confirm", "dismissed": "dismiss"}    # outcome -> verb


@dataclass(frozen=True)
class DerivedInputs:
    """What the extracts give, as the campaigns stage needs it."""

    edition: str
    engine: str
    period: str
    values: dict[str, dict[str, Any]]           # body -> input -> int | Decimal
    tolerances: dict[str, tuple[Decimal, Decimal]]   # input -> (absolute, relative)
    paragraphs: dict[str, str]                  # input -> paragraph of the act
    sources: dict[str, Any]                     # kind -> files read, with their SHA-256
    parameters: dict[str, Any]


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _describe(absolute: Decimal, relative: Decimal) -> str:
    parts = ([f"±{_plain(absolute)}"] if absolute else []) + (
        [f"±{_plain(relative * 100)}% of the derived value"] if relative else [])
    return " + ".join(parts) or "exact"


def open_reconciliation(session: Session, campaign: Campaign, derived: DerivedInputs, actor: str, *,
                        at: datetime | None = None) -> Reconciliation:
    """Compare every evaluated body's latest report with ``derived`` and record the
    act with its findings."""
    policy.check(session, actor, "reconciliation.write", campaign=campaign)
    _require_state(campaign, ("verification", "scored"), "reconcile reports with extracts",
                   "reconciliation belongs to verification, before the draft conclusions")
    if derived.edition != campaign.methodology_id:
        raise CampaignError(f"the extracts were aggregated for {derived.edition}; campaign '{campaign.name}' "
                            f"uses {campaign.methodology_id}")
    scorer = _scorer(campaign)
    methodology = _methodology(campaign.methodology_id)
    number = (session.execute(select(func.max(Reconciliation.number))
                              .where(Reconciliation.campaign_id == campaign.id)).scalar() or 0) + 1
    act = Reconciliation(campaign_id=campaign.id, number=number, edition=derived.edition, engine=derived.engine,
                         period=derived.period, sources=jsonable(derived.sources),
                         settings=jsonable({"tolerances": {k: list(v) for k, v in derived.tolerances.items()},
                                            "parameters": derived.parameters}),
                         coverage={}, created_by=actor, created_at=_moment(at))
    findings: list[ReconciliationFinding] = []
    coverage: dict[str, Any] = {}
    for member in campaign.bodies:
        body = member.body_code
        latest = latest_submission(session, campaign, body)
        if latest is None:
            coverage[body] = "no report to compare"
            continue
        if body not in derived.values:
            coverage[body] = "no records of this body in the extracts"
            continue
        inputs = scorer.scorer(member.profile if methodology.profiles else None).compiled.inputs
        compared = []
        for input_id, value in sorted(derived.values[body].items()):
            reported = _number(latest.values.get(input_id))
            if input_id not in inputs or reported is None:
                continue
            compared.append(input_id)
            absolute, relative = derived.tolerances.get(input_id, (Decimal(0), Decimal(0)))
            derived_value = Decimal(value)
            if abs(reported - derived_value) <= absolute + relative * abs(derived_value):
                continue
            findings.append(ReconciliationFinding(
                body_code=body, input_id=input_id, reported_value=latest.values.get(input_id),
                derived_value=jsonable(value), difference=format(reported - derived_value, "f"),
                tolerance=_describe(absolute, relative), paragraph=derived.paragraphs.get(input_id)))
        coverage[body] = {"submission_version": latest.version, "compared": compared}
    act.coverage = coverage
    session.add(act)
    _flush(session, f"reconciliation act {number}")
    for finding in findings:
        finding.reconciliation_id = act.id
        session.add(finding)
    _flush(session, f"reconciliation act {number}")
    _record(session, campaign, actor, "reconciliation.open", f"reconciliation:{act.id}", {
        "number": number, "edition": derived.edition, "engine": derived.engine, "period": derived.period,
        "sources": derived.sources, "settings": act.settings,
        "findings": [{"id": f.id, "body": f.body_code, "input": f.input_id, "reported": f.reported_value,
                      "derived": f.derived_value, "tolerance": f.tolerance} for f in findings]}, at)
    session.expire(act, ["findings"])
    return act


def latest_decision(session: Session, finding_id: int) -> FindingDecision | None:
    return session.execute(select(FindingDecision).where(FindingDecision.finding_id == finding_id)
                           .order_by(FindingDecision.id.desc()).limit(1)).scalar_one_or_none()


def finding_status(session: Session, finding: ReconciliationFinding) -> str:
    decision = latest_decision(session, finding.id)
    return decision.outcome if decision else "proposed"


def _finding(session: Session, campaign: Campaign, finding_id: int) -> tuple[ReconciliationFinding, Reconciliation]:
    finding = session.get(ReconciliationFinding, finding_id)
    act = session.get(Reconciliation, finding.reconciliation_id) if finding else None
    if finding is None or act.campaign_id != campaign.id:
        raise CampaignError(f"campaign '{campaign.name}' has no finding #{finding_id}")
    return finding, act


def decide_finding(session: Session, campaign: Campaign, finding_id: int, outcome: str, actor: str, *,
                   reasoning: str | None = None, at: datetime | None = None) -> FindingDecision:
    """Confirm a finding (it becomes an unreliable fact with the derived value as the
    verified one) or dismiss it (with a reason; a confirmed one's fact is withdrawn)."""
    if outcome not in OUTCOMES:
        raise CampaignError(f"outcome must be one of {', '.join(OUTCOMES)}")
    verb = OUTCOMES[outcome]
    finding, act = _finding(session, campaign, finding_id)
    policy.check(session, actor, "reconciliation.write", campaign=campaign, body=finding.body_code)
    _require_state(campaign, ("verification", "scored"), f"{verb} a finding",
                   "findings are decided during verification, before the draft conclusions")
    previous = latest_decision(session, finding_id)
    if previous is not None and previous.outcome == outcome:
        raise CampaignError(f"finding #{finding_id} is already {outcome}")
    fact_id = withdrawn = None
    if outcome == "confirmed":
        document = (f"Reconciliation act №{act.number} of campaign '{campaign.name}': {act.edition} extracts, "
                    f"{act.period}, engine {act.engine}")
        note = (f"finding #{finding.id}: reported {finding.reported_value}, extracts give {finding.derived_value} "
                f"(tolerance {finding.tolerance}; {finding.paragraph or 'no paragraph'})")
        fact = add_fact(session, campaign, finding.body_code, finding.input_id, finding.derived_value, document,
                        actor, note=note, at=at)
        fact_id = fact.id
    else:
        if not reasoning or not reasoning.strip():
            raise CampaignError("dismissing a finding needs the reason (what shows the report is right)")
        if previous is not None and previous.outcome == "confirmed":
            withdrawn = previous.fact_id
    decision = FindingDecision(finding_id=finding_id, outcome=outcome, reasoning=(reasoning or "").strip() or None,
                               fact_id=fact_id, withdrawn_fact_id=withdrawn, decided_by=actor,
                               decided_at=_moment(at))
    session.add(decision)
    _flush(session, f"decision on finding #{finding_id}")
    _record(session, campaign, actor, f"finding.{verb}", f"finding:{finding_id}", {
        "reconciliation": act.number, "body": finding.body_code, "input": finding.input_id,
        "reported": finding.reported_value, "derived": finding.derived_value, "reasoning": decision.reasoning,
        "fact": fact_id, "withdrawn_fact": withdrawn}, at)
    return decision


def reconciliation_acts(session: Session, campaign: Campaign) -> list[Reconciliation]:
    return list(session.execute(select(Reconciliation).where(Reconciliation.campaign_id == campaign.id)
                                .order_by(Reconciliation.number)).scalars())
