"""FastAPI dependencies every handler uses: services, database session, signed-in user.

Handlers declare what they need (`Annotated[SignedIn, Depends(signed_in)]`)
and never read cookies or tokens themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Actor
from lifeline.errors import NotAuthenticated
from lifeline.services.access import load_actor
from lifeline.services.auth import Stage, resolve_session
from lifeline.services.context import Services
from lifeline.store.auth import WebSession
from lifeline.store.org import User
from lifeline.web.security import SESSION_COOKIE


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def db_session(services: ServicesDep) -> AsyncIterator[AsyncSession]:
    """One session per request; handlers (or the services they call) commit explicitly."""
    async with services.db.session() as session:
        yield session


DbDep = Annotated[AsyncSession, Depends(db_session)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@dataclass
class SignedIn:
    web_session: WebSession
    user: User
    actor: Actor
    token: str
    ip: str


async def _resolve(request: Request, services: Services, db: AsyncSession, *, stages: set[str]) -> SignedIn:
    token = request.cookies.get(SESSION_COOKIE, "")
    resolved = await resolve_session(db, token, services.now())
    if resolved is None or resolved[0].stage not in stages:
        raise NotAuthenticated("Please sign in.")
    web_session, user = resolved
    await db.commit()  # persists the sliding expiry touch
    return SignedIn(web_session=web_session, user=user, actor=await load_actor(db, user),
                    token=token, ip=client_ip(request))


async def signed_in(request: Request, services: ServicesDep, db: DbDep) -> SignedIn:
    return await _resolve(request, services, db, stages={Stage.FULL})


async def signed_in_any_stage(request: Request, services: ServicesDep, db: DbDep) -> SignedIn:
    """For the pages that finish signing in (2SV, forced password change)."""
    return await _resolve(
        request, services, db, stages={Stage.FULL, Stage.TOTP, Stage.TOTP_ENROL, Stage.PASSWORD_CHANGE}
    )


SignedInDep = Annotated[SignedIn, Depends(signed_in)]
PartialSignInDep = Annotated[SignedIn, Depends(signed_in_any_stage)]
