"""`/nw` when the integration limit is reached: the newcomer gets only the refusal, the others keep streaming.

The server writes a subscription's acceptance, full copy and updates as frames
framed once for all integrations (lifeline/web/websocket_server.py); a refused
subscription must not have been told it was accepted first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from tests.integration.test_api_realtime import open_nw, read, sessions_of, start, until
from tests.support.accounts import create_tech_group
from tests.support.api_client import command, create_api_account, token_for
from tests.support.servers import ServerProcess, running_server


@pytest.fixture
def one_integration_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with running_server("sqlite", tmp_path, LIFELINE_REALTIME_MAX_INTEGRATIONS="1") as server:
        yield server


def test_a_refused_subscription_is_only_refused_and_the_subscribed_one_still_streams(
        one_integration_server: ServerProcess) -> None:
    server = one_integration_server
    group = create_tech_group(server, "Desk")
    token = token_for(server, create_api_account(server))
    with open_nw(server) as first, open_nw(server) as second:
        start(first, token, ["support_session"])
        second.send(f'{{"type":"authenticate","credentials":{{"bearer_token":"{token}"}}}}\n'
                    '{"type":"subscribe","tables":["support_session"]}\n')
        assert read(second) == {"type": "authenticate_response", "success": True}
        refusal = read(second)
        assert refusal["type"] == "subscribe_response" and refusal["success"] is False
        assert refusal["reason"] == "Maximum number of real-time integrations reached"
        with pytest.raises(ConnectionClosed) as closed:
            second.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008

        command(server, token, "generate_session_key", type="support", queue_id=f"team:{group}")
        model = until(first, lambda m: len(sessions_of(m)) == 1, {})
        assert len(model["support_session"]) == 1
