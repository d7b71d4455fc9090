"""`insert_if_missing`: one statement that says whether it inserted."""

from __future__ import annotations

from sqlalchemy import select

from lifeline.store.engine import Database
from lifeline.store.upsert import insert_if_missing
from tests.unit.store.conftest import Item


async def test_it_inserts_once_and_reports_the_skipped_duplicate(db: Database) -> None:
    async with db.session() as s:
        assert await insert_if_missing(s, Item, "name", {"name": "key"}) is True
        assert await insert_if_missing(s, Item, "name", {"name": "key"}) is False
        assert await insert_if_missing(s, Item, "name", {"name": "other"}) is True
        await s.commit()
    async with db.session() as s:
        assert sorted(await s.scalars(select(Item.name))) == ["key", "other"]
