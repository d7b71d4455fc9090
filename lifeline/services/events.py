"""Publishing events only after the transaction that caused them commits.

A subscriber that hears of a change must be able to read it; publishing before
commit (or after a rollback) would tell the world about a change that does not
exist. `publish_on_commit` queues on the SQLAlchemy session and flushes the
queue from `after_commit`; `publish_rollback_unsafe` is named for its danger.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session as SyncSession

from lifeline.bus import Bus
from lifeline.store.units import AFTER_BATCH_COMMIT_KEY, CALLER_LOOP_KEY

log = logging.getLogger(__name__)

_PENDING_KEY = "lifeline_pending_events"


def encode_event(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), default=str).encode()


def publish_on_commit(session: AsyncSession | SyncSession, bus: Bus, subject: str, payload: dict[str, Any]) -> None:
    pending: list[tuple[Bus, str, bytes]] = session.info.setdefault(_PENDING_KEY, [])
    pending.append((bus, subject, encode_event(payload)))


async def publish_rollback_unsafe(bus: Bus, subject: str, payload: dict[str, Any]) -> None:
    """Publish now, outside any transaction: only for facts that are not stored."""
    await bus.publish(subject, encode_event(payload))


@event.listens_for(SyncSession, "after_commit")
def _flush_pending(sync_session: SyncSession) -> None:
    pending = sync_session.info.pop(_PENDING_KEY, [])
    if not pending:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # a unit of a batch, on the database's own thread (store/units.py)
        # Its commit only released a savepoint: publish once the batch's COMMIT is done, on the caller's loop.
        caller: asyncio.AbstractEventLoop = sync_session.info[CALLER_LOOP_KEY]
        sync_session.info[AFTER_BATCH_COMMIT_KEY].append(partial(caller.call_soon_threadsafe, _publish, caller, pending))
        return
    _publish(loop, pending)


def _publish(loop: asyncio.AbstractEventLoop, pending: list[tuple[Bus, str, bytes]]) -> None:
    for bus, subject, data in pending:
        task = loop.create_task(bus.publish(subject, data))
        task.add_done_callback(_log_failure)


@event.listens_for(SyncSession, "after_rollback")
def _drop_pending(sync_session: SyncSession) -> None:
    sync_session.info.pop(_PENDING_KEY, None)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("publishing an event failed: %s", task.exception())
