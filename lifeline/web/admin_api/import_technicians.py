"""POST /api/admin/import: bulk technician import from an uploaded CSV or JSON file (§7)."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, UploadFile

from lifeline.domain.csv_import import MAX_IMPORT_BYTES, format_of_filename
from lifeline.errors import InvalidInput
from lifeline.services.org.import_technicians import do_import_technicians
from lifeline.web.admin_api.common import ImportTab, Out, acting
from lifeline.web.deps import DbDep, ServicesDep


class ImportRowOut(Out):
    row_number: int
    email: str
    ok: bool
    error: str | None
    user_id: int | None


class ImportSummaryOut(Out):
    succeeded: int
    failed: int
    rows: list[ImportRowOut]


async def import_technicians(
    signed: ImportTab,
    db: DbDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="A .csv or .json file; see docs/organization.md.")],
    tech_group_id: Annotated[
        int | None, Form(ge=1, description="Put every row in this group (file ids ignored).")
    ] = None,
) -> ImportSummaryOut:
    file_format = format_of_filename(file.filename or "")
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB.", field="file")
    results = await do_import_technicians(
        db,
        services.bus,
        data=data,
        file_format=file_format,
        global_group_id=tech_group_id,
        **acting(signed),
        now=services.now(),
    )
    rows = [ImportRowOut.model_validate(r) for r in results]
    ok = sum(1 for r in results if r.ok)
    return ImportSummaryOut(succeeded=ok, failed=len(results) - ok, rows=rows)
