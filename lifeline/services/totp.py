"""Two-step verification codes: RFC 6238 TOTP that any authenticator app understands.

Spec part1 §10 substitutes standard TOTP (pyotp) for the LastPass
Authenticator. Three rules beyond "the code matches":

- one 30-second step of clock drift either way is accepted (``valid_window=1``);
- a code's time step can be used once: ``User.totp_last_step`` remembers the
  last accepted step and anything at or before it is refused, so a code read
  over someone's shoulder (or replayed from a proxy log) is worthless;
- wrong codes count against the account like wrong passwords, because six
  digits are guessable at network speed without a limit.

Codes are compared with ``hmac.compare_digest`` over every step in the window,
so the time taken does not say which step (or how many digits) matched.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import pyotp
import segno
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.errors import InvalidInput, NotAuthenticated
from lifeline.services import rate_limit
from lifeline.store.org import User

TOTP_ISSUER = "Lifeline"  # the account name authenticator apps show above the code
TOTP_DIGITS = 6
TOTP_VALID_WINDOW = 1  # steps of drift accepted either side of the current one
QR_SCALE = 5  # pixels per module: about 200 px wide for a typical provisioning URI
# Five wrong codes in 15 minutes locks 2SV for the window: 5 guesses in 10^6 is a 0.0005 % chance.
TOTP_PER_ACCOUNT = rate_limit.Limit(
    "totp_user", 5, timedelta(minutes=15), "Too many wrong verification codes."
)
WRONG_CODE = "That verification code is not correct. Check your authenticator app's clock and try again."
REUSED_CODE = "That verification code was already used. Wait for the next code and enter it."


def new_secret() -> str:
    """A fresh 160-bit base32 secret (RFC 4226 recommends at least 128 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """The provisioning URI as an SVG QR code, ready for an ``<img src>`` (no inline markup to escape)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=QR_SCALE))


def normalise_code(code: str) -> str:
    """Accept what people type ("123 456", "123-456"); refuse anything that cannot be a code."""
    digits = "".join(ch for ch in code if ch not in " -")
    if len(digits) != TOTP_DIGITS or not (digits.isascii() and digits.isdigit()):
        raise InvalidInput(f"Enter the {TOTP_DIGITS}-digit code from your authenticator app.", field="code")
    return digits


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step within the window whose code equals ``code``, or None.

    Every step is compared (no early exit) so the answer's timing is the same
    whichever step matched.
    """
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS)
    current = totp.timecode(int(now.timestamp()))
    found: int | None = None
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


async def accept_code(session: AsyncSession, user: User, secret: str, code: str, now: datetime) -> None:
    """Check ``code`` against ``secret`` for ``user`` and burn its step.

    Raises ``RateLimited`` when the account had too many wrong codes,
    ``InvalidInput`` for something that is not a code, ``NotAuthenticated``
    for a wrong or reused code (the failure is added to the session; the
    caller commits it).
    """
    await rate_limit.check_limit(session, TOTP_PER_ACCOUNT, str(user.id), now)
    digits = normalise_code(code)
    step = matching_step(secret, digits, now) if secret else None
    if step is None:
        rate_limit.record_failure(session, TOTP_PER_ACCOUNT, str(user.id), now)
        raise NotAuthenticated(WRONG_CODE, field="code")
    if step <= user.totp_last_step:
        raise NotAuthenticated(REUSED_CODE, field="code")
    user.totp_last_step = step
    await rate_limit.clear_failures(session, TOTP_PER_ACCOUNT, str(user.id))
