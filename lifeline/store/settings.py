"""Setting and permission values, keyed by the domain catalogs.

A setting is stored on its owner (global, tech group, channel, technician) as a
JSON value; "Apply to subgroups" and "Apply to all groups" write copies
(spec §28 describes copies, not live inheritance). A missing row means the
catalog default.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lifeline.store.base import Base

GLOBAL_OWNER_ID = 0  # the account-wide owner row: there is one account per server


class SettingValue(Base):
    __tablename__ = "setting_values"
    __table_args__ = (UniqueConstraint("owner_type", "owner_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)


class PermissionValue(Base):
    __tablename__ = "permission_values"
    __table_args__ = (UniqueConstraint("tech_group_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tech_group_id: Mapped[int] = mapped_column(ForeignKey("tech_groups.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    allowed: Mapped[bool] = mapped_column(Boolean)
    option: Mapped[Any] = mapped_column(JSON, default=None)
    targets: Mapped[Any] = mapped_column(JSON, default=None)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
