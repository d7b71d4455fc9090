"""Local receivers for what a server sends out: an HTTP endpoint (Post-to-URL, SMS gateway) and an SMTP server.

Both run in the test process on a free loopback port and record what arrived,
so a test can poll for it with `tests.support.sessions.wait_for`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.servers import free_port


@dataclass
class HttpRequest:
    path: str
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpSink:
    url: str
    received: list[HttpRequest] = field(default_factory=list)


@contextmanager
def http_sink() -> Iterator[HttpSink]:
    """Answers every POST with 200 and records it."""
    sink = HttpSink(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            sink.received.append(HttpRequest(self.path, self.headers.get("Content-Type", ""), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class SmtpSink:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


class _Recorder:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # aiosmtpd hook
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.sink.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) that keeps every message it accepts."""
    sink = SmtpSink(port=free_port())
    controller = Controller(_Recorder(sink), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
