"""The scheduler: time-outs, channel auto-start and auto-transfer, no-technician mails, presence, Post-to-URL.

State lives in the database (`scheduled_jobs`, `post_to_url_deliveries`,
`technician_presence`), so a restarted process carries on where the old one
stopped. Exactly once across processes: a process claims a due job with one
conditional UPDATE (a lease; only one claimer sees rowcount 1), and the job's
effect is guarded by the session's version counter and the state machine, so
a job re-run after a crash finds nothing left to do. See docs/sessions.md.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.routing import choose_least_busy
from lifeline.domain.session_state import SessionStatus, closing_status
from lifeline.domain.settings_catalog import Owner
from lifeline.domain.timeouts import due_timeout
from lifeline.domain.transfer_rules import TransferTarget, TransferTargetKind
from lifeline.errors import LifelineError
from lifeline.services.context import Services
from lifeline.services.sessions import notify, post_to_url
from lifeline.services.sessions.arrival import AUTO_START_RETRY
from lifeline.services.sessions.config import read_settings, timeout_policy
from lifeline.services.sessions.lifecycle import do_transfer, start_for
from lifeline.services.sessions.presence import sweep_presence
from lifeline.services.sessions.records import SYSTEM, commit
from lifeline.services.sessions.routing import channel_candidates
from lifeline.services.sessions.schedule import JobKind, plan_deadline, schedule_job, session_facts
from lifeline.services.sessions.transitions import change_status
from lifeline.store.org import Channel
from lifeline.store.sessions import ScheduledJob, SupportSession

log = logging.getLogger(__name__)

TICK_S = 1.0  # how often a process looks for due work; time-outs are minutes, so a second is precise enough
JOB_LEASE = timedelta(seconds=60)  # a claimed job another process may retake after this (the claimer died)
BATCH_SIZE = 50


async def _claim(db: AsyncSession, job_id: int, node: str, now: datetime) -> bool:
    result = await db.execute(
        update(ScheduledJob)
        .where(ScheduledJob.id == job_id, ScheduledJob.done.is_(False), ScheduledJob.run_at <= now,
               or_(ScheduledJob.claimed_until.is_(None), ScheduledJob.claimed_until < now))
        .values(claimed_by=node, claimed_until=now + JOB_LEASE, attempts=ScheduledJob.attempts + 1)
    )
    await db.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


async def _finish(db: AsyncSession, job_id: int, node: str, run_at: datetime, error: str = "") -> None:
    """Mark done unless the handler re-planned the row (then its run_at moved and the claim was cleared)."""
    await db.execute(
        update(ScheduledJob)
        .where(ScheduledJob.id == job_id, ScheduledJob.claimed_by == node, ScheduledJob.run_at == run_at)
        .values(done=True, claimed_until=None, last_error=error)
    )
    await db.commit()


async def _deadline(services: Services, db: AsyncSession, s: SupportSession, now: datetime) -> None:
    policy = await timeout_policy(db, s.channel_id, s.tech_group_id)
    reason = due_timeout(session_facts(s), policy, now)
    if reason is None:
        await plan_deadline(db, s)
        await commit(db)
        return
    target = closing_status(reason)
    await change_status(db, services.bus, s, target, actor=SYSTEM, now=now, reason=reason)
    await commit(db)


async def _auto_start(services: Services, db: AsyncSession, s: SupportSession, now: datetime) -> None:
    if s.status != SessionStatus.WAITING.value or s.channel_id is None or s.technician_id is not None:
        return
    below = (await read_settings(db, Owner.CHANNEL, s.channel_id, ("auto_start_below_sessions",)))
    candidates = await channel_candidates(db, s.channel_id, now)
    chosen = choose_least_busy([c.load for c in candidates], now=now, below_sessions=below["auto_start_below_sessions"])
    if chosen is None:
        await schedule_job(db, s.id, JobKind.AUTO_START, now + AUTO_START_RETRY)
        await commit(db)
        return
    technician = next(c.user for c in candidates if c.user.id == chosen)
    await start_for(db, services.bus, s, technician, actor=SYSTEM, now=now)
    await commit(db)


async def _auto_transfer(services: Services, db: AsyncSession, s: SupportSession, now: datetime) -> None:
    if s.status != SessionStatus.WAITING.value or s.channel_id is None:
        return
    target = (await read_settings(db, Owner.CHANNEL, s.channel_id, ("auto_transfer_target_channel",)))
    number = target["auto_transfer_target_channel"]
    channel_id = await db.scalar(select(Channel.id).where(Channel.number == number)) if number else None
    if channel_id is None or channel_id == s.channel_id:
        return
    await do_transfer(db, services.bus, s, TransferTarget(TransferTargetKind.CHANNEL, channel_id), comment="",
                      grants=None, actor=SYSTEM, auto=True, now=now)


async def _notify_no_technician(services: Services, db: AsyncSession, s: SupportSession, now: datetime) -> None:
    if s.status != SessionStatus.WAITING.value or s.channel_id is None:
        return
    channel = await db.get(Channel, s.channel_id)
    for candidate in await channel_candidates(db, s.channel_id, now):
        if candidate.load.excluded_from_channel:
            continue
        await notify.send_email(
            services.config, to=candidate.user.email, subject=f"Pending support session in {channel.name if channel else 'a channel'}",
            body=f"{s.customer_name or 'A customer'} is waiting for a technician (session {s.id}).")


HANDLERS = {
    JobKind.DEADLINE: _deadline,
    JobKind.AUTO_START: _auto_start,
    JobKind.AUTO_TRANSFER: _auto_transfer,
    JobKind.NO_TECH_NOTIFY: _notify_no_technician,
}


async def run_due_jobs(services: Services, node: str, now: datetime) -> int:
    """Run every due job this node can claim; return how many it ran."""
    async with services.db.session() as db:
        ids = (await db.scalars(
            select(ScheduledJob.id).where(ScheduledJob.done.is_(False), ScheduledJob.run_at <= now)
            .order_by(ScheduledJob.run_at).limit(BATCH_SIZE)
        )).all()
    ran = 0
    for job_id in ids:
        async with services.db.session() as db:
            if not await _claim(db, job_id, node, now):
                continue
            job = await db.get(ScheduledJob, job_id)
            s = await db.get(SupportSession, job.session_id) if job else None
            if job is None:
                continue
            run_at, kind, error = job.run_at, job.kind, ""
            try:
                if s is not None:
                    await HANDLERS[kind](services, db, s, now)
            except LifelineError as exc:  # a lost race or a refused move: the session moved on
                await db.rollback()
                error = exc.message
            except Exception:  # keep the scheduler alive; the lease lets the job be retried
                log.exception("job %s (%s) failed", job_id, kind)
                await db.rollback()
                continue
            ran += 1
        async with services.db.session() as db:
            await _finish(db, job_id, node, run_at, error)
    return ran


class Scheduler:
    """One per server process, started and stopped by the app's lifespan hooks."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.node = services.config.node_name
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self._loop(), name="lifeline-scheduler")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass

    async def _loop(self) -> None:
        async with httpx.AsyncClient(timeout=post_to_url.POST_TIMEOUT_S) as client:
            while True:
                try:
                    await self.tick(client)
                except Exception:
                    log.exception("scheduler tick failed")
                await asyncio.sleep(TICK_S)

    async def tick(self, client: httpx.AsyncClient) -> None:
        now = self.services.now()
        await run_due_jobs(self.services, self.node, now)
        async with self.services.db.session() as db:
            await sweep_presence(db, self.services.bus, now)
        await post_to_url.deliver_due(self.services.db, self.node, now, client)
