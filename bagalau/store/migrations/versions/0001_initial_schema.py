"""Initial schema: the registry of bodies, users and roles, campaigns with their
bodies and deadlines, versioned submissions, unreliable facts, scoring runs
and their results and penalties, conclusions, objections, commissions and
decisions, improvement plans, and the hash-chained audit log. Append-only
tables get triggers that refuse UPDATE and DELETE.

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 21:33:40.297568
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bagalau.store import create_triggers, drop_triggers

APPEND_ONLY = ('submissions', 'scoring_runs', 'run_results', 'penalties_applied', 'audit_log')

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('timestamp', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=128), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_log_prev_hash'))
    )
    op.create_index(op.f('ix_audit_log_campaign_id'), 'audit_log', ['campaign_id'], unique=False)

    op.create_table('bodies',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('profile', sa.String(length=16), nullable=False),
    sa.Column('name_ru', sa.Text(), nullable=False),
    sa.Column('name_kk', sa.Text(), nullable=True),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['bodies.code'], name=op.f('fk_bodies_parent_code_bodies')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_bodies'))
    )
    op.create_index(op.f('ix_bodies_parent_code'), 'bodies', ['parent_code'], unique=False)

    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('methodology_id', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('evaluator_code', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('previous_campaign_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evaluator_code'], ['bodies.code'], name=op.f('fk_campaigns_evaluator_code_bodies')),
    sa.ForeignKeyConstraint(['previous_campaign_id'], ['campaigns.id'], name=op.f('fk_campaigns_previous_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('name', name=op.f('uq_campaigns_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_users_body_code_bodies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('campaign_bodies',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('profile', sa.String(length=16), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('incomplete', sa.Boolean(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_campaign_bodies_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_bodies_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('campaign_id', 'body_code', name=op.f('pk_campaign_bodies'))
    )
    op.create_table('commissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('appointed_by', sa.String(length=128), nullable=False),
    sa.Column('appointed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_commissions_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_commissions_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissions')),
    sa.UniqueConstraint('campaign_id', 'body_code', name='uq_commissions_body')
    )
    op.create_index(op.f('ix_commissions_campaign_id'), 'commissions', ['campaign_id'], unique=False)

    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('after', sa.String(length=64), nullable=True),
    sa.Column('working_days', sa.Integer(), nullable=True),
    sa.Column('calendar_days', sa.Integer(), nullable=True),
    sa.Column('paragraph', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_deadlines_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_deadlines_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines'))
    )
    op.create_index(op.f('ix_deadlines_campaign_id'), 'deadlines', ['campaign_id'], unique=False)

    op.create_table('evaluator_assignments',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_evaluator_assignments_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_evaluator_assignments_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluator_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('campaign_id', 'body_code', 'user_id', name=op.f('pk_evaluator_assignments'))
    )
    op.create_table('improvement_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('recorded_by', sa.String(length=128), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_improvement_plans_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_improvement_plans_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_plans'))
    )
    op.create_index(op.f('ix_improvement_plans_campaign_id'), 'improvement_plans', ['campaign_id'], unique=False)

    op.create_table('scoring_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('methodology_id', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('input_versions', sa.JSON(), nullable=False),
    sa.Column('fact_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_scoring_runs_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_runs')),
    sa.UniqueConstraint('campaign_id', 'number', name='uq_scoring_runs_number')
    )
    op.create_index(op.f('ix_scoring_runs_campaign_id'), 'scoring_runs', ['campaign_id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('submitted_by', sa.String(length=128), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('origin', sa.Text(), nullable=True),
    sa.Column('change_summary', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_submissions_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_submissions_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('campaign_id', 'body_code', 'version', name='uq_submissions_version')
    )
    op.create_index(op.f('ix_submissions_campaign_id'), 'submissions', ['campaign_id'], unique=False)

    op.create_table('commission_members',
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_commission_members_commission_id_commissions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_commission_members_user_id_users')),
    sa.PrimaryKeyConstraint('commission_id', 'user_id', name=op.f('pk_commission_members'))
    )
    op.create_table('conclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('total', sa.String(length=32), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('grade', sa.Text(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('objection_deadline', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_conclusions_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_conclusions_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['run_id'], ['scoring_runs.id'], name=op.f('fk_conclusions_run_id_scoring_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusions'))
    )
    op.create_index(op.f('ix_conclusions_campaign_id'), 'conclusions', ['campaign_id'], unique=False)

    op.create_table('penalties_applied',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('node', sa.String(length=64), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('amount', sa.String(length=64), nullable=False),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_penalties_applied_body_code_bodies')),
    sa.ForeignKeyConstraint(['run_id'], ['scoring_runs.id'], name=op.f('fk_penalties_applied_run_id_scoring_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_penalties_applied'))
    )
    op.create_index(op.f('ix_penalties_applied_run_id'), 'penalties_applied', ['run_id'], unique=False)

    op.create_table('plan_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('responsible', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('checked_in_campaign_id', sa.Integer(), nullable=True),
    sa.Column('check_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_campaign_id'], ['campaigns.id'], name=op.f('fk_plan_actions_checked_in_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['plan_id'], ['improvement_plans.id'], name=op.f('fk_plan_actions_plan_id_improvement_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_actions'))
    )
    op.create_index(op.f('ix_plan_actions_plan_id'), 'plan_actions', ['plan_id'], unique=False)

    op.create_table('run_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('total', sa.String(length=64), nullable=False),
    sa.Column('total_rounded', sa.String(length=32), nullable=False),
    sa.Column('penalty', sa.String(length=64), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_run_results_body_code_bodies')),
    sa.ForeignKeyConstraint(['run_id'], ['scoring_runs.id'], name=op.f('fk_run_results_run_id_scoring_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_results')),
    sa.UniqueConstraint('run_id', 'body_code', name='uq_run_results_body')
    )
    op.create_index(op.f('ix_run_results_run_id'), 'run_results', ['run_id'], unique=False)

    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('conclusion_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('contested', sa.JSON(), nullable=False),
    sa.Column('filed_by', sa.String(length=128), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_objections_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_objections_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['conclusion_id'], ['conclusions.id'], name=op.f('fk_objections_conclusion_id_conclusions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    op.create_index(op.f('ix_objections_campaign_id'), 'objections', ['campaign_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objection_id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('removed_fact_ids', sa.JSON(), nullable=False),
    sa.Column('input_changes', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=128), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('reverification_due', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_decisions_commission_id_commissions')),
    sa.ForeignKeyConstraint(['objection_id'], ['objections.id'], name=op.f('fk_decisions_objection_id_objections')),
    sa.ForeignKeyConstraint(['run_id'], ['scoring_runs.id'], name=op.f('fk_decisions_run_id_scoring_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('objection_id', name=op.f('uq_decisions_objection_id'))
    )
    op.create_table('facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('body_code', sa.String(length=64), nullable=False),
    sa.Column('input_id', sa.String(length=128), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('node', sa.String(length=64), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('reported_value', sa.JSON(), nullable=True),
    sa.Column('verified_value', sa.JSON(), nullable=True),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=128), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_by_decision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['body_code'], ['bodies.code'], name=op.f('fk_facts_body_code_bodies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_facts_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['removed_by_decision_id'], ['decisions.id'], name=op.f('fk_facts_removed_by_decision_id_decisions')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_facts_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facts'))
    )
    op.create_index(op.f('ix_facts_campaign_id'), 'facts', ['campaign_id'], unique=False)

    create_triggers(op.get_bind(), APPEND_ONLY)


def downgrade() -> None:
    drop_triggers(op.get_bind(), APPEND_ONLY)
    op.drop_index(op.f('ix_facts_campaign_id'), table_name='facts')

    op.drop_table('facts')
    op.drop_table('decisions')
    op.drop_index(op.f('ix_objections_campaign_id'), table_name='objections')

    op.drop_table('objections')
    op.drop_index(op.f('ix_run_results_run_id'), table_name='run_results')

    op.drop_table('run_results')
    op.drop_index(op.f('ix_plan_actions_plan_id'), table_name='plan_actions')

    op.drop_table('plan_actions')
    op.drop_index(op.f('ix_penalties_applied_run_id'), table_name='penalties_applied')

    op.drop_table('penalties_applied')
    op.drop_index(op.f('ix_conclusions_campaign_id'), table_name='conclusions')

    op.drop_table('conclusions')
    op.drop_table('commission_members')
    op.drop_index(op.f('ix_submissions_campaign_id'), table_name='submissions')

    op.drop_table('submissions')
    op.drop_index(op.f('ix_scoring_runs_campaign_id'), table_name='scoring_runs')

    op.drop_table('scoring_runs')
    op.drop_index(op.f('ix_improvement_plans_campaign_id'), table_name='improvement_plans')

    op.drop_table('improvement_plans')
    op.drop_table('evaluator_assignments')
    op.drop_index(op.f('ix_deadlines_campaign_id'), table_name='deadlines')

    op.drop_table('deadlines')
    op.drop_index(op.f('ix_commissions_campaign_id'), table_name='commissions')

    op.drop_table('commissions')
    op.drop_table('campaign_bodies')
    op.drop_table('users')
    op.drop_table('campaigns')
    op.drop_index(op.f('ix_bodies_parent_code'), table_name='bodies')

    op.drop_table('bodies')
    op.drop_index(op.f('ix_audit_log_campaign_id'), table_name='audit_log')

    op.drop_table('audit_log')
