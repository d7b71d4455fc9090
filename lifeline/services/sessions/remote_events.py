"""Remote-desktop facts in a session's event log (DESIGN.md §5: remote-control start/stop, permission grants).

The relay (``lifeline/web/relay/``) calls ``do_record_remote_event`` when
something happens on the remote-desktop path: a technician starts or stops
remote control or desktop viewing, the agent reports the customer's consent
answer or revoke (the agent is the source of truth for consent; the relay
only writes down what it reported), clipboard synchronisation with a
technician turns on or off, a screenshot reaches a technician. Each is one
``session_events`` row of type ``remote`` (models in
``lifeline/protocol/session_events.py``), published after commit like every
other history row. Technicians only: the customer saw the prompt themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.services.sessions.entry import customer_actor, technician_actor
from lifeline.services.sessions.records import Audience, SessionActor, commit, record_event
from lifeline.store.org import User
from lifeline.store.sessions import SessionEvent, SupportSession

__all__ = ["REMOTE_EVENT_TYPE", "customer_actor", "do_record_remote_event", "technician_actor"]

REMOTE_EVENT_TYPE = "remote"


async def do_record_remote_event(
    db: AsyncSession,
    bus: Bus,
    *,
    lsid: str,
    op: str,
    actor: SessionActor | User | None,
    now: datetime,
    data: dict[str, Any],
) -> SessionEvent | None:
    """Append one ``remote/<op>`` row to session ``lsid``'s log and commit; None if the session is gone.

    ``actor`` is a technician (``User``), an explicit ``SessionActor``, or
    None for the customer of the session (consent is the customer's act).
    """
    s = await db.scalar(select(SupportSession).where(SupportSession.lsid == lsid))
    if s is None:
        return None
    if isinstance(actor, User):
        who = technician_actor(actor)
    else:
        who = actor if actor is not None else customer_actor(s)
    row = await record_event(db, bus, s, type=REMOTE_EVENT_TYPE, op=op, audience=Audience.TECHNICIANS,
                             actor=who, now=now, data=data)
    await commit(db)
    return row
