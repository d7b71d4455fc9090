"""The relay's door to the session event log: one call per remote-desktop fact.

Both sockets report what they see (``viewer_socket``: start, stop, clipboard
on/off, screenshots; ``agent_socket``: the customer's consent answers and
revokes) through ``record_remote``, which runs the sessions service's
``do_record_remote_event`` in its own transaction. A failure to write is
logged, never raised: the screen stream must not stop because the history
could not be written (the session may have been closed a moment earlier).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from lifeline.errors import LifelineError
from lifeline.services.context import Services
from lifeline.services.sessions.remote_events import do_record_remote_event
from lifeline.store.org import User

log = logging.getLogger(__name__)


async def record_remote(services: Services, lsid: str, op: str, actor: User | None, **data: Any) -> None:
    """Write ``remote/<op>`` with ``data`` to session ``lsid``'s log; ``actor`` None is the customer."""
    try:
        async with services.db.session() as db:
            await do_record_remote_event(db, services.bus, lsid=lsid, op=op, actor=actor, now=services.now(),
                                         data=data)
    except (LifelineError, SQLAlchemyError) as exc:
        log.warning("session %s: could not record remote/%s: %s", lsid, op, exc)
