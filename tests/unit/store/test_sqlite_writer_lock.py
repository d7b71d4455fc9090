"""The writer lock of the processes sharing a SQLite file: one holder at a time, the next woken on release."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lifeline.store.engine import Database
from lifeline.store.sqlite_writer_lock import FileWriterLock, lock_path_of
from tests.unit.store.conftest import Item, _Base


def test_a_file_database_has_a_lock_beside_it_and_memory_ones_none(tmp_path: Path) -> None:
    assert lock_path_of(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}") == f"{tmp_path / 'a.db'}-writer.lock"
    assert lock_path_of("sqlite+aiosqlite:///:memory:") is None
    assert lock_path_of("sqlite+aiosqlite://") is None


def test_a_second_holder_waits_until_the_first_releases(tmp_path: Path) -> None:
    # Two descriptors of one file conflict like two processes: flock locks belong to the open file.
    first, second = FileWriterLock(str(tmp_path / "w.lock")), FileWriterLock(str(tmp_path / "w.lock"))
    order: list[str] = []
    second_waiting = threading.Event()

    def take_second() -> None:
        second_waiting.set()
        with second.hold():
            order.append("second")

    try:
        with first.hold():
            thread = threading.Thread(target=take_second)
            thread.start()
            second_waiting.wait(5)
            thread.join(0.2)
            assert thread.is_alive()  # still waiting for the lock
            order.append("first released")
        thread.join(5)
        assert order == ["first released", "second"]
    finally:
        first.close()
        second.close()


@pytest.mark.asyncio(loop_scope="session")
async def test_units_of_two_databases_on_one_file_all_commit(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    one, two = Database(url), Database(url)  # as two server processes would: each its own lock descriptor
    async with one.engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)

    def adding(name: str) -> object:
        def unit(s: Session) -> None:
            s.add(Item(name=name))
        return unit

    try:
        await asyncio.gather(*(db.run_unit(adding(f"{i}-{n}"))  # type: ignore[arg-type]
                               for n in range(20) for i, db in enumerate((one, two))))
        async with one.session() as s:
            assert len((await s.scalars(select(Item.name))).all()) == 40
    finally:
        await one.dispose()
        await two.dispose()
