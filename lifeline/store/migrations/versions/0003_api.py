"""api accounts, tokens, session keys and attributes, unattended shortcuts, server nodes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 01:09:52.444049
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lifeline.store.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('perm_command', sa.String(length=16), nullable=False),
    sa.Column('perm_reporting_support', sa.Boolean(), nullable=False),
    sa.Column('perm_reporting_presentation', sa.Boolean(), nullable=False),
    sa.Column('perm_reporting_license', sa.Boolean(), nullable=False),
    sa.Column('perm_reporting_archive', sa.Boolean(), nullable=False),
    sa.Column('perm_backup', sa.Boolean(), nullable=False),
    sa.Column('perm_realtime', sa.Boolean(), nullable=False),
    sa.Column('perm_config_api', sa.Boolean(), nullable=False),
    sa.Column('created_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('secret_rotated_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_accounts')),
    sa.UniqueConstraint('client_id', name=op.f('uq_api_accounts_client_id'))
    )
    op.create_table('api_custom_attributes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_name', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=128), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_custom_attributes')),
    sa.UniqueConstraint('code_name', name=op.f('uq_api_custom_attributes_code_name'))
    )
    op.create_table('server_nodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('guid', sa.String(length=32), nullable=False),
    sa.Column('public_hostname', sa.String(length=255), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('started_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_nodes')),
    sa.UniqueConstraint('name', name=op.f('uq_server_nodes_name'))
    )
    with op.batch_alter_table('server_nodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_nodes_last_seen_at'), ['last_seen_at'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['api_accounts.id'], name=op.f('fk_api_tokens_account_id_api_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_api_tokens_account_id_issued_at', ['account_id', 'issued_at'], unique=False)

    op.create_table('unattended_shortcuts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('computer_group_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('hostname', sa.String(length=128), nullable=False),
    sa.Column('tag', sa.String(length=1024), nullable=False),
    sa.Column('comments', sa.String(length=1024), nullable=False),
    sa.Column('port', sa.Integer(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['api_accounts.id'], name=op.f('fk_unattended_shortcuts_account_id_api_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['computer_group_id'], ['computer_groups.id'], name=op.f('fk_unattended_shortcuts_computer_group_id_computer_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unattended_shortcuts'))
    )
    with op.batch_alter_table('unattended_shortcuts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unattended_shortcuts_computer_group_id'), ['computer_group_id'], unique=False)

    op.create_table('api_session_attributes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('code_name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['support_sessions.id'], name=op.f('fk_api_session_attributes_session_id_support_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_session_attributes')),
    sa.UniqueConstraint('session_id', 'code_name', name=op.f('uq_api_session_attributes_session_id'))
    )
    with op.batch_alter_table('api_session_attributes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_session_attributes_session_id'), ['session_id'], unique=False)

    op.create_table('api_session_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('short_key', sa.String(length=7), nullable=False),
    sa.Column('live_short_key', sa.String(length=7), nullable=True),
    sa.Column('link_token', sa.String(length=64), nullable=True),
    sa.Column('url_hostname', sa.String(length=255), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', lifeline.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['api_accounts.id'], name=op.f('fk_api_session_keys_account_id_api_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['support_sessions.id'], name=op.f('fk_api_session_keys_session_id_support_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_session_keys')),
    sa.UniqueConstraint('live_short_key', name=op.f('uq_api_session_keys_live_short_key'))
    )
    with op.batch_alter_table('api_session_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_session_keys_session_id'), ['session_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('api_session_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_session_keys_session_id'))

    op.drop_table('api_session_keys')
    with op.batch_alter_table('api_session_attributes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_session_attributes_session_id'))

    op.drop_table('api_session_attributes')
    with op.batch_alter_table('unattended_shortcuts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unattended_shortcuts_computer_group_id'))

    op.drop_table('unattended_shortcuts')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_api_tokens_account_id_issued_at')

    op.drop_table('api_tokens')
    with op.batch_alter_table('server_nodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_server_nodes_last_seen_at'))

    op.drop_table('server_nodes')
    op.drop_table('api_custom_attributes')
    op.drop_table('api_accounts')
