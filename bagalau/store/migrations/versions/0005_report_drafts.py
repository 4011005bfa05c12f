"""Report drafts: a body's unsubmitted report forms, one per body per campaign
(``store.drafts``). Mutable, and covered by the audit chain like the other
mutable campaign tables: every save is an audit entry that commits to the row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_drafts',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('based_on_version', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=256), nullable=True),
    sa.Column('saved_by', sa.String(length=128), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_report_drafts_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_report_drafts_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('campaign_id', 'body_code', name=op.f('pk_report_drafts'))
    )


def downgrade() -> None:
    op.drop_table('report_drafts')
