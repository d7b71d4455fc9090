"""Every HTTP request body is bounded (`MAX_REQUEST_BODY_BYTES`): 413 before any handler, nothing changed.

Before the bound, `/oauth2/token`, `/api/command` and every JSON endpoint buffered whatever a client
sent, so one client could make the server hold any amount of memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from lifeline.domain.csv_import import MAX_IMPORT_BYTES
from lifeline.web.app import MAX_REQUEST_BODY_BYTES
from tests.support.accounts import create_master_admin, csrf_headers, login
from tests.support.api_client import basic, create_api_account, token_for
from tests.support.servers import ServerProcess

TOO_LARGE = MAX_REQUEST_BODY_BYTES + 1


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body without Content-Length (chunked): the bound must hold while it streams, too."""
    while total > 0:
        yield b"a" * min(size, total)
        total -= size


def test_the_bound_leaves_room_for_the_largest_legitimate_upload() -> None:
    assert MAX_REQUEST_BODY_BYTES > MAX_IMPORT_BYTES + 64 * 1024  # the import file and its multipart wrapping


def test_announced_and_streamed_oversized_bodies_are_refused_everywhere(sqlite_server: ServerProcess) -> None:
    account = create_api_account(sqlite_server, name="limits")
    token = token_for(sqlite_server, account)
    oversized = b"x=" + b"a" * TOO_LARGE
    with sqlite_server.client() as client:
        token_reply = client.post("/oauth2/token", content=oversized, headers={
            "Authorization": basic(account), "Content-Type": "application/x-www-form-urlencoded"})
        command_reply = client.post("/api/command", content=oversized, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/x-www-form-urlencoded"})
        streamed_reply = client.post("/api/command", content=_chunks(TOO_LARGE), headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/x-www-form-urlencoded"})
        for reply in (token_reply, command_reply, streamed_reply):
            assert reply.status_code == 413
            assert reply.text == "Content Too Large"
        # A body within the bound still works on the same paths.
        assert client.post("/api/command", data={"action": "check_health"},
                           headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_an_oversized_sign_in_is_refused_before_it_is_read(sqlite_server: ServerProcess) -> None:
    admin = create_master_admin(sqlite_server)
    with httpx.Client(base_url=sqlite_server.url, timeout=20.0) as client:
        reply = client.post("/api/auth/login", content=b'{"email": "' + b"a" * TOO_LARGE + b'"}',
                            headers={**csrf_headers(client), "Content-Type": "application/json"})
        assert reply.status_code == 413
        assert login(client, admin).status_code == 200
