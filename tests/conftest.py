"""Fixtures shared by the whole suite: real servers on SQLite and PostgreSQL, browsers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import ServerProcess, running_server

ARTIFACTS_DIR = Path(__file__).parent.parent / "test-artifacts"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(backend: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A migrated, seeded (master administrator only) server on the parametrised backend."""
    with running_server(backend, tmp_path) as proc:
        yield proc


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with running_server("sqlite", tmp_path) as proc:
        yield proc


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture
def browser() -> Iterator[object]:
    from tests.support.browser import chromium

    with chromium() as instance:
        yield instance
