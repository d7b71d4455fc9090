"""Signed-in HTTP clients for the admin API tests: cookies and the CSRF header set like a browser's.

`login` signs in through `accounts.sign_in` and returns a client whose every
request carries `X-CSRF-Token` equal to its `ll_csrf` cookie (the double-submit
pair `web/security.py` checks on unsafe requests).
"""

from __future__ import annotations

import httpx

from tests.support.accounts import csrf_headers, sign_in
from tests.support.servers import ServerProcess


def login(server: ServerProcess, email: str, password: str, *, app: str = "admin") -> httpx.Client:
    """A client signed in all the way (stage "full"); raises if the server asks for another step.

    The client has already been used, so httpx refuses `with` on it: close it, or wrap it in
    `contextlib.closing`.
    """
    client = server.client()
    client.headers.update(csrf_headers(client))  # every later request carries the header, as a browser's
    answer = sign_in(client, email, password, app)
    if answer.status_code != 200 or answer.json().get("stage") != "full":
        client.close()
        raise AssertionError(f"sign-in of {email} did not complete: {answer.status_code} {answer.text}")
    return client
