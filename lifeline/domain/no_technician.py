"""What happens to a new session when nobody can take it (spec part 1 §19; seed L2546-2626).

Why a separate decision: the rule is read at session arrival by the channel router and the private-session
flow alike, and it mixes three facts (working hours, availability, logins) with a three-option policy.

The policy applies when the session arrives **outside working hours**, or **inside working hours with no
technician available** (L2546-2548). Private sessions have no schedule: pass ``in_working_hours=True``.

Decisions on the seed's gaps (spec §32.4):

* Keep alive vs Abort is one choice; Notify is an add-on flag.
* One policy covers both in-hours and out-of-hours arrivals (the form has one set of options).
* Notify mails "when … no technician is logged in" (L2569-2572), and only for a kept session: an aborted
  session has already sent the customer away, so there is nothing left to pick up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from lifeline.errors import InvalidInput

#: Longest abort URL accepted; browsers and proxies handle this comfortably.
ABORT_URL_MAX_CHARS = 2048


class NoTechnicianAction(StrEnum):
    KEEP_ALIVE = "keep_alive"  # "Keep sessions alive": stay queued with nobody available
    ABORT_REDIRECT = "abort_redirect"  # "Abort sessions and show this webpage to the customer"


class Outcome(StrEnum):
    QUEUE = "queue"
    ABORT = "abort"


def check_abort_url(url: str) -> str:
    """Validate the page the customer is sent to: an absolute http(s) URL."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > ABORT_URL_MAX_CHARS:
        raise InvalidInput(
            f"The abort page must be an absolute http:// or https:// URL of at most {ABORT_URL_MAX_CHARS} "
            "characters.",
            field="abort_url",
        )
    return text


@dataclass(frozen=True, slots=True)
class NoTechnicianPolicy:
    """The "No technician available" block of a channel or technician group."""

    action: NoTechnicianAction = NoTechnicianAction.KEEP_ALIVE
    abort_url: str | None = None
    notify_email: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "action", NoTechnicianAction(self.action))
        except ValueError:
            raise InvalidInput(
                f'Unknown action "{self.action}"; expected "keep_alive" or "abort_redirect".', field="action"
            ) from None
        if self.action is NoTechnicianAction.ABORT_REDIRECT:
            if self.abort_url is None:
                raise InvalidInput("Aborting sessions needs the URL of the page to show.", field="abort_url")
            object.__setattr__(self, "abort_url", check_abort_url(self.abort_url))


@dataclass(frozen=True, slots=True)
class NoTechnicianDecision:
    outcome: Outcome
    redirect_url: str | None
    notify_technicians: bool
    policy_applied: bool


def decide(
    policy: NoTechnicianPolicy,
    *,
    in_working_hours: bool,
    any_technician_available: bool,
    any_technician_logged_in: bool,
) -> NoTechnicianDecision:
    """Queue the session, or abort it with a redirect; and whether to mail the eligible technicians."""
    if in_working_hours and any_technician_available:
        return NoTechnicianDecision(Outcome.QUEUE, None, notify_technicians=False, policy_applied=False)
    if policy.action is NoTechnicianAction.ABORT_REDIRECT:
        return NoTechnicianDecision(
            Outcome.ABORT, policy.abort_url, notify_technicians=False, policy_applied=True
        )
    notify = policy.notify_email and not any_technician_logged_in
    return NoTechnicianDecision(Outcome.QUEUE, None, notify_technicians=notify, policy_applied=True)
