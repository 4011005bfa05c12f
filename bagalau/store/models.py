"""The campaign store: SQLAlchemy 2 models, engine and session setup.

The embedded default is an SQLite file in the user's data directory
(``platformdirs``); ``BAGALAU_DATABASE_URL`` or a ``--database`` option
points elsewhere, e.g. ``postgresql+psycopg://user@host/db`` for shared
use. The schema is created and changed only by the Alembic migrations in
``bagalau/store/migrations`` (``bagalau db upgrade``); tests may use
``create_all`` on a fresh database, and a test checks that both give the
same schema.

Rules the tables carry:

* every table that holds a result or a decision (``immutability.APPEND_ONLY``:
  submissions, facts and their removals, scoring runs, run results,
  applied penalties, conclusions, objections, commissions and their
  members, decisions, improvement plans, their actions and checks,
  evaluator assignments, reconciliation acts with their findings and the
  decisions on them), the audit log and the anchors are written once
  and never updated: the ORM refuses an UPDATE or DELETE of them, and
  database triggers refuse them too. A correction is a new row that
  supersedes: a fact is removed by a ``FactRemoval``, an objection is
  decided by its ``Decision``, a plan action is checked by a ``PlanCheck``;
* every row of a campaign table is committed to by the audit entry that
  records its writing (``records``), so a change made behind the
  application's back is found by ``bagalau audit verify``;
* a submission's (campaign, body, version) is unique, and so is an audit
  entry's sequence number: two writers that both read "version 3 is the
  latest" cannot both write version 4 (optimistic locking);
* a campaign row carries a ``version_id`` that SQLAlchemy checks on every
  update, so two concurrent state changes cannot both win."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ENV_URL = "BAGALAU_DATABASE_URL"
APP_NAME = "bagalau"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# --- the registry's vocabulary ------------------------------------------------------

BODY_KINDS: dict[str, str] = {
    "central_body": "central",
    "department": "central",
    "territorial_subdivision": "central",
    "oblast_akimat": "local",
    "city_akimat": "local",
    "district": "local",
    "rural_okrug": "local",
    "subordinate_organisation": "parent",   # the profile of the body it is subordinate to
}
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    "central_body": (None,),
    "department": ("central_body",),
    "territorial_subdivision": ("central_body", "department"),
    "oblast_akimat": (None,),
    "city_akimat": (None, "oblast_akimat"),          # republican cities, or cities of oblast significance
    "district": ("oblast_akimat", "city_akimat"),
    "rural_okrug": ("district", "city_akimat"),
    "subordinate_organisation": tuple(BODY_KINDS),
}
ROLES = ("administrator", "methodologist", "evaluator", "commission", "body", "observer")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Body(Base):
    """A state body in the registry, with its place in the hierarchy."""

    __tablename__ = "bodies"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("bodies.code"), index=True)
    profile: Mapped[str] = mapped_column(String(16))            # central | local
    name_ru: Mapped[str] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped["Body | None"] = relationship(remote_side="Body.code")

    @property
    def name(self) -> str:
        return self.name_ru or self.name_en or self.code


class User(Base):
    """A person with one role and an account. A ``body`` user (body officer)
    speaks for one body; an ``evaluator`` belongs to an evaluating body (or is
    assigned to bodies of a campaign); the others act for the whole system.
    The password is an argon2 hash; repeated failed logins lock the account
    until ``locked_until``."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    body_code: Mapped[str | None] = mapped_column(ForeignKey("bodies.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_hash: Mapped[str | None] = mapped_column(Text)
    password_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Campaign(Base):
    """One methodology edition, one reporting period, one evaluator, a set of bodies."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    methodology_id: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    period: Mapped[int] = mapped_column(Integer)
    evaluator_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    state: Mapped[str] = mapped_column(String(32))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    previous_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    bodies: Mapped[list["CampaignBody"]] = relationship(back_populates="campaign", order_by="CampaignBody.body_code")
    deadlines: Mapped[list["Deadline"]] = relationship(back_populates="campaign", order_by="Deadline.id")


class CampaignBody(Base):
    __tablename__ = "campaign_bodies"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"), primary_key=True)
    profile: Mapped[str] = mapped_column(String(16))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)     # [{kind, detail, at}]

    campaign: Mapped[Campaign] = relationship(back_populates="bodies")
    body: Mapped[Body] = relationship()


class EvaluatorAssignment(Base):
    """Who evaluates which body in a campaign (2012 §107 keeps them off its commission)."""

    __tablename__ = "evaluator_assignments"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class Deadline(Base):
    """A campaign deadline: from the act's schedule, a campaign setting, or an event."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    body_code: Mapped[str | None] = mapped_column(ForeignKey("bodies.code"))
    name: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date)
    after: Mapped[str | None] = mapped_column(String(64))
    working_days: Mapped[int | None] = mapped_column(Integer)
    calendar_days: Mapped[int | None] = mapped_column(Integer)
    paragraph: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))             # act | setting | event

    campaign: Mapped[Campaign] = relationship(back_populates="deadlines")


class SubmissionVersion(Base):
    """One version of one body's report. Never updated: a correction is a new version."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("campaign_id", "body_code", "version", name="uq_submissions_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    version: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_by: Mapped[str] = mapped_column(String(128))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str | None] = mapped_column(Text)
    change_summary: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)


class Fact(Base):
    """An unreliable fact found in verification (reconciliation act: 2012 §105, 001 App 9, 002 App 1)."""

    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    input_id: Mapped[str] = mapped_column(String(128))
    rule: Mapped[str] = mapped_column(String(64))
    node: Mapped[str | None] = mapped_column(String(64))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    reported_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    verified_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    document: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    removal: Mapped["FactRemoval | None"] = relationship(back_populates="fact", uselist=False)

    @property
    def removed_by_decision_id(self) -> int | None:
        return self.removal.decision_id if self.removal is not None else None


class FactRemoval(Base):
    """A commission's decision removes an unreliable fact: a new row, the fact itself is never changed."""

    __tablename__ = "fact_removals"

    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id"), primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)

    fact: Mapped[Fact] = relationship(back_populates="removal")


class Reconciliation(Base):
    """A reconciliation act: the bodies' reported inputs compared with inputs derived
    from source-system extracts, and what it was computed from (2012 §7, 2017 §10)."""

    __tablename__ = "reconciliations"
    __table_args__ = (UniqueConstraint("campaign_id", "number", name="uq_reconciliations_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    edition: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(32))
    sources: Mapped[dict[str, Any]] = mapped_column(JSON)            # kind -> files with their SHA-256
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)           # tolerances and parameters used
    coverage: Mapped[dict[str, Any]] = mapped_column(JSON)           # body -> what was compared or why not
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    findings: Mapped[list["ReconciliationFinding"]] = relationship(order_by="ReconciliationFinding.id")


class ReconciliationFinding(Base):
    """A proposed unreliable fact: a reported input beyond its tolerance from the extracts."""

    __tablename__ = "reconciliation_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    input_id: Mapped[str] = mapped_column(String(128))
    reported_value: Mapped[Any] = mapped_column(JSON)
    derived_value: Mapped[Any] = mapped_column(JSON)
    difference: Mapped[str] = mapped_column(String(64))            # reported − derived, exact text
    tolerance: Mapped[str] = mapped_column(Text)
    paragraph: Mapped[str | None] = mapped_column(Text)


class FindingDecision(Base):
    """An evaluator confirms a finding (it becomes a fact) or dismisses it (a confirmed
    one's fact is withdrawn). Never updated: the latest decision counts."""

    __tablename__ = "finding_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("reconciliation_findings.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))            # confirmed | dismissed
    reasoning: Mapped[str | None] = mapped_column(Text)
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id"))
    withdrawn_fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id"))
    decided_by: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScoringRun(Base):
    """An immutable snapshot: which edition, which input versions, which facts, which options."""

    __tablename__ = "scoring_runs"
    __table_args__ = (UniqueConstraint("campaign_id", "number", name="uq_scoring_runs_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    methodology_id: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    input_versions: Mapped[dict[str, Any]] = mapped_column(JSON)    # body -> submission id
    fact_ids: Mapped[list[Any]] = mapped_column(JSON)
    flags: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)   # body -> report flags it was scored with
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The commission decision this run rescores after; the link lives here, written with the run,
    # so that the decision is never updated. use_alter: decisions → objections → conclusions → runs.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", use_alter=True), index=True)

    results: Mapped[list["RunResult"]] = relationship(order_by="RunResult.body_code")


class RunResult(Base):
    __tablename__ = "run_results"
    __table_args__ = (UniqueConstraint("run_id", "body_code", name="uq_run_results_body"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    total: Mapped[str] = mapped_column(String(64))              # exact Decimal text
    total_rounded: Mapped[str] = mapped_column(String(32))
    penalty: Mapped[str] = mapped_column(String(64))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)


class AppliedPenaltyRow(Base):
    """A penalty as applied in one run (rule, count, amount, what it rests on)."""

    __tablename__ = "penalties_applied"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    rule: Mapped[str] = mapped_column(String(64))
    node: Mapped[str | None] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    amount: Mapped[str] = mapped_column(String(64))
    references: Mapped[list[Any]] = mapped_column(JSON)


class Conclusion(Base):
    __tablename__ = "conclusions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id"))
    kind: Mapped[str] = mapped_column(String(16))               # draft | final
    total: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    objection_deadline: Mapped[date | None] = mapped_column(Date)


class Objection(Base):
    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    conclusion_id: Mapped[int] = mapped_column(ForeignKey("conclusions.id"))
    text: Mapped[str] = mapped_column(Text)
    documents: Mapped[list[Any]] = mapped_column(JSON)
    contested: Mapped[list[Any]] = mapped_column(JSON, default=list)   # fact ids / input ids
    filed_by: Mapped[str] = mapped_column(String(128))
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[date] = mapped_column(Date)

    decision: Mapped["Decision | None"] = relationship(back_populates="objection", uselist=False)

    @property
    def status(self) -> str:
        """filed, or the decision's outcome (accepted | rejected): the objection row never changes."""
        return self.decision.outcome if self.decision is not None else "filed"


class Commission(Base):
    """The special commission for one body's objections (2012 §107)."""

    __tablename__ = "commissions"
    __table_args__ = (UniqueConstraint("campaign_id", "body_code", name="uq_commissions_body"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    appointed_by: Mapped[str] = mapped_column(String(128))
    appointed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    members: Mapped[list["CommissionMember"]] = relationship(order_by="CommissionMember.user_id")


class CommissionMember(Base):
    __tablename__ = "commission_members"

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)

    user: Mapped[User] = relationship()


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objections.id"), unique=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"))
    outcome: Mapped[str] = mapped_column(String(16))            # accepted | rejected
    reasoning: Mapped[str] = mapped_column(Text)
    removed_fact_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    input_changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_by: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reverification_due: Mapped[date | None] = mapped_column(Date)

    objection: Mapped[Objection] = relationship(back_populates="decision")
    run: Mapped["ScoringRun | None"] = relationship(primaryjoin="ScoringRun.decision_id == Decision.id",
                                                    uselist=False, viewonly=True)

    @property
    def run_id(self) -> int | None:
        """The rescoring run this decision caused (it names the decision), if any."""
        return self.run.id if self.run is not None else None


class ImprovementPlan(Base):
    """A body's plan from the recommendations (2012 §109–110)."""

    __tablename__ = "improvement_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    body_code: Mapped[str] = mapped_column(ForeignKey("bodies.code"))
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    actions: Mapped[list["PlanAction"]] = relationship(order_by="PlanAction.id")


class PlanAction(Base):
    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("improvement_plans.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)

    checks: Mapped[list["PlanCheck"]] = relationship(order_by="PlanCheck.id")

    @property
    def last_check(self) -> "PlanCheck | None":
        return self.checks[-1] if self.checks else None

    @property
    def status(self) -> str:
        """planned, or the latest check's finding (done | partly | not_done)."""
        return self.last_check.status if self.last_check else "planned"

    @property
    def check_note(self) -> str | None:
        return self.last_check.note if self.last_check else None

    @property
    def checked_in_campaign_id(self) -> int | None:
        return self.last_check.campaign_id if self.last_check else None


class PlanCheck(Base):
    """The post-audit's finding on one plan action, in the next campaign (2012 §108, §111).
    A later check supersedes an earlier one; none is ever changed."""

    __tablename__ = "plan_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))             # done | partly | not_done
    note: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[str] = mapped_column(String(128))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One link of the hash chain (see ``audit``). ``seq`` is the primary key,
    so two writers cannot both append entry n+1."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    timestamp: Mapped[str] = mapped_column(String(40))         # ISO 8601, UTC, as hashed
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(128))
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[str] = mapped_column(Text)                  # canonical JSON, as hashed
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Job(Base):
    """Long work (scoring a large cohort, document batches) and its status: queued,
    running, succeeded or failed. Runs in-process on SQLite, on the queue on PostgreSQL."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Anchor(Base):
    """A checkpoint of the audit chain's head, signed (HMAC-SHA256) with a key held outside
    the database (``anchoring``). Not part of the chain: its signature protects it."""

    __tablename__ = "anchors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[str] = mapped_column(String(40))        # ISO 8601, UTC, as signed
    reason: Mapped[str] = mapped_column(Text)
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entries: Mapped[int] = mapped_column(Integer)               # the seq of the head entry
    head: Mapped[str] = mapped_column(String(64))
    fingerprints: Mapped[str] = mapped_column(Text)             # 8 hex digits of every entry's hash, in order
    key_id: Mapped[str | None] = mapped_column(String(64))      # None: unsigned (no key was configured)
    mac: Mapped[str | None] = mapped_column(String(64))
