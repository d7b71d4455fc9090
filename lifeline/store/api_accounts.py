"""Tables of the BeyondTrust-compatible integration APIs (docs/api-compatibility.md).

- `api_accounts`: OAuth2 client-credentials accounts. Only the SHA-256 of the
  client secret is kept; the secret is shown once (spec api-command §3.1).
- `api_tokens`: access tokens, again only their SHA-256. Expiry is not a
  column: it follows from `issued_at` (`api.oauth_tokens.TokenPolicy`), so
  changing the lifetime never needs a data migration. `revoked` records the
  31st-token rule, secret regeneration and disabling.
- `api_custom_attributes`: the `session.custom.<code_name>` attributes an
  administrator configured (spec §2.7); `external_key` is built in, never a row.
- `api_session_attributes`: the values of those attributes (and the external
  key) on a session. A table of its own rather than a column of
  `support_sessions`: the values are API vocabulary, up to 1024 characters
  each, and the sessions model stays free of BeyondTrust concepts.
- `api_session_keys`: a 7-digit session key made by `generate_session_key`,
  pointing at the Lifeline session (and one-time link) it opens.
- `unattended_shortcuts`: access shortcuts to unattended computers imported
  with `import_jump_shortcut`, filed under a Computer Group.
- `server_nodes`: the server processes of this installation, refreshed by a
  heartbeat, for `get_appliances` and `check_health`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lifeline.store.base import Base, utcnow

API_NAME_MAX = 128
CLIENT_ID_MAX = 64
SHA256_HEX = 64
CODE_NAME_MAX = 64
SHORT_KEY_DIGITS = 7


class ApiAccount(Base):
    __tablename__ = "api_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(API_NAME_MAX))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    client_id: Mapped[str] = mapped_column(String(CLIENT_ID_MAX), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(SHA256_HEX))
    # full_access | read_only | deny (the wire words of get_api_info)
    perm_command: Mapped[str] = mapped_column(String(16), default="deny")
    perm_reporting_support: Mapped[bool] = mapped_column(Boolean, default=False)
    perm_reporting_presentation: Mapped[bool] = mapped_column(Boolean, default=False)
    perm_reporting_license: Mapped[bool] = mapped_column(Boolean, default=False)
    perm_reporting_archive: Mapped[bool] = mapped_column(Boolean, default=False)
    perm_backup: Mapped[bool] = mapped_column(Boolean, default=False)
    perm_realtime: Mapped[bool] = mapped_column(Boolean, default=False)
    perm_config_api: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    secret_rotated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_account_id_issued_at", "account_id", "issued_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("api_accounts.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(SHA256_HEX), unique=True)
    issued_at: Mapped[datetime] = mapped_column()
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiCustomAttribute(Base):
    __tablename__ = "api_custom_attributes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_name: Mapped[str] = mapped_column(String(CODE_NAME_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(API_NAME_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ApiSessionAttribute(Base):
    __tablename__ = "api_session_attributes"
    __table_args__ = (UniqueConstraint("session_id", "code_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("support_sessions.id", ondelete="CASCADE"), index=True)
    code_name: Mapped[str] = mapped_column(String(CODE_NAME_MAX))
    value: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiSessionKey(Base):
    """`live_short_key` is the key while it can still be used, else NULL (unique among live keys)."""

    __tablename__ = "api_session_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("support_sessions.id", ondelete="CASCADE"), index=True)
    short_key: Mapped[str] = mapped_column(String(SHORT_KEY_DIGITS))
    live_short_key: Mapped[str | None] = mapped_column(String(SHORT_KEY_DIGITS), unique=True, default=None)
    # The one-time Lifeline link the key stands for; kept only while the key is live. Stored in
    # clear like the live key itself: either one opens the same session, so hashing one alone buys nothing.
    link_token: Mapped[str | None] = mapped_column(String(64), default=None)
    url_hostname: Mapped[str] = mapped_column(String(255))
    priority: Mapped[int | None] = mapped_column(Integer, default=None)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("api_accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class UnattendedShortcut(Base):
    __tablename__ = "unattended_shortcuts"
    id: Mapped[int] = mapped_column(primary_key=True)
    computer_group_id: Mapped[int] = mapped_column(
        ForeignKey("computer_groups.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(API_NAME_MAX))
    hostname: Mapped[str] = mapped_column(String(API_NAME_MAX))
    tag: Mapped[str] = mapped_column(String(1024), default="")
    comments: Mapped[str] = mapped_column(String(1024), default="")
    port: Mapped[int | None] = mapped_column(Integer, default=None)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("api_accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServerNode(Base):
    __tablename__ = "server_nodes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(API_NAME_MAX), unique=True)
    guid: Mapped[str] = mapped_column(String(32))
    public_hostname: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
