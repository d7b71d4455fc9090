"""support sessions: sessions, event log, participants, Post-to-URL deliveries, jobs, presence, replies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 01:05:36.696005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lifeline.store.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('predefined_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_predefined_replies_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_predefined_replies'))
    )
    with op.batch_alter_table('predefined_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_predefined_replies_owner_id'), ['owner_id'], unique=False)

    op.create_table('support_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lsid', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('client_kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('close_reason', sa.String(length=32), nullable=True),
    sa.Column('pin_code', sa.String(length=6), nullable=True),
    sa.Column('live_pin', sa.String(length=6), nullable=True),
    sa.Column('link_token_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('code_redeemed_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('customer_token_hash', sa.String(length=64), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('tech_group_id', sa.Integer(), nullable=True),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('previous_technician_id', sa.Integer(), nullable=True),
    sa.Column('customer_name', sa.String(length=128), nullable=False),
    sa.Column('custom_fields', sa.JSON(), nullable=False),
    sa.Column('tracking_id', sa.String(length=256), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('customer_email', sa.String(length=254), nullable=False),
    sa.Column('customer_phone', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('chat_enabled', sa.Boolean(), nullable=False),
    sa.Column('terms_required', sa.Boolean(), nullable=False),
    sa.Column('abort_url', sa.String(length=2048), nullable=True),
    sa.Column('created_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('connecting_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('waiting_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('picked_up_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_picked_up_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_chat_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('terms_accepted_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status_changed_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_activity_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_technician_action_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_support_sessions_channel_id_channels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_support_sessions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tech_group_id'], ['tech_groups.id'], name=op.f('fk_support_sessions_tech_group_id_tech_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['technician_id'], ['users.id'], name=op.f('fk_support_sessions_technician_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_sessions')),
    sa.UniqueConstraint('link_token_hash', name=op.f('uq_support_sessions_link_token_hash')),
    sa.UniqueConstraint('live_pin', name=op.f('uq_support_sessions_live_pin')),
    sa.UniqueConstraint('lsid', name=op.f('uq_support_sessions_lsid'))
    )
    with op.batch_alter_table('support_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_sessions_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_sessions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_sessions_tech_group_id'), ['tech_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_sessions_technician_id'), ['technician_id'], unique=False)

    op.create_table('technician_presence',
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('chosen_status', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('logged_in_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('idle_since', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['technician_id'], ['users.id'], name=op.f('fk_technician_presence_technician_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('technician_id', name=op.f('pk_technician_presence'))
    )
    with op.batch_alter_table('technician_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technician_presence_status'), ['status'], unique=False)

    op.create_table('post_to_url_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=32), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('chat_cursor', sa.Integer(), nullable=False),
    sa.Column('created_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['support_sessions.id'], name=op.f('fk_post_to_url_deliveries_session_id_support_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_to_url_deliveries'))
    )
    with op.batch_alter_table('post_to_url_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_to_url_deliveries_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_to_url_deliveries_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_to_url_deliveries_status'), ['status'], unique=False)

    op.create_table('scheduled_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('run_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['support_sessions.id'], name=op.f('fk_scheduled_jobs_session_id_support_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_jobs')),
    sa.UniqueConstraint('kind', 'session_id', name=op.f('uq_scheduled_jobs_kind'))
    )
    with op.batch_alter_table('scheduled_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_jobs_done'), ['done'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheduled_jobs_run_at'), ['run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheduled_jobs_session_id'), ['session_id'], unique=False)

    op.create_table('session_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('op', sa.String(length=32), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=128), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('previous_technician_id', sa.Integer(), nullable=True),
    sa.Column('tech_group_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['support_sessions.id'], name=op.f('fk_session_events_session_id_support_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_events'))
    )
    with op.batch_alter_table('session_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_session_events_session_id_id', ['session_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_events_technician_id'), ['technician_id'], unique=False)

    op.create_table('session_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('external_name', sa.String(length=128), nullable=False),
    sa.Column('external_email', sa.String(length=254), nullable=False),
    sa.Column('invite_token_hash', sa.String(length=64), nullable=True),
    sa.Column('access_token_hash', sa.String(length=64), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('joined_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('left_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['support_sessions.id'], name=op.f('fk_session_participants_session_id_support_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_participants')),
    sa.UniqueConstraint('access_token_hash', name=op.f('uq_session_participants_access_token_hash')),
    sa.UniqueConstraint('invite_token_hash', name=op.f('uq_session_participants_invite_token_hash'))
    )
    with op.batch_alter_table('session_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_participants_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_participants_user_id'), ['user_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('session_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_session_participants_session_id'))

    op.drop_table('session_participants')
    with op.batch_alter_table('session_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_events_technician_id'))
        batch_op.drop_index('ix_session_events_session_id_id')
        batch_op.drop_index(batch_op.f('ix_session_events_at'))

    op.drop_table('session_events')
    with op.batch_alter_table('scheduled_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_jobs_session_id'))
        batch_op.drop_index(batch_op.f('ix_scheduled_jobs_run_at'))
        batch_op.drop_index(batch_op.f('ix_scheduled_jobs_done'))

    op.drop_table('scheduled_jobs')
    with op.batch_alter_table('post_to_url_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_to_url_deliveries_status'))
        batch_op.drop_index(batch_op.f('ix_post_to_url_deliveries_session_id'))
        batch_op.drop_index(batch_op.f('ix_post_to_url_deliveries_next_attempt_at'))

    op.drop_table('post_to_url_deliveries')
    with op.batch_alter_table('technician_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technician_presence_status'))

    op.drop_table('technician_presence')
    with op.batch_alter_table('support_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_sessions_technician_id'))
        batch_op.drop_index(batch_op.f('ix_support_sessions_tech_group_id'))
        batch_op.drop_index(batch_op.f('ix_support_sessions_status'))
        batch_op.drop_index(batch_op.f('ix_support_sessions_channel_id'))

    op.drop_table('support_sessions')
    with op.batch_alter_table('predefined_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_predefined_replies_owner_id'))

    op.drop_table('predefined_replies')

