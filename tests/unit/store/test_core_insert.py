"""`insert_object`: a Core INSERT whose object ends up as if the ORM had inserted it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lifeline.store.core_insert import insert_object
from lifeline.store.engine import Database
from tests.unit.store.conftest import Item, VersionedItem


async def test_the_object_gets_its_key_and_defaults_and_is_persistent_and_clean(db: Database) -> None:
    async with db.session() as s:
        first, second = VersionedItem(name="a"), VersionedItem(name="b", note="set")
        await insert_object(s, first)
        await insert_object(s, second)
        assert (first.id, first.note, first.tags, first.version) == (1, "", {}, 1)
        assert (second.id, second.note) == (2, "set")
        assert first in s and not s.dirty and not s.new
        await s.commit()
    async with db.session() as s:
        rows = (await s.execute(select(VersionedItem.name, VersionedItem.note, VersionedItem.tags))).all()
        assert [tuple(r) for r in rows] == [("a", "", {}), ("b", "set", {})]


async def test_a_later_change_flushes_as_a_versioned_update(db: Database) -> None:
    async with db.session() as s:
        item = VersionedItem(name="a")
        await insert_object(s, item)
        item.note = "changed"
        await s.commit()
        assert item.version == 2
    async with db.session() as s:
        stored = await s.scalar(select(VersionedItem))
        assert stored is not None and (stored.note, stored.version) == ("changed", 2)


async def test_a_concurrent_change_is_still_detected(db: Database) -> None:
    async with db.session() as s:
        item = VersionedItem(name="a")
        await insert_object(s, item)
        await s.commit()
        async with db.session() as other:
            theirs = await other.scalar(select(VersionedItem))
            assert theirs is not None
            theirs.note = "theirs"
            await other.commit()
        item.note = "mine"
        with pytest.raises(StaleDataError):
            await s.commit()


async def test_pending_objects_go_first_and_a_clash_is_the_databases_error(db: Database) -> None:
    async with db.session() as s:
        s.add(Item(name="pending"))
        await insert_object(s, VersionedItem(name="after"))
        assert await s.scalar(select(Item.id)) == 1
        with pytest.raises(IntegrityError):
            await insert_object(s, VersionedItem(name="after"))
