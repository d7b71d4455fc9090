"""Parsing the technician bulk-import file (CSV or JSON) into checked rows.

Spec part1 §7 (seed L573-628). The seed fixes only the rules, not the schema
(gap §32.9); our schema is the ten columns of :data:`IMPORT_COLUMNS`, in that
order:

    Name, Nickname, Email, SSO ID, Description, Password, Enabled,
    Standard License, Mobile License, Tech Group ID

File-level rules (any breach rejects the whole file with :class:`InvalidInput`):

- CSV: the first row holds all ten headers in this order (compared
  case-insensitively, surrounding spaces ignored). The delimiter is a comma or
  a semicolon — spreadsheet programs pick one from the regional settings — and
  is detected from the header row. UTF-8 (with or without BOM) is expected;
  Windows-1252 is accepted as the fallback spreadsheet encoding.
- JSON: ``{"technicians": [ {...}, ... ]}`` or a bare list; each object uses
  the snake_case keys of :data:`JSON_KEYS` with native types (``true``, ``12``)
  or the CSV spellings ("yes", "12"); optional keys may be left out.
- At most :data:`MAX_IMPORT_ROWS` technicians; at least one.

Row-level problems do not fail the file: each :class:`ImportRow` carries its own
``error`` so the Import Summary can list successes and failures. Required per
row: Name, Email, Password, Enabled, Standard License, Mobile License; Tech
Group ID too, unless the administrator picked a group for the whole import, in
which case the file's Tech Group IDs are ignored. Password *strength* and
whether the group and email already exist are checked later by the service,
which has the policy and the database. Emails are compared case-insensitively
(a second row with the same email fails) and stored lower-cased.

``row_number`` counts technicians, not file lines: the first technician is row 1
in both formats.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from lifeline.errors import InvalidInput

MAX_IMPORT_ROWS = 500  # §7: "maximum 500 users per file"
# 500 rows of generous width fit easily; anything bigger is not an import file.
MAX_IMPORT_BYTES = 2 * 1024 * 1024
NAME_MAX = 128
EMAIL_MAX = 254
SSO_ID_MAX = 128
DESCRIPTION_MAX = 1024
PASSWORD_MAX = 256  # matches password_policy.MAX_PASSWORD_LENGTH

IMPORT_COLUMNS: tuple[str, ...] = (
    "Name",
    "Nickname",
    "Email",
    "SSO ID",
    "Description",
    "Password",
    "Enabled",
    "Standard License",
    "Mobile License",
    "Tech Group ID",
)
JSON_KEYS: tuple[str, ...] = (
    "name",
    "nickname",
    "email",
    "sso_id",
    "description",
    "password",
    "enabled",
    "standard_license",
    "mobile_license",
    "tech_group_id",
)
_LABEL_OF = dict(zip(JSON_KEYS, IMPORT_COLUMNS, strict=True))
_REQUIRED = ("name", "email", "password", "enabled", "standard_license", "mobile_license")
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})
_DELIMITERS = (",", ";")
_EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


class ImportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class ImportRow:
    """One technician from the file, parsed as far as possible, with ``error`` if it cannot be imported."""

    row_number: int
    name: str = ""
    nickname: str = ""
    email: str = ""
    sso_id: str = ""
    description: str = ""
    password: str = field(default="", repr=False)
    enabled: bool | None = None
    standard_license: bool | None = None
    mobile_license: bool | None = None
    tech_group_id: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


EXAMPLE_CSV = (
    ",".join(IMPORT_COLUMNS)
    + "\r\n"
    + "Ada Lovelace,Ada,ada@example.com,,Tier 2 support,Sample1%,yes,yes,no,12\r\n"
    + 'Alan Turing,Alan,alan@example.com,aturing,"Night shift, Tier 1",Turing7#x,yes,yes,yes,12\r\n'
)
EXAMPLE_JSON = json.dumps(
    {
        "technicians": [
            {
                "name": "Ada Lovelace",
                "nickname": "Ada",
                "email": "ada@example.com",
                "sso_id": "",
                "description": "Tier 2 support",
                "password": "Sample1%",
                "enabled": True,
                "standard_license": True,
                "mobile_license": False,
                "tech_group_id": 12,
            },
            {
                "name": "Alan Turing",
                "nickname": "Alan",
                "email": "alan@example.com",
                "sso_id": "aturing",
                "description": "Night shift, Tier 1",
                "password": "Turing7#x",
                "enabled": True,
                "standard_license": True,
                "mobile_license": True,
                "tech_group_id": 12,
            },
        ]
    },
    indent=2,
)


class _RowError(Exception):
    """Internal: stops parsing one row; becomes ``ImportRow.error``."""


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_IMPORT_BYTES:
            raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB.", field="file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise InvalidInput("The file is neither UTF-8 nor Windows-1252 text.", field="file") from None
    if len(text) > MAX_IMPORT_BYTES:
        raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB.", field="file")
    return text.removeprefix("\ufeff")


def _text(raw: object, key: str, max_length: int) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise _RowError(f"{_LABEL_OF[key]} must be text.")
    value = raw.strip()
    if len(value) > max_length:
        raise _RowError(f"{_LABEL_OF[key]} is longer than {max_length} characters.")
    return value


def _bool(raw: object, key: str) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    word = str(raw).strip().lower() if isinstance(raw, str | int) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _RowError(f"{_LABEL_OF[key]} must be yes/no, true/false or 1/0.")


def _group_id(raw: object) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise _RowError("Tech Group ID must be a positive whole number.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        raise _RowError("Tech Group ID must be a positive whole number.")
    if value <= 0:
        raise _RowError("Tech Group ID must be a positive whole number.")
    return value


def _parse_record(row_number: int, record: Mapping[str, object], global_group_id: int | None) -> ImportRow:
    """Build one row; on the first problem, keep what was parsed and record the error."""
    parsed: dict[str, Any] = {}
    try:
        parsed["name"] = _text(record.get("name"), "name", NAME_MAX)
        parsed["nickname"] = _text(record.get("nickname"), "nickname", NAME_MAX)
        parsed["email"] = _text(record.get("email"), "email", EMAIL_MAX).lower()
        parsed["sso_id"] = _text(record.get("sso_id"), "sso_id", SSO_ID_MAX)
        parsed["description"] = _text(record.get("description"), "description", DESCRIPTION_MAX)
        password = record.get("password")
        if password is not None and not isinstance(password, str):
            raise _RowError("Password must be text.")
        parsed["password"] = password or ""  # never stripped: spaces may be part of it
        if len(parsed["password"]) > PASSWORD_MAX:
            raise _RowError(f"Password is longer than {PASSWORD_MAX} characters.")
        for key in ("enabled", "standard_license", "mobile_license"):
            parsed[key] = _bool(record.get(key), key)
        if global_group_id is not None:
            parsed["tech_group_id"] = global_group_id  # the file's value is ignored (§7)
        else:
            parsed["tech_group_id"] = _group_id(record.get("tech_group_id"))
        missing = [_LABEL_OF[k] for k in _REQUIRED if parsed[k] in ("", None)]
        if global_group_id is None and parsed["tech_group_id"] is None:
            missing.append("Tech Group ID (or choose a technician group for the whole import)")
        if missing:
            raise _RowError(f"Missing {', '.join(missing)}.")
        if not _EMAIL_RE.match(parsed["email"]):
            raise _RowError(f"{parsed['email']!r} is not a valid email address.")
    except _RowError as problem:
        return ImportRow(row_number=row_number, **parsed, error=str(problem))
    return ImportRow(row_number=row_number, **parsed)


def _mark_duplicate_emails(rows: list[ImportRow]) -> list[ImportRow]:
    first_row: dict[str, int] = {}
    result = []
    for row in rows:
        if row.ok and row.email in first_row:
            row = replace(row, error=f"Email {row.email} is already used on row {first_row[row.email]}.")
        elif row.ok:
            first_row[row.email] = row.row_number
        result.append(row)
    return result


def _check_count(count: int) -> None:
    if count == 0:
        raise InvalidInput("The file contains no technicians.", field="file")
    if count > MAX_IMPORT_ROWS:
        raise InvalidInput(
            f"The file lists {count} technicians; at most {MAX_IMPORT_ROWS} can be imported at once. "
            "Split it into several files.",
            field="file",
        )


def _normalise_header(cells: Sequence[str]) -> list[str]:
    return [c.strip().lower() for c in cells]


def detect_delimiter(header_line: str) -> str:
    """The delimiter (comma or semicolon) that splits ``header_line`` into our ten headers."""
    expected = _normalise_header(IMPORT_COLUMNS)
    for delimiter in _DELIMITERS:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        if _normalise_header(cells) == expected:
            return delimiter
    raise InvalidInput(
        "The first row must hold these column headers, in this order, separated by commas or semicolons: "
        + ", ".join(IMPORT_COLUMNS)
        + ".",
        field="file",
    )


def parse_csv(data: bytes | str, *, global_group_id: int | None = None) -> list[ImportRow]:
    """Parse a CSV import file; see the module docstring for the rules."""
    text = _decode(data)
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise InvalidInput("The file is empty.", field="file")
    delimiter = detect_delimiter(lines[header_index])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = [r for r in reader if any(cell.strip() for cell in r)]
    except csv.Error as exc:
        raise InvalidInput(f"The CSV file is malformed: {exc}.", field="file") from exc
    body = records[1:]
    _check_count(len(body))
    rows: list[ImportRow] = []
    for number, cells in enumerate(body, start=1):
        if len(cells) != len(IMPORT_COLUMNS):
            rows.append(
                ImportRow(number, error=f"Expected {len(IMPORT_COLUMNS)} columns, found {len(cells)}.")
            )
            continue
        rows.append(_parse_record(number, dict(zip(JSON_KEYS, cells, strict=True)), global_group_id))
    return _mark_duplicate_emails(rows)


def parse_json(data: bytes | str, *, global_group_id: int | None = None) -> list[ImportRow]:
    """Parse a JSON import file; see the module docstring for the rules."""
    text = _decode(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"The file is not valid JSON: {exc.msg} (line {exc.lineno}).", field="file"
        ) from exc
    if isinstance(document, Mapping):
        if set(document) != {"technicians"}:
            raise InvalidInput('A JSON import file must be {"technicians": [...]} or a list.', field="file")
        document = document["technicians"]
    if not isinstance(document, list):
        raise InvalidInput("The technicians must be a JSON list of objects.", field="file")
    _check_count(len(document))
    rows: list[ImportRow] = []
    for number, item in enumerate(document, start=1):
        if not isinstance(item, Mapping):
            rows.append(ImportRow(number, error="Each technician must be a JSON object."))
            continue
        unknown = set(item) - set(JSON_KEYS)
        if unknown:
            rows.append(ImportRow(number, error=f"Unknown field(s): {', '.join(sorted(map(str, unknown)))}."))
            continue
        rows.append(_parse_record(number, item, global_group_id))
    return _mark_duplicate_emails(rows)


def parse_import(
    data: bytes | str, file_format: ImportFormat | str, *, global_group_id: int | None = None
) -> list[ImportRow]:
    """Parse an import file of ``file_format`` ("csv" or "json")."""
    try:
        parsed_format = ImportFormat(file_format)
    except ValueError:
        raise InvalidInput("Import files must be CSV or JSON.", field="file_format") from None
    if global_group_id is not None and (isinstance(global_group_id, bool) or global_group_id <= 0):
        raise InvalidInput("The chosen technician group id must be positive.", field="tech_group_id")
    if parsed_format == ImportFormat.CSV:
        return parse_csv(data, global_group_id=global_group_id)
    return parse_json(data, global_group_id=global_group_id)


def format_of_filename(filename: str) -> ImportFormat:
    """Pick the format from an uploaded file's name (``.csv`` or ``.json``)."""
    lowered = filename.lower()
    for candidate in ImportFormat:
        if lowered.endswith(f".{candidate.value}"):
            return candidate
    raise InvalidInput("Upload a .csv or .json file.", field="file")
