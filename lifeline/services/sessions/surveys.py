"""Survey answers at session end (spec part2 §7): stored as history rows, read by reports and Post-to-URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.settings_catalog import Owner
from lifeline.domain.surveys import (
    Question,
    QuestionKind,
    Survey,
    SurveyKind,
    SurveyMode,
    self_hosted_survey_url,
    validate_answers,
)
from lifeline.errors import Conflict
from lifeline.services.sessions.config import read_settings
from lifeline.services.sessions.records import Audience, SessionActor, commit, record_event
from lifeline.store.sessions import SessionEvent, SupportSession


def survey_of(kind: str, value: dict[str, Any]) -> Survey:
    """The catalog's stored survey value as the domain's `Survey`."""
    questions = tuple(
        Question(index=i, text=q["text"], kind=QuestionKind(q["type"]), choices=tuple(q.get("answers", [])),
                 mandatory=q.get("mandatory", False), enabled=q.get("enabled", True))
        for i, q in enumerate(value.get("questions", []))
    )
    return Survey(kind=SurveyKind(kind), mode=SurveyMode(value["mode"]), url=value.get("url") or None,
                  append_session_details=value.get("append_session_details", False), questions=questions)


async def survey_for(db: AsyncSession, s: SupportSession, kind: str) -> Survey:
    if kind == "technician":
        value = (await read_settings(db, Owner.TECH_GROUP, s.tech_group_id, ("technician_survey",)))["technician_survey"]
    else:
        owner, owner_id = (Owner.CHANNEL, s.channel_id) if s.channel_id is not None else (Owner.TECH_GROUP, s.tech_group_id)
        value = (await read_settings(db, owner, owner_id, ("customer_survey",)))["customer_survey"]
    return survey_of(kind, value)


def describe(survey: Survey, s: SupportSession) -> dict[str, Any]:
    """What a survey page shows: the questions, or the self-hosted URL to redirect to."""
    if survey.mode is SurveyMode.SELF_HOSTED:
        fields = [s.customer_name] + [(s.custom_fields or {}).get(str(i)) for i in range(1, 6)]
        return {"mode": "self_hosted", "url": self_hosted_survey_url(survey, session_id=s.id, fields=fields)}
    return {"mode": survey.mode.value, "questions": [
        {"index": q.index, "text": q.text, "type": q.kind.value, "answers": list(q.choices), "mandatory": q.mandatory}
        for q in survey.enabled_questions]}


async def do_answer_survey(db: AsyncSession, bus: Bus, s: SupportSession, *, kind: str, answers: dict[int, Any],
                           actor: SessionActor, now: datetime) -> None:
    already = await db.scalar(select(SessionEvent.id).where(
        SessionEvent.session_id == s.id, SessionEvent.type == "survey", SessionEvent.actor_kind == actor.kind))
    if already is not None:
        raise Conflict("This survey has already been answered.")
    clean = validate_answers(await survey_for(db, s, kind), answers)
    await record_event(db, bus, s, type="survey", op="answered", audience=Audience.TECHNICIANS, actor=actor, now=now,
                       data={"kind": kind, "answers": {str(k): v for k, v in clean.items()}})
    await commit(db)
