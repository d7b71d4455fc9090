"""The audit log: one row per administrator action (Audit report, part2 §12)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lifeline.store.base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str] = mapped_column(String(128), default="")
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    entity_name: Mapped[str] = mapped_column(String(256), default="")
    change_type: Mapped[str] = mapped_column(String(16))
    section: Mapped[str] = mapped_column(String(128), default="")
    field: Mapped[str] = mapped_column(String(128), default="")
    old_value: Mapped[Any] = mapped_column(JSON, default=None)
    new_value: Mapped[Any] = mapped_column(JSON, default=None)
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
