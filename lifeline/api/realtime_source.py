"""The real-time hub's copy of the live model, brought up to date by re-reading only what changed.

Reading every open session after every event made each `/nw` flush cost
O(open sessions) in queries, ORM loads and row encoding: with 500 open
sessions one flush took ~80–230 ms on the loaded 2-core development machine,
which was the delivery floor measured by `bench/api.py` (docs/performance.md).

Now an event names what it touched and the next read follows suit:

- `session.<lsid>` (any session event) and `api.session.<lsid>` (API attributes):
  that session alone is re-read; its rows replace the old ones, or vanish if it closed.
- `technician.…` and `presence…`: nothing to note; the people part (signed-in
  technicians, groups: a few rows) is re-read on every flush anyway, which also
  catches presence changes that publish nothing (time-outs).
- anything else (`org`, `api.accounts`, unknown subjects): the next read is full.

Untouched sessions keep the very same row objects from one snapshot to the
next, so `TableDiffer` skips them by identity instead of encoding them. A full
read still happens every `FULL_REFRESH_S` as a safety net for a lost bus
message (the in-process bus drops for a full subscriber queue, NATS likewise).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.api.realtime_model import SessionRows, assemble, people_tables, session_rows
from lifeline.api.realtime_protocol import Snapshot
from lifeline.services.integration.live_state import LiveCatalog, load_catalog, load_people, load_sessions

#: Re-read every open session this often even when events said what changed (lost-message safety net).
FULL_REFRESH_S = 60.0
SESSION_SUBJECT_PREFIXES = ("session.", "api.session.")
PEOPLE_SUBJECT_PREFIXES = ("technician.", "presence")


def touched_lsid(subject: str) -> str | None:
    for prefix in SESSION_SUBJECT_PREFIXES:
        if subject.startswith(prefix):
            return subject[len(prefix):]
    return None


@dataclass
class ModelSource:
    """Owned by one `RealtimeHub`; `note` is called per bus event, `read` per flush (never concurrently)."""

    site_name: str
    full_refresh_s: float = FULL_REFRESH_S
    catalog: LiveCatalog | None = None
    rows: dict[int, SessionRows] = field(default_factory=dict)  # session id → its rows
    ids: dict[str, int] = field(default_factory=dict)  # lsid → session id, of the sessions in `rows`
    touched: set[str] = field(default_factory=set)
    full: bool = True
    last_full: float = 0.0

    def note(self, subject: str) -> None:
        lsid = touched_lsid(subject)
        if lsid is not None:
            self.touched.add(lsid)
        elif not subject.startswith(PEOPLE_SUBJECT_PREFIXES):
            self.full = True

    async def read(self, db: AsyncSession) -> Snapshot:
        """A new snapshot; events noted while this runs are kept for the next read."""
        full = self.full or self.catalog is None or time.monotonic() - self.last_full >= self.full_refresh_s
        touched, self.touched = self.touched, set()
        self.full = False
        try:
            return await self._read(db, full, touched)
        except BaseException:
            self.full = True  # what `touched` named is lost with this read: start over next time
            raise

    async def _read(self, db: AsyncSession, full: bool, touched: set[str]) -> Snapshot:
        if full:
            self.last_full = time.monotonic()
            self.catalog = await load_catalog(db)
            self.rows = session_rows(await load_sessions(db), self.catalog, site_name=self.site_name)
            self.ids = {rows_lsid(rows): sid for sid, rows in self.rows.items()}
        elif touched:
            assert self.catalog is not None
            fresh = session_rows(await load_sessions(db, touched), self.catalog, site_name=self.site_name)
            for lsid in touched:
                gone = self.ids.pop(lsid, None)
                if gone is not None:
                    self.rows.pop(gone, None)
            for sid, rows in fresh.items():
                self.rows[sid] = rows
                self.ids[rows_lsid(rows)] = sid
        return assemble(people_tables(await load_people(db)), self.rows)


def rows_lsid(rows: SessionRows) -> str:
    (row,) = rows["support_session"].values()
    return str(row["lsid"])
