"""Tell waiting customers their new place when a session ahead of them leaves the queue (spec part1 §15).

A newcomer always queues last (`waiting_at` is set on arrival), so places change only when a
waiting session leaves: picked up, closed, timed out or transferred away. That change then
publishes one ephemeral `queue/position` event to each customer who waited behind it, carrying
only that customer's own `queue.waiting_info` (what the page shows); nothing is stored or
replayed, since a reconnecting page reads the same values from its state. The customer page
keeps a slow poll as the fallback. Technicians never receive these (see `QueueAddress`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from lifeline.bus import Bus
from lifeline.domain.session_state import SessionStatus
from lifeline.services.events import publish_on_commit
from lifeline.services.sessions.queue import waiting_info
from lifeline.services.sessions.records import session_subject
from lifeline.store.sessions import SupportSession

#: Customers told per change; anyone further back learns their place from the page's slow poll.
POSITION_PUSH_LIMIT = 200
#: Route audience of these events: `views.customer_sees` lets it through, `technician_sees` does not.
CUSTOMER_ONLY = "customer"


@dataclass(frozen=True)
class QueueAddress:
    """Where a waiting session waited: its technician's private queue, a channel's or a group's.

    The same rule as `queue.waiting_queue`. A change may touch fields before the status moves (a
    pick-up sets the technician), so each part is matched on its own: an extra customer told an
    unchanged place costs nothing, a missed one would wait for the poll.
    """

    technician_id: int | None
    channel_id: int | None
    tech_group_id: int | None

    def clause(self) -> ColumnElement[bool] | None:
        unowned = SupportSession.technician_id.is_(None)
        parts: list[ColumnElement[bool]] = []
        if self.technician_id is not None:
            parts.append(SupportSession.technician_id == self.technician_id)
        if self.channel_id is not None:
            parts.append(and_(unowned, SupportSession.channel_id == self.channel_id))
        if self.tech_group_id is not None:
            parts.append(and_(unowned, SupportSession.channel_id.is_(None),
                              SupportSession.tech_group_id == self.tech_group_id))
        return or_(*parts) if parts else None


async def announce_positions(db: AsyncSession, bus: Bus, left: SupportSession, queue: QueueAddress,
                             waited_since: datetime | None) -> None:
    """After `left` stopped waiting in `queue` (arrived at `waited_since`), tell everyone behind it."""
    where = queue.clause()
    if where is None or waited_since is None:
        return
    behind = or_(SupportSession.waiting_at > waited_since,
                 and_(SupportSession.waiting_at == waited_since, SupportSession.id > left.id))
    rows = await db.scalars(
        select(SupportSession).where(SupportSession.status == SessionStatus.WAITING.value,
                                     SupportSession.id != left.id, where, behind)
        .order_by(SupportSession.waiting_at, SupportSession.id).limit(POSITION_PUSH_LIMIT))
    for waiting in rows.all():
        event = {"id": None, "type": "queue", "op": "position", "session_id": waiting.id, "lsid": waiting.lsid,
                 **(await waiting_info(db, waiting))}
        publish_on_commit(db, bus, session_subject(waiting.lsid),
                          {"route": {"session_id": waiting.id, "audience": CUSTOMER_ONLY}, "event": event})
