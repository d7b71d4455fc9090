"""One writer at a time across the server processes sharing a SQLite file, woken at once, not by polling.

SQLite lets one connection write at a time. Inside one process `Database.writer_turn` queues writers;
between processes (`lifeline serve --workers N`) a writer that finds the file locked waits in SQLite's
busy handler, which sleeps 1, 2, 5, 10 … 100 ms between retries whatever the other writer's
transaction takes (a batch of keys: ~2–10 ms). With two workers `generate_session_key` ran at 389
req/s with a p99 of 122 ms (bench/api.py --workers 2, docs/performance.md). A batch of units therefore
first takes an exclusive `flock` on a file beside the database: the kernel wakes the next waiter the
moment the holder releases it, so writers of several processes take turns without sleeping.

Only the batched units (`store/units.py`) take it; other writers still meet them in the busy handler,
which stays the safety net (and what other programs opening the file, such as the CLI, use).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy.engine import make_url

#: Appended to the database file's path: the lock file lives beside the database, where its WAL lives.
LOCK_FILE_SUFFIX = "-writer.lock"

#: Holds the lock around one write transaction, on the database thread that runs it.
WriterLock = Callable[[], AbstractContextManager[None]]


def lock_path_of(database_url: str) -> str | None:
    """The lock file of a SQLite file database; None for in-memory and URI-named ones (nothing to share)."""
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database) + LOCK_FILE_SUFFIX


def writer_lock_for(database_url: str) -> FileWriterLock | None:
    """The lock of the database's processes; None when there is no file to share (nothing to hold)."""
    path = lock_path_of(database_url)
    return FileWriterLock(path) if path is not None else None


class FileWriterLock:
    """An exclusive `flock` on one file; opened lazily, once per process, and kept open.

    `hold` blocks the calling thread (a database thread, never the event loop). Inside one process the
    units already run one batch at a time (the writer turn), so the one descriptor is never held twice.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    def _descriptor(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return self._fd

    @contextmanager
    def hold(self) -> Iterator[None]:
        fd = self._descriptor()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
