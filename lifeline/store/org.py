"""Tables of the organization tree (spec part1 §1-§4, §14, §30).

One `users` table holds every person who signs in (Master Account Holder,
Master Administrators, Administrators, Technicians): the seed lets one person
be both an administrator and a technician, so role and seats are columns, not
separate tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lifeline.store.base import Base, utcnow

NAME_MAX = 128
EMAIL_MAX = 254
DESCRIPTION_MAX = 1024


class Account(Base):
    """The one organization this server serves, with its licence pools."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    standard_licenses_total: Mapped[int] = mapped_column(Integer, default=100)
    mobile_licenses_total: Mapped[int] = mapped_column(Integer, default=25)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdminGroup(Base):
    __tablename__ = "admin_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    rights_mode: Mapped[str] = mapped_column(String(16), default="standard")
    grants: Mapped[list[Any]] = mapped_column(default=list)
    command_center_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TechGroup(Base):
    __tablename__ = "tech_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tech_groups.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    nickname: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    sso_id: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    has_technician_seat: Mapped[bool] = mapped_column(Boolean, default=False)
    standard_license: Mapped[bool] = mapped_column(Boolean, default=True)
    mobile_license: Mapped[bool] = mapped_column(Boolean, default=False)
    tech_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("tech_groups.id", ondelete="RESTRICT"), index=True
    )
    admin_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_groups.id", ondelete="SET NULL"), index=True
    )
    never_auto_start: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    totp_enrolled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    provisioned_by: Mapped[str] = mapped_column(String(16), default="manual")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdminAssignment(Base):
    """An Administrator made responsible for a Technician Group (and its subtree)."""

    __tablename__ = "admin_assignments"
    __table_args__ = (UniqueConstraint("admin_id", "tech_group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tech_group_id: Mapped[int] = mapped_column(ForeignKey("tech_groups.id", ondelete="CASCADE"), index=True)


class Channel(Base):
    """Exactly ten rows, created by the first migration; renamed, never created."""

    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    public_token: Mapped[str] = mapped_column(String(64), unique=True)


class ChannelAssignment(Base):
    __tablename__ = "channel_assignments"
    __table_args__ = (UniqueConstraint("channel_id", "tech_group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    tech_group_id: Mapped[int] = mapped_column(ForeignKey("tech_groups.id", ondelete="CASCADE"), index=True)


class ChannelExclusion(Base):
    """A technician taken off one of the channels their group is assigned to."""

    __tablename__ = "channel_exclusions"
    __table_args__ = (UniqueConstraint("channel_id", "technician_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class ComputerGroup(Base):
    __tablename__ = "computer_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    tech_group_id: Mapped[int] = mapped_column(ForeignKey("tech_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class ExternalTechGroup(Base):
    __tablename__ = "external_tech_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class ExternalTechnician(Base):
    """An approved outside person who may be invited into sessions (spec §2)."""

    __tablename__ = "external_technicians"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("external_tech_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
