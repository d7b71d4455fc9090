"""Route order in `create_app`: the integration APIs are tried first, and that shadows nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI

from lifeline.api import routes as api_routes
from lifeline.web import app as app_module
from lifeline.web.app import create_app


def _paths(app: FastAPI) -> list[str]:
    return [path for route in app.routes if (path := getattr(route, "path", None)) is not None]


def _paths_with(monkeypatch: pytest.MonkeyPatch, routers: list[Callable[[FastAPI], None]]) -> list[str]:
    with monkeypatch.context() as patch:
        patch.setattr(app_module, "ROUTERS", routers)
        return _paths(create_app())


def test_a_command_api_call_is_tried_only_against_the_apis_and_the_frameworks_own_routes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework = set(_paths_with(monkeypatch, []))  # FastAPI's docs routes and the /static mount
    api = set(_paths_with(monkeypatch, [api_routes.include_routes])) - framework
    paths = _paths(create_app())
    assert "/api/command" in api
    assert set(paths[: paths.index("/api/command")]) <= framework | api


def test_api_paths_are_fixed_and_no_other_route_has_one_so_the_order_changes_no_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework = _paths_with(monkeypatch, [])
    api = [path for path in _paths_with(monkeypatch, [api_routes.include_routes]) if path not in framework]
    assert api and not any("{" in path for path in api)
    others = _paths(create_app())
    for path in framework + api:
        others.remove(path)
    assert not set(api) & set(others)
