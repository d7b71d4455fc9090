"""The one error hierarchy every layer speaks.

    LifelineError
     ├── InvalidInput      bad input from a caller; nothing was changed  (HTTP 400 / 422)
     ├── NotAuthenticated  no valid credentials                          (HTTP 401)
     ├── PermissionDenied  authenticated, but not allowed                (HTTP 403)
     ├── NotFound          no such object, *or* the caller may not know   (HTTP 404)
     │                     that it exists (see services.access)
     ├── Conflict          the request clashes with current state        (HTTP 409)
     ├── RateLimited       too many attempts; retry later                (HTTP 429)
     └── TransportError    a bus, mail or HTTP peer failed               (HTTP 502)

Foreign exceptions (SQLAlchemy, nats-py, smtplib…) are translated into these at
the layer that meets them, always with ``raise … from exc``. ``web/`` renders
them as HTML or JSON, ``api/`` as BeyondTrust XML.
"""

from __future__ import annotations


class LifelineError(Exception):
    """Base of every error Lifeline raises on purpose."""

    status_code = 500
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str]:
        body = {"error": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class InvalidInput(LifelineError):
    status_code = 400
    code = "invalid_input"


class NotAuthenticated(LifelineError):
    status_code = 401
    code = "not_authenticated"


class PermissionDenied(LifelineError):
    status_code = 403
    code = "permission_denied"


class NotFound(LifelineError):
    status_code = 404
    code = "not_found"


class Conflict(LifelineError):
    status_code = 409
    code = "conflict"


class RateLimited(LifelineError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int = 60) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class TransportError(LifelineError):
    status_code = 502
    code = "transport_error"
