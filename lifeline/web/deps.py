"""FastAPI dependencies every handler uses: services, database session, signed-in user.

Handlers declare what they need (`Annotated[SignedIn, Depends(signed_in)]`)
and never read cookies or tokens themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, WebSocket
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Action, Actor, decide
from lifeline.errors import NotAuthenticated, PermissionDenied
from lifeline.services.access import load_actor, require
from lifeline.services.auth import Stage, resolve_session
from lifeline.services.context import Services
from lifeline.services.sign_in_policy import CONSOLE_APP, ip_allowed
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


CONSOLE_IP_REFUSED = "The Technician Console is not available from your network address."


async def require_console_access(db: AsyncSession, user: User, actor: Actor, ip: str) -> None:
    """Console rights *and* the IP rules (§12), checked on every console request, not only at sign-in:
    one browser session serves both apps, and a group's Console IP rule may change mid-day."""
    require(actor, Action.USE_TECHNICIAN_CONSOLE)
    if not await ip_allowed(db, user, ip, CONSOLE_APP):
        raise PermissionDenied(CONSOLE_IP_REFUSED)


def same_origin(websocket: WebSocket) -> bool:
    """Refuse cross-site websocket hijacking: a browser always names the page's origin."""
    origin = websocket.headers.get("origin")
    return not origin or origin.split("://", 1)[-1] == websocket.headers.get("host", "")


async def console_user_for_websocket(websocket: WebSocket, services: Services, db: AsyncSession) -> User | None:
    """The technician behind a console websocket, or None: the caller closes with 1008."""
    if not same_origin(websocket):
        return None
    resolved = await resolve_session(db, websocket.cookies.get(SESSION_COOKIE, ""), services.now())
    if resolved is None or resolved[0].stage != Stage.FULL:
        return None
    user = resolved[1]
    actor = await load_actor(db, user)
    ip = websocket.client.host if websocket.client else ""
    if not decide(actor, Action.USE_TECHNICIAN_CONSOLE) or not await ip_allowed(db, user, ip, CONSOLE_APP):
        return None
    return user
