"""Reconciliation acts from source-system extracts: the act, its proposed unreliable
facts (findings) and the evaluator's decisions on them. All three are
append-only.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bagalau.store import create_triggers, drop_triggers

APPEND_ONLY = ("reconciliations", "reconciliation_findings", "finding_decisions")

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reconciliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=64), nullable=False),
        sa.Column("engine", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_reconciliations_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliations")),
        sa.UniqueConstraint("campaign_id", "number", name="uq_reconciliations_number"),
    )
    op.create_index(op.f("ix_reconciliations_campaign_id"), "reconciliations", ["campaign_id"], unique=False)
    op.create_table(
        "reconciliation_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reconciliation_id", sa.Integer(), nullable=False),
        sa.Column("body_code", sa.String(length=64), nullable=False),
        sa.Column("input_id", sa.String(length=128), nullable=False),
        sa.Column("reported_value", sa.JSON(), nullable=False),
        sa.Column("derived_value", sa.JSON(), nullable=False),
        sa.Column("difference", sa.String(length=64), nullable=False),
        sa.Column("tolerance", sa.Text(), nullable=False),
        sa.Column("paragraph", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["body_code"], ["bodies.code"],
                                name=op.f("fk_reconciliation_findings_body_code_bodies")),
        sa.ForeignKeyConstraint(["reconciliation_id"], ["reconciliations.id"],
                                name=op.f("fk_reconciliation_findings_reconciliation_id_reconciliations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_findings")),
    )
    op.create_index(op.f("ix_reconciliation_findings_reconciliation_id"), "reconciliation_findings",
                    ["reconciliation_id"], unique=False)
    op.create_table(
        "finding_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=True),
        sa.Column("fact_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_fact_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["fact_id"], ["facts.id"], name=op.f("fk_finding_decisions_fact_id_facts")),
        sa.ForeignKeyConstraint(["finding_id"], ["reconciliation_findings.id"],
                                name=op.f("fk_finding_decisions_finding_id_reconciliation_findings")),
        sa.ForeignKeyConstraint(["withdrawn_fact_id"], ["facts.id"],
                                name=op.f("fk_finding_decisions_withdrawn_fact_id_facts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_decisions")),
    )
    op.create_index(op.f("ix_finding_decisions_finding_id"), "finding_decisions", ["finding_id"], unique=False)
    create_triggers(op.get_bind(), APPEND_ONLY)


def downgrade() -> None:
    drop_triggers(op.get_bind(), APPEND_ONLY, function=False)
    op.drop_index(op.f("ix_finding_decisions_finding_id"), table_name="finding_decisions")
    op.drop_table("finding_decisions")
    op.drop_index(op.f("ix_reconciliation_findings_reconciliation_id"), table_name="reconciliation_findings")
    op.drop_table("reconciliation_findings")
    op.drop_index(op.f("ix_reconciliations_campaign_id"), table_name="reconciliations")
    op.drop_table("reconciliations")
