"""Post-to-URL (spec part2 §14): queue a payload when a trigger fires, deliver it in the background.

A status change only inserts a `post_to_url_deliveries` row in its own
transaction; the worker (`deliver_due`) POSTs it later and retries with the
domain's back-off. A slow or dead CRM script therefore never delays a session,
and a restart loses nothing. Payload field names are `domain.post_to_url`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.post_to_url import (
    POST_TIMEOUT_S,
    ChatAuthor,
    ChatLine,
    PostTrigger,
    SessionExport,
    build_payload,
    is_retryable,
    next_retry_delay_s,
    redact_url,
)
from lifeline.domain.surveys import FIELD_INDEXES
from lifeline.services.sessions.config import post_to_url_config
from lifeline.store.engine import Database
from lifeline.store.org import User
from lifeline.store.sessions import PostToUrlDelivery, SessionEvent, SupportSession

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(seconds=POST_TIMEOUT_S * 2)  # longer than one attempt, so two nodes never both post
BATCH_SIZE = 20


def _seconds(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, int((later - earlier).total_seconds()))


async def build_export(db: AsyncSession, s: SupportSession, *, since_event_id: int, now: datetime) -> SessionExport:
    tech = await db.get(User, s.technician_id) if s.technician_id else None
    rows = (await db.scalars(
        select(SessionEvent).where(SessionEvent.session_id == s.id).order_by(SessionEvent.id)
    )).all()
    chat = [
        ChatLine(at=r.at, author=ChatAuthor(r.data["author"] if r.data["author"] != "external" else "technician"),
                 text=r.data["text"], author_name=r.actor_name,
                 technicians_only=bool(r.data.get("technicians_only")))
        for r in rows if r.type == "chat" and r.id > since_event_id
    ]
    survey: dict[str, Any] = next((r.data["answers"] for r in reversed(rows)
                   if r.type == "survey" and r.data.get("kind") == "technician"), {})
    fields = s.custom_fields or {}
    cfields = [s.customer_name or None] + [fields.get(str(i)) for i in FIELD_INDEXES[1:]]
    return SessionExport(
        session_id=s.id, tech_id=tech.id if tech else None, tech_sso_id=tech.sso_id if tech else None,
        tech_name=tech.name if tech else None, tech_email=tech.email if tech else None,
        tech_descr=tech.description if tech else None, cfields=cfields, tracking0=s.tracking_id or None,
        chat=chat, notes=s.notes or None, waiting_time_s=_seconds(s.picked_up_at, s.waiting_at),
        pickup_time=s.picked_up_at, closing_time=s.closed_at,
        work_time_s=_seconds(s.closed_at or now, s.first_picked_up_at),
        last_action_time=s.last_technician_action_at, transmitted_bytes=None, platform=s.platform or None,
        tsurvey=[survey.get(str(i)) for i in range(10)],
    )


async def enqueue(db: AsyncSession, s: SupportSession, triggers: Iterable[PostTrigger], now: datetime) -> None:
    """Queue one delivery per fired trigger that has a URL configured on the session's group."""
    fired = list(triggers)
    if not fired:
        return
    config = await post_to_url_config(db, s.tech_group_id)
    if config is None:
        return
    cursor = await db.scalar(
        select(func.max(PostToUrlDelivery.chat_cursor)).where(PostToUrlDelivery.session_id == s.id)
    ) or 0
    newest = await db.scalar(select(func.max(SessionEvent.id)).where(SessionEvent.session_id == s.id)) or 0
    for trigger in fired:
        url = config.url_for(trigger)
        if url is None:
            continue
        export = await build_export(db, s, since_event_id=cursor, now=now)
        body, content_type = build_payload(export, config.format, config.chat)
        db.add(PostToUrlDelivery(
            session_id=s.id, trigger=trigger.value, url=url, format=config.format.value,
            content_type=content_type, body=body.decode("utf-8"), next_attempt_at=now, chat_cursor=newest,
        ))


async def _claim(db: AsyncSession, delivery_id: int, node: str, now: datetime) -> bool:
    result = await db.execute(
        update(PostToUrlDelivery)
        .where(PostToUrlDelivery.id == delivery_id, PostToUrlDelivery.status == "pending",
               or_(PostToUrlDelivery.claimed_until.is_(None), PostToUrlDelivery.claimed_until < now))
        .values(claimed_by=node, claimed_until=now + CLAIM_LEASE)
    )
    await db.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


async def _attempt(client: httpx.AsyncClient, delivery: PostToUrlDelivery) -> tuple[int | None, str]:
    try:
        response = await client.post(delivery.url, content=delivery.body.encode("utf-8"),
                                      headers={"Content-Type": delivery.content_type})
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return response.status_code, "" if response.is_success else response.text[:500]


async def deliver_due(database: Database, node: str, now: datetime, client: httpx.AsyncClient) -> int:
    """Attempt every due delivery this node can claim; return how many were attempted."""
    async with database.session() as db:
        ids = (await db.scalars(
            select(PostToUrlDelivery.id)
            .where(PostToUrlDelivery.status == "pending", PostToUrlDelivery.next_attempt_at <= now)
            .order_by(PostToUrlDelivery.id).limit(BATCH_SIZE)
        )).all()
    attempted = 0
    for delivery_id in ids:
        async with database.session() as db:
            if not await _claim(db, delivery_id, node, now):
                continue
            delivery = await db.get(PostToUrlDelivery, delivery_id)
            if delivery is None:
                continue
            status_code, error = await _attempt(client, delivery)
            attempted += 1
            delivery.attempts += 1
            delivery.last_status_code = status_code
            delivery.last_error = error
            delivery.claimed_until = None
            if status_code is not None and 200 <= status_code < 300:
                delivery.status = "delivered"
                delivery.delivered_at = now
            else:
                delay = next_retry_delay_s(delivery.attempts) if is_retryable(status_code) else None
                if delay is None:
                    delivery.status = "failed"
                    log.warning("Post-to-URL to %s given up: %s", redact_url(delivery.url), error or status_code)
                else:
                    delivery.next_attempt_at = now + timedelta(seconds=delay)
            await db.commit()
    return attempted
