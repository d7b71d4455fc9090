"""Route table of the BeyondTrust-compatible APIs (docs/api-compatibility.md).

Plain Starlette-style routes, kept out of the OpenAPI document: that document
describes Lifeline's own JSON admin API (it is what `openapi.yaml` serves).
"""

from __future__ import annotations

from fastapi import FastAPI

from lifeline.api import client_script, command_endpoint, config_endpoint, start_session, token_endpoint
from lifeline.api.command_params import ENDPOINT_PATHS
from lifeline.api.direct_lane import DirectLane
from lifeline.api.realtime_endpoint import RealtimeHub, realtime_endpoint
from lifeline.api.realtime_protocol import REALTIME_PATH
from lifeline.services.integration.nodes import NodeHeartbeat

GET_POST = ["GET", "POST"]


def include_routes(app: FastAPI) -> None:
    def add(path: str, endpoint: object, methods: list[str]) -> None:
        app.add_route(path, endpoint, methods=methods, include_in_schema=False)  # type: ignore[arg-type]

    # oauth2/token -> lifeline.api.token_endpoint (all methods: others get the documented 405 body)
    add(token_endpoint.TOKEN_PATH, token_endpoint.token_endpoint, ["GET", "POST", "PUT", "PATCH", "DELETE"])
    # api/command(.ns), api/command.xsd -> lifeline.api.command_endpoint (GET and POST through the
    # direct lane, ahead of the browser middleware: lifeline.api.direct_lane)
    for path in ENDPOINT_PATHS["/api/command"]:
        add(path, command_endpoint.command_endpoint, GET_POST)
    direct = dict.fromkeys(ENDPOINT_PATHS["/api/command"], command_endpoint.command_endpoint)
    app.add_middleware(DirectLane, routes=direct, methods=GET_POST)
    add("/api/command.xsd", command_endpoint.command_xsd_endpoint, ["GET"])
    # api/start_session(.ns), api/start_session.js -> lifeline.api.start_session
    for path in ENDPOINT_PATHS["/api/start_session"]:
        add(path, start_session.start_session_endpoint, GET_POST)
    add("/api/start_session.js", start_session.start_session_js, ["GET"])
    # api/client_script(.ns) -> lifeline.api.client_script
    for path in ENDPOINT_PATHS["/api/client_script"]:
        add(path, client_script.client_script_endpoint, GET_POST)
    # api/config/v1/openapi.yaml, check_health -> lifeline.api.config_endpoint
    add(config_endpoint.OPENAPI_PATH, config_endpoint.openapi_yaml_endpoint, ["GET"])
    add("/check_health", config_endpoint.check_health_probe, ["GET"])
    # nw -> lifeline.api.realtime_endpoint
    hub = RealtimeHub()
    app.state.realtime_hub = hub
    app.router.add_websocket_route(REALTIME_PATH, realtime_endpoint)
    heartbeat = NodeHeartbeat()
    app.state.startup_hooks.extend([heartbeat.start, hub.start])
    app.state.shutdown_hooks.extend([heartbeat.stop, hub.stop])
