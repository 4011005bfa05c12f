"""Results and decisions become append-only; the anchors of the audit chain.

Every table that holds a result or a decision refuses UPDATE and DELETE
(triggers). The four columns that used to be changed in place become rows
that supersede:

* ``facts.removed_by_decision_id``  → ``fact_removals`` (fact, decision);
* ``objections.status``             → the objection's decision (its outcome);
* ``decisions.run_id``              → ``scoring_runs.decision_id`` (the run names the decision);
* ``plan_actions.status``, ``checked_in_campaign_id``, ``check_note`` → ``plan_checks``.

Runs keep the report flags they were scored with (``scoring_runs.flags``,
NULL for runs made before this revision). ``anchors`` holds the signed
checkpoints of the chain. At the end, one audit entry (``store.commit``)
commits to every campaign row as it then stands, so ``audit verify`` can
check them from here on; a change made before this upgrade is not
detectable by it.

Downgrading moves the data back (the latest check of a plan action only)
and drops the anchors; the audit entries stay, and 0002 reads them as they
are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 18:00:00
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from bagalau.store import create_triggers, drop_triggers
from bagalau.store.records import commit_existing

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BEFORE = ('submissions', 'scoring_runs', 'run_results', 'penalties_applied', 'audit_log')
AFTER = ('submissions', 'facts', 'fact_removals', 'scoring_runs', 'run_results', 'penalties_applied', 'conclusions',
         'objections', 'commissions', 'commission_members', 'decisions', 'improvement_plans', 'plan_actions',
         'plan_checks', 'evaluator_assignments', 'audit_log', 'anchors')
UNKNOWN = "unknown (checked before revision 0003)"


def upgrade() -> None:
    bind = op.get_bind()
    drop_triggers(bind, BEFORE)
    _create_new_tables()
    op.execute("INSERT INTO fact_removals (fact_id, decision_id) "
               "SELECT id, removed_by_decision_id FROM facts WHERE removed_by_decision_id IS NOT NULL")
    _move_plan_checks(bind)
    with op.batch_alter_table('scoring_runs') as batch:
        batch.add_column(sa.Column('flags', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_scoring_runs_decision_id'), ['decision_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_scoring_runs_decision_id_decisions'), 'decisions', ['decision_id'], ['id'])
    op.execute("UPDATE scoring_runs SET decision_id = "
               "(SELECT d.id FROM decisions d WHERE d.run_id = scoring_runs.id)")
    with op.batch_alter_table('decisions') as batch:
        batch.drop_constraint('fk_decisions_run_id_scoring_runs', type_='foreignkey')
        batch.drop_column('run_id')
    with op.batch_alter_table('facts') as batch:
        batch.drop_constraint('fk_facts_removed_by_decision_id_decisions', type_='foreignkey')
        batch.drop_column('removed_by_decision_id')
    with op.batch_alter_table('objections') as batch:
        batch.drop_column('status')
    with op.batch_alter_table('plan_actions') as batch:
        batch.drop_constraint('fk_plan_actions_checked_in_campaign_id_campaigns', type_='foreignkey')
        batch.drop_column('check_note')
        batch.drop_column('checked_in_campaign_id')
        batch.drop_column('status')
    create_triggers(bind, AFTER)
    commit_existing(bind, "revision 0003: results and decisions become append-only; the rows as they stand at the "
                          "upgrade are committed to here")


def _create_new_tables() -> None:
    op.create_table('fact_removals',
    sa.Column('fact_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_fact_removals_decision_id_decisions')),
    sa.ForeignKeyConstraint(['fact_id'], ['facts.id'], name=op.f('fk_fact_removals_fact_id_facts')),
    sa.PrimaryKeyConstraint('fact_id', name=op.f('pk_fact_removals'))
    )
    op.create_index(op.f('ix_fact_removals_decision_id'), 'fact_removals', ['decision_id'], unique=False)
    op.create_table('plan_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('checked_by', sa.String(length=128), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'], name=op.f('fk_plan_checks_action_id_plan_actions')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_plan_checks_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_checks'))
    )
    op.create_index(op.f('ix_plan_checks_action_id'), 'plan_checks', ['action_id'], unique=False)
    op.create_index(op.f('ix_plan_checks_campaign_id'), 'plan_checks', ['campaign_id'], unique=False)
    op.create_table('anchors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.Column('fingerprints', sa.Text(), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=True),
    sa.Column('mac', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anchors'))
    )
    op.create_index(op.f('ix_anchors_campaign_id'), 'anchors', ['campaign_id'], unique=False)


def _move_plan_checks(bind) -> None:
    """Each checked plan action gets a check row; who checked it and when (the step's effective
    date, else the entry's time) come from its audit entry."""
    checked = bind.execute(sa.text("SELECT id, status, checked_in_campaign_id, check_note FROM plan_actions "
                                   "WHERE checked_in_campaign_id IS NOT NULL ORDER BY id")).all()
    checks = sa.table('plan_checks', sa.column('action_id', sa.Integer), sa.column('campaign_id', sa.Integer),
                      sa.column('status', sa.String), sa.column('note', sa.Text), sa.column('checked_by', sa.String),
                      sa.column('checked_at', sa.DateTime(timezone=True)))
    for action in checked:
        entry = bind.execute(sa.text("SELECT actor, timestamp, payload FROM audit_log WHERE entity = :entity AND "
                                     "action = 'plan.check' ORDER BY seq DESC LIMIT 1"),
                             {"entity": f"plan_action:{action.id}"}).first()
        bind.execute(checks.insert().values(
            action_id=action.id, campaign_id=action.checked_in_campaign_id, status=action.status,
            note=action.check_note, checked_by=entry.actor if entry else UNKNOWN, checked_at=_when(entry)))


def _when(entry) -> datetime:
    if entry is None:
        return datetime.now(timezone.utc)
    effective = json.loads(entry.payload).get("effective")
    return datetime.fromisoformat(effective or entry.timestamp)


def downgrade() -> None:
    bind = op.get_bind()
    drop_triggers(bind, AFTER)
    with op.batch_alter_table('plan_actions') as batch:
        batch.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='planned'))
        batch.add_column(sa.Column('checked_in_campaign_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('check_note', sa.Text(), nullable=True))
        batch.create_foreign_key(batch.f('fk_plan_actions_checked_in_campaign_id_campaigns'), 'campaigns',
                                 ['checked_in_campaign_id'], ['id'])
    latest = "(SELECT c.{column} FROM plan_checks c WHERE c.action_id = plan_actions.id ORDER BY c.id DESC LIMIT 1)"
    op.execute(f"UPDATE plan_actions SET status = {latest.format(column='status')}, "
               f"checked_in_campaign_id = {latest.format(column='campaign_id')}, "
               f"check_note = {latest.format(column='note')} "
               "WHERE EXISTS (SELECT 1 FROM plan_checks c WHERE c.action_id = plan_actions.id)")
    with op.batch_alter_table('objections') as batch:
        batch.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='filed'))
    op.execute("UPDATE objections SET status = (SELECT d.outcome FROM decisions d WHERE d.objection_id = objections.id) "
               "WHERE EXISTS (SELECT 1 FROM decisions d WHERE d.objection_id = objections.id)")
    for name in ('plan_actions', 'objections'):
        with op.batch_alter_table(name) as batch:
            batch.alter_column('status', existing_type=sa.String(length=16), server_default=None)
    with op.batch_alter_table('facts') as batch:
        batch.add_column(sa.Column('removed_by_decision_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_facts_removed_by_decision_id_decisions'), 'decisions',
                                 ['removed_by_decision_id'], ['id'])
    op.execute("UPDATE facts SET removed_by_decision_id = "
               "(SELECT r.decision_id FROM fact_removals r WHERE r.fact_id = facts.id)")
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('run_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_decisions_run_id_scoring_runs'), 'scoring_runs', ['run_id'], ['id'])
    op.execute("UPDATE decisions SET run_id = (SELECT r.id FROM scoring_runs r WHERE r.decision_id = decisions.id)")
    with op.batch_alter_table('scoring_runs') as batch:
        batch.drop_constraint('fk_scoring_runs_decision_id_decisions', type_='foreignkey')
        batch.drop_index(batch.f('ix_scoring_runs_decision_id'))
        batch.drop_column('decision_id')
        batch.drop_column('flags')
    op.drop_index(op.f('ix_anchors_campaign_id'), table_name='anchors')
    op.drop_table('anchors')
    op.drop_index(op.f('ix_plan_checks_campaign_id'), table_name='plan_checks')
    op.drop_index(op.f('ix_plan_checks_action_id'), table_name='plan_checks')
    op.drop_table('plan_checks')
    op.drop_index(op.f('ix_fact_removals_decision_id'), table_name='fact_removals')
    op.drop_table('fact_removals')
    create_triggers(bind, BEFORE)
