"""Render Lifeline's error hierarchy as JSON for the web UIs and the admin API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.responses import JSONResponse, Response

from lifeline.errors import LifelineError, RateLimited


async def lifeline_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LifelineError)
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None
    return JSONResponse(exc.as_dict(), status_code=exc.status_code, headers=headers)


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 body is precise but hard to read; lead with one clear sentence."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    location = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = f"{location}: {first.get('msg', 'invalid value')}" if location else first.get("msg", "invalid")
    return JSONResponse(
        {"error": "invalid_input", "message": message, "field": location, "details": jsonable(errors)},
        status_code=422,
    )


def jsonable(errors: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    return [{k: (v if isinstance(v, (str, int, float, list, tuple, type(None))) else str(v))
             for k, v in error.items() if k != "ctx"} for error in errors]
