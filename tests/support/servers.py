"""Start and stop real Lifeline server processes for integration and end-to-end tests.

Each server is `python -m lifeline serve` on a free loopback port with its own
database (a fresh SQLite file or a fresh PostgreSQL database) and is killed at
teardown, whatever the test did.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
NATS_URL = "nats://127.0.0.1:4222"
SERVER_START_TIMEOUT_S = 30.0
PORT_ATTEMPTS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database nobody else uses; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'lifeline.db'}"
        return
    name = f"ll_test_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN_URL, "-q", "-c", sql], check=True, capture_output=True)


@dataclass
class ServerProcess:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path
    extra: dict[str, str] = field(default_factory=dict)

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=20.0, **kwargs)  # type: ignore[arg-type]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `lifeline …` against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "lifeline", *args], env=self.env, text=True, capture_output=True,
            check=check, timeout=120,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def kill(self) -> None:
        """Die as a crash would: no shutdown hooks run."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def base_env(database_url: str, var_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIFELINE_")}
    env.update(
        LIFELINE_DATABASE_URL=database_url,
        LIFELINE_VAR_DIR=str(var_dir),
        # One NATS namespace per test cluster: concurrent clusters never hear each other.
        LIFELINE_BUS_PREFIX=f"lltest{uuid.uuid4().hex[:10]}",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "lifeline", "db", "upgrade"], env=env, check=True,
                   capture_output=True, timeout=120)


@contextmanager
def running_server(backend: str, tmp_path: Path, **env_overrides: str) -> Iterator[ServerProcess]:
    """A fresh database, migrated, and one server on it with extra environment; for module-scoped fixtures."""
    with fresh_database(backend, tmp_path) as database_url:
        env = base_env(database_url, tmp_path / "var", **env_overrides)
        migrate(env)
        proc = start_server(env, tmp_path / "server.log")
        try:
            yield proc
        finally:
            proc.stop()


def start_server(env: dict[str, str], log_path: Path, port: int | None = None,
                 args: tuple[str, ...] = ()) -> ServerProcess:
    """`lifeline serve *args` on a free port (or `port`), answering `/healthz`.

    Tests run in parallel workers, so a port found free may be taken before the server
    binds it: such a start is retried on another port (never when the caller chose one).
    """
    for _attempt in range(PORT_ATTEMPTS if port is None else 1):
        server = _start_once(env, log_path, port or free_port(), args)
        if server is not None:
            return server
    raise RuntimeError(f"server could not bind a port after {PORT_ATTEMPTS} attempts:\n{log_path.read_text()}")


def _start_once(env: dict[str, str], log_path: Path, port: int, args: tuple[str, ...]) -> ServerProcess | None:
    env = {**env, "LIFELINE_PORT": str(port), "LIFELINE_HOST": "127.0.0.1"}
    log_file = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "lifeline", "serve", *args], env=env, stdout=log_file, stderr=subprocess.STDOUT
    )
    server = ServerProcess(url=f"http://127.0.0.1:{port}", env=env, process=process, log_path=log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if "address already in use" in server.log().lower():
                return None
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            health = httpx.get(f"{server.url}/healthz", timeout=1.0)
            # Another worker's server on a reused port answers too: only our own pid counts
            # (with --workers the answering pid is a child of ours).
            if health.status_code == 200 and _is_ours(health.json().get("pid"), process.pid):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not answer /healthz within {SERVER_START_TIMEOUT_S}s:\n{server.log()}")


def _is_ours(pid: object, parent_pid: int) -> bool:
    if pid == parent_pid:
        return True
    try:
        return isinstance(pid, int) and psutil.Process(pid).ppid() == parent_pid
    except psutil.Error:
        return False
