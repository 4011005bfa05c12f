"""The store: the database that keeps campaigns, and nothing of the acts' rules.

``models`` holds the tables, ``immutability`` the append-only guards,
``accounts`` the tables of authentication, ``files`` the
content-addressed evidence files, ``drafts`` the bodies' unsubmitted
reports, ``database`` the engine and sessions, ``audit`` the hash chain, ``records`` what each audit entry commits to (the
rows it records), ``anchoring`` the signed checkpoints of the chain, and
``migrations`` the Alembic scripts. The names below are the store's API.
"""

from __future__ import annotations

from .accounts import ApiToken, AuthSession, SetupToken
from .database import (
                     database_url,
                     default_path,
                     describe,
                     make_engine,
                     make_sessionmaker,
                     transaction,
)
from .drafts import ReportDraft
from .files import BlobStore, Evidence, EvidenceFile
from . import records  # noqa: F401  (registers the session events that collect written rows)
from .immutability import (
                     APPEND_ONLY,
                     IMMUTABLE,
                     IMMUTABLE_TABLES,
                     PG_FUNCTION,
                     PG_FUNCTION_DROP,
                     ImmutableRowError,
                     create_triggers,
                     drop_triggers,
                     trigger_ddl,
)
from .models import (
                     ALLOWED_PARENTS,
                     APP_NAME,
                     BODY_KINDS,
                     ENV_URL,
                     NAMING,
                     ROLES,
                     Anchor,
                     AppliedPenaltyRow,
                     AuditEntry,
                     Base,
                     Body,
                     Campaign,
                     CampaignBody,
                     Commission,
                     CommissionMember,
                     Conclusion,
                     Deadline,
                     Decision,
                     EvaluatorAssignment,
                     Fact,
                     FactRemoval,
                     ImprovementPlan,
                     Job,
                     Objection,
                     PlanAction,
                     PlanCheck,
                     RunResult,
                     ScoringRun,
                     SubmissionVersion,
                     User,
                     utcnow,
)

__all__ = [
    "ENV_URL",
    "APP_NAME",
    "NAMING",
    "BODY_KINDS",
    "ALLOWED_PARENTS",
    "ROLES",
    "utcnow",
    "Base",
    "Body",
    "User",
    "Campaign",
    "CampaignBody",
    "EvaluatorAssignment",
    "Deadline",
    "SubmissionVersion",
    "Fact",
    "FactRemoval",
    "ScoringRun",
    "RunResult",
    "AppliedPenaltyRow",
    "Conclusion",
    "Objection",
    "Commission",
    "CommissionMember",
    "Decision",
    "ImprovementPlan",
    "PlanAction",
    "PlanCheck",
    "AuditEntry",
    "Job",
    "AuthSession",
    "ApiToken",
    "SetupToken",
    "EvidenceFile",
    "Evidence",
    "ReportDraft",
    "BlobStore",
    "Anchor",
    "APPEND_ONLY",
    "IMMUTABLE",
    "IMMUTABLE_TABLES",
    "ImmutableRowError",
    "trigger_ddl",
    "PG_FUNCTION",
    "PG_FUNCTION_DROP",
    "create_triggers",
    "drop_triggers",
    "default_path",
    "database_url",
    "make_engine",
    "make_sessionmaker",
    "transaction",
    "describe",
]
