"""Fixtures several end-to-end modules share: one browser page, per-actor browser contexts, a clock server.

They live here rather than in the module that first needed them, so no test
module imports fixtures from another (which shadows names, ruff F811, and
runs that module's import-time skips in the importer). A module that needs
a different ``page`` (another viewport, another server) still defines its
own, which takes precedence over this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import Actors
from tests.support.servers import ServerProcess, base_env, fresh_database, migrate, start_server

#: The Administration Center is laid out for a laptop screen.
VIEWPORT = {"width": 1440, "height": 900}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """One page in a fresh browser context (no cookies), closed after the test."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def clock_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A SQLite server whose clock a test moves forward by writing seconds to `extra["clock_file"]`."""
    clock_file = tmp_path / "clock-offset"
    clock_file.write_text("0")
    with fresh_database("sqlite", tmp_path) as database_url:
        env = base_env(database_url, tmp_path / "var", LIFELINE_ENV="test", LIFELINE_TEST_CLOCK_FILE=str(clock_file))
        migrate(env)
        proc = start_server(env, tmp_path / "server.log")
        proc.extra["clock_file"] = str(clock_file)
        try:
            yield proc
        finally:
            proc.stop()


@pytest.fixture
def actors(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Actors]:
    """Browser contexts against the test's server (`clock_server` if it asks for one, else `sqlite_server`)."""
    name = "clock_server" if "clock_server" in request.fixturenames else "sqlite_server"
    opened = Actors(browser, request.getfixturevalue(name))
    try:
        yield opened
    finally:
        opened.close()
    assert not opened.errors, opened.errors
