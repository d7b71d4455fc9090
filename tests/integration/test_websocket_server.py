"""How `lifeline serve` configures every websocket: no permessage-deflate.

Screen frames are JPEG/PNG/DEFLATE already, so compressing every relay message
again cost the server ~5 ms per full-screen update for nothing; the real-time
API's JSON is small. A browser always offers permessage-deflate: the server
must decline it. Checked on `/nw`: the setting is server-wide (`lifeline/cli.py`).
"""

from __future__ import annotations

from websockets.sync.client import connect

from tests.integration.test_api_realtime import start
from tests.support.api_client import create_api_account, token_for
from tests.support.servers import ServerProcess


def test_permessage_deflate_offered_by_the_client_is_declined(sqlite_server: ServerProcess) -> None:
    token = token_for(sqlite_server, create_api_account(sqlite_server))
    url = sqlite_server.url.replace("http://", "ws://") + "/nw"
    with connect(url, subprotocols=["ingredi%20state%20api"], compression="deflate",  # type: ignore[list-item]
                 open_timeout=10) as ws:
        assert "permessage-deflate" in (ws.request.headers.get("Sec-WebSocket-Extensions") or "")
        assert ws.response.headers.get("Sec-WebSocket-Extensions") is None
        start(ws, token, ["queue"])  # the replies arrive uncompressed and whole
