"""Routes of the remote-desktop relay and the agent download.

    /agent/ws               websocket   the agent (lifeline.web.relay.agent_socket)
    /remote/ws/{lsid}       websocket   a Technician Console viewer (lifeline.web.relay.viewer_socket)
    /agent                  GET         how to run the agent, per platform (download page)
    /agent/download         GET         the agent as one zipapp file, session prefilled when given
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query, Request
from starlette.responses import Response

from lifeline.web.relay.agent_socket import agent_socket
from lifeline.web.relay.download import agent_page, download_agent
from lifeline.web.relay.viewer_socket import viewer_socket


def include_routes(app: FastAPI) -> None:
    app.add_api_websocket_route("/agent/ws", agent_socket)
    app.add_api_websocket_route("/remote/ws/{lsid}", viewer_socket)

    @app.get("/agent", include_in_schema=False)
    async def page(request: Request, lsid: Annotated[str, Query(max_length=32)] = "",
                   token: Annotated[str, Query(max_length=128)] = "",
                   pin: Annotated[str, Query(max_length=16)] = "") -> Response:
        return agent_page(request, lsid=lsid, token=token, pin=pin)

    @app.get("/agent/download", include_in_schema=False)
    async def download(request: Request, lsid: Annotated[str, Query(max_length=32)] = "",
                       token: Annotated[str, Query(max_length=128)] = "",
                       pin: Annotated[str, Query(max_length=16)] = "") -> Response:
        return download_agent(request, lsid=lsid, token=token, pin=pin)
