"""Messages that leave the server: connection emails over SMTP and SMS through a pluggable gateway.

Email uses aiosmtplib against `LIFELINE_SMTP_HOST`; SMS goes through an
`SmsGateway` (spec part1 §17 → subst): `LoggingSmsGateway` writes the message
to the log (the default, for installations without a provider) and
`HttpSmsGateway` POSTs `{"to": …, "text": …}` as JSON to `LIFELINE_SMS_GATEWAY_URL`.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
import httpx

from lifeline.config import Config
from lifeline.errors import TransportError

log = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 20
SMS_TIMEOUT_S = 15


async def send_email(config: Config, *, to: str, subject: str, body: str, reply_to: str | None = None) -> None:
    """Send one plain-text email; `TransportError` if there is no SMTP server or it refuses."""
    if not config.smtp_host:
        raise TransportError("Email via the server is not configured (LIFELINE_SMTP_HOST is not set).")
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = to
    message["Subject"] = subject
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body)
    try:
        await aiosmtplib.send(message, hostname=config.smtp_host, port=config.smtp_port, timeout=SMTP_TIMEOUT_S)
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise TransportError(f"The mail server refused the message: {exc}") from exc


class SmsGateway(Protocol):
    async def send(self, to: str, text: str) -> None: ...


class LoggingSmsGateway:
    """Writes the SMS to the server log: for set-ups without a provider, and for tests."""

    async def send(self, to: str, text: str) -> None:
        log.info("SMS to %s: %s", to, text)


class HttpSmsGateway:
    """POSTs `{"to": number, "text": message}` to a provider endpoint (most offer such a hook)."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def send(self, to: str, text: str) -> None:
        try:
            async with httpx.AsyncClient(timeout=SMS_TIMEOUT_S) as client:
                response = await client.post(self.url, json={"to": to, "text": text})
        except httpx.HTTPError as exc:
            raise TransportError(f"The SMS gateway could not be reached: {exc}") from exc
        if not response.is_success:
            raise TransportError(f"The SMS gateway answered {response.status_code}.")


def make_sms_gateway(config: Config) -> SmsGateway:
    """The HTTP gateway when `LIFELINE_SMS_GATEWAY_URL` is set, else the log (the default)."""
    return HttpSmsGateway(config.sms_gateway_url) if config.sms_gateway_url else LoggingSmsGateway()
