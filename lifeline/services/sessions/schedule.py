"""Planning the scheduler's timed checks: one `scheduled_jobs` row per (kind, session).

Actions call `plan_deadline` after every status change; the worker in
`jobs.py` claims due rows. Planning only writes rows in the caller's
transaction, so a plan commits (or vanishes) with the change that caused it
and survives a restart.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.domain.session_state import TERMINAL_STATUSES, EntryMethod, SessionStatus
from lifeline.domain.timeouts import SessionFacts, TimeoutPolicy, timeout_at
from lifeline.services.sessions.config import timeout_policy
from lifeline.store.driver_insert import execute_insert
from lifeline.store.sessions import ScheduledJob, SupportSession


class JobKind:
    DEADLINE = "deadline"  # code expiry and the connecting / waiting / idle time-outs (spec §20)
    AUTO_START = "auto_start"  # channel auto-start at the least busy technician (§18)
    AUTO_TRANSFER = "auto_transfer"  # channel auto-transfer after N minutes of waiting (§18)
    NO_TECH_NOTIFY = "no_tech_notify"  # mail the technicians who could take a kept session (§19)


#: Built once: a statement object keeps its cache key (the values come with each execution).
#: A Core INSERT (on the table, not the entity): the ORM's bulk-insert path cost ~0.3 ms more per job.
_INSERT_JOB = insert(cast(Table, ScheduledJob.__table__))

CODE_METHODS = frozenset({EntryMethod.PIN, EntryMethod.LINK, EntryMethod.EMAIL, EntryMethod.SMS,
                          EntryMethod.API_KEY})


async def schedule_job(db: AsyncSession, session_id: int, kind: str, run_at: datetime) -> None:
    job = await db.scalar(
        select(ScheduledJob).where(ScheduledJob.session_id == session_id, ScheduledJob.kind == kind)
    )
    if job is None:
        db.add(ScheduledJob(kind=kind, session_id=session_id, run_at=run_at))
        return
    job.run_at = run_at
    job.done = False
    job.claimed_by = None
    job.claimed_until = None


async def cancel_jobs(db: AsyncSession, session_id: int, *kinds: str) -> None:
    query = update(ScheduledJob).where(ScheduledJob.session_id == session_id, ScheduledJob.done.is_(False))
    if kinds:
        query = query.where(ScheduledJob.kind.in_(kinds))
    await db.execute(query.values(done=True))


def session_facts(s: SupportSession) -> SessionFacts:
    is_code = EntryMethod(s.method) in CODE_METHODS
    return SessionFacts(
        status=SessionStatus(s.status),
        entered_at=s.status_changed_at,
        last_activity_at=s.last_activity_at,
        code_created_at=s.created_at if is_code else None,
        code_redeemed_at=s.code_redeemed_at if is_code else None,
    )


async def plan_deadline(db: AsyncSession, s: SupportSession) -> datetime | None:
    """(Re)plan the session's next time-out; a finished session loses every pending job."""
    if SessionStatus(s.status) in TERMINAL_STATUSES:
        await cancel_jobs(db, s.id)
        return None
    policy = await timeout_policy(db, s.channel_id, s.tech_group_id)
    upcoming = timeout_at(session_facts(s), policy)
    if upcoming is None:
        await cancel_jobs(db, s.id, JobKind.DEADLINE)
        return None
    await schedule_job(db, s.id, JobKind.DEADLINE, upcoming[0])
    return upcoming[0]


def plan_first_deadline(db: Session, s: SupportSession, policy: TimeoutPolicy) -> datetime | None:
    """`plan_deadline` for a session created in this transaction, with the policy the caller already read.

    A new session has no jobs to look up, replace or cancel: its deadline is one INSERT
    (the hot path of `generate_session_key`, docs/performance.md).
    """
    upcoming = timeout_at(session_facts(s), policy)
    if upcoming is None:
        return None
    job = {"kind": JobKind.DEADLINE, "session_id": s.id, "run_at": upcoming[0]}
    execute_insert(db.connection(), _INSERT_JOB, job)
    return upcoming[0]
