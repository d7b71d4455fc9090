"""/api/auth: sign in, second step, enrolment, password change, sign out, who am I.

Handlers are thin: parse the body, call `lifeline.services.sign_in`, set the
session cookie. Each answer that moves the sign-in forward says where to go
next: `{"stage": ..., "next": url}`. The pages that use these live in
`lifeline.web.auth.pages`.

The client address is the TCP peer (`request.client.host`): uvicorn runs with
proxy headers off, so `X-Forwarded-For` cannot be forged to dodge IP
restrictions or rate limits (see docs/security.md for reverse proxies).
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from lifeline.domain.password_policy import MAX_PASSWORD_LENGTH
from lifeline.services import sign_in, sign_in_policy
from lifeline.services.sign_in import App, StepResult
from lifeline.store.org import EMAIL_MAX
from lifeline.web.auth import pages
from lifeline.web.auth.navigation import next_url
from lifeline.web.deps import DbDep, PartialSignInDep, ServicesDep, client_ip
from lifeline.web.security import SESSION_COOKIE

SESSION_COOKIE_SAMESITE: Final = "lax"  # see docs/security.md: Lax + the CSRF header, so links from mail still work
CODE_MAX = 16  # a 6-digit code with spaces or dashes; anything longer is not a code


class Step(BaseModel):
    """What every step carries along: which application, and where to return afterwards."""

    app: App = App.ADMIN
    next: str | None = Field(default=None, max_length=2048)


class LoginBody(Step):
    email: str = Field(max_length=EMAIL_MAX)
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)


class CodeBody(Step):
    code: str = Field(max_length=CODE_MAX)


class PasswordBody(Step):
    current: str = Field(max_length=MAX_PASSWORD_LENGTH)
    new: str = Field(max_length=MAX_PASSWORD_LENGTH * 2)  # longer ones get the policy's clear message
    code: str | None = Field(default=None, max_length=CODE_MAX)


def step_response(request: Request, result: StepResult, body: Step) -> JSONResponse:
    """The JSON answer plus the (rotated) session cookie."""
    payload: dict[str, Any] = {"stage": result.stage, "next": next_url(result.stage, body.app, body.next)}
    if result.password_expires_in_days is not None:
        payload["password_expires_in_days"] = result.password_expires_in_days
    response = JSONResponse(payload)
    set_session_cookie(request, response, result.token)
    return response


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite=SESSION_COOKIE_SAMESITE, path="/",
        secure=request.app.state.config.secure_cookies,
    )


async def login(request: Request, body: LoginBody, services: ServicesDep, db: DbDep) -> JSONResponse:
    result = await sign_in.do_password_sign_in(
        db, email=body.email, password=body.password, app=body.app, ip=client_ip(request), now=services.now(),
        previous_token=request.cookies.get(SESSION_COOKIE, ""),
    )
    return step_response(request, result, body)


async def verify_totp(
    request: Request, body: CodeBody, who: PartialSignInDep, services: ServicesDep, db: DbDep
) -> JSONResponse:
    result = await sign_in.do_verify_totp(db, who.web_session, who.user, code=body.code, now=services.now())
    return step_response(request, result, body)


async def enrolment(who: PartialSignInDep, db: DbDep) -> dict[str, str]:
    return await sign_in.pending_enrolment(db, who.web_session, who.user)


async def confirm_enrolment(
    request: Request, body: CodeBody, who: PartialSignInDep, services: ServicesDep, db: DbDep
) -> JSONResponse:
    result = await sign_in.do_confirm_enrolment(
        db, who.web_session, who.user, code=body.code, now=services.now()
    )
    return step_response(request, result, body)


async def change_password(
    request: Request, body: PasswordBody, who: PartialSignInDep, services: ServicesDep, db: DbDep
) -> JSONResponse:
    result = await sign_in.do_change_password(
        db, who.web_session, who.user, current=body.current, new=body.new, code=body.code,
        ip=who.ip, now=services.now(),
    )
    return step_response(request, result, body)


async def logout(request: Request, db: DbDep) -> JSONResponse:
    """Ends the server-side session whatever its stage; 200 even without one, so logout is idempotent."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await sign_in.do_sign_out(db, token)
    response = JSONResponse({"signed_out": True})
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite=SESSION_COOKIE_SAMESITE)
    return response


async def me(who: PartialSignInDep, services: ServicesDep, db: DbDep) -> dict[str, Any]:
    """Who is signed in and how far; the pages use it to resume an unfinished sign-in."""
    user = who.user
    return {
        "user": {
            "id": user.id, "name": user.name, "email": user.email, "role": user.role,
            "has_technician_seat": sign_in_policy.is_technician(user),
        },
        "stage": who.web_session.stage,
        "two_step": {
            "enrolled": user.totp_enrolled, "required": await sign_in_policy.two_step_required(db, user),
        },
        "password_expires_in_days": await sign_in.expiry_notice_days(db, user, services.now()),
        "password_policy": {"minimum": (await sign_in_policy.password_policy(db)).minimum.name.lower()},
    }


def include_routes(app: FastAPI) -> None:
    """Register /api/auth/* and the sign-in pages."""
    # auth/login, auth/logout, auth/me -> lifeline.web.auth.routes
    app.add_api_route("/api/auth/login", login, methods=["POST"], tags=["auth"])
    app.add_api_route("/api/auth/logout", logout, methods=["POST"], tags=["auth"])
    app.add_api_route("/api/auth/me", me, methods=["GET"], tags=["auth"])
    # auth/totp, auth/totp/enrol, auth/password -> the second steps
    app.add_api_route("/api/auth/totp", verify_totp, methods=["POST"], tags=["auth"])
    app.add_api_route("/api/auth/totp/enrol", enrolment, methods=["GET"], tags=["auth"])
    app.add_api_route("/api/auth/totp/enrol", confirm_enrolment, methods=["POST"], tags=["auth"])
    app.add_api_route("/api/auth/password", change_password, methods=["POST"], tags=["auth"])
    pages.include_pages(app)
