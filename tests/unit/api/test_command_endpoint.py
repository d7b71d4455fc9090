"""`command_endpoint`: which requests may be parsed before their bearer token is checked."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from lifeline.api.command_endpoint import UNCHECKED_BODY_MAX_BYTES, _small_body


def _request(method: str, content_length: str | None) -> Request:
    headers = [] if content_length is None else [(b"content-length", content_length.encode())]
    return Request({"type": "http", "method": method, "path": "/api/command", "headers": headers,
                    "query_string": b""})


@pytest.mark.parametrize(("method", "length", "small"), [
    ("GET", None, True),
    ("POST", "120", True),
    ("POST", str(UNCHECKED_BODY_MAX_BYTES), True),
    ("POST", str(UNCHECKED_BODY_MAX_BYTES + 1), False),  # a large body waits for the token check
    ("POST", None, False),  # chunked: its size is unknown until read
    ("POST", "-1", False),
])
def test_only_small_announced_bodies_are_read_before_the_token_check(method: str, length: str | None,
                                                                      small: bool) -> None:
    assert _small_body(_request(method, length)) is small
